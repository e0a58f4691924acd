/**
 * `npm run bench:orchestration`: what the product adds around an engine. Jobs whose engine
 * answers at once (the test engines) go from `POST /generate` to `COMPLETED` on `/status`,
 * beside bare Temporal workflows on the same dev server: one running the same activities as a job
 * (the engine's, then finalizeJob: the issue's baseline), one the engine activity alone.
 * Both run in this process on the same machine, in ABBA order. Prints jobs/s, p50/p99 and the
 * ratios; it never passes or fails.
 *
 * The product's client waits as the bare one does: `execute` long-polls the workflow's close, and
 * `GET /status` with `Prefer: wait=60` holds until the job ends; BENCH_POLL_MS polls instead.
 *
 * The same three, one job at a time, give the latency each adds apart from the queueing of a
 * saturated machine.
 *
 * Settings (env): BENCH_JOBS (300 per run), BENCH_CONCURRENCY (16 jobs in flight), BENCH_LATENCY_JOBS (40 per run, one at a time),
 * BENCH_DATABASE (postgres | pglite; postgres), BENCH_POLL_MS (unset: wait; else the client's /status interval).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { databaseCases } from '../test/support/databases.js';
import { wanParams } from '../test/support/engine-params.js';
import { makePng } from '../test/support/images.js';
import { startPipeline, startTemporalFixture } from '../test/support/pipeline.js';
import { coresByGroup, cpuSnapshot, postgresProcess, temporalChild, type CpuGroups } from './cpu.js';
import { percentile } from './load.js';

const jobs = Number(process.env.BENCH_JOBS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
// One job at a time: what the product adds to a job's latency, apart from what a saturated machine adds.
const latencyJobs = Number(process.env.BENCH_LATENCY_JOBS ?? 40);
const pollMs = process.env.BENCH_POLL_MS ? Number(process.env.BENCH_POLL_MS) : undefined;
const databaseName = process.env.BENCH_DATABASE ?? 'postgres';
const databaseCase = databaseCases().find((c) => c.name === databaseName);
if (!databaseCase) throw new Error(`BENCH_DATABASE must be postgres or pglite, got ${JSON.stringify(databaseName)}`);

interface Run {
  readonly jobsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** CPU milliseconds per job, by process group: on two cores, what each job costs decides throughput. */
  readonly cpuMsPerJob: Record<string, number>;
}

// This process holds the API, the workers and the client; the dev server is its child.
const cpuGroups: CpuGroups = {
  temporal: temporalChild,
  postgres: postgresProcess,
  'this process': (p) => p.pid === process.pid,
};

/** Runs `total` jobs, `inFlight` at a time; each resolves when the job is seen complete. */
async function measure(total: number, job: () => Promise<void>, inFlight = concurrency): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const cpuBefore = cpuSnapshot(cpuGroups);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next++;
        const t0 = performance.now();
        try {
          await job();
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cores = coresByGroup(cpuBefore, cpuSnapshot(cpuGroups));
  const cpuMsPerJob = Object.fromEntries(Object.entries(cores).map(([group, used]) => [group, (used * seconds * 1000) / total]));
  latencies.sort((a, b) => a - b);
  return { jobsPerSecond: latencies.length / seconds, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), errors, cpuMsPerJob };
}

const temporal = await startTemporalFixture();
const pipeline = await startPipeline(temporal, databaseCase);
const { apiKey } = await pipeline.newAccount(100_000_000);
const png = makePng(64, 64);
const bundle = await bundleWorkflowCode({ workflowsPath: new URL('./workflows/bare-job.ts', import.meta.url).pathname, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
const bareQueue = `bare-${randomUUID()}`;
const bareConnection = await NativeConnection.connect({ address: temporal.server.address });
const bareWorker = await Worker.create({ connection: bareConnection, taskQueue: bareQueue, workflowBundle: bundle });
const bareRun = bareWorker.run();

const productJob = async (): Promise<void> => {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(png)]), 'source.png');
  for (const [k, v] of Object.entries({ prompt: 'a bench cat', width: '64', height: '64', length: '5', steps: '1' })) form.append(k, v);
  const res = await fetch(`${pipeline.api.url}/api/v1/generate`, { method: 'POST', body: form, headers: { 'X-API-Key': apiKey } });
  const body = (await res.json()) as { job_id?: string };
  if (res.status !== 202 || !body.job_id) throw new Error(`generate answered ${res.status}`);
  const headers: Record<string, string> = { 'X-API-Key': apiKey, ...(pollMs === undefined ? { Prefer: 'wait=60' } : {}) };
  for (;;) {
    const status = (await (await fetch(`${pipeline.api.url}/api/v1/status/${body.job_id}`, { headers })).json()) as { status: string };
    if (status.status === 'COMPLETED') return;
    if (status.status === 'FAILED') throw new Error('job failed');
    if (pollMs !== undefined) await sleep(pollMs);
  }
};

const bareJob = (queues: { engine: string; control?: string }) => async (): Promise<void> => {
  const jobId = randomUUID();
  await pipeline.client.workflow.execute('bareJob', {
    workflowId: jobId,
    taskQueue: bareQueue,
    args: [{ jobId, image: { key: `jobs/${jobId}/input`, contentType: 'image/png', width: 64, height: 64 }, params: wanParams({ width: 64, height: 64, length: 5, steps: 1 }) }, queues],
  });
};
const sameActivities = bareJob({ engine: pipeline.config.queues.wan, control: pipeline.config.queues.control });
const engineOnly = bareJob({ engine: pipeline.config.queues.wan });

const format = (label: string, r: Run): string =>
  `${label.padEnd(42)} ${r.jobsPerSecond.toFixed(1).padStart(6)} jobs/s  p50 ${r.p50Ms.toFixed(0).padStart(5)} ms  p99 ${r.p99Ms.toFixed(0).padStart(5)} ms${r.errors ? `  ${r.errors} errors` : ''}\n` +
  `${''.padEnd(42)} CPU per job: ${Object.entries(r.cpuMsPerJob).map(([g, ms]) => `${g} ${ms.toFixed(1)} ms`).join(' · ')}`;

try {
  // Warm every path (bundle load, connections, JIT) before anything is counted.
  await measure(Math.min(40, jobs), productJob);
  await measure(Math.min(40, jobs), sameActivities);
  await measure(Math.min(40, jobs), engineOnly);
  const mean = (rs: Run[], f: (r: Run) => number) => rs.reduce((sum, r) => sum + f(r), 0) / rs.length;
  const combine = (rs: Run[]): Run => ({
    jobsPerSecond: mean(rs, (r) => r.jobsPerSecond),
    p50Ms: mean(rs, (r) => r.p50Ms),
    p99Ms: Math.max(...rs.map((r) => r.p99Ms)),
    errors: rs.reduce((sum, r) => sum + r.errors, 0),
    cpuMsPerJob: Object.fromEntries(Object.keys(cpuGroups).map((g) => [g, mean(rs, (r) => r.cpuMsPerJob[g] ?? 0)])),
  });
  const paths = { product: productJob, same: sameActivities, engine: engineOnly };
  const order = ['same', 'engine', 'product', 'product', 'engine', 'same'] as const;
  // ABBA around the product, so drift (a growing dev-server database, say) falls on every side alike.
  const measureAll = async (total: number, inFlight: number) => {
    const runs = { product: [] as Run[], same: [] as Run[], engine: [] as Run[] };
    for (const which of order) runs[which].push(await measure(total, paths[which], inFlight));
    return { product: combine(runs.product), same: combine(runs.same), engine: combine(runs.engine) };
  };
  const loaded = await measureAll(jobs, concurrency);
  const alone = await measureAll(latencyJobs, 1);

  const verdict = (ok: boolean) => (ok ? 'meets target' : 'below target');
  const report = (title: string, r: typeof loaded) => {
    console.log(title);
    console.log(format('product: POST /generate → COMPLETED', r.product));
    console.log(format('baseline: bare workflow, same activities', r.same));
    console.log(format('bare workflow, engine activity only', r.engine));
  };
  const waitMode = pollMs === undefined ? '/status waited on (Prefer: wait=60)' : `/status polled every ${pollMs} ms`;
  report(`orchestration: ${jobs} jobs a run, ${concurrency} in flight, ${databaseCase.name}, ${waitMode}, ABBA`, loaded);
  report(`one job at a time: ${latencyJobs} jobs a run`, alone);
  const slowdown = loaded.same.jobsPerSecond / loaded.product.jobsPerSecond;
  const overheadAlone = alone.product.p50Ms - alone.same.p50Ms;
  const overheadLoaded = loaded.product.p50Ms - loaded.same.p50Ms;
  console.log(`jobs/s ≥ 50: ${loaded.product.jobsPerSecond.toFixed(1)} ${verdict(loaded.product.jobsPerSecond >= 50)}`);
  console.log(`p50 overhead (product − baseline) < 150 ms: one at a time ${overheadAlone.toFixed(0)} ms ${verdict(overheadAlone < 150)}; ${concurrency} in flight ${overheadLoaded.toFixed(0)} ms ${verdict(overheadLoaded < 150)}`);
  console.log(`baseline/product throughput ≤ 1.5: ${slowdown.toFixed(2)} ${verdict(slowdown <= 1.5)}`);
  console.log(
    `against the engine activity alone: throughput ${(loaded.engine.jobsPerSecond / loaded.product.jobsPerSecond).toFixed(2)}, ` +
      `p50 overhead one at a time ${(alone.product.p50Ms - alone.engine.p50Ms).toFixed(0)} ms, ${concurrency} in flight ${(loaded.product.p50Ms - loaded.engine.p50Ms).toFixed(0)} ms`,
  );
} finally {
  bareWorker.shutdown();
  await bareRun;
  await bareConnection.close();
  await pipeline.stop();
  await temporal.stop();
}
