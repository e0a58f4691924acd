/**
 * The images, without building them (no base image can be pulled here): hadolint and checkov
 * pass on every Dockerfile, every base is pinned by digest, every image runs as a non-root user,
 * and each image's entry command, run outside a container with the environment the image sets,
 * starts and passes the image's own HEALTHCHECK and `/readyz` against a real Temporal dev server
 * and Postgres. The compose file names only images and targets that exist.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { findFreePort } from '../../infra/net/free-port.js';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal/dev-server.js';
import { searchAttributes } from '../../workflows/messages.js';
import { openTestPostgres, type ThrowawayPostgres } from '../support/databases.js';
import { deployPython, deployReport, hadolint, root, type CheckovReport } from '../support/deploy-tools.js';
import { readDockerfile, type ImageStage } from '../support/dockerfile.js';
import { waitUntil } from '../support/http.js';
import { spawnAndWait } from '../support/spawn-and-wait.js';

const run = promisify(execFile);
const dockerfiles = ['infra/docker/node.Dockerfile', 'infra/docker/wan.Dockerfile'].map((f) => path.join(root, f));
const node = process.execPath;

let temporal: DevServer;
let postgres: ThrowawayPostgres;
let scratch: string;
let bundlePath: string;

before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'vivid-images-'));
  bundlePath = path.join(scratch, 'workflow-bundle.js');
  [temporal, postgres] = await Promise.all([
    startTemporalDevServer({ port: await findFreePort(), searchAttributes: Object.values(searchAttributes) }),
    openTestPostgres('vivid_images'),
    // As the control image's build does (`RUN node --import tsx workers/build-workflow-bundle.ts`).
    run(node, ['--import', 'tsx', 'workers/build-workflow-bundle.ts', path.join(scratch, 'workflow-bundle.js')], { cwd: root }),
  ]);
});
after(async () => {
  await Promise.allSettled([temporal?.stop(), postgres?.close()]);
  await rm(scratch, { recursive: true, force: true });
});

async function stage(file: string, name: string): Promise<ImageStage> {
  const found = (await readDockerfile(path.join(root, file))).find((s) => s.name === name);
  assert.ok(found, `${file} has no stage ${name}`);
  return found;
}

test('hadolint finds nothing in either Dockerfile, and does flag an unpinned, root image', async () => {
  for (const file of dockerfiles) {
    const { stdout } = await run(hadolint, ['--no-color', file]).catch((err: { stdout: string }) => ({ stdout: err.stdout }));
    assert.equal(stdout.trim(), '', `${path.basename(file)}:\n${stdout}`);
  }
  const bad = path.join(scratch, 'bad.Dockerfile');
  await writeFile(bad, 'FROM node:latest\nRUN apt-get update && apt-get install -y curl\nCMD node server.js\n');
  const failed = await run(hadolint, ['--no-color', bad]).then(() => undefined, (err: { code: number; stdout: string }) => err);
  assert.ok(failed, 'hadolint accepted a bad Dockerfile');
  assert.match(failed.stdout, /DL3007/); // latest tag
  assert.match(failed.stdout, /DL3025/); // shell-form CMD
});

test('checkov passes every Dockerfile check', async () => {
  const { code, report } = await deployReport<CheckovReport>('checkov_report.py', [path.join(root, 'infra/docker')]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.unexplained_skips, []);
  assert.ok(report.passed > 20, `checkov ran only ${report.passed} checks`);
  assert.equal(code, 0);
});

test('every external base is pinned by digest, and every image runs as a non-root user with a health check', async () => {
  const targets = [
    ['infra/docker/node.Dockerfile', 'api'],
    ['infra/docker/node.Dockerfile', 'control'],
    ['infra/docker/node.Dockerfile', 'veo'],
    ['infra/docker/wan.Dockerfile', 'wan'],
  ] as const;
  for (const file of dockerfiles) {
    const stages = await readDockerfile(file);
    for (const s of stages.filter((s) => !stages.some((p) => p.name === s.from))) {
      assert.match(s.from, /@sha256:[0-9a-f]{64}$/, `${path.basename(file)} stage ${s.name} is based on ${s.from}`);
    }
  }
  for (const [file, name] of targets) {
    const s = await stage(file, name);
    assert.match(s.user ?? 'root', /^[1-9][0-9]*:[1-9][0-9]*$/, `${name} runs as ${s.user ?? 'root'}`);
    assert.ok(s.healthcheck, `${name} has no HEALTHCHECK`);
    assert.deepEqual(s.entrypoint, ['node', '--import', 'tsx']);
  }
  const nodeFile = await readFile(dockerfiles[0]!, 'utf8');
  assert.match(nodeFile, /npm ci --omit=dev/);
  assert.match(nodeFile, /build-workflow-bundle\.ts/);
  assert.match(await readFile(dockerfiles[1]!, 'utf8'), /download\.pytorch\.org\/whl\/cu128 torch==/);
});

/**
 * Runs a stage's ENTRYPOINT + CMD from the repository root (the image's WORKDIR holds the same
 * files) with the stage's ENV, the local parts in place of the cloud ones, and free ports in place
 * of the image's fixed ones; then its HEALTHCHECK command and /readyz.
 */
async function runImage(file: string, name: string, extraEnv: Record<string, string>, timeoutMs = 60_000): Promise<void> {
  const s = await stage(file, name);
  const imagePort = s.env.VIVID_METRICS_PORT ?? s.env.PORT;
  assert.ok(imagePort && s.cmd && s.entrypoint && s.healthcheck);
  const port = String(await findFreePort());
  const temporalMetricsPort = String(await findFreePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: scratch,
    ...s.env,
    ...(s.env.VIVID_METRICS_PORT ? { VIVID_METRICS_PORT: port } : { PORT: port }),
    ...(s.env.VIVID_WORKFLOW_BUNDLE ? { VIVID_WORKFLOW_BUNDLE: bundlePath } : {}),
    ...(s.env.VIVID_TEMPORAL_METRICS_PORT ? { VIVID_TEMPORAL_METRICS_PORT: temporalMetricsPort } : {}),
    VIVID_DATA_DIR: await mkdtemp(path.join(scratch, `${name}-data-`)),
    TEMPORAL_ADDRESS: temporal.address,
    METADATA_SERVER_DETECTION: 'none',
    ...extraEnv,
  };
  const [command, ...args] = [...s.entrypoint, ...s.cmd];
  assert.equal(command, 'node');
  const healthcheck = s.healthcheck.map((a) => (a === imagePort ? port : a));
  assert.notDeepEqual(healthcheck, s.healthcheck, `${name}'s HEALTHCHECK does not probe its port ${imagePort}`);
  const passes = async () => (await run(node, healthcheck.slice(1), { cwd: root }).then(() => true, () => false));

  assert.equal(await passes(), false, 'the health check passed before the process started');
  const service = await spawnAndWait(node, args, passes, { cwd: root, env, timeoutMs });
  try {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await ready.json()) as { ok: boolean; checks: Record<string, string> };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.ok(Object.keys(body.checks).includes('temporal'), JSON.stringify(body));
    assert.ok(Object.values(body.checks).every((r) => r === 'ok'), JSON.stringify(body));
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^vivid_process_cpu_seconds_total\{component="/m);
    if (s.env.VIVID_TEMPORAL_METRICS_PORT) {
      // The SDK's own exporter: its workers' poll and slot metrics.
      await waitUntil('Temporal SDK metrics', async () => /temporal_worker_task_slots_available/.test(await (await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`)).text()), 15_000);
    }
  } finally {
    await service.stop();
  }
  assert.equal(await passes(), false, 'the health check still passes after the process stopped');
}

test('the API image: its CMD serves, its HEALTHCHECK passes, /readyz sees Postgres and Temporal', async () => {
  await runImage('infra/docker/node.Dockerfile', 'api', { DATABASE_URL: postgres.url });
});

test('the control image: its CMD polls with the prebuilt workflow bundle and passes its HEALTHCHECK', async () => {
  await runImage('infra/docker/node.Dockerfile', 'control', { DATABASE_URL: postgres.url });
});

test('the Veo image: its CMD starts and passes its HEALTHCHECK', async () => {
  await runImage('infra/docker/node.Dockerfile', 'veo', { VEO_API_KEY: 'test-key-not-used', VEO_BASE_URL: 'http://127.0.0.1:9' });
});

test('the Wan image: its CMD loads the tiny model on the CPU, polls, and passes its HEALTHCHECK', async () => {
  await runImage('infra/docker/wan.Dockerfile', 'wan', { WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu' }, 240_000);
});

test('the compose file builds only Dockerfile targets that exist and runs Temporal, both Postgres and a GCS emulator', async () => {
  const { stdout } = await run(deployPython, ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path.join(root, 'infra/compose/compose.yaml')]);
  const compose = JSON.parse(stdout) as { services: Record<string, { build?: { dockerfile: string; target?: string }; image?: string; depends_on?: Record<string, unknown> }> };
  const services = compose.services;
  for (const [name, svc] of Object.entries(services)) {
    for (const dep of Object.keys(svc.depends_on ?? {})) assert.ok(services[dep], `${name} depends on unknown ${dep}`);
    if (!svc.build) continue;
    const stages = await readDockerfile(path.join(root, svc.build.dockerfile));
    assert.ok(!svc.build.target || stages.some((s) => s.name === svc.build!.target), `${name}: no target ${svc.build.target}`);
  }
  assert.match(services.temporal?.image ?? '', /^temporalio\/server:/);
  assert.match(services['temporal-postgresql']?.image ?? '', /^postgres:/);
  assert.match(services['app-postgres']?.image ?? '', /^postgres:/);
  assert.match(services.gcs?.image ?? '', /fake-gcs-server/);
  for (const app of ['api', 'control', 'wan-tiny']) assert.ok(services[app]?.build, `compose has no ${app} built from our images`);
});
