/**
 * `npm run bench:wan`: how quickly the Wan worker starts, stops and hands back a render, on the
 * tiny model on this machine's CPU. The baseline is one denoising step, measured in the same
 * renders: a warm start, a cancel and a hand-back are printed in milliseconds and in steps, so a
 * loaded machine moves both sides alike. Never passes or fails; the pass/fail tests check step
 * counts and attempts instead (test/integration/wan-engine.test.ts).
 *
 * - warm start: the activity starting to its first denoising step, the model resident;
 * - cancel (activity): the cancel reaching the activity to the activity ending, cancelled at step 3;
 * - cancel (API): `POST /cancel` to FAILED on `/status`, the workflow's refund included;
 * - hand-back: a stopping worker with a render past its grace, to the worker stopped;
 * - contract defaults: one render at 1280×720, 81 frames, 30 steps, on a worker with no step delay,
 *   split into before the first step, the steps and after the last (decode, encode, upload).
 *
 * Settings (env): BENCH_WAN_RUNS (5 per measurement), BENCH_WAN_STEP_DELAY (0.1 s after each step,
 * as in the tests, so a render can be caught in the middle), BENCH_WAN_GRACE (2 s of shutdown grace).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { createWanActivities } from '../activities/wan.js';
import type { RenderHeartbeat, WanRenderInput } from '../workflows/messages.js';
import { startWanWorker, type WanWorker } from '../workers/wan-worker.js';
import { databaseCases } from '../test/support/databases.js';
import { ApiClient } from '../test/support/http.js';
import { makePng } from '../test/support/images.js';
import { startPipeline, startTemporalFixture } from '../test/support/pipeline.js';
import { percentile } from './load.js';

const runs = Number(process.env.BENCH_WAN_RUNS ?? 5);
const stepDelaySeconds = Number(process.env.BENCH_WAN_STEP_DELAY ?? 0.1);
const graceSeconds = Number(process.env.BENCH_WAN_GRACE ?? 2);
const modelCacheDir = path.join(os.tmpdir(), 'vivid-test-models');

const median = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 0.5);

const temporal = await startTemporalFixture();
const pglite = databaseCases().find((c) => c.name === 'pglite')!;
const pipeline = await startPipeline(temporal, pglite, { WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', WAN_SHUTDOWN_GRACE_SECONDS: String(graceSeconds) }, { wanTestEngine: false });
const workerConnection = await NativeConnection.connect({ address: temporal.server.address });
const startWorker = (delaySeconds = stepDelaySeconds) =>
  startWanWorker({ ...pipeline.config, wan: { ...pipeline.config.wan, modelCacheDir } }, { storage: pipeline.storage, workerConnection }, { stepDelaySeconds: delaySeconds });
let wan: WanWorker = await startWorker();

interface Render {
  /** Activity start to each step's heartbeat, in ms, by step (0: before the first step). */
  readonly stepAtMs: Map<number, number>;
  /** The cancel to the activity ending, in ms; undefined when not cancelled. */
  readonly stopMs?: number;
  /** Activity start to its end, in ms. */
  readonly totalMs: number;
}

type RenderSize = Pick<WanRenderInput['params'], 'width' | 'height' | 'length'>;
const benchSize: RenderSize = { width: 32, height: 32, length: 5 };
const contractDefaults: RenderSize & { steps: number } = { width: 1280, height: 720, length: 81, steps: 30 };

/** One render through the Wan activity outside Temporal, over the worker's own runtimes; cancelled at `cancelAt` if given. */
async function renderOnce(steps: number, cancelAt?: number, size: RenderSize = benchSize): Promise<Render> {
  const key = `inputs/bench-${Date.now()}.png`;
  await pipeline.storage.put(key, makePng(40, 40), { contentType: 'image/png' });
  const activities = createWanActivities({ storage: pipeline.storage, runtimes: wan.runtimes, model: wan.model, workDir: path.join(os.tmpdir(), 'vivid-wan-bench'), heartbeatEveryMs: 60_000 });
  const env = new MockActivityEnvironment();
  const stepAtMs = new Map<number, number>();
  let cancelledAt: number | undefined;
  const started = performance.now();
  env.on('heartbeat', (beat: RenderHeartbeat) => {
    if (!stepAtMs.has(beat.step)) stepAtMs.set(beat.step, performance.now() - started);
    if (beat.step === cancelAt && cancelledAt === undefined) {
      cancelledAt = performance.now();
      env.cancel();
    }
  });
  const input: WanRenderInput = {
    jobId: `bench-${Date.now()}`,
    image: { key, contentType: 'image/png', width: 40, height: 40 },
    params: { prompt: 'bench', negativePrompt: '', cfg: 5, ...size, steps, seed: 1 },
  };
  await env.run(activities.generateWanVideo, input).catch((err: unknown) => {
    if (cancelAt === undefined) throw err;
  });
  return { stepAtMs, totalMs: performance.now() - started, ...(cancelledAt === undefined ? {} : { stopMs: performance.now() - cancelledAt }) };
}

/** The median gap between consecutive steps of a render: one step, the baseline. */
function stepMs(render: Render): number {
  const gaps: number[] = [];
  for (const [step, at] of render.stepAtMs) {
    const before = render.stepAtMs.get(step - 1);
    if (step >= 2 && before !== undefined) gaps.push(at - before);
  }
  return median(gaps);
}

const line = (what: string, ms: number[], step: number[]) => {
  const m = median(ms);
  const s = median(step);
  return `  ${what.padEnd(36)} median ${m.toFixed(0).padStart(6)} ms, max ${Math.max(...ms).toFixed(0).padStart(6)} ms   one step ${s.toFixed(0).padStart(4)} ms   ratio ${(m / s).toFixed(1)} steps`;
};

try {
  // The contract's defaults first, on a worker that adds no delay after each step.
  await wan.shutdown();
  wan = await startWorker(0);
  await renderOnce(1, undefined, contractDefaults); // warm the runtime at this size once
  const defaults = await renderOnce(contractDefaults.steps, undefined, contractDefaults);
  await wan.shutdown();
  wan = await startWorker();

  await renderOnce(4); // warm the runtime and the paths once

  const firstStep: number[] = [];
  const warmSteps: number[] = [];
  for (let i = 0; i < runs; i++) {
    const render = await renderOnce(12);
    firstStep.push(render.stepAtMs.get(1)!);
    warmSteps.push(stepMs(render));
  }

  const stop: number[] = [];
  const cancelSteps: number[] = [];
  for (let i = 0; i < runs; i++) {
    const render = await renderOnce(100, 3);
    stop.push(render.stopMs!);
    cancelSteps.push(stepMs(render));
  }

  // Through the API: the cancel's round trip, the workflow's refund and /status polled every 50 ms.
  const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(1_000_000)).apiKey);
  const small = { width: '48', height: '32', length: '9', cfg: '5', seed: '42' };
  const rendering = (b: Record<string, unknown>) => (b.stage === 'rendering' && Number(b.progress) > 0.11) || b.status !== 'PROCESSING';
  const apiStop: number[] = [];
  for (let i = 0; i < runs; i++) {
    const jobId = String((await api.generate({ prompt: 'bench cancel', ...small, steps: '100' })).body.job_id);
    await api.waitForJob(jobId, rendering, 120_000);
    const t0 = performance.now();
    await api.request('POST', `/cancel/${jobId}`);
    while ((await api.status(jobId)).body.status === 'PROCESSING') await sleep(50);
    apiStop.push(performance.now() - t0);
  }

  // A render far past the grace (100 steps, the most the API takes, of 0.1 s delay and more each): the worker waits the grace, hands it back and stops.
  const handBack: number[] = [];
  const loads: number[] = [...wan.loadSeconds];
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const jobId = String((await api.generate({ prompt: 'bench hand-back', ...small, steps: '100' })).body.job_id);
    await api.waitForJob(jobId, rendering, 120_000);
    const t0 = performance.now();
    await wan.shutdown();
    handBack.push(performance.now() - t0);
    wan = await startWorker();
    loads.push(...wan.loadSeconds);
    await api.request('POST', `/cancel/${jobId}`);
    await api.waitForJob(jobId, undefined, 120_000);
  }

  console.log(`Wan worker on the tiny model (CPU), ${runs} runs each, ${stepDelaySeconds} s after each step, ${graceSeconds} s shutdown grace, load average ${os.loadavg()[0]!.toFixed(1)}`);
  console.log(line('warm start: activity → first step', firstStep, warmSteps));
  console.log(line('cancel (activity) → ended', stop, cancelSteps));
  console.log(line('cancel (POST /cancel) → FAILED', apiStop, cancelSteps));
  const h = median(handBack);
  console.log(`  ${'hand-back: shutdown → stopped'.padEnd(36)} median ${h.toFixed(0).padStart(6)} ms, max ${Math.max(...handBack).toFixed(0).padStart(6)} ms   grace ${graceSeconds * 1000} ms   ratio ${(h / (graceSeconds * 1000)).toFixed(2)} graces`);
  const firstAt = defaults.stepAtMs.get(1)!;
  const lastAt = defaults.stepAtMs.get(contractDefaults.steps)!;
  const defaultsStep = stepMs(defaults);
  console.log(
    `  ${'contract defaults (1280×720, 81, 30)'.padEnd(36)} total ${(defaults.totalMs / 1000).toFixed(1).padStart(6)} s: before the first step ${(firstAt / 1000).toFixed(1)} s, ` +
      `steps ${((lastAt - firstAt) / 1000).toFixed(1)} s, after the last ${((defaults.totalMs - lastAt) / 1000).toFixed(1)} s   one step ${defaultsStep.toFixed(0)} ms   ratio ${(defaults.totalMs / defaultsStep).toFixed(1)} steps`,
  );
  console.log(`  ${'model load (tiny, per start)'.padEnd(36)} median ${(median(loads) * 1000).toFixed(0).padStart(6)} ms over ${loads.length} starts`);
} finally {
  await wan.shutdown();
  await pipeline.stop();
  await workerConnection.close();
  await temporal.stop();
}
