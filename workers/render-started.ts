import type { Client } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from '../infra/log/logger.js';
import { renderStartedSignal } from '../workflows/messages.js';

const RENDERS = new Set(['generateWanVideo']);

/**
 * Tells a job's workflow that an engine worker has begun its render, so that our records (and
 * every waiting job's queue position) know it no longer waits. Only the server sees an activity
 * start; the workflow learns of it here. A lost signal costs an estimate, never the render.
 */
export function renderStartedInterceptor(client: Client, log?: Logger): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const run = ctx.info.workflowExecution;
        if (RENDERS.has(ctx.info.activityType) && run) {
          const { workflowId, runId } = run;
          client.workflow
            .getHandle(workflowId, runId)
            .signal(renderStartedSignal, { attempt: ctx.info.attempt, startedAt: new Date().toISOString() })
            .catch((err: unknown) => log?.warn('could not report a render start', { jobId: workflowId, err }));
        }
        return next(input);
      },
    },
  });
}
