import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { findFreePort } from '../../infra/net/free-port.js';
import { ApiClient } from '../support/http.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const children: ChildProcess[] = [];
const dirs: string[] = [];

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function stackEnv(): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-wan-stack-'));
  dirs.push(dataDir);
  const [port, temporalPort, uiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  return { VIVID_DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), DATABASE_URL: '', TEMPORAL_ADDRESS: '', GCS_BUCKET: '' };
}

describe('WAN_MODEL=tiny npm start', () => {
  test('runs a local Wan worker on the tiny model: the banner says so and a wan2.1 job completes, labelled', async () => {
    const env: Record<string, string> = { ...(await stackEnv()), WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', WAN_MODEL_DIR: '' };
    const child = spawn(node, ['--import', 'tsx', 'workers/stack.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 120_000;
    while (!out.includes('Press Ctrl-C to stop.')) {
      if (child.exitCode !== null) assert.fail(`the stack exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) assert.fail(`the stack did not start within 120 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /wan2\.1 {2}served on '.+' by the tiny development model with random weights/);
    assert.match(out, /model loaded in \d+\.\d s/);
    assert.match(out, /Development model: its videos are random noise/);

    const { stdout } = await run(node, ['--import', 'tsx', 'workers/cli/main.ts', 'accounts', 'create', '--email', 'wan@example.com', '--credits', '100', '--json'], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, (JSON.parse(stdout) as { api_key: string }).api_key);
    const submitted = await api.generate({ prompt: 'A tiny test', width: '32', height: '32', length: '5', steps: '2' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const done = await api.waitForJob(String(submitted.body.job_id), undefined, 60_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal((done.notes as Record<string, unknown>).development_model, true);
    assert.equal((done.notes as Record<string, unknown>).notice, 'made by a development model with random weights');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  });

  test('the Wan worker alone says what it is missing', async () => {
    const env = await stackEnv();
    for (const [extra, message] of [
      [{ WAN_MODEL: '', WAN_MODEL_DIR: '' }, /No Wan model is configured: set WAN_MODEL=tiny/],
      [{ WAN_MODEL: 'tiny', WAN_MODEL_DIR: '' }, /needs TEMPORAL_ADDRESS/],
    ] as const) {
      const child = spawn(node, ['--import', 'tsx', 'workers/wan-main.ts'], { cwd: root, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1);
      assert.match(err, message);
    }
  });
});
