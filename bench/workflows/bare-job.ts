/**
 * The orchestration bench's baseline: a bare workflow that runs the same engine activity as a
 * job, on the same queue, with none of the product around it (no API, records or credits).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { EngineActivities, EngineOutput, WanRenderInput } from '../../workflows/messages.js';

export async function bareJob(input: WanRenderInput, engineQueue: string): Promise<EngineOutput> {
  const engine = proxyActivities<EngineActivities>({ taskQueue: engineQueue, startToCloseTimeout: '1 minute' });
  return engine.generateWanVideo(input);
}
