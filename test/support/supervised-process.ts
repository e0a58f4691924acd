import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules', '.bin', 'node');

/**
 * One of our processes kept running the way a process manager keeps it: started again a moment
 * after it dies, however it died, until stop(). Its output is kept for failure messages.
 */
export class SupervisedProcess {
  #child: ChildProcess | undefined;
  #stopped = false;
  #output = '';
  restarts = 0;

  constructor(
    readonly name: string,
    readonly script: string,
    readonly env: Record<string, string>,
    readonly restartDelayMs = 500,
  ) {}

  start(): void {
    if (this.#stopped) return;
    // Its own process group, so a kill reaches the process and its children (the Wan runtime) together.
    const child = spawn(node, ['--import', 'tsx', this.script], { cwd: root, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#child = child;
    const keep = (d: Buffer) => {
      this.#output = (this.#output + d.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', () => {
      if (this.#child !== child || this.#stopped) return;
      this.restarts++;
      setTimeout(() => this.start(), this.restartDelayMs);
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  output(): string {
    return this.#output;
  }

  /**
   * SIGKILL to the process and everything it started (its group, and any descendant that moved
   * to a group of its own): no shutdown hooks run, as in a crash, an OOM kill or a lost VM.
   */
  kill(): void {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    const tree = [pid, ...descendants(pid)];
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
    for (const p of tree) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }

  /** The direct children of the process (e.g. the Wan runtime of a Wan worker). */
  children(): number[] {
    const pid = this.#child?.pid;
    if (pid === undefined) return [];
    try {
      return execFileSync('pgrep', ['-P', String(pid)]).toString().split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => this.kill(), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)]).toString().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}
