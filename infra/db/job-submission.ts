import { sql, type Kysely } from 'kysely';
import { cycleStart, lockAccountCredits } from './credits.js';
import { answerIdempotencyKey, type KeyRef } from './idempotency-keys.js';
import { countJobsInFlight } from './jobs-in-flight.js';
import type { NewJobRecord } from './jobs.js';
import type { Database } from './types.js';

export type SubmissionOutcome =
  | { readonly accepted: true; readonly balance: number; readonly inFlight: number }
  | { readonly accepted: false; readonly reason: 'credits' | 'in_flight'; readonly balance: number; readonly inFlight: number };

/**
 * Records a new job and charges its cost in one transaction: either both are written or, when
 * the balance cannot cover the cost, neither. With an idempotency key, the answer the client
 * gets is stored in the same transaction, so a retry replays exactly what was committed.
 */
export async function recordJobWithReservation(
  db: Kysely<Database>,
  job: NewJobRecord,
  options: {
    now?: Date;
    idempotency?: KeyRef & { claimedAt: Date; response: Record<string, unknown> };
    /** Jobs the account may have PROCESSING at once, counted under the same lock; 0 or absent: no limit. */
    maxJobsInFlight?: number;
    /** Rows that belong with the job (its webhook delivery), written in the same transaction. */
    alsoRecord?: (trx: Kysely<Database>) => Promise<void>;
  } = {},
): Promise<SubmissionOutcome> {
  const start = cycleStart(options.now ?? new Date());
  // Two statements and no other awaits: the embedded database serialises every
  // connection behind an open transaction, and every round trip made holding the account's lock
  // is a wait for the account's other submissions. So: the lock, then one statement that reads
  // the balance (after the lock, so it sees what the previous holder committed) and writes the
  // job and its reserve entry only when the balance covers the cost.
  return db.transaction().execute(async (trx) => {
    await lockAccountCredits(trx, job.accountId);
    const max = options.maxJobsInFlight ?? 0;
    const inFlight = max > 0 ? await countJobsInFlight(trx, job.accountId) : 0;
    if (max > 0 && inFlight >= max) return { accepted: false, reason: 'in_flight', balance: Number.NaN, inFlight };
    const { rows } = await sql<{ balance: number | string; reserved: boolean }>`
      with balance as (
        select a.monthly_credits + coalesce((
          select sum(l.amount) from credit_ledger l where l.account_id = a.id and l.cycle_start = ${start}::date
        ), 0) as credits
        from accounts a where a.id = ${job.accountId}
      ), job as (
        insert into jobs (id, account_id, model, prompt, params, status, error, cost, input_key, video_key, poster_key, engine_notes, completed_at, request_id)
        select ${job.id}, ${job.accountId}, ${job.model}, ${job.prompt}, ${JSON.stringify(job.params)}::jsonb, 'PROCESSING', null, ${job.cost}, ${job.inputKey}, null, null, '{}'::jsonb, null, ${job.requestId ?? null}
        from balance where credits >= ${job.cost}
        returning id
      ), reserve as (
        insert into credit_ledger (account_id, job_id, kind, amount, cycle_start, note)
        select ${job.accountId}, id, 'reserve', ${-job.cost}, ${start}::date, null from job
        returning job_id
      )
      select credits as balance, exists (select 1 from reserve) as reserved from balance`.execute(trx);
    const row = rows[0]!;
    const balance = Number(row.balance);
    if (!row.reserved) return { accepted: false, reason: 'credits', balance, inFlight };
    await options.alsoRecord?.(trx);
    if (options.idempotency) await answerIdempotencyKey(trx, { ...options.idempotency, jobId: job.id, statusCode: 202 });
    return { accepted: true, balance: balance - job.cost, inFlight: inFlight + 1 };
  });
}
