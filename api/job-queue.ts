import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { jobProgressQuery, searchAttributes, videoJobWorkflowType, type JobProgress, type VideoJobInput } from '../workflows/messages.js';

/** The API's view of Temporal: start a job's workflow, read its live state, cancel it. */
export interface JobQueue {
  start(input: VideoJobInput): Promise<void>;
  /** Null when the workflow cannot answer right now (no control worker running, say). */
  progress(jobId: string): Promise<JobProgress | null>;
  /** False when the workflow had already finished. */
  cancel(jobId: string): Promise<boolean>;
}

export function temporalJobQueue(client: Client, options: { taskQueue: string; queryTimeoutMs?: number }): JobQueue {
  const queryTimeoutMs = options.queryTimeoutMs ?? 1000;
  return {
    async start(input) {
      await client.workflow.start(videoJobWorkflowType, {
        workflowId: input.jobId,
        taskQueue: options.taskQueue,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.model, value: input.engine.model },
          { key: searchAttributes.account, value: input.accountId },
          { key: searchAttributes.status, value: 'PROCESSING' },
        ]),
      });
    },
    async progress(jobId) {
      try {
        return await client.withDeadline(Date.now() + queryTimeoutMs, () => client.workflow.getHandle(jobId).query(jobProgressQuery));
      } catch {
        return null;
      }
    },
    async cancel(jobId) {
      try {
        const handle = client.workflow.getHandle(jobId);
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return false;
        await handle.cancel();
        return true;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return false;
        throw err;
      }
    },
  };
}
