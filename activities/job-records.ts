import type { Kysely } from 'kysely';
import { completeJob, failJobRecord } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import type { EngineOutput } from '../workflows/messages.js';

export function createJobRecordActivities(deps: { db: Kysely<Database> }) {
  return {
    async finalizeJob(input: { jobId: string; output: EngineOutput }): Promise<void> {
      await completeJob(deps.db, input.jobId, { ...input.output, notes: { ...input.output.notes } });
    },
    async failJob(input: { jobId: string; error: string }): Promise<void> {
      await failJobRecord(deps.db, input.jobId, input.error);
    },
  };
}
