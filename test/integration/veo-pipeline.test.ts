/**
 * Veo jobs end to end: the product's API, control worker and the real Veo worker on a real
 * Temporal dev server, with the real @google/genai client talking to a local Vertex AI server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { VEO_NO_RESULTS } from '../../activities/veo.js';
import { makeTestMp4 } from '../../infra/media/poster.js';
import { createVeoWorker } from '../../workers/veo-worker.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { FILTERED_REASONS, OPERATION_ERROR, startVertexServer, type VertexScenario, type VertexServer } from '../support/vertex-server.js';

const API_KEY = 'pipeline-express-key';
const VEO_COST = 40;

/** Markers in a prompt pick what the fake Vertex AI does with the job. */
function scenarioOf(prompt: string): VertexScenario {
  const polls = Number(/\[polls=(\d+)\]/.exec(prompt)?.[1] ?? 1);
  return {
    pollsNeeded: polls,
    ...(prompt.includes('[submit429]') ? { failSubmits: { times: 1, status: 429 } } : {}),
    ...(prompt.includes('[submit500]') ? { failSubmits: { times: 1, status: 500 } } : {}),
    ...(prompt.includes('[poll500]') ? { failPolls: { times: 1, status: 500 } } : {}),
    ...(prompt.includes('[reject]') ? { rejectSubmit: { status: 400, message: 'The prompt could not be submitted. Support code: 58061214.' } } : {}),
    ...(prompt.includes('[invalid]') ? { rejectSubmit: { status: 400, message: 'Image resolution is too low for this model.' } } : {}),
    ...(prompt.includes('[error]') ? { outcome: 'error' as const } : {}),
    ...(prompt.includes('[filtered]') ? { outcome: 'filtered' as const } : {}),
  };
}

let temporal: TemporalFixture;
let vertex: VertexServer;
let video: Buffer;
let pipeline: Pipeline;
let connection: NativeConnection;
let veoWorker: Worker | undefined;
let veoRun: Promise<void> | undefined;

async function startVeoWorker(): Promise<void> {
  veoWorker = await createVeoWorker(pipeline.config, { storage: pipeline.storage, workerConnection: connection });
  veoRun = veoWorker.run();
}
async function stopVeoWorker(): Promise<void> {
  veoWorker?.shutdown();
  await veoRun;
  veoWorker = undefined;
}

before(async () => {
  video = await makeTestMp4();
  [temporal, vertex] = await Promise.all([startTemporalFixture(), startVertexServer({ video, apiKey: API_KEY })]);
  vertex.scenario = scenarioOf;
  const pglite = databaseCases().find((c) => c.name === 'pglite')!;
  pipeline = await startPipeline(temporal, pglite, { VEO_API_KEY: API_KEY, VEO_BASE_URL: vertex.url }, { veoTestEngine: false });
  connection = await NativeConnection.connect({ address: temporal.server.address });
  await startVeoWorker();
});
after(async () => {
  await stopVeoWorker();
  await pipeline?.stop();
  await connection?.close();
  await vertex?.stop();
  await temporal?.stop();
});

describe('veo3.1 jobs through the real Veo worker', () => {
  const clientWith = async (credits: number) => {
    const { apiKey } = await pipeline.newAccount(credits);
    return new ApiClient(pipeline.api.url, apiKey);
  };
  const submissionsOf = (prompt: string) => vertex.submissions.filter((s) => s.body.instances[0]?.prompt === prompt);

  test('a job needing many polls: one submission, timer/poll pairs, a video and a poster', async () => {
    const api = await clientWith(100);
    const prompt = 'Waves at dusk [polls=4].';
    const submitted = await api.generate({ prompt, model: 'veo3.1', seed: '11', person_generation: 'allow_all' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const jobId = String(submitted.body.job_id);
    const done = await api.waitForJob(jobId);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.deepEqual(Buffer.from(await (await fetch(String(done.video_url))).arrayBuffer()), video);
    const poster = Buffer.from(await (await fetch(String(done.poster_url))).arrayBuffer());
    assert.equal(poster.subarray(0, 3).toString('hex'), 'ffd8ff');
    const notes = done.notes as Record<string, unknown>;
    assert.equal(notes.model, 'veo-3.1-generate-001');

    const sent = submissionsOf(prompt);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.body.parameters.seed, 11);
    assert.equal(sent[0]!.body.parameters.personGeneration, 'allow_all');
    assert.equal(vertex.polls.get(sent[0]!.operationName!), 4);
    assert.equal(notes.operation, sent[0]!.operationName);

    // Operators find the operation on the workflow (memo), and the history reads submit, then timer/poll pairs, then finalize (an ordinary activity, so a cancel cannot interrupt it).
    const handle = pipeline.client.workflow.getHandle(jobId);
    assert.equal((await handle.describe()).memo?.veoOperation, sent[0]!.operationName);
    const events = (await handle.fetchHistory()).events ?? [];
    const activities = events.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    assert.deepEqual(activities, ['submitVeoOperation', 'pollVeoOperation', 'pollVeoOperation', 'pollVeoOperation', 'pollVeoOperation', 'finalizeJob']);
    assert.equal(events.filter((e) => e.timerStartedEventAttributes).length, 4);
    assert.equal((await api.usage()).body.credits_remaining, 100 - VEO_COST);
  });

  test('429 at submit, then 500 at a poll: retried with backoff, still one operation', async () => {
    const api = await clientWith(100);
    const prompt = 'Busy hour [submit429] [poll500].';
    const before = vertex.submitAttempts;
    const jobId = String((await api.generate({ prompt, model: 'veo3.1' })).body.job_id);
    const done = await api.waitForJob(jobId, undefined, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(vertex.submitAttempts - before, 2);
    assert.equal(submissionsOf(prompt).length, 1);
  });

  test('500 at submit, then success', async () => {
    const api = await clientWith(100);
    const prompt = 'Hiccup [submit500].';
    const before = vertex.submitAttempts;
    const jobId = String((await api.generate({ prompt, model: 'veo3.1' })).body.job_id);
    assert.equal((await api.waitForJob(jobId, undefined, 60_000)).status, 'COMPLETED');
    assert.equal(vertex.submitAttempts - before, 2);
    assert.equal(submissionsOf(prompt).length, 1);
  });

  test("a 400, an operation error and a safety-filtered result fail the job with Google's words, a code, and refund", async () => {
    const api = await clientWith(100);
    const cases: Array<[string, string, string]> = [
      // Google's wording for a prompt its safety filters refused, though it answers 400.
      ['Nope [reject].', 'Veo rejected the request: The prompt could not be submitted. Support code: 58061214.', 'content_filtered'],
      ['Too small [invalid].', 'Veo rejected the request: Image resolution is too low for this model.', 'invalid_input'],
      ['Broken [error].', `Veo could not make the video: ${OPERATION_ERROR}`, 'engine_error'],
      ['Unsafe [filtered].', `${VEO_NO_RESULTS} ${FILTERED_REASONS.join(' ')}`, 'content_filtered'],
    ];
    for (const [prompt, error, code] of cases) {
      const jobId = String((await api.generate({ prompt, model: 'veo3.1' })).body.job_id);
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED', JSON.stringify(done));
      assert.equal(done.error, error);
      assert.equal(done.code, code, prompt);
      const item = ((await api.history()).body as unknown as Array<Record<string, unknown>>).find((j) => j.id === jobId);
      assert.deepEqual([item?.error, item?.code], [error, code], prompt);
      assert.equal((await api.usage()).body.credits_remaining, 100);
    }
    assert.equal(submissionsOf('Nope [reject].').length, 1, 'a 400 is not retried');
  });

  test('the Veo worker stopped mid-poll and redeployed: the job resumes the same operation', async () => {
    const api = await clientWith(100);
    const prompt = 'Redeploy [polls=5].';
    let stopped: Promise<void> | undefined;
    vertex.onPoll = (name, count) => {
      if (count === 2 && submissionsOf(prompt)[0]?.operationName === name) stopped = stopVeoWorker();
    };
    try {
      const jobId = String((await api.generate({ prompt, model: 'veo3.1' })).body.job_id);
      await waitUntil('the worker to be stopped mid-job', () => stopped !== undefined);
      await stopped;
      const meanwhile = await api.status(jobId);
      assert.equal(meanwhile.body.status, 'PROCESSING');
      await startVeoWorker();
      const done = await api.waitForJob(jobId, undefined, 60_000);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      const sent = submissionsOf(prompt);
      assert.equal(sent.length, 1, 'exactly one submission');
      assert.equal(vertex.polls.get(sent[0]!.operationName!), 5);
    } finally {
      vertex.onPoll = () => {};
    }
  });

  test('unsupported combinations for the configured model are a 400 at submit', async () => {
    const api = await clientWith(100);
    const res = await api.generate({ prompt: 'x', model: 'veo3.1', resolution: '1080p', duration_seconds: '4' });
    assert.equal(res.status, 400);
    assert.match(String(res.body.error), /'resolution' and 'duration_seconds'/);
  });
});
