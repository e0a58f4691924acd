import type { JobProgress, RenderHeartbeat } from '../workflows/messages.js';

export interface PendingActivity {
  readonly type: string;
  readonly started: boolean;
  readonly heartbeat: unknown;
}

const RENDER_START = 0.1;
const RENDER_END = 0.95;

/**
 * Refines the workflow's own account of a job with what only the server knows: whether a GPU
 * worker has picked up the render, and how many denoising steps it has reported.
 */
export function refineProgress(workflow: JobProgress, pending: readonly PendingActivity[]): JobProgress {
  if (workflow.stage !== 'queued') return workflow;
  const render = pending.find((a) => a.type === 'generateWanVideo');
  if (!render?.started) return workflow;
  const beat = render.heartbeat as Partial<RenderHeartbeat> | undefined;
  const fraction = beat && typeof beat.step === 'number' && typeof beat.steps === 'number' && beat.steps > 0 ? Math.min(1, beat.step / beat.steps) : 0;
  return { ...workflow, stage: 'rendering', progress: RENDER_START + (RENDER_END - RENDER_START) * fraction };
}
