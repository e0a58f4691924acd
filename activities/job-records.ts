import type { Kysely } from 'kysely';
import { completeJob, failJobRecord, markJobStarted } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import type { EngineOutput } from '../workflows/messages.js';

export function createJobRecordActivities(deps: { db: Kysely<Database> }) {
  return {
    async finalizeJob(input: { jobId: string; output: EngineOutput }): Promise<void> {
      const { startedAt, ...output } = input.output;
      await completeJob(deps.db, input.jobId, { ...output, notes: { ...output.notes }, startedAt: startedAt ? new Date(startedAt) : null });
    },
    /** The first render start of a job: from then on it no longer waits in its pool's queue. */
    async markJobStarted(input: { jobId: string; startedAt: string }): Promise<void> {
      await markJobStarted(deps.db, input.jobId, new Date(input.startedAt));
    },
    async failJob(input: { jobId: string; error: string; startedAt?: string }): Promise<void> {
      await failJobRecord(deps.db, input.jobId, input.error, input.startedAt ? new Date(input.startedAt) : null);
    },
  };
}
