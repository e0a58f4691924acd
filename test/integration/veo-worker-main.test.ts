/** `npm run worker:veo`: without usable Veo credentials it refuses to start, naming the variables. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

async function runVeoMain(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  const base = { VEO_API_KEY: '', GOOGLE_CLOUD_PROJECT: '', GOOGLE_CLOUD_LOCATION: '', GOOGLE_APPLICATION_CREDENTIALS: '', METADATA_SERVER_DETECTION: '', VIVID_DATA_DIR: path.join(home, 'data'), HOME: home };
  const child = spawn(node, ['--import', 'tsx', 'workers/veo-main.ts'], { cwd: root, env: { ...process.env, ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, err };
}

test('with no Veo credentials the Veo worker does not start', async () => {
  const { code, err } = await runVeoMain({});
  assert.equal(code, 1);
  assert.match(err, /Veo is not configured: set VEO_API_KEY .* or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION/);
});

test('ADC off GCP with no credential file fails, naming the variables, without probing a metadata server', async () => {
  // google-auth-library and gcp-metadata look for the metadata server at GCE_METADATA_HOST /
  // GCE_METADATA_IP: point both at a server that notes every request. METADATA_SERVER_DETECTION is
  // unset, so nothing but our own check keeps the libraries from probing.
  const probes: string[] = [];
  const metadata = createServer((req, res) => {
    probes.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  metadata.listen(0, '127.0.0.1');
  await once(metadata, 'listening');
  const host = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  try {
    const { code, err } = await runVeoMain({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1', GCE_METADATA_HOST: host, GCE_METADATA_IP: host, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(code, 1);
    assert.match(err, /no application default credentials on this machine, and it is not on GCP/);
    assert.match(err, /GOOGLE_APPLICATION_CREDENTIALS/);
    assert.match(err, /VEO_API_KEY/);
    assert.deepEqual(probes, [], 'no request reached the metadata server');
  } finally {
    metadata.close();
  }
});

test('a half-configured project names the missing variable', async () => {
  const { code, err } = await runVeoMain({ GOOGLE_CLOUD_PROJECT: 'p' });
  assert.equal(code, 1);
  assert.match(err, /GOOGLE_CLOUD_LOCATION/);
});
