/** One bare Temporal workflow start with the product's input and search attributes: the unit both /generate baselines repeat. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { parseGenerateFields } from '../api/schemas/generate.js';
import { searchAttributes, videoJobWorkflowType, type VideoJobInput } from '../workflows/messages.js';
import { jobCost } from '../workflows/pricing.js';

const engine = parseGenerateFields({ prompt: 'a bench cat' });

/** Starts a job workflow on `taskQueue` (one no worker polls, so it waits there) and resolves once Temporal accepted it. */
export async function startBareWorkflow(client: Client, taskQueue: string, accountId: string, jobId: string = randomUUID()): Promise<void> {
  const input: VideoJobInput = {
    jobId, accountId,
    image: { key: `jobs/${jobId}/input`, contentType: 'image/png', width: 64, height: 64 },
    engine, cost: jobCost(engine), engineQueue: 'vivid-wan-gpu-v1', pollIntervalSeconds: 10, veoDeadlineSeconds: 1800,
  };
  await client.workflow.start(videoJobWorkflowType, {
    workflowId: jobId,
    taskQueue,
    args: [input],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: searchAttributes.model, value: engine.model },
      { key: searchAttributes.account, value: accountId },
      { key: searchAttributes.status, value: 'PROCESSING' },
    ]),
  });
}
