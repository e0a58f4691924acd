import type { Kysely } from 'kysely';
import { refundJobCredits, reserveJobCredits } from '../infra/db/credits.js';
import type { Database } from '../infra/db/types.js';

export function createCreditActivities(deps: { db: Kysely<Database> }) {
  return {
    /** Idempotent per job: a retried reservation never charges twice. */
    async reserveCredits(input: { jobId: string; accountId: string; amount: number }): Promise<{ reserved: boolean; balance: number }> {
      return reserveJobCredits(deps.db, input);
    },
    /** Idempotent per job, and a no-op for a job that reserved nothing. */
    async refundCredits(input: { jobId: string }): Promise<{ refunded: boolean }> {
      return { refunded: await refundJobCredits(deps.db, input.jobId) };
    },
  };
}
