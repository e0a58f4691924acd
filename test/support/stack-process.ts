import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../infra/net/free-port.js';

/** Our processes as a user starts them: `npm start`'s entry point, the CLI, single-role workers. */
const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules', '.bin', 'node');
const children: ChildProcess[] = [];
const dirs: string[] = [];

/**
 * No configuration but what a test must pin: where state goes, ports free on a shared machine,
 * and no Wan worker (WAN_MODEL=none), which would start a Python runtime for every stack test.
 */
export async function stackEnv(): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-stack-'));
  dirs.push(dataDir);
  const [port, temporalPort, uiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  return {
    VIVID_DATA_DIR: dataDir, PORT: String(port), TEMPORAL_DEV_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort),
    DATABASE_URL: '', TEMPORAL_ADDRESS: '', GCS_BUCKET: '', VEO_API_KEY: '', GOOGLE_CLOUD_PROJECT: '', GOOGLE_CLOUD_LOCATION: '', WAN_MODEL: 'none', WAN_MODEL_DIR: '',
  };
}

export interface StartedStack {
  readonly child: ChildProcess;
  output(): string;
}

/** Starts workers/stack.ts and resolves once its banner says it is running. */
export async function startStack(env: Record<string, string>, timeoutMs = 90_000): Promise<StartedStack> {
  // A process group of its own, as a terminal gives `npm start`: `interrupt` signals all of it.
  const child = spawn(node, ['--import', 'tsx', 'workers/stack.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null) assert.fail(`the stack exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) assert.fail(`the stack did not start within ${timeoutMs / 1000} s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

/** Ctrl-C, as a terminal delivers it: SIGINT to every process in the stack's group; resolves with the exit code. */
export async function interrupt(stack: StartedStack, timeoutMs = 30_000): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => stack.child.once('exit', (code) => resolve(code)));
  process.kill(-stack.child.pid!, 'SIGINT');
  const timer = setTimeout(() => stack.child.kill('SIGKILL'), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Runs one of our scripts to its end: its exit code and standard error. */
export async function runToExit(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(node, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

/** `vivid accounts create --json` against the same data directory: the new account's API key. */
export async function createAccountWithCli(env: Record<string, string>, email: string, credits: number): Promise<string> {
  const { stdout } = await promisify(execFile)(node, ['--import', 'tsx', 'workers/cli/main.ts', 'accounts', 'create', '--email', email, '--credits', String(credits), '--json'], {
    cwd: root,
    env: { ...process.env, ...env },
  });
  return (JSON.parse(stdout) as { api_key: string }).api_key;
}

/** For `after`: a failed assertion must not leave a stack running past its test file. */
export async function cleanUpStacks(): Promise<void> {
  // SIGTERM first: a stack stops the dev server and runtimes it started in their own process groups.
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(running.map((child) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  })));
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}
