/**
 * The Wan engine end to end on the CPU: the real Wan worker, its Python runtime and the tiny
 * random-weight model, behind the real API, control worker, Temporal dev server and PGlite.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { createWanActivities } from '../../activities/wan.js';
import { tinyModelNotes } from '../../infra/engines/wan/model-source.js';
import { WanRuntimeStartError } from '../../infra/engines/wan/runtime-process.js';
import type { EngineOutput, RenderHeartbeat, WanRenderInput } from '../../workflows/messages.js';
import { startWanWorker, type WanWorker } from '../../workers/wan-worker.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { renderAttempts } from '../support/job-history.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const run = promisify(execFile);
// Built once per machine and reused (the build is deterministic and versioned).
const modelCacheDir = path.join(os.tmpdir(), 'vivid-test-models');
const STEP_DELAY_SECONDS = 0.1;

const small = { width: '48', height: '32', length: '9', steps: '4', cfg: '5', seed: '42' };

async function probe(video: Buffer): Promise<{ codec: string; frames: number; fps: string; width: number; height: number; pixFmt: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vivid-probe-'));
  try {
    const file = path.join(dir, 'v.mp4');
    await writeFile(file, video);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames,r_frame_rate,width,height,pix_fmt', '-of', 'json', file]);
    const s = (JSON.parse(stdout) as { streams: Array<Record<string, string | number>> }).streams[0]!;
    return { codec: String(s.codec_name), frames: Number(s.nb_read_frames), fps: String(s.r_frame_rate), width: Number(s.width), height: Number(s.height), pixFmt: String(s.pix_fmt) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let temporal: TemporalFixture;
let pipeline: Pipeline;
let wan: WanWorker;
let workerConnection: NativeConnection;

before(async () => {
  temporal = await startTemporalFixture();
  const pglite = databaseCases().find((c) => c.name === 'pglite')!;
  pipeline = await startPipeline(temporal, pglite, { WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', WAN_SHUTDOWN_GRACE_SECONDS: '5' }, { wanTestEngine: false });
  workerConnection = await NativeConnection.connect({ address: temporal.server.address });
  wan = await startWanWorker({ ...pipeline.config, wan: { ...pipeline.config.wan, modelCacheDir } }, { storage: pipeline.storage, workerConnection }, { stepDelaySeconds: STEP_DELAY_SECONDS });
});
after(async () => {
  await wan?.shutdown();
  await pipeline?.stop();
  await workerConnection?.close();
  await temporal?.stop();
});

/** The Wan activities over the worker's own runtimes, for a render run outside Temporal (MockActivityEnvironment). */
async function renderOutsideTemporal(steps: number, onBeat: (beat: RenderHeartbeat, env: MockActivityEnvironment) => void) {
  const key = `inputs/mock-${Date.now()}.png`;
  await pipeline.storage.put(key, makePng(40, 40), { contentType: 'image/png' });
  const activities = createWanActivities({ storage: pipeline.storage, runtimes: wan.runtimes, model: wan.model, workDir: path.join(os.tmpdir(), 'vivid-wan-hb'), heartbeatEveryMs: 60_000 });
  const env = new MockActivityEnvironment();
  const beats: RenderHeartbeat[] = [];
  env.on('heartbeat', (d: RenderHeartbeat) => {
    beats.push(d);
    onBeat(d, env);
  });
  const input: WanRenderInput = {
    jobId: `mock-${Date.now()}`,
    image: { key, contentType: 'image/png', width: 40, height: 40 },
    params: { prompt: 'beats', negativePrompt: '', cfg: 5, width: 32, height: 32, length: 5, steps, seed: 1 },
  };
  const outcome = await env.run(activities.generateWanVideo, input).then(
    (out) => ({ out: out as EngineOutput }),
    (error: unknown) => ({ error }),
  );
  return { beats, outcome };
}

describe('the Wan engine on the tiny model', () => {
  const client = async () => new ApiClient(pipeline.api.url, (await pipeline.newAccount(1000)).apiKey);

  test('the worker loaded the tiny model and reports its load time', () => {
    assert.equal(wan.loadSeconds.length, 1);
    assert.ok(Number.isFinite(wan.loadSeconds[0]) && wan.loadSeconds[0]! > 0, String(wan.loadSeconds));
    assert.deepEqual(wan.model.notes, tinyModelNotes);
  });

  test('a job runs from submit to COMPLETED: an H.264 MP4 with the requested frames, fps and size, a poster, labelled as a development model', async () => {
    const api = await client();
    const submitted = await api.generate({ prompt: 'A lighthouse in a storm', ...small, steps: '40' }, makePng(120, 90, 3));
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const jobId = String(submitted.body.job_id);

    // While it renders, /status shows the steps done.
    const rendering = await api.waitForJob(jobId, (b) => (b.stage === 'rendering' && Number(b.progress) > 0.1) || b.status !== 'PROCESSING');
    assert.equal(rendering.stage, 'rendering', JSON.stringify(rendering));
    assert.ok(Number(rendering.progress) < 0.95, JSON.stringify(rendering));

    const done = await api.waitForJob(jobId);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal((done.notes as Record<string, unknown>).development_model, true);
    assert.equal((done.notes as Record<string, unknown>).notice, 'made by a development model with random weights');
    const video = Buffer.from(await (await fetch(String(done.video_url))).arrayBuffer());
    assert.deepEqual(await probe(video), { codec: 'h264', frames: 9, fps: '16/1', width: 48, height: 32, pixFmt: 'yuv420p' });
    const poster = await fetch(String(done.poster_url));
    assert.equal(poster.status, 200);
    assert.deepEqual([...new Uint8Array(await poster.arrayBuffer()).subarray(0, 2)], [0xff, 0xd8]);

    const record = await pipeline.database.db.selectFrom('jobs').select(['engine_notes', 'video_key']).where('id', '=', jobId).executeTakeFirstOrThrow();
    assert.equal((record.engine_notes as Record<string, unknown>).development_model, true);
    assert.equal(record.video_key, `jobs/${jobId}/video.mp4`);
  });

  test('the same seed gives the same frames; another seed does not', async () => {
    const api = await client();
    const render = async (seed: string) => {
      const jobId = String((await api.generate({ prompt: 'Same seed', ...small, seed }, makePng(64, 64, 1))).body.job_id);
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      return createHash('sha256').update(Buffer.from(await (await fetch(String(done.video_url))).arrayBuffer())).digest('hex');
    };
    const a = await render('7');
    const b = await render('7');
    const c = await render('8');
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  test('a cancel stops the render after the step it arrived in: no later step runs', async () => {
    const CANCEL_AT = 3;
    const { beats, outcome } = await renderOutsideTemporal(100, (beat, env) => {
      if (beat.step === CANCEL_AT) env.cancel();
    });
    assert.ok('error' in outcome && outcome.error instanceof CancelledFailure, `ended with ${JSON.stringify(outcome)}`);
    const steps = beats.map((b) => b.step);
    // The cancel reaches the runtime during step 3's wait or, at worst, during step 4.
    assert.ok(steps.at(-1) === CANCEL_AT || steps.at(-1) === CANCEL_AT + 1, `steps heartbeaten: ${JSON.stringify(steps)}`);
    assert.deepEqual(steps.slice(0, CANCEL_AT + 1), [0, 1, 2, 3]);
  });

  test('a cancelled job is FAILED and refunded, and the runtime takes the next job', async () => {
    const { apiKey } = await pipeline.newAccount(100);
    const api = new ApiClient(pipeline.api.url, apiKey);
    const jobId = String((await api.generate({ prompt: 'Never mind', ...small, steps: '100' })).body.job_id);
    await api.waitForJob(jobId, (b) => b.stage === 'rendering' && Number(b.progress) > 0.11);
    assert.equal((await api.request('POST', `/cancel/${jobId}`)).status, 202);
    const done = await api.waitForJob(jobId);
    assert.equal(done.status, 'FAILED');
    assert.equal(done.error, 'The job was cancelled.');
    assert.equal(done.code, 'canceled');
    assert.equal((await api.usage()).body.credits_remaining, 100);
    assert.deepEqual(await renderAttempts(pipeline.client, jobId), [1]);

    const next = String((await api.generate({ prompt: 'Next one', ...small })).body.job_id);
    assert.equal((await api.waitForJob(next)).status, 'COMPLETED');
  });

  test('a runtime killed mid-job is restarted and the job finishes on the retry', async () => {
    const api = await client();
    const slot = wan.runtimes.slots[0]!;
    const restartsBefore = slot.restarts;
    const victim = await slot.runtime();
    const jobId = String((await api.generate({ prompt: 'Survive a crash', ...small, steps: '60' })).body.job_id);
    await api.waitForJob(jobId, (b) => b.stage === 'rendering' && Number(b.progress) > 0.11);
    process.kill(victim.pid!, 'SIGKILL');
    const done = await api.waitForJob(jobId, undefined, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(slot.restarts, restartsBefore + 1);
    assert.notEqual((await slot.runtime()).pid, victim.pid);
    assert.deepEqual(await renderAttempts(pipeline.client, jobId), [2]);
  });

  test('each denoising step reaches the activity heartbeat, in order', async () => {
    // Warm start and stop latencies are measured by `npm run bench:wan`.
    const { beats, outcome } = await renderOutsideTemporal(6, () => {});
    assert.ok('out' in outcome, `ended with ${JSON.stringify(outcome)}`);
    assert.deepEqual(
      beats.map((b) => b.step),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.ok(beats.every((b) => b.steps === 6));
    assert.match(outcome.out.videoKey, /^jobs\/mock-\d+\/video\.mp4$/);
  });

  test('a stopping worker lets a short render finish and hands a long one back to Temporal for another worker', async () => {
    const api = await client();
    const startWorker = (graceSeconds: number) =>
      startWanWorker({ ...pipeline.config, wan: { ...pipeline.config.wan, modelCacheDir, shutdownGraceSeconds: graceSeconds } }, { storage: pipeline.storage, workerConnection }, { stepDelaySeconds: STEP_DELAY_SECONDS });
    const rendering = (b: Record<string, unknown>) => (b.stage === 'rendering' && Number(b.progress) > 0.11) || b.status !== 'PROCESSING';
    // Graces far from the renders' lengths either way, so a slow or busy CPU changes neither outcome.
    await wan.shutdown();
    wan = await startWorker(120);

    // 20 steps, well within a 120 s grace: the stopping worker finishes it, in its one attempt.
    const short = String((await api.generate({ prompt: 'Finish me', ...small, steps: '20' })).body.job_id);
    await api.waitForJob(short, rendering);
    await wan.shutdown();
    assert.equal((await api.waitForJob(short)).status, 'COMPLETED');
    assert.deepEqual(await renderAttempts(pipeline.client, short), [1]);

    // 100 steps of at least 0.1 s each, past a 1 s grace: the attempt is handed back and the next worker renders it.
    wan = await startWorker(1);
    const long = String((await api.generate({ prompt: 'Hand me back', ...small, steps: '100' })).body.job_id);
    await api.waitForJob(long, rendering);
    await wan.shutdown();
    wan = await startWorker(pipeline.config.wan.shutdownGraceSeconds);
    const done = await api.waitForJob(long, undefined, 90_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.deepEqual(await renderAttempts(pipeline.client, long), [2], 'handed back once: the second attempt rendered it');
  });

  test('a bad model folder fails at worker start with a clear error', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'vivid-no-model-'));
    try {
      await assert.rejects(
        startWanWorker({ ...pipeline.config, wan: { ...pipeline.config.wan, model: { kind: 'dir', dir: empty } } }, { storage: pipeline.storage, workerConnection }),
        (err: unknown) => err instanceof WanRuntimeStartError && err.message.includes(empty) && /not a diffusers Wan I2V model folder/.test(err.message),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
