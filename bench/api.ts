/**
 * `npm run bench`: measures the real API (the `npm start` stack, as a child process) against
 * baselines measured in the same run on the same machine, and prints one table.
 *
 *   1. GET /api/v1/status/{id} for a COMPLETED and a PROCESSING job
 *      vs a bare Koa child process reading the same row.
 *   2. POST /api/v1/generate with a 1 MiB PNG vs a bare loop of Temporal workflow starts, and vs
 *      a floor: a bare route that only writes the raw body to a file and starts the workflow, and
 *      vs that floor plus the work every /generate must do (whole-image decode, job-and-reservation
 *      transaction), so the API's own overhead shows apart from the work the rules require.
 *   3. Peak RSS rise of the API process during concurrent 20 MiB uploads.
 *
 * Settings (env): BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (1), BENCH_CONCURRENCY (16, status),
 * BENCH_GENERATE_CONCURRENCY (16), BENCH_GENERATE_KIB (1024, the /generate image size), BENCH_UPLOADS (50), BENCH_UPLOAD_MIB (20),
 * BENCH_ONLY (comma-separated subset of status,generate,uploads; all by default),
 * BENCH_RATE_LIMIT_PER_MINUTE (the API's RATE_LIMIT_PER_MINUTE; 0, off, by default),
 * BENCH_CPU_PROF=<dir> (write a V8 CPU profile of the API process there),
 * VIVID_TEST_POSTGRES_URL (admin connection; default postgres://postgres@127.0.0.1:5432/test).
 * Benchmarks do not pass or fail: the exit status is 0 whenever the measurements ran.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { parseGenerateFields } from '../api/schemas/generate.js';
import { createAccount } from '../infra/db/accounts.js';
import { createApiKey } from '../infra/db/api-keys.js';
import { completeJob, insertJob } from '../infra/db/jobs.js';
import { findFreePort } from '../infra/net/free-port.js';
import { startTemporalDevServer } from '../infra/temporal/dev-server.js';
import { makeLargePng, makePng } from '../test/support/images.js';
import { searchAttributes } from '../workflows/messages.js';
import { jobCost } from '../workflows/pricing.js';
import { benchGroups, coresByGroup, cpuSnapshot, formatCpu, type CpuGroups } from './cpu.js';
import { openTestPostgres } from '../test/support/databases.js';
import { combineLoads, multipartBody, runClosedLoop, send, withAgent, type LoadOptions, type LoadResult } from './load.js';
import { startBareWorkflow } from './bare-start.js';
import { startNodeChild, startRssSampler, type NodeChild } from './processes.js';
import { formatLoad, formatRss, verdict, type RssResult } from './report.js';

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return value;
}

const settings = {
  seconds: envNumber('BENCH_SECONDS', 5),
  warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 1),
  statusConcurrency: Math.round(envNumber('BENCH_CONCURRENCY', 16)),
  generateConcurrency: Math.round(envNumber('BENCH_GENERATE_CONCURRENCY', 16)),
  uploads: Math.round(envNumber('BENCH_UPLOADS', 50)),
  uploadMiB: envNumber('BENCH_UPLOAD_MIB', 20),
  cpuProfDir: process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : undefined,
  only: benchParts(process.env.BENCH_ONLY),
};

/** Which measurements to run: profiling one of them alone is easier to read. */
function benchParts(raw: string | undefined): ReadonlySet<string> {
  const all = ['status', 'generate', 'uploads'];
  if (raw === undefined || raw.trim() === '') return new Set(all);
  const parts = raw.split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY must list some of ${all.join(', ')}; got ${JSON.stringify(raw)}`);
  return new Set(parts);
}

// Everything started is undone in reverse order, once, on success, failure or Ctrl-C.
const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;
let interrupted = false;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      await cleanups.pop()!().catch((err: unknown) => process.stderr.write(`bench: cleanup step failed: ${String(err)}\n`));
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, cleaning up...\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

function step(what: string): void {
  if (interrupted) throw new Error('interrupted');
  process.stderr.write(`bench: ${what}\n`);
}

async function main(): Promise<void> {
  const load: LoadOptions = { concurrency: 1, warmupMs: settings.warmupSeconds * 1000, durationMs: settings.seconds * 1000 };

  step('creating a throwaway database');
  // A throwaway database on the same Postgres server the tests use, dropped at the end.
  const database = await openTestPostgres('vivid_bench');
  cleanups.push(() => database.close());
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'vivid-bench-'));
  cleanups.push(() => rm(tmp, { recursive: true, force: true }));

  step('starting a Temporal dev server');
  const devServer = await startTemporalDevServer({ searchAttributes: Object.values(searchAttributes), logFile: path.join(tmp, 'temporal.log') });
  cleanups.push(() => devServer.stop());

  const account = await createAccount(database.db, { email: 'bench@example.com', monthlyCredits: 1_000_000_000 });
  const { key } = await createApiKey(database.db, account.id, 'bench');
  const auth = { 'x-api-key': key };

  step('starting the API, the control worker and the baseline server (child processes)');
  const apiPort = await findFreePort();
  const basePort = await findFreePort();
  const track = (child: NodeChild): void => void cleanups.push(() => child.stop());
  // The production layout: the API and the control worker in processes of their own.
  const productEnv = {
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: devServer.address,
    PORT: String(apiPort),
    // Off unless asked for (BENCH_RATE_LIMIT_PER_MINUTE, e.g. 1000000000): its cost is one upsert per request.
    RATE_LIMIT_PER_MINUTE: process.env.BENCH_RATE_LIMIT_PER_MINUTE ?? '0',
    MAX_JOBS_IN_FLIGHT: '0',
    LOG_LEVEL: 'warn',
    VIVID_DATA_DIR: path.join(tmp, 'data'),
  };
  const [api, controlWorker, baseServer] = await Promise.all([
    startNodeChild({
      name: 'API',
      script: 'workers/api-main.ts',
      port: apiPort,
      logFile: path.join(tmp, 'api.log'),
      nodeArgs: settings.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfDir}`] : [],
      env: productEnv,
      onSpawn: track,
    }),
    startNodeChild({ name: 'control worker', script: 'workers/control-main.ts', logFile: path.join(tmp, 'control.log'), env: productEnv, onSpawn: track }),
    startNodeChild({
      name: 'baseline server',
      script: 'bench/baseline-server.ts',
      port: basePort,
      logFile: path.join(tmp, 'baseline.log'),
      env: { DATABASE_URL: database.url, PORT: String(basePort), TEMPORAL_ADDRESS: devServer.address, UPLOAD_DIR: path.join(tmp, 'baseline-uploads') },
      onSpawn: track,
    }),
  ]);

  // A COMPLETED job, written straight into the database as the workflow would have left it.
  const engine = parseGenerateFields({ prompt: 'a bench cat' });
  const completedId = randomUUID();
  await insertJob(database.db, {
    id: completedId, accountId: account.id, model: 'wan2.1', prompt: engine.params.prompt,
    params: { ...engine.params }, cost: jobCost(engine), inputKey: `jobs/${completedId}/input`,
  });
  await completeJob(database.db, completedId, { videoKey: `jobs/${completedId}/video.mp4`, posterKey: `jobs/${completedId}/poster.jpg`, notes: {} });

  // A PROCESSING job whose workflow is running: its Wan activity waits on a queue no worker polls.
  step('submitting a job and waiting for it to wait, queued, for a GPU worker');
  const processingId = await withAgent(1, async (agent) => {
    const small = multipartBody({ prompt: 'a bench cat' }, { name: 'image', filename: 'bench.png', contentType: 'image/png', data: makePng(96, 64) });
    const res = await send(agent, apiPort, { method: 'POST', path: '/api/v1/generate', headers: { ...auth, 'content-type': small.contentType }, body: small.body });
    if (res.status !== 202) throw new Error(`POST /generate answered ${res.status}: ${res.body}`);
    const id = (JSON.parse(res.body) as { job_id: string }).job_id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const s = await send(agent, apiPort, { method: 'GET', path: `/api/v1/status/${id}`, headers: auth });
      if (s.status === 200 && s.body.includes('"stage":"queued"')) return id;
      if (Date.now() > deadline) throw new Error(`job ${id} never reached the queued stage: ${s.status} ${s.body}`);
      await sleep(200);
    }
  });

  const expectOk = (want: number, check?: (body: string) => boolean) => (res: { status: number; body: string }): void => {
    if (res.status !== want || (check && !check(res.body))) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  };
  const getLoop = (port: number, route: string, headers: Record<string, string>, check: (res: { status: number; body: string }) => void) =>
    withAgent(settings.statusConcurrency, (agent) =>
      runClosedLoop(async () => check(await send(agent, port, { method: 'GET', path: route, headers })), { ...load, concurrency: settings.statusConcurrency }));

  const groups = benchGroups({ api: api.pid, baseline: baseServer.pid });
  const generateBytes = Math.round(envNumber('BENCH_GENERATE_KIB', 1024) * 1024);

  const results: string[] = [];
  if (settings.only.has('status')) {
    step(`measuring GET /status and its baseline (${settings.warmupSeconds} s warm-up + ${settings.seconds} s each)`);
    const baseline = await measured(groups, () => getLoop(basePort, `/jobs/${completedId}`, {}, expectOk(200, (b) => b.includes('"COMPLETED"'))));
    const statusCompleted = await measured(groups, () => getLoop(apiPort, `/api/v1/status/${completedId}`, auth, expectOk(200, (b) => b.includes('"video_url"'))));
    // A live-state query that failed leaves no stage in the body: count it as an error, not a success.
    const statusProcessing = await measured(groups, () => getLoop(apiPort, `/api/v1/status/${processingId}`, auth, expectOk(200, (b) => b.includes('"stage":"queued"'))));
    results.push(...statusLine('status (completed) ', statusCompleted, baseline), ...statusLine('status (processing)', statusProcessing, baseline));
  }

  // What /generate adds over a bare workflow start is the API's own work; the workflows it
  // starts then run on the control worker, which a deployment scales apart from the API. With
  // the worker stopped, both sides of the ratio start workflows that wait on a queue.
  step('stopping the control worker: /generate is measured against the API alone');
  await controlWorker.stop();
  if (settings.only.has('generate')) {
    step('measuring POST /generate (1 MiB PNG) and the workflow-start loop, in ABBA order');
    const png1 = multipartBody({ prompt: 'a bench cat' }, { name: 'image', filename: 'bench.png', contentType: 'image/png', data: makeLargePng(generateBytes) });
    const startLoop = () => measured(groups, () => workflowStartLoop(devServer.address, account.id, { ...load, concurrency: settings.generateConcurrency }));
    const generateLoop = () => measured(groups, () => withAgent(settings.generateConcurrency, (agent) =>
      runClosedLoop(async () => {
        const res = await send(agent, apiPort, { method: 'POST', path: '/api/v1/generate', headers: { ...auth, 'content-type': png1.contentType }, body: png1.body });
        expectOk(202)(res);
      }, { ...load, concurrency: settings.generateConcurrency })));
    const floorLoop = () => measured(groups, () => withAgent(settings.generateConcurrency, (agent) =>
      runClosedLoop(async () => {
        const res = await send(agent, basePort, { method: 'POST', path: `/upload-and-start?account=${account.id}`, headers: { 'content-type': png1.contentType }, body: png1.body });
        expectOk(202)(res);
      }, { ...load, concurrency: settings.generateConcurrency })));
    const pngBody = makeLargePng(generateBytes);
    const requiredWorkLoop = () => measured(groups, () => withAgent(settings.generateConcurrency, (agent) =>
      runClosedLoop(async () => {
        const res = await send(agent, basePort, { method: 'POST', path: `/upload-check-record-and-start?account=${account.id}`, headers: { 'content-type': 'image/png' }, body: pngBody });
        expectOk(202)(res);
      }, { ...load, concurrency: settings.generateConcurrency })));
    // Every start adds to the Temporal server's store and each later start costs it a little more,
    // so no side may always go first: start loop, generate, floor, required work, required work,
    // floor, generate, start loop.
    const a1 = await startLoop();
    const b1 = await generateLoop();
    const c1 = await floorLoop();
    const d1 = await requiredWorkLoop();
    const d2 = await requiredWorkLoop();
    const c2 = await floorLoop();
    const b2 = await generateLoop();
    const a2 = await startLoop();
    const workflowStarts = combineMeasured([a1, a2]);
    const generate = combineMeasured([b1, b2]);
    const floor = combineMeasured([c1, c2]);
    const requiredWork = combineMeasured([d1, d2]);
    results.push(...generateLine(`generate ${generateBytes === 1 << 20 ? '1 MiB' : `${generateBytes >> 10} KiB`}`, generate, workflowStarts, floor, requiredWork));
  }

  if (settings.only.has('uploads')) {
    step(`measuring API RSS during ${settings.uploads} concurrent ${settings.uploadMiB} MiB uploads`);
    const rss = await uploadMemory(api, apiPort, auth);
    results.push(formatRss(`${settings.uploads} × ${settings.uploadMiB} MiB uploads`, rss, 100));
  }

  const lines = [
    '',
    `Vivid Flow API bench — ${os.cpus().length} CPUs, node ${process.version}, ${settings.seconds} s per measurement after ${settings.warmupSeconds} s warm-up`,
    `  (API = workers/api-main.ts and control worker = workers/control-main.ts, child processes; Postgres 127.0.0.1; Temporal dev server in memory;`,
    `   /status (processing) shares one live-state answer per job per second; /generate runs with the control worker stopped)`,
    '',
    ...results,
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (settings.cpuProfDir) process.stdout.write(`CPU profile of the API process: ${settings.cpuProfDir} (written when it exits)\n`);
}

interface Measured {
  readonly load: LoadResult;
  /** Cores each process group used meanwhile (warm-up included). */
  readonly cores: Record<string, number>;
  readonly cpu: string;
}

async function measured(groups: CpuGroups, run: () => Promise<LoadResult>): Promise<Measured> {
  const before = cpuSnapshot(groups);
  const load = await run();
  const cores = coresByGroup(before, cpuSnapshot(groups));
  return { load, cores, cpu: formatCpu(cores) };
}

/** CPU milliseconds a group spent per completed operation (the warm-up's share is small). */
function cpuMsPerOp(m: Measured, group: string): string {
  const cores = m.cores[group] ?? 0;
  return m.load.rps > 0 ? ((cores * 1000) / m.load.rps).toFixed(2) : 'n/a';
}

function combineMeasured(runs: readonly Measured[]): Measured {
  const groups = Object.keys(runs[0]!.cores);
  const cores = Object.fromEntries(groups.map((g) => [g, runs.reduce((sum, r) => sum + (r.cores[g] ?? 0), 0) / runs.length]));
  return { load: combineLoads(runs.map((r) => r.load)), cores, cpu: formatCpu(cores) };
}

function statusLine(label: string, target: Measured, base: Measured): string[] {
  const t = target.load;
  const ratio = t.rps / base.load.rps;
  const meets = ratio >= 0.5 && t.rps >= 2000 && t.p99Ms < 25 && t.errors === 0;
  return [
    `${label}  c=${t.concurrency}  ${formatLoad(t)}   [cores: ${target.cpu}]`,
    `    | baseline: bare Koa + 1-row select  ${formatLoad(base.load)}   [cores: ${base.cpu}]`,
    `    → ratio ${ratio.toFixed(2)}  (target ≥ 0.5 and ≥ 2000 req/s, p99 < 25 ms)  ${verdict(meets)}`,
  ];
}

function generateLine(label: string, target: Measured, base: Measured, floor: Measured, requiredWork: Measured): string[] {
  const t = target.load;
  const ratio = t.rps / base.load.rps;
  const ofFloor = t.rps / floor.load.rps;
  return [
    `${label.padEnd(19)}  c=${t.concurrency}  ${formatLoad(t)}   [cores: ${target.cpu}]`,
    `    | baseline: workflow.start loop      ${formatLoad(base.load)}   [cores: ${base.cpu}]`,
    `    | floor: raw body → file + start     ${formatLoad(floor.load)}   [cores: ${floor.cpu}]`,
    `    | floor + decode + reserve tx        ${formatLoad(requiredWork.load)}   [cores: ${requiredWork.cpu}]`,
    `    → ratio ${ratio.toFixed(2)}  (target ≥ 0.8)  ${verdict(ratio >= 0.8 && t.errors === 0)};  floor / baseline ${(floor.load.rps / base.load.rps).toFixed(2)};  generate / floor ${ofFloor.toFixed(2)} (target ≥ 0.9) ${verdict(ofFloor >= 0.9 && t.errors === 0)};  generate / (floor + decode + reserve tx) ${(t.rps / requiredWork.load.rps).toFixed(2)}`,
    `    CPU ms per request: generate: api ${cpuMsPerOp(target, 'api')} · temporal ${cpuMsPerOp(target, 'temporal')} · postgres ${cpuMsPerOp(target, 'postgres')};  floor: server ${cpuMsPerOp(floor, 'baseline')} · temporal ${cpuMsPerOp(floor, 'temporal')};  ` +
      `floor + decode + reserve tx: server ${cpuMsPerOp(requiredWork, 'baseline')} · temporal ${cpuMsPerOp(requiredWork, 'temporal')} · postgres ${cpuMsPerOp(requiredWork, 'postgres')};  start loop: temporal ${cpuMsPerOp(base, 'temporal')} · client ${cpuMsPerOp(base, 'bench')}`,
  ];
}

/** Bare Temporal workflow starts, with the product's input and search attributes, on a queue no worker polls. */
async function workflowStartLoop(address: string, accountId: string, options: LoadOptions): Promise<LoadResult> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const taskQueue = `bench-unpolled-${randomUUID()}`;
    return await runClosedLoop(() => startBareWorkflow(client, taskQueue, accountId), options);
  } finally {
    await connection.close();
  }
}

async function uploadMemory(api: NodeChild, port: number, auth: Record<string, string>): Promise<RssResult> {
  const big = multipartBody({ prompt: 'a bench cat' }, { name: 'image', filename: 'big.png', contentType: 'image/png', data: makeLargePng(Math.round(settings.uploadMiB * (1 << 20))) });
  const sampler = startRssSampler(api.pid, 20);
  await sleep(1000);
  const loadStart = Date.now();
  const statuses = await withAgent(settings.uploads, (agent) =>
    Promise.all(Array.from({ length: settings.uploads }, () =>
      send(agent, port, { method: 'POST', path: '/api/v1/generate', headers: { ...auth, 'content-type': big.contentType }, body: big.body })
        .then((r) => r.status, () => 0))));
  const loadEnd = Date.now();
  await sleep(500);
  const samples = await sampler.stop();
  const idle = samples.filter(([t]) => t < loadStart).map(([, kib]) => kib);
  const during = samples.filter(([t]) => t >= loadStart).map(([, kib]) => kib);
  if (idle.length === 0 || during.length === 0) throw new Error(`too few RSS samples (${samples.length})`);
  idle.sort((a, b) => a - b);
  return {
    idleKiB: idle[Math.floor(idle.length / 2)]!,
    peakKiB: Math.max(...during),
    accepted: statuses.filter((s) => s === 202).length,
    total: statuses.length,
    seconds: (loadEnd - loadStart) / 1000,
    samples: samples.length,
  };
}

try {
  await main();
} catch (err) {
  if (!interrupted) process.stderr.write(`bench: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  if (!interrupted) process.stderr.write('bench: cleaning up\n');
  await cleanup();
}
