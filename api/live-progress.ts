import type { JobProgress, JobStage, RenderHeartbeat } from '../workflows/messages.js';

/** What the server says of one of the workflow's pending activities (from describe()). */
export interface PendingActivity {
  readonly type: string;
  readonly state: 'scheduled' | 'started' | 'cancel_requested';
  /** 1 for the first try; a retry scheduled after a failure already counts as the next attempt. */
  readonly attempt: number;
  /** The message of the attempt before this one, when it failed. */
  readonly lastFailure: string | null;
  /** When the current attempt began, once it has. */
  readonly lastStartedAt: Date | null;
  readonly heartbeat: unknown;
}

/** A job's live state: the workflow's stage and progress, refined with what only the server knows. */
export interface LiveJob extends JobProgress {
  /** The attempt of the engine step now running (Wan's render, Veo's submission or poll). */
  readonly attempt?: number;
  /** Why the previous attempt failed, while a retry waits or runs. */
  readonly lastError?: string;
  /** Seconds left while rendering, from the measured time per denoising step. */
  readonly etaSeconds?: number;
  /** The denoising step of the latest live preview in storage, while a Wan job renders. */
  readonly previewStep?: number;
}

const ENGINE_ACTIVITIES = new Set(['generateWanVideo', 'submitVeoOperation', 'pollVeoOperation']);
const RENDER_START = 0.1;
const RENDER_END = 0.95;

/**
 * Refines the workflow's own account of a job with what only the server knows: whether a GPU
 * worker has picked up the render, how many denoising steps it has reported, and which attempt runs.
 */
export function refineProgress(workflow: JobProgress, pending: readonly PendingActivity[], now = Date.now()): LiveJob {
  const engine = pending.find((a) => ENGINE_ACTIVITIES.has(a.type));
  if (!engine) return workflow;
  const tried: Pick<LiveJob, 'attempt' | 'lastError'> = { attempt: engine.attempt, ...(engine.lastFailure ? { lastError: engine.lastFailure } : {}) };
  // A render asked to stop is still rendering until the runtime has finished its step.
  if (workflow.stage !== 'queued' || engine.type !== 'generateWanVideo' || engine.state === 'scheduled') return { ...workflow, ...tried };

  // Heartbeat details outlive a failed attempt; only the running attempt's own count.
  const beat = engine.heartbeat as Partial<RenderHeartbeat> | undefined;
  const own = beat && (beat.attempt === undefined || beat.attempt === engine.attempt) ? beat : undefined;
  const valid = own && typeof own.step === 'number' && typeof own.steps === 'number' && own.steps > 0;
  const fraction = valid ? Math.min(1, own.step! / own.steps!) : 0;
  const live: LiveJob = {
    ...workflow,
    ...tried,
    stage: 'rendering',
    progress: RENDER_START + (RENDER_END - RENDER_START) * fraction,
    ...(engine.lastStartedAt ? { startedAt: engine.lastStartedAt.toISOString() } : {}),
  };
  const eta = valid ? renderEtaSeconds(own as RenderHeartbeat, now) : undefined;
  const previewStep = typeof own?.previewStep === 'number' ? own.previewStep : undefined;
  return { ...live, ...(eta === undefined ? {} : { etaSeconds: eta }), ...(previewStep === undefined ? {} : { previewStep }) };
}

/** Steps left times the mean step so far, less the time since the last step; unknown before the first step. */
export function renderEtaSeconds(beat: RenderHeartbeat, now: number): number | undefined {
  if (beat.renderStartedAt === undefined || beat.stepAt === undefined || beat.step < 1) return undefined;
  const perStep = (beat.stepAt - beat.renderStartedAt) / beat.step;
  const leftMs = perStep * (beat.steps - beat.step) - (now - beat.stepAt);
  return Math.max(0, Math.ceil(leftMs / 1000));
}

const STAGE_ORDER: Record<JobStage, number> = { reserving_credits: 0, queued: 1, rendering: 2, finalizing: 3, refunding: 3, completed: 4, failed: 4 };

/**
 * Within one attempt a job only moves forward. A later look can lag behind an earlier one (the
 * workflow answers 'queued' just after the render finished, or the render is cancelled and the
 * workflow refunds): then the earlier stage and fraction stand. A new attempt starts afresh and says so.
 */
export function neverBackwards(previous: LiveJob | undefined, next: LiveJob): LiveJob {
  if (!previous) return next;
  const attempt = next.attempt ?? previous.attempt;
  if ((attempt ?? 1) > (previous.attempt ?? 1)) return next;
  const carried: LiveJob = {
    ...next,
    ...(attempt !== undefined ? { attempt } : {}),
    ...(next.lastError === undefined && previous.lastError !== undefined ? { lastError: previous.lastError } : {}),
    ...(next.startedAt === undefined && previous.startedAt !== undefined ? { startedAt: previous.startedAt } : {}),
  };
  if (STAGE_ORDER[next.stage] < STAGE_ORDER[previous.stage]) return { ...previous, ...pick(carried, ['attempt', 'lastError']) };
  return next.progress >= previous.progress ? carried : { ...carried, progress: previous.progress };
}

function pick(job: LiveJob, keys: readonly ('attempt' | 'lastError')[]): Partial<LiveJob> {
  return Object.fromEntries(keys.filter((k) => job[k] !== undefined).map((k) => [k, job[k]]));
}
