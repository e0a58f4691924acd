import type { Kysely } from 'kysely';
import { cycleStart, insertReservation, lockedBalance } from './credits.js';
import { answerIdempotencyKey, type KeyRef } from './idempotency-keys.js';
import { insertJob, type NewJobRecord } from './jobs.js';
import type { Database } from './types.js';

export type SubmissionOutcome = { readonly accepted: true; readonly balance: number } | { readonly accepted: false; readonly balance: number };

/**
 * Records a new job and charges its cost in one transaction: either both are written or, when
 * the balance cannot cover the cost, neither. With an idempotency key, the answer the client
 * gets is stored in the same transaction, so a retry replays exactly what was committed.
 */
export async function recordJobWithReservation(
  db: Kysely<Database>,
  job: NewJobRecord,
  options: { now?: Date; idempotency?: KeyRef & { claimedAt: Date; response: Record<string, unknown> } } = {},
): Promise<SubmissionOutcome> {
  const start = cycleStart(options.now ?? new Date());
  // A handful of statements and no other awaits: the embedded database serialises every
  // connection behind an open transaction.
  return db.transaction().execute(async (trx) => {
    const balance = await lockedBalance(trx, job.accountId, start);
    if (balance < job.cost) return { accepted: false, balance };
    await insertJob(trx, job);
    await insertReservation(trx, { accountId: job.accountId, jobId: job.id, amount: job.cost, start });
    if (options.idempotency) await answerIdempotencyKey(trx, { ...options.idempotency, jobId: job.id, statusCode: 202 });
    return { accepted: true, balance: balance - job.cost };
  });
}
