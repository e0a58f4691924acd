import type { Kysely } from 'kysely';
import { completeJob, failJobRecord } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import type { EngineOutput } from '../workflows/messages.js';

export function createJobRecordActivities(deps: { db: Kysely<Database> }) {
  return {
    async finalizeJob(input: { jobId: string; output: EngineOutput }): Promise<void> {
      const { startedAt, ...output } = input.output;
      await completeJob(deps.db, input.jobId, { ...output, notes: { ...output.notes }, startedAt: startedAt ? new Date(startedAt) : null });
    },
    async failJob(input: { jobId: string; error: string; startedAt?: string }): Promise<void> {
      await failJobRecord(deps.db, input.jobId, input.error, input.startedAt ? new Date(input.startedAt) : null);
    },
  };
}
