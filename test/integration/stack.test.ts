import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { findFreePort } from '../../infra/net/free-port.js';
import { ApiClient } from '../support/http.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules', '.bin', 'node');

interface StartedStack {
  readonly child: ChildProcess;
  output(): string;
}

const children: ChildProcess[] = [];

/** `npm start`'s entry point, as a user would run it, with no configuration but ports and a data dir. */
async function startStack(env: Record<string, string>): Promise<StartedStack> {
  const child = spawn(node, ['--import', 'tsx', 'workers/stack.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) assert.fail(`the stack exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) assert.fail(`the stack did not start within 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

async function interrupt(stack: StartedStack): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => stack.child.once('exit', (code) => resolve(code)));
  stack.child.kill('SIGINT');
  const timer = setTimeout(() => stack.child.kill('SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

describe('npm start with no configuration', () => {
  let dataDir: string;
  let env: Record<string, string>;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-stack-'));
    const [port, temporalPort, uiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
    // Only what a test must pin: where state goes and which ports are free on a shared machine.
    env = { VIVID_DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), DATABASE_URL: '', TEMPORAL_ADDRESS: '', GCS_BUCKET: '', VEO_API_KEY: '', GOOGLE_CLOUD_PROJECT: '', GOOGLE_CLOUD_LOCATION: '' };
  });
  after(async () => {
    // A failed assertion must not leave a stack running past the test.
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('starts every part, serves the CLI through its database, keeps jobs across a restart and stops cleanly', async () => {
    let stack = await startStack(env);
    const banner = stack.output();
    assert.match(banner, new RegExp(`API +http://127\\.0\\.0\\.1:${env.PORT}/api/v1`));
    assert.match(banner, new RegExp(`Temporal UI +http://localhost:${env.TEMPORAL_UI_PORT}`));
    assert.match(banner, /npx vivid accounts create/);
    assert.match(banner, /wan2\.1 jobs wait, queued/);
    assert.match(banner, /veo3\.1 +not served: no Veo credentials .*veo3\.1 jobs wait, queued/);

    const ui = await fetch(`http://localhost:${env.TEMPORAL_UI_PORT}/`);
    assert.equal(ui.status, 200);

    // The CLI reaches PGlite through the running stack, never by opening its files again.
    const { stdout } = await run(node, ['--import', 'tsx', 'workers/cli/main.ts', 'accounts', 'create', '--email', 'stack@example.com', '--credits', '100', '--json'], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    const { api_key: apiKey } = JSON.parse(stdout) as { api_key: string };
    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, apiKey);
    const submitted = await api.generate({ prompt: 'Queued until a GPU worker appears' });
    assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
    const jobId = String(submitted.body.job_id);
    const queued = await api.waitForJob(jobId, (b) => b.stage === 'queued');
    assert.equal(queued.status, 'PROCESSING');

    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_DEV_PORT}` });
    try {
      const client = new Client({ connection });
      // Visibility is eventually consistent: allow it a moment.
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length === 0; i++) {
        found = [];
        for await (const wf of client.workflow.list({ query: `VividModel = 'wan2.1' AND VividStatus = 'PROCESSING'` })) found.push(wf.workflowId);
        if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(found, [jobId]);
    } finally {
      await connection.close();
    }

    assert.equal(await interrupt(stack), 0);

    stack = await startStack(env);
    const again = await api.status(jobId);
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'PROCESSING');
    assert.equal((await api.history()).body.length, 1);
    assert.equal((await api.usage()).body.credits_remaining, 100 - 6);
    assert.equal(await interrupt(stack), 0);
  });

  test('the API and the control worker alone need a Temporal cluster to join', async () => {
    for (const script of ['workers/api-main.ts', 'workers/control-main.ts']) {
      const child = spawn(node, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1, script);
      assert.match(err, /needs TEMPORAL_ADDRESS/, script);
    }
  });

  test('a bad setting stops start-up with a message naming the variable', async () => {
    const child = spawn(node, ['--import', 'tsx', 'workers/stack.ts'], { cwd: root, env: { ...process.env, ...env, PORT: 'http' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    assert.match(err, /PORT/);
  });
});
