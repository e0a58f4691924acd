/** The child processes the bench runs (the API, the control worker, the baseline server) and an RSS sampler. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { waitForPort } from '../infra/net/free-port.js';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export interface NodeChild {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

export interface NodeChildOptions {
  readonly name: string;
  /** A TypeScript entry point, relative to the repository root, run through tsx. */
  readonly script: string;
  readonly env: Record<string, string>;
  /** Resolves once this port on 127.0.0.1 accepts connections; omitted: as soon as it runs. */
  readonly port?: number;
  readonly logFile: string;
  readonly nodeArgs?: readonly string[];
  readonly readyTimeoutMs?: number;
  /** Called as soon as the process exists, so an interrupt during start-up can still stop it. */
  readonly onSpawn?: (child: NodeChild) => void;
}

export async function startNodeChild(options: NodeChildOptions): Promise<NodeChild> {
  const out = fs.openSync(options.logFile, 'a');
  // Only what the child needs: no stray settings (GCS_BUCKET, PORT...) leak in from the caller's shell.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.script], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const handle: NodeChild = {
    name: options.name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    alive: () => !exited,
    async stop(graceMs = 15_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(killer);
    },
    logTail(lines = 20) {
      try {
        return fs.readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
  options.onSpawn?.(handle);
  if (options.port === undefined) return handle;
  try {
    await waitForPort('127.0.0.1', options.port, options.readyTimeoutMs ?? 120_000, () => !exited);
  } catch (err) {
    await handle.stop(2000);
    throw new Error(`${options.name} did not start: ${(err as Error).message}\n--- ${options.logFile} ---\n${handle.logTail()}`, { cause: err });
  }
  return handle;
}

export type RssSample = readonly [timeMs: number, rssKiB: number];

export interface RssSampler {
  /** Ends sampling and hands back every sample taken. */
  stop(): Promise<RssSample[]>;
}

// In a worker thread, so a busy event loop in the bench (writing a GiB of uploads) cannot delay samples.
const samplerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const state = new Int32Array(workerData.flag);
const samples = [];
while (Atomics.load(state, 0) === 0) {
  try {
    const m = /VmRSS:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/' + workerData.pid + '/status', 'utf8'));
    if (m) samples.push([Date.now(), Number(m[1])]);
  } catch {}
  Atomics.wait(state, 0, 0, workerData.intervalMs);
}
parentPort.postMessage(samples);
`;

/** Reads /proc/<pid>/status VmRSS every `intervalMs` until stopped. */
export function startRssSampler(pid: number, intervalMs = 20): RssSampler {
  const flag = new SharedArrayBuffer(4);
  const state = new Int32Array(flag);
  const worker = new Worker(samplerSource, { eval: true, workerData: { pid, intervalMs, flag } });
  const result = new Promise<RssSample[]>((resolve, reject) => {
    worker.once('message', (samples: RssSample[]) => resolve(samples));
    worker.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
      const samples = await result;
      await worker.terminate();
      return samples;
    },
  };
}
