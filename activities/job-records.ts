import type { Kysely } from 'kysely';
import { completeJob, failJobRecord, markJobStarted, type EndedJob } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import type { EngineOutput, JobErrorCode } from '../workflows/messages.js';

/** What a job's end changed: its model when this call ended it (for the metrics), else null (it had already ended). */
export interface JobEnded {
  readonly endedModel: string | null;
}

export function createJobRecordActivities(deps: { db: Kysely<Database> }) {
  // The model comes back with the update itself: no second round trip per finished job.
  const endedModel = (ended: EndedJob | undefined): JobEnded => ({ endedModel: ended?.model ?? null });
  return {
    async finalizeJob(input: { jobId: string; output: EngineOutput }): Promise<JobEnded> {
      const { startedAt, ...output } = input.output;
      return endedModel(await completeJob(deps.db, input.jobId, { ...output, notes: { ...output.notes }, startedAt: startedAt ? new Date(startedAt) : null }));
    },
    /** The first render start of a job: from then on it no longer waits in its pool's queue. */
    async markJobStarted(input: { jobId: string; startedAt: string }): Promise<void> {
      await markJobStarted(deps.db, input.jobId, new Date(input.startedAt));
    },
    /** `code` is absent when a workflow of an older release calls: that reads as the engine's failure. */
    async failJob(input: { jobId: string; error: string; code?: JobErrorCode; startedAt?: string }): Promise<JobEnded> {
      return endedModel(await failJobRecord(deps.db, input.jobId, { error: input.error, code: input.code ?? 'engine_error' }, input.startedAt ? new Date(input.startedAt) : null));
    },
  };
}
