/**
 * Renders that fail on the real Wan worker and runtime (tiny model, CPU), through the real API,
 * control worker, Temporal dev server and PGlite: running out of GPU memory is final (one
 * attempt), a runtime that dies is tried again, three times at most; either way the job ends
 * FAILED with its credits refunded.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import { startWanWorker, type WanWorker } from '../../workers/wan-worker.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { renderAttempts } from '../support/job-history.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { OUT_OF_MEMORY_CUE, OUT_OF_MEMORY_MESSAGE, pythonWithOutOfMemoryCue } from '../support/wan-runtime-faults.js';

const modelCacheDir = path.join(os.tmpdir(), 'vivid-test-models');
const small = { width: '48', height: '32', length: '9', steps: '4', cfg: '5', seed: '42' };
const CREDITS = 100;

let temporal: TemporalFixture;
let pipeline: Pipeline;
let wan: WanWorker;
let workerConnection: NativeConnection;

before(async () => {
  temporal = await startTemporalFixture();
  const pglite = databaseCases().find((c) => c.name === 'pglite')!;
  pipeline = await startPipeline(temporal, pglite, { WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu' }, { wanTestEngine: false });
  workerConnection = await NativeConnection.connect({ address: temporal.server.address });
  wan = await startWanWorker(
    { ...pipeline.config, wan: { ...pipeline.config.wan, modelCacheDir } },
    { storage: pipeline.storage, workerConnection },
    { stepDelaySeconds: 0.1, python: await pythonWithOutOfMemoryCue() },
  );
});
after(async () => {
  await wan?.shutdown();
  await pipeline?.stop();
  await workerConnection?.close();
  await temporal?.stop();
});

const ledgerFor = async (jobId: string) =>
  (await pipeline.database.db.selectFrom('credit_ledger').select(['kind', 'amount']).where('job_id', '=', jobId).orderBy('id').execute()).map((e) => [e.kind, Number(e.amount)]);

/** The job was charged at submit and refunded once, and the account has all its credits again. */
async function assertRefunded(api: ApiClient, jobId: string): Promise<void> {
  const ledger = await ledgerFor(jobId);
  assert.equal(ledger.length, 2, JSON.stringify(ledger));
  const [reserve, refund] = ledger as [[string, number], [string, number]];
  assert.equal(reserve[0], 'reserve');
  assert.ok(reserve[1] < 0, JSON.stringify(ledger));
  assert.deepEqual(refund, ['refund', -reserve[1]]);
  assert.equal((await api.usage()).body.credits_remaining, CREDITS);
}

describe('Wan renders that fail', () => {
  test('out of GPU memory: the runtime says so, the activity does not retry, the job is FAILED with that message and refunded', async () => {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(CREDITS)).apiKey);
    const jobId = String((await api.generate({ prompt: `Too big for the GPU ${OUT_OF_MEMORY_CUE}`, ...small })).body.job_id);
    const done = await api.waitForJob(jobId, undefined, 60_000);
    assert.equal(done.status, 'FAILED', JSON.stringify(done));
    assert.equal(
      done.error,
      `The GPU ran out of memory rendering 48×32, 9 frames: ${OUT_OF_MEMORY_MESSAGE} Use a smaller size or fewer frames, or a pool with more GPU memory.`,
    );
    assert.deepEqual(await renderAttempts(pipeline.client, jobId), [1]);
    await assertRefunded(api, jobId);

    // The runtime lived through it and renders the next job.
    const next = String((await api.generate({ prompt: 'Small enough', ...small })).body.job_id);
    assert.equal((await api.waitForJob(next, undefined, 60_000)).status, 'COMPLETED');
  });

  test('a runtime that dies in each of three attempts: restarted each time, then the job is FAILED and refunded', async () => {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(CREDITS)).apiKey);
    const slot = wan.runtimes.slots[0]!;
    const restartsBefore = slot.restarts;
    const jobId = String((await api.generate({ prompt: 'Crash every time', ...small, steps: '100' })).body.job_id);
    const killed: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await api.waitForJob(jobId, (b) => (b.attempt === attempt && b.stage === 'rendering' && Number(b.progress) > 0.11) || b.status !== 'PROCESSING', 90_000);
      const runtime = await slot.runtime();
      killed.push(runtime.pid!);
      process.kill(runtime.pid!, 'SIGKILL');
    }
    const done = await api.waitForJob(jobId, undefined, 90_000);
    assert.equal(done.status, 'FAILED', JSON.stringify(done));
    assert.match(String(done.error), new RegExp(`^The Wan runtime \\(pid ${killed[2]}\\) exited \\(SIGKILL\\) during the render\\.`));
    assert.equal(new Set(killed).size, 3, `a fresh runtime each attempt: ${killed.join(', ')}`);
    assert.deepEqual(await renderAttempts(pipeline.client, jobId), [3]);
    await assertRefunded(api, jobId);
    assert.equal(slot.restarts, restartsBefore + 3);
  });
});
