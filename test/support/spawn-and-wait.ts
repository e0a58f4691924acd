import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SpawnedService {
  readonly child: ChildProcess;
  /** Everything the process has written so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running process and resolves once `isReady` says it answers; kills it and
 * rejects (with its output) if it exits or isn't ready within `timeoutMs`.
 */
export async function spawnAndWait(
  command: string,
  args: readonly string[],
  isReady: () => Promise<boolean>,
  { timeoutMs = 20_000, ...options }: SpawnOptions & { timeoutMs?: number } = {},
): Promise<SpawnedService> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const service: SpawnedService = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${command} exited before it was ready (${spawnError?.message ?? `code ${child.exitCode}`}):\n${output}`);
    }
    if (await isReady().catch(() => false)) return service;
    await sleep(100);
  }
  await service.stop();
  throw new Error(`${command} was not ready within ${timeoutMs} ms:\n${output}`);
}
