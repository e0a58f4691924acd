/** `npm run worker:veo`: without usable Veo credentials it refuses to start, naming the variables. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node = process.execPath;
let home: string;

before(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'vivid-veo-home-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function runVeoMain(env: Record<string, string>): Promise<{ code: number | null; err: string; ms: number }> {
  const started = Date.now();
  const base = { VEO_API_KEY: '', GOOGLE_CLOUD_PROJECT: '', GOOGLE_CLOUD_LOCATION: '', GOOGLE_APPLICATION_CREDENTIALS: '', METADATA_SERVER_DETECTION: '', VIVID_DATA_DIR: path.join(home, 'data'), HOME: home };
  const child = spawn(node, ['--import', 'tsx', 'workers/veo-main.ts'], { cwd: root, env: { ...process.env, ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, err, ms: Date.now() - started };
}

test('with no Veo credentials the Veo worker does not start', async () => {
  const { code, err } = await runVeoMain({});
  assert.equal(code, 1);
  assert.match(err, /Veo is not configured: set VEO_API_KEY .* or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION/);
});

test('ADC off GCP with no credential file fails fast, naming the variables, without probing a metadata server', async () => {
  const { code, err, ms } = await runVeoMain({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1', METADATA_SERVER_DETECTION: 'none', TEMPORAL_ADDRESS: '127.0.0.1:1' });
  assert.equal(code, 1);
  assert.match(err, /GOOGLE_APPLICATION_CREDENTIALS/);
  assert.match(err, /VEO_API_KEY/);
  assert.ok(ms < 15_000, `took ${ms} ms`);
});

test('a half-configured project names the missing variable', async () => {
  const { code, err } = await runVeoMain({ GOOGLE_CLOUD_PROJECT: 'p' });
  assert.equal(code, 1);
  assert.match(err, /GOOGLE_CLOUD_LOCATION/);
});
