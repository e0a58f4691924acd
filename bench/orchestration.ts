/**
 * `npm run bench:orchestration`: what the product adds around an engine. Jobs whose engine
 * answers at once (the test engines) go from `POST /generate` to `COMPLETED` on `/status`,
 * beside a bare Temporal workflow running the same engine activity on the same dev server.
 * Both run in this process on the same machine, in ABBA order. Prints jobs/s, p50/p99 and the
 * ratios; it never passes or fails.
 *
 * The product's client waits as the bare one does: `execute` long-polls the workflow's close, and
 * `GET /status` with `Prefer: wait=60` holds until the job ends; BENCH_POLL_MS polls instead.
 *
 * Settings (env): BENCH_JOBS (300 per run), BENCH_CONCURRENCY (16 jobs in flight),
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
import { coresByGroup, cpuSnapshot, type CpuGroups } from './cpu.js';
import { percentile } from './load.js';

const jobs = Number(process.env.BENCH_JOBS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
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
  temporal: (p) => p.ppid === process.pid && p.comm === 'temporal',
  postgres: (p) => p.comm === 'postgres',
  'this process': (p) => p.pid === process.pid,
};

/** Runs `total` jobs, `concurrency` at a time; each resolves when the job is seen complete. */
async function measure(total: number, job: () => Promise<void>): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const cpuBefore = cpuSnapshot(cpuGroups);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
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

const bareJob = async (): Promise<void> => {
  const jobId = randomUUID();
  await pipeline.client.workflow.execute('bareJob', {
    workflowId: jobId,
    taskQueue: bareQueue,
    args: [{ jobId, image: { key: `jobs/${jobId}/input`, contentType: 'image/png', width: 64, height: 64 }, params: wanParams({ width: 64, height: 64, length: 5, steps: 1 }) }, pipeline.config.queues.wan],
  });
};

const format = (label: string, r: Run): string =>
  `${label.padEnd(38)} ${r.jobsPerSecond.toFixed(1).padStart(6)} jobs/s  p50 ${r.p50Ms.toFixed(0).padStart(5)} ms  p99 ${r.p99Ms.toFixed(0).padStart(5)} ms${r.errors ? `  ${r.errors} errors` : ''}\n` +
  `${''.padEnd(38)} CPU per job: ${Object.entries(r.cpuMsPerJob).map(([g, ms]) => `${g} ${ms.toFixed(1)} ms`).join(' · ')}`;

try {
  // Warm both paths (bundle load, connections, JIT) before anything is counted.
  await measure(Math.min(40, jobs), productJob);
  await measure(Math.min(40, jobs), bareJob);
  const product: Run[] = [];
  const bare: Run[] = [];
  for (const which of ['bare', 'product', 'product', 'bare'] as const) {
    if (which === 'bare') bare.push(await measure(jobs, bareJob));
    else product.push(await measure(jobs, productJob));
  }
  const mean = (runs: Run[], f: (r: Run) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
  const combine = (runs: Run[]): Run => ({
    jobsPerSecond: mean(runs, (r) => r.jobsPerSecond),
    p50Ms: mean(runs, (r) => r.p50Ms),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    cpuMsPerJob: Object.fromEntries(Object.keys(cpuGroups).map((g) => [g, mean(runs, (r) => r.cpuMsPerJob[g] ?? 0)])),
  });
  const p = combine(product);
  const b = combine(bare);
  console.log(`orchestration: ${jobs} jobs a run, ${concurrency} in flight, ${databaseCase.name}, ${pollMs === undefined ? '/status waited on (Prefer: wait=60)' : `/status polled every ${pollMs} ms`}, ABBA`);
  console.log(format('product: POST /generate → COMPLETED', p));
  console.log(format('baseline: bare workflow, same engine', b));
  const overheadP50 = p.p50Ms - b.p50Ms;
  const slowdown = b.jobsPerSecond / p.jobsPerSecond;
  console.log(`jobs/s ≥ 50: ${p.jobsPerSecond.toFixed(1)} ${p.jobsPerSecond >= 50 ? 'meets target' : 'below target'}`);
  console.log(`p50 overhead (product − baseline) < 150 ms: ${overheadP50.toFixed(0)} ms ${overheadP50 < 150 ? 'meets target' : 'below target'}`);
  console.log(`baseline/product throughput ≤ 1.5: ${slowdown.toFixed(2)} ${slowdown <= 1.5 ? 'meets target' : 'below target'}`);
} finally {
  bareWorker.shutdown();
  await bareRun;
  await bareConnection.close();
  await pipeline.stop();
  await temporal.stop();
}
