/**
 * The whole Veo job has a deadline from its submission: an operation still running past it
 * fails the job and refunds it, even while Google keeps answering "not done".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { makeTestMp4 } from '../../infra/media/poster.js';
import { createVeoWorker } from '../../workers/veo-worker.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { startVertexServer, type VertexServer } from '../support/vertex-server.js';

const API_KEY = 'deadline-express-key';
const DEADLINE_SECONDS = 4;

let temporal: TemporalFixture;
let vertex: VertexServer;
let pipeline: Pipeline;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;

before(async () => {
  [temporal, vertex] = await Promise.all([startTemporalFixture(), startVertexServer({ video: await makeTestMp4(), apiKey: API_KEY })]);
  // Never done: every poll answers that the operation is still running.
  vertex.scenario = () => ({ pollsNeeded: 1_000_000 });
  const pglite = databaseCases().find((c) => c.name === 'pglite')!;
  pipeline = await startPipeline(temporal, pglite, { VEO_API_KEY: API_KEY, VEO_BASE_URL: vertex.url, VEO_DEADLINE_SECONDS: String(DEADLINE_SECONDS) }, { veoTestEngine: false });
  connection = await NativeConnection.connect({ address: temporal.server.address });
  worker = await createVeoWorker(pipeline.config, { storage: pipeline.storage, workerConnection: connection });
  running = worker.run();
});
after(async () => {
  worker?.shutdown();
  await running;
  await pipeline?.stop();
  await connection?.close();
  await vertex?.stop();
  await temporal?.stop();
});

test('an operation still running at the deadline fails the job and refunds it', async () => {
  const { apiKey } = await pipeline.newAccount(100);
  const api = new ApiClient(pipeline.api.url, apiKey);
  const started = Date.now();
  const jobId = String((await api.generate({ prompt: 'Endless render', model: 'veo3.1' })).body.job_id);
  const done = await api.waitForJob(jobId, undefined, 60_000);
  assert.equal(done.status, 'FAILED', JSON.stringify(done));
  assert.equal(done.error, `Veo did not finish within ${DEADLINE_SECONDS} seconds.`);
  assert.equal(done.code, 'timeout');
  assert.ok(Date.now() - started >= DEADLINE_SECONDS * 1000);
  assert.equal((await api.usage()).body.credits_remaining, 100);
  assert.equal(vertex.submissions.length, 1);
  assert.ok([...vertex.polls.values()][0]! >= 2, 'polled until the deadline');
});
