/**
 * The orchestration bench's baselines: bare workflows with none of the product around them (no
 * API, upload, search attributes, progress or cancel handling). `bareJob` runs the job's own
 * activities on their own queues, the engine's and then `finalizeJob` on the control queue (on
 * a job with no record, so its update finds no row: the same round trips); with no control
 * queue, the engine activity alone.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ControlActivities } from '../../activities/index.js';
import type { EngineActivities, EngineOutput, WanRenderInput } from '../../workflows/messages.js';

export async function bareJob(input: WanRenderInput, queues: { readonly engine: string; readonly control?: string }): Promise<EngineOutput> {
  const engine = proxyActivities<EngineActivities>({ taskQueue: queues.engine, startToCloseTimeout: '1 minute' });
  const output = await engine.generateWanVideo(input);
  if (queues.control) {
    const control = proxyActivities<ControlActivities>({ taskQueue: queues.control, startToCloseTimeout: '30 seconds' });
    await control.finalizeJob({ jobId: input.jobId, output });
  }
  return output;
}
