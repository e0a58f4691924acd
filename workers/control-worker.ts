import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createControlActivities } from '../activities/index.js';
import { createWebhookActivities } from '../activities/webhooks.js';
import { finishedJobBody } from '../api/job-views.js';
import type { Config } from '../infra/config.js';
import { findAccountJobOutcome } from '../infra/db/jobs.js';
import type { Runtime } from './runtime.js';

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;

/**
 * The orchestration worker: runs job workflows and the activities that touch only our own
 * records (credits, job history). Engines run on their own queues and workers.
 */
export async function createControlWorker(
  config: Pick<Config, 'queues' | 'temporal' | 'webhooks' | 'videoUrlTtlSeconds'>,
  runtime: Pick<Runtime, 'database' | 'workerConnection' | 'storage'>,
  /** A prebuilt bundle (production images, tests that start many workers); omitted: bundled at start. */
  workflowBundle?: WorkflowBundleOption,
): Promise<Worker> {
  return Worker.create({
    connection: runtime.workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.queues.control,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath }),
    activities: {
      ...createControlActivities({ db: runtime.database.db }),
      ...createWebhookActivities({
        db: runtime.database.db,
        // A webhook carries what /status would answer: the same view, built here where the job ended.
        statusBody: async (accountId, jobId) => {
          const job = await findAccountJobOutcome(runtime.database.db, accountId, jobId);
          return job ? JSON.stringify(await finishedJobBody(runtime.storage, job, config.videoUrlTtlSeconds)) : null;
        },
        settings: config.webhooks,
      }),
    },
  });
}
