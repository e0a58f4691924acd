/**
 * `npm start`'s embedded stack (Temporal dev server, PGlite, local disk, all workers in one
 * process tree) killed as a whole — as a power cut or an OOM kill would — several times while
 * jobs of both models are in flight, then started again each time. The same promises hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../infra/db/database.js';
import { findAccountByEmail } from '../../infra/db/accounts.js';
import { makeTestMp4 } from '../../infra/media/poster.js';
import { waitForPort } from '../../infra/net/free-port.js';
import { Random, seedFrom } from '../support/random.js';
import { cleanUpStacks, createAccountWithCli, stackEnv } from '../support/stack-process.js';
import { SupervisedProcess } from '../support/supervised-process.js';
import { startVertexServer, type VertexServer } from '../support/vertex-server.js';
import { assertPromisesKept, ChaosClient } from './checks.js';

const seed = seedFrom(process.env.CHAOS_SEED);
const JOBS_PER_MODEL = Number(process.env.CHAOS_EMBEDDED_JOBS_PER_MODEL ?? 10);
const KILLS = 3;
const ALLOWANCE = 100_000;
const VEO_KEY = 'chaos-express-key';

describe(`chaos: npm start killed as a whole (seed ${seed}; CHAOS_SEED=${seed} repeats it)`, () => {
  let vertex: VertexServer;
  let stack: SupervisedProcess | undefined;

  before(async () => {
    vertex = await startVertexServer({ video: await makeTestMp4(), apiKey: VEO_KEY });
    vertex.scenario = () => ({ pollsNeeded: 3 });
  });
  after(async () => {
    await stack?.stop();
    await vertex?.stop();
    await cleanUpStacks();
  });

  test('every accepted job survives the kills: ended once, charged once, asked of Google once, listed once', async () => {
    const rnd = new Random(seed);
    const env: Record<string, string> = {
      ...(await stackEnv()),
      WAN_MODEL: 'tiny',
      WAN_DEVICES: 'cpu',
      VEO_API_KEY: VEO_KEY,
      VEO_BASE_URL: vertex.url,
      VEO_POLL_INTERVAL_SECONDS: '1',
      METADATA_SERVER_DETECTION: 'none',
      RATE_LIMIT_PER_MINUTE: '0',
      MAX_JOBS_IN_FLIGHT: '0',
      ORPHANED_JOB_GRACE_SECONDS: '20',
      LOG_LEVEL: 'error',
    };
    const email = 'chaos-embedded@example.com';
    const apiKey = await createAccountWithCli(env, email, ALLOWANCE);
    stack = new SupervisedProcess('stack', 'workers/stack.ts', env, 1000);
    stack.start();
    const port = Number(env.PORT);
    await waitForPort('127.0.0.1', port, 180_000);

    const client = new ChaosClient(() => `http://127.0.0.1:${port}`, apiKey);
    const submissions: Array<Promise<void>> = [];
    const submitter = (async () => {
      for (let i = 0; i < JOBS_PER_MODEL; i++) {
        submissions.push(client.submit('wan2.1', `wan-${i}`), client.submit('veo3.1', `veo-${i}`));
        await sleep(rnd.int(100, 600));
      }
    })();
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(rnd.int(2000, 6000));
      kills.push(`kill ${k + 1} after ${client.accepted.size} accepted`);
      stack.kill();
      // The supervisor starts it again; wait until it serves before the next kill.
      await sleep(1500);
      await waitForPort('127.0.0.1', port, 180_000);
    }
    await submitter;
    await Promise.all(submissions);
    assert.equal(client.accepted.size, 2 * JOBS_PER_MODEL);

    const context = `seed ${seed}; ${kills.join('; ')}; stack restarts ${stack.restarts}`;
    let final: Map<string, string>;
    try {
      final = await client.waitForAll(420_000);
    } catch (err) {
      process.stderr.write(`--- stack ---\n${stack.output().slice(-4000)}\n`);
      throw new Error(`${(err as Error).message} (${context})`, { cause: err });
    }
    await sleep(35_000);
    // Through the running stack's embedded Postgres, as the CLI reaches it.
    const database = await openDatabase({ databaseUrl: undefined, databasePoolSize: 2, dataDir: env.VIVID_DATA_DIR! });
    try {
      const account = await findAccountByEmail(database.db, email);
      assert.ok(account);
      await assertPromisesKept({ db: database.db, accountId: account.id, allowance: ALLOWANCE, client, final, veoSubmissions: vertex.submissions, context });
    } finally {
      await database.close();
    }
  });
});
