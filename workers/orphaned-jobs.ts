import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { refundJobCredits } from '../infra/db/credits.js';
import { deleteExpiredIdempotencyKeys } from '../infra/db/idempotency-keys.js';
import { failJobRecord, listProcessingJobIdsBefore } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import type { Logger } from '../infra/log/logger.js';

export const ORPHANED_JOB_ERROR = 'The job could not be queued; nothing was charged. Submit it again.';

/**
 * An API process that dies between recording a job and starting its workflow leaves a record
 * that nothing will ever finish; its client never got a 202 (and may have retried). After a
 * grace period such a job is failed and anything reserved for it refunded, so history and
 * credits never keep a job that does not exist in Temporal. Returns how many it ended.
 */
export async function sweepOrphanedJobs(deps: { db: Kysely<Database>; client: Client; log: Logger; graceSeconds: number; now?: Date }): Promise<number> {
  const before = new Date((deps.now ?? new Date()).getTime() - deps.graceSeconds * 1000);
  let ended = 0;
  for (const jobId of await listProcessingJobIdsBefore(deps.db, before, 100)) {
    try {
      await deps.client.workflow.getHandle(jobId).describe();
      continue;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // Never run, so no engine saw it: still the service's failure, which clients know as the engine's.
    if (await failJobRecord(deps.db, jobId, { error: ORPHANED_JOB_ERROR, code: 'engine_error' })) {
      await refundJobCredits(deps.db, jobId);
      deps.log.warn('ended a job whose workflow never started', { jobId });
      ended++;
    }
  }
  return ended;
}

/**
 * Sweeps every `intervalMs` until stopped; a failed sweep (Temporal or Postgres down) waits for the next.
 * The same tick drops idempotency keys past their 24 hours, so that table stays the size of a day.
 */
export function startOrphanedJobSweeper(deps: Parameters<typeof sweepOrphanedJobs>[0] & { intervalMs?: number }): { stop(): Promise<void> } {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = Promise.all([
      sweepOrphanedJobs(deps).catch((err: unknown) => deps.log.warn('orphaned-job sweep failed; trying again later', { err })),
      deleteExpiredIdempotencyKeys(deps.db).catch((err: unknown) => deps.log.warn('deleting expired idempotency keys failed; trying again later', { err })),
    ]);
  }, deps.intervalMs ?? Math.min(30_000, deps.graceSeconds * 500));
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
