/**
 * The service as its production processes — `npm run api`, `worker:control`, `worker:veo`,
 * `worker:wan` (tiny model) — on a Temporal dev server and a Postgres cluster of the suite's
 * own, with a local Vertex wire-format server. While jobs of both models are in flight, each
 * fault happens once at a moment drawn from a printed seed (CHAOS_SEED repeats a run). Then
 * every promise is checked (see checks.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectDatabase } from '../../infra/db/connect.js';
import { createAccount } from '../../infra/db/accounts.js';
import { createApiKey } from '../../infra/db/api-keys.js';
import { migrateToLatest } from '../../infra/db/migrate.js';
import { makeTestMp4 } from '../../infra/media/poster.js';
import { findFreePort, waitForPort } from '../../infra/net/free-port.js';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal/dev-server.js';
import { searchAttributes } from '../../workflows/messages.js';
import { startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';
import { Random, seedFrom } from '../support/random.js';
import { SupervisedProcess } from '../support/supervised-process.js';
import { startVertexServer, type VertexServer } from '../support/vertex-server.js';
import { assertPromisesKept, ChaosClient } from './checks.js';
import { runFaults, type Fault } from './faults.js';

const seed = seedFrom(process.env.CHAOS_SEED);
const JOBS_PER_MODEL = Number(process.env.CHAOS_JOBS_PER_MODEL ?? 20);
const ALLOWANCE = 100_000;
const VEO_KEY = 'chaos-express-key';

describe(`chaos: separate processes (seed ${seed}; CHAOS_SEED=${seed} repeats it)`, () => {
  let cluster: PostgresCluster;
  let vertex: VertexServer;
  let temporal: DevServer;
  let temporalPort: number;
  let temporalDb: string;
  let dataDir: string;
  const processes: SupervisedProcess[] = [];

  const startTemporal = async () => {
    temporal = await startTemporalDevServer({ port: temporalPort, dbFile: temporalDb, searchAttributes: Object.values(searchAttributes) });
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-chaos-'));
    temporalDb = path.join(dataDir, 'temporal', 'dev.db');
    temporalPort = await findFreePort();
    [cluster, vertex] = await Promise.all([startPostgresCluster(), startVertexServer({ video: await makeTestMp4(), apiKey: VEO_KEY })]);
    // Veo operations take a few polls, so faults find them mid-flight.
    vertex.scenario = () => ({ pollsNeeded: 3 });
    await startTemporal();
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await temporal?.stop();
    await vertex?.stop();
    await cluster?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('every accepted job ends once, charged once, asked of Google once, listed once', async () => {
    const rnd = new Random(seed);
    await cluster.createDatabase('vivid');
    const databaseUrl = cluster.url('vivid');
    const db = connectDatabase(databaseUrl, 4);
    await migrateToLatest(db);
    const account = await createAccount(db, { email: `chaos-${randomBytes(4).toString('hex')}@example.com`, monthlyCredits: ALLOWANCE });
    const { key } = await createApiKey(db, account.id, 'chaos');

    const port = await findFreePort();
    const env: Record<string, string> = {
      VIVID_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      URL_SIGNING_SECRET: randomBytes(32).toString('hex'),
      VEO_API_KEY: VEO_KEY,
      VEO_BASE_URL: vertex.url,
      VEO_POLL_INTERVAL_SECONDS: '1',
      WAN_MODEL: 'tiny',
      WAN_MODEL_DIR: '',
      WAN_DEVICES: 'cpu',
      WAN_SHUTDOWN_GRACE_SECONDS: '5',
      RATE_LIMIT_PER_MINUTE: '0',
      MAX_JOBS_IN_FLIGHT: '0',
      METADATA_SERVER_DETECTION: 'none',
      GCS_BUCKET: '',
      GOOGLE_CLOUD_PROJECT: '',
      GOOGLE_CLOUD_LOCATION: '',
      LOG_LEVEL: 'error',
      // Jobs recorded by an API killed before its 202 are ended within the run.
      ORPHANED_JOB_GRACE_SECONDS: '20',
    };
    const api = new SupervisedProcess('api', 'workers/api-main.ts', env);
    const control = new SupervisedProcess('control', 'workers/control-main.ts', env);
    const veo = new SupervisedProcess('veo', 'workers/veo-main.ts', env);
    const wan = new SupervisedProcess('wan', 'workers/wan-main.ts', env);
    processes.push(api, control, veo, wan);
    for (const p of processes) p.start();
    await waitForPort('127.0.0.1', port, 120_000);

    const client = new ChaosClient(() => `http://127.0.0.1:${port}`, key);
    const killAndWait = async (p: SupervisedProcess) => {
      p.kill();
      await sleep(rnd.int(200, 1500));
    };
    const faults: Fault[] = [
      { name: 'SIGKILL the API', inject: () => killAndWait(api) },
      { name: 'SIGKILL the control worker', inject: () => killAndWait(control) },
      { name: 'SIGKILL the Veo worker', inject: () => killAndWait(veo) },
      { name: 'SIGKILL the Wan worker', inject: () => killAndWait(wan) },
      {
        name: 'SIGKILL a Wan runtime mid-step',
        inject: async () => {
          for (const pid of wan.children()) process.kill(pid, 'SIGKILL');
          await sleep(500);
        },
      },
      {
        name: 'restart the Temporal dev server',
        inject: async () => {
          await temporal.stop();
          await sleep(rnd.int(500, 2000));
          await startTemporal();
        },
      },
      { name: 'restart Postgres', inject: () => cluster.restart(rnd.int(500, 2000)) },
      {
        name: 'SIGKILL everything at once',
        inject: async () => {
          for (const p of processes) p.kill();
          await temporal.stop();
          await startTemporal();
        },
      },
    ];

    // Jobs arrive throughout the faults, not only before them.
    const submissions: Array<Promise<void>> = [];
    const submitter = (async () => {
      for (let i = 0; i < JOBS_PER_MODEL; i++) {
        submissions.push(client.submit('wan2.1', `wan-${i}`), client.submit('veo3.1', `veo-${i}`));
        await sleep(rnd.int(50, 400));
      }
    })();
    const log = await runFaults(rnd, faults, { minGapMs: 1000, maxGapMs: 3000 });
    await submitter;
    await Promise.all(submissions);
    assert.equal(client.accepted.size, 2 * JOBS_PER_MODEL);

    const context = `seed ${seed}; faults: ${log.join('; ')}`;
    let final: Map<string, string>;
    try {
      final = await client.waitForAll(420_000, async (stuck) => {
        const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
        try {
          const lines: string[] = [];
          for (const jobId of stuck.slice(0, 6)) {
            const { raw, status } = await new Client({ connection }).workflow.getHandle(jobId).describe();
            const pending = (raw.pendingActivities ?? []).map((a) => `${a.activityType?.name} state=${a.state} attempt=${a.attempt} last=${a.lastFailure?.message ?? ''}`);
            lines.push(`${jobId} ${client.accepted.get(jobId)?.token}: workflow ${status.name}, pending [${pending.join('; ')}]`);
          }
          return lines.join('\n');
        } finally {
          await connection.close();
        }
      });
    } catch (err) {
      for (const p of processes) process.stderr.write(`--- ${p.name} (restarts ${p.restarts}) ---\n${p.output().slice(-3000)}\n`);
      throw new Error(`${(err as Error).message} (${context})`, { cause: err });
    }
    // Give the orphaned-job sweep its grace period and one pass.
    await sleep(35_000);
    await assertPromisesKept({ db, accountId: account.id, allowance: ALLOWANCE, client, final, veoSubmissions: vertex.submissions, context });
    await db.destroy();
  });
});
