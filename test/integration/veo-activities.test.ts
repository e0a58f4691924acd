/**
 * The Veo activities against a local Vertex AI server, through the real @google/genai client:
 * both ways to authenticate, both ways results come back, and how each failure ends.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import http from 'node:http';
import { createVeoActivities, veoKeys, VEO_NO_RESULTS, VEO_SUBMISSION_UNKNOWN } from '../../activities/veo.js';
import { findFreePort } from '../../infra/net/free-port.js';
import { loadConfig } from '../../infra/config.js';
import { createVeoApi, createVeoClient } from '../../infra/engines/veo/client.js';
import { extractPoster, makeTestMp4 } from '../../infra/media/poster.js';
import { GcsStorage } from '../../infra/storage/gcs-storage.js';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import type { VeoParams, VeoSubmitInput } from '../../workflows/messages.js';
import { veoParams } from '../support/engine-params.js';
import { startGcsEmulator, type GcsEmulator } from '../support/gcs-emulator.js';
import { makePng } from '../support/images.js';
import { FILTERED_REASONS, OPERATION_ERROR, startVertexServer, type VertexServer } from '../support/vertex-server.js';

const API_KEY = 'test-express-key';
const TOKEN = 'test-access-token';
const bucket = 'vivid-veo-test';

/** Credentials supplied in code: what google-auth-library's clients hand the SDK. */
const authClient = { getRequestHeaders: async () => new Headers({ authorization: `Bearer ${TOKEN}` }) };

let video: Buffer;
let vertex: VertexServer;
let emulator: GcsEmulator;
let dataDir: string;
let local: LocalDiskStorage;

before(async () => {
  video = await makeTestMp4();
  emulator = await startGcsEmulator({ bucket });
  vertex = await startVertexServer({ video, apiKey: API_KEY, bearerToken: TOKEN, gcsEndpoint: emulator.endpoint });
  dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-veo-'));
  local = new LocalDiskStorage({ root: dataDir, signer: new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl: 'http://127.0.0.1' }) });
});
after(async () => {
  await vertex?.stop();
  await emulator?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const params = (overrides: Partial<VeoParams> = {}): VeoParams => veoParams({ prompt: 'Waves at dusk', ...overrides });

function expressActivities(storage: ObjectStorage = local, baseUrl = vertex.url) {
  const config = loadConfig({ VEO_API_KEY: API_KEY, VEO_BASE_URL: baseUrl });
  const api = createVeoApi(createVeoClient(config.veo));
  return createVeoActivities({ api, storage, model: config.veo.model, extractPoster: (v) => extractPoster(v) });
}

function adcActivities(storage: ObjectStorage) {
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: 'vivid-test', GOOGLE_CLOUD_LOCATION: 'us-central1', VEO_BASE_URL: vertex.url });
  const api = createVeoApi(createVeoClient(config.veo, { authClient }));
  return createVeoActivities({ api, storage, model: config.veo.model, extractPoster: (v) => extractPoster(v) });
}

async function newJob(storage: ObjectStorage, p: VeoParams, size: [number, number] = [160, 90]): Promise<VeoSubmitInput> {
  const jobId = randomUUID();
  const key = `jobs/${jobId}/input`;
  await storage.put(key, makePng(size[0], size[1]), { contentType: 'image/png' });
  return { jobId, image: { key, contentType: 'image/png', width: size[0], height: size[1] }, params: p };
}

async function readAll(storage: ObjectStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await storage.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function pollUntilDone(activities: ReturnType<typeof expressActivities>, jobId: string, operationName: string) {
  for (let i = 0; i < 20; i++) {
    const r = await activities.pollVeoOperation({ jobId, operationName });
    if (r.done) return r.output;
  }
  throw new Error('never done');
}

function assertFailure(err: unknown, expected: { nonRetryable: boolean; message: RegExp | string }): true {
  assert.ok(err instanceof ApplicationFailure, `not an ApplicationFailure: ${String(err)}`);
  assert.equal(err.nonRetryable, expected.nonRetryable, err.message);
  if (typeof expected.message === 'string') assert.equal(err.message, expected.message);
  else assert.match(err.message, expected.message);
  return true;
}

describe('Veo activities through @google/genai and a local Vertex AI server', () => {
  test('express mode (API key), inline bytes: video and JPEG poster land in local storage', async () => {
    vertex.scenario = () => ({ pollsNeeded: 3 });
    const activities = expressActivities();
    const job = await newJob(local, params({ seed: 7, negativePrompt: 'blur', generateAudio: true, enhancePrompt: true, personGeneration: 'deny' }));
    const { operationName } = await activities.submitVeoOperation(job);
    const sent = vertex.submissions.at(-1)!;
    assert.equal(sent.operationName, operationName);
    assert.equal(sent.headers['x-goog-api-key'], API_KEY);
    assert.equal(sent.headers.authorization, undefined);
    assert.match(sent.path, /^\/v1beta1\/publishers\/google\/models\/veo-3\.1-generate-001:predictLongRunning$/);
    assert.deepEqual(sent.body.parameters, {
      sampleCount: 1, durationSeconds: 4, aspectRatio: '16:9', resolution: '720p', personGeneration: 'dont_allow',
      generateAudio: true, enhancePrompt: true, negativePrompt: 'blur', seed: 7,
    });
    assert.deepEqual(sent.body.instances[0]!.image, { bytesBase64Encoded: (await readAll(local, job.image.key)).toString('base64'), mimeType: 'image/png' });

    assert.deepEqual(await activities.pollVeoOperation({ jobId: job.jobId, operationName }), { done: false });
    const output = await pollUntilDone(activities, job.jobId, operationName);
    assert.equal(vertex.polls.get(operationName), 3);
    assert.equal(output.videoKey, veoKeys.video(job.jobId));
    assert.deepEqual(await readAll(local, output.videoKey), video);
    assert.equal(output.posterKey, veoKeys.poster(job.jobId));
    const poster = await readAll(local, output.posterKey!);
    assert.equal(poster.subarray(0, 3).toString('hex'), 'ffd8ff', 'poster is a JPEG');
    assert.equal(output.notes.model, 'veo-3.1-generate-001');
    assert.equal(output.notes.aspect_ratio, '16:9');
    assert.equal(output.notes.operation, operationName);
  });

  test('application default credentials (supplied in code), results written by "Google" into our GCS bucket', async () => {
    vertex.scenario = () => ({});
    const gcs = new GcsStorage({ bucket, apiEndpoint: emulator.endpoint, projectId: 'vivid-test' });
    const activities = adcActivities(gcs);
    const job = await newJob(gcs, params({ cameraMotion: 'slow dolly in' }), [90, 160]);
    const { operationName } = await activities.submitVeoOperation(job);
    const sent = vertex.submissions.at(-1)!;
    assert.equal(sent.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(sent.headers['x-goog-api-key'], undefined);
    assert.match(sent.path, /^\/v1beta1\/projects\/vivid-test\/locations\/us-central1\/publishers\/google\/models\/veo-3\.1-generate-001:predictLongRunning$/);
    assert.equal(sent.body.parameters.storageUri, `gs://${bucket}/jobs/${job.jobId}/veo/`);
    assert.equal(sent.body.parameters.aspectRatio, '9:16');
    assert.equal(sent.body.instances[0]!.prompt, 'Waves at dusk. Camera: slow dolly in.');

    const output = await pollUntilDone(activities, job.jobId, operationName);
    assert.match(output.videoKey, new RegExp(`^jobs/${job.jobId}/veo/.+/sample_0\\.mp4$`));
    assert.deepEqual(await readAll(gcs, output.videoKey), video);
    assert.equal((await readAll(gcs, output.posterKey!)).subarray(0, 3).toString('hex'), 'ffd8ff');
    assert.equal(output.notes.composed_prompt, 'Waves at dusk. Camera: slow dolly in.');
  });

  test('a retried submit reuses the recorded operation: one submission per job', async () => {
    vertex.scenario = () => ({});
    const activities = expressActivities();
    const job = await newJob(local, params());
    const before = vertex.submitAttempts;
    const first = await activities.submitVeoOperation(job);
    const again = await activities.submitVeoOperation(job);
    assert.equal(again.operationName, first.operationName);
    assert.equal(vertex.submitAttempts - before, 1);
  });

  test('a retry that finds an earlier attempt stopped while asking Google fails for good instead of asking again', async () => {
    vertex.scenario = () => ({});
    const activities = expressActivities();
    const job = await newJob(local, params());
    // What a worker killed between sending the request and recording Google's answer leaves.
    await local.put(veoKeys.submitting(job.jobId), Buffer.from('{}'), { contentType: 'application/json' });
    const before = vertex.submitAttempts;
    await assert.rejects(activities.submitVeoOperation(job), (err) => assertFailure(err, { nonRetryable: true, message: VEO_SUBMISSION_UNKNOWN }));
    assert.equal(vertex.submitAttempts, before, 'Google was not asked');
  });

  test('a submit that never reached Google clears its mark and may be retried; one cut off mid-request keeps it', async () => {
    const refusedPort = await findFreePort();
    const refused = expressActivities(local, `http://127.0.0.1:${refusedPort}`);
    let job = await newJob(local, params());
    await assert.rejects(refused.submitVeoOperation(job), (err) => assertFailure(err, { nonRetryable: false, message: /^Veo rejected the request: / }));
    assert.equal(await local.stat(veoKeys.submitting(job.jobId)), null);

    // A server that takes the whole request, then drops the connection without answering.
    const cutOff = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => cutOff.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = cutOff.address() as { port: number };
      job = await newJob(local, params());
      await assert.rejects(expressActivities(local, `http://127.0.0.1:${port}`).submitVeoOperation(job), (err) => assertFailure(err, { nonRetryable: false, message: /^Veo rejected the request: / }));
      assert.notEqual(await local.stat(veoKeys.submitting(job.jobId)), null, 'the mark stays: Google may have started it');
      await assert.rejects(expressActivities().submitVeoOperation(job), (err) => assertFailure(err, { nonRetryable: true, message: VEO_SUBMISSION_UNKNOWN }));
    } finally {
      await new Promise((resolve) => cutOff.close(resolve));
    }
  });

  test('429 and 500 are retryable failures; 400 fails at once with Google\'s message', async () => {
    const activities = expressActivities();
    for (const status of [429, 500]) {
      vertex.scenario = () => ({ failSubmits: { times: 1, status } });
      const job = await newJob(local, params());
      await assert.rejects(activities.submitVeoOperation(job), (err) => assertFailure(err, { nonRetryable: false, message: /^Veo rejected the request: / }));
      const { operationName } = await activities.submitVeoOperation(job);
      assert.ok(operationName);
    }
    vertex.scenario = () => ({ rejectSubmit: { status: 400, message: 'Image is too small.' } });
    await assert.rejects(activities.submitVeoOperation(await newJob(local, params())), (err) =>
      assertFailure(err, { nonRetryable: true, message: 'Veo rejected the request: Image is too small.' }),
    );

    vertex.scenario = () => ({ failPolls: { times: 1, status: 503 } });
    const job = await newJob(local, params());
    const { operationName } = await activities.submitVeoOperation(job);
    await assert.rejects(activities.pollVeoOperation({ jobId: job.jobId, operationName }), (err) => assertFailure(err, { nonRetryable: false, message: /unavailable/ }));
    assert.equal((await activities.pollVeoOperation({ jobId: job.jobId, operationName })).done, true);
  });

  test('an operation ending in error, or filtered by safety filters, fails for good with the reasons', async () => {
    const activities = expressActivities();
    vertex.scenario = () => ({ outcome: 'error' });
    let job = await newJob(local, params());
    let { operationName } = await activities.submitVeoOperation(job);
    await assert.rejects(activities.pollVeoOperation({ jobId: job.jobId, operationName }), (err) =>
      assertFailure(err, { nonRetryable: true, message: `Veo could not make the video: ${OPERATION_ERROR}` }),
    );

    vertex.scenario = () => ({ outcome: 'filtered' });
    job = await newJob(local, params());
    ({ operationName } = await activities.submitVeoOperation(job));
    await assert.rejects(activities.pollVeoOperation({ jobId: job.jobId, operationName }), (err) =>
      assertFailure(err, { nonRetryable: true, message: `${VEO_NO_RESULTS} ${FILTERED_REASONS.join(' ')}` }),
    );
  });

  test('wrong credentials are a 401 from Google: not retried', async () => {
    vertex.scenario = () => ({});
    const config = loadConfig({ VEO_API_KEY: 'wrong', VEO_BASE_URL: vertex.url });
    const activities = createVeoActivities({ api: createVeoApi(createVeoClient(config.veo)), storage: local, model: config.veo.model, extractPoster });
    await assert.rejects(activities.submitVeoOperation(await newJob(local, params())), (err) => assertFailure(err, { nonRetryable: true, message: /invalid authentication credentials/ }));
  });
});
