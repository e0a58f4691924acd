/**
 * The Python Wan runtime (infra/engines/wan/runtime, `python -m vivid_wan.server`) as a child
 * process: one per GPU, the model resident between jobs, spoken to in newline-delimited JSON.
 * A supervised slot restarts its runtime when it dies, so a crash costs one attempt, not the worker.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { WanSpeedOptions } from '../../config.js';
import type { Logger } from '../../log/logger.js';
import { childProcessEnv } from '../../process/child-env.js';

export const runtimeRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'runtime');
export const defaultPython = path.resolve(runtimeRoot, '../../../../.venv/bin/python');

export type WanFailureKind = 'OutOfMemory' | 'InvalidInput' | 'Cancelled' | 'RenderError' | 'RuntimeCrashed';

/** A render that did not produce a video; `kind` says whether trying again can help. */
export class WanRenderError extends Error {
  override name = 'WanRenderError';
  constructor(
    message: string,
    readonly kind: WanFailureKind,
  ) {
    super(message);
  }
}

/** The runtime could not load its model: a start-up error, never a job's. */
export class WanRuntimeStartError extends Error {
  override name = 'WanRuntimeStartError';
}

export interface WanRuntimeOptions {
  readonly modelDir: string;
  /** `auto`, `cpu`, or a CUDA device index (the runtime then sees only that GPU). */
  readonly device: string;
  readonly cpuOffload: boolean;
  /** Unset: all off (diffusers' exact computation). */
  readonly speed?: WanSpeedOptions;
  readonly python?: string;
  /** Extra seconds after each step: lets tests catch a render in the middle. */
  readonly stepDelaySeconds?: number;
  readonly log?: Logger;
}

export interface WanRenderRequest {
  readonly id: string;
  readonly params: {
    readonly prompt: string;
    readonly negative_prompt: string;
    readonly cfg: number;
    readonly width: number;
    readonly height: number;
    readonly length: number;
    readonly steps: number;
    readonly seed: number;
  };
  readonly image: string;
  readonly outDir: string;
  /** A preview every this many steps while watchPreviews(id, true) holds; 0 or absent: none. */
  readonly previewEvery?: number;
  /** Whether someone already watches as the render starts (watchPreviews before the render is sent is lost). */
  readonly previewWanted?: boolean;
}

/** A preview JPEG the runtime wrote for a render, after `step`, in `seconds`. */
export type PreviewHandler = (preview: { readonly step: number; readonly path: string; readonly seconds: number }) => void;

export interface WanRenderResult {
  readonly video: string;
  readonly poster: string;
  readonly frames: number;
  readonly seconds: number;
}

interface Pending {
  readonly onStep: (step: number, steps: number) => void;
  readonly onPreview?: PreviewHandler;
  readonly resolve: (r: WanRenderResult) => void;
  readonly reject: (e: Error) => void;
}

type RuntimeEvent = { event: string; id?: string; [k: string]: unknown };

/** The command line of `python -m vivid_wan.server` for these options. */
export function runtimeArgs(options: WanRuntimeOptions): string[] {
  const args = ['-m', 'vivid_wan.server', '--model-dir', options.modelDir, '--device', /^\d+$/.test(options.device) ? 'cuda' : options.device];
  if (options.cpuOffload) args.push('--cpu-offload');
  if (options.stepDelaySeconds) args.push('--step-delay', String(options.stepDelaySeconds));
  const speed = options.speed;
  if (speed) {
    if (speed.attentionBackend !== 'native') args.push('--attention', speed.attentionBackend);
    if (speed.compile) args.push('--compile');
    if (speed.fp8) args.push('--fp8');
    if (speed.stepCache > 0) args.push('--step-cache', String(speed.stepCache));
  }
  return args;
}

/** One running Python runtime with its model loaded. */
export class WanRuntimeProcess {
  private readonly pending = new Map<string, Pending>();
  private exitCode: number | null | undefined;
  readonly exited: Promise<void>;
  private readonly stderrTail: string[];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly loadSeconds: number,
    readonly device: string,
    stderrTail: string[],
    exited: Promise<void>,
    events: AsyncIterator<RuntimeEvent>,
  ) {
    this.stderrTail = stderrTail;
    this.exited = exited.then(() => {
      this.exitCode = child.exitCode ?? -1;
      const why = `The Wan runtime (pid ${child.pid}) exited (${child.signalCode ?? `code ${child.exitCode}`}) during the render.${this.tail()}`;
      for (const p of this.pending.values()) p.reject(new WanRenderError(why, 'RuntimeCrashed'));
      this.pending.clear();
    });
    void this.pump(events);
  }

  static async start(options: WanRuntimeOptions): Promise<WanRuntimeProcess> {
    const args = runtimeArgs(options);
    const env = childProcessEnv({ PYTHONUNBUFFERED: '1', HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' });
    if (/^\d+$/.test(options.device)) env.CUDA_VISIBLE_DEVICES = options.device;
    // Its own process group: the terminal's Ctrl-C goes to the worker, which stops the runtime in
    // its own time (a render finished or handed back), not to Python mid-render. If the worker dies
    // outright, the runtime sees its stdin close and exits.
    const child = spawn(options.python ?? defaultPython, args, { cwd: runtimeRoot, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const stderrTail: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 40) stderrTail.shift();
      options.log?.debug('wan runtime', { pid: child.pid, line });
    });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const spawnFailed = new Promise<never>((_, reject) => child.once('error', (err) => reject(new WanRuntimeStartError(`The Wan runtime could not start: ${err.message}`))));
    const events = (async function* () {
      for await (const line of createInterface({ input: child.stdout })) {
        try {
          yield JSON.parse(line) as RuntimeEvent;
        } catch {
          options.log?.warn('wan runtime wrote a line that is not JSON', { line });
        }
      }
    })();
    const first = await Promise.race([events.next(), spawnFailed]);
    const tail = () => (stderrTail.length ? `\n${stderrTail.slice(-10).join('\n')}` : '');
    if (first.done || first.value.event !== 'ready') {
      child.kill('SIGKILL');
      const message = !first.done && first.value.event === 'fatal' ? String(first.value.message) : `The Wan runtime exited before loading its model.${tail()}`;
      throw new WanRuntimeStartError(message);
    }
    return new WanRuntimeProcess(child, Number(first.value.load_seconds), String(first.value.device), stderrTail, exited, events);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  private tail(): string {
    return this.stderrTail.length ? ` Its last words:\n${this.stderrTail.slice(-8).join('\n')}` : '';
  }

  private async pump(events: AsyncIterator<RuntimeEvent>): Promise<void> {
    for (;;) {
      const next = await events.next();
      if (next.done) return;
      const e = next.value;
      const p = e.id === undefined ? undefined : this.pending.get(e.id);
      if (!p) continue;
      if (e.event === 'step') p.onStep(Number(e.step), Number(e.steps));
      else if (e.event === 'preview') p.onPreview?.({ step: Number(e.step), path: String(e.path), seconds: Number(e.seconds) });
      else if (e.event === 'done') {
        this.pending.delete(e.id!);
        p.resolve({ video: String(e.video), poster: String(e.poster), frames: Number(e.frames), seconds: Number(e.seconds) });
      } else if (e.event === 'error') {
        this.pending.delete(e.id!);
        const kind = (['OutOfMemory', 'InvalidInput', 'Cancelled'] as const).find((k) => k === e.kind) ?? 'RenderError';
        p.reject(new WanRenderError(String(e.message), kind));
      }
    }
  }

  private send(message: Record<string, unknown>): void {
    if (this.alive && this.child.stdin.writable) this.child.stdin.write(JSON.stringify(message) + '\n');
  }

  /** Renders one job; step events reach `onStep` as they happen. */
  render(request: WanRenderRequest, onStep: (step: number, steps: number) => void, onPreview?: PreviewHandler): Promise<WanRenderResult> {
    if (!this.alive) return Promise.reject(new WanRenderError('The Wan runtime is not running.', 'RuntimeCrashed'));
    if (this.pending.has(request.id)) return Promise.reject(new Error(`render ${request.id} is already running`));
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { onStep, onPreview, resolve, reject });
      this.send({ cmd: 'render', id: request.id, params: request.params, image: request.image, out_dir: request.outDir, preview_every: request.previewEvery ?? 0, preview_wanted: request.previewWanted ?? false });
    });
  }

  /** Starts or stops that render's previews (they start off). */
  watchPreviews(id: string, wanted: boolean): void {
    this.send({ cmd: 'preview', id, wanted });
  }

  /** Stops that render after its current denoising step; its promise then rejects with kind Cancelled. */
  cancel(id: string): void {
    this.send({ cmd: 'cancel', id });
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Lets a running render finish, then stops; kills it after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.send({ cmd: 'shutdown' });
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * One GPU's runtime, kept alive: if the process dies it is started again (its model reloaded)
 * and the next render waits for it. Renders are one at a time per slot.
 */
export class WanRuntimeSlot {
  private current: Promise<WanRuntimeProcess>;
  private closed = false;
  busy = false;
  restarts = 0;

  private constructor(
    private readonly options: WanRuntimeOptions,
    first: WanRuntimeProcess,
  ) {
    this.current = Promise.resolve(first);
    this.watch(first);
  }

  static async start(options: WanRuntimeOptions): Promise<WanRuntimeSlot> {
    return new WanRuntimeSlot(options, await WanRuntimeProcess.start(options));
  }

  get device(): string {
    return this.options.device;
  }

  /** The live runtime (waits while one restarts). */
  runtime(): Promise<WanRuntimeProcess> {
    return this.current;
  }

  private watch(proc: WanRuntimeProcess): void {
    void proc.exited.then(() => {
      if (this.closed) return;
      this.restarts++;
      this.options.log?.warn('wan runtime exited; restarting it', { device: this.options.device, pid: proc.pid, restarts: this.restarts });
      this.current = this.restart(1);
    });
  }

  private async restart(attempt: number): Promise<WanRuntimeProcess> {
    try {
      const proc = await WanRuntimeProcess.start(this.options);
      this.options.log?.info('wan runtime restarted', { device: this.options.device, pid: proc.pid, loadSeconds: proc.loadSeconds });
      this.watch(proc);
      return proc;
    } catch (err) {
      if (this.closed) throw err;
      this.options.log?.error('wan runtime restart failed', { device: this.options.device, attempt, err });
      await new Promise((r) => setTimeout(r, Math.min(60_000, 1000 * 2 ** attempt)));
      return this.restart(attempt + 1);
    }
  }

  async close(graceMs?: number): Promise<void> {
    this.closed = true;
    const proc = await this.current.catch(() => undefined);
    await proc?.close(graceMs);
  }
}

/** The worker's runtimes, one per GPU; a render takes a free one. */
export class WanRuntimePool {
  private readonly waiters: Array<(slot: WanRuntimeSlot) => void> = [];

  constructor(readonly slots: readonly WanRuntimeSlot[]) {}

  static async start(devices: readonly string[], options: Omit<WanRuntimeOptions, 'device'>): Promise<WanRuntimePool> {
    const started = await Promise.allSettled(devices.map((device) => WanRuntimeSlot.start({ ...options, device })));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
      throw failed.reason;
    }
    return new WanRuntimePool(started.map((s) => (s as PromiseFulfilledResult<WanRuntimeSlot>).value));
  }

  async acquire(): Promise<WanRuntimeSlot> {
    const free = this.slots.find((s) => !s.busy);
    const slot = free ?? (await new Promise<WanRuntimeSlot>((resolve) => this.waiters.push(resolve)));
    slot.busy = true;
    return slot;
  }

  release(slot: WanRuntimeSlot): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  async close(graceMs?: number): Promise<void> {
    await Promise.all(this.slots.map((s) => s.close(graceMs)));
  }
}
