import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { AccountNotFoundError, isForeignKeyViolation, isUuid } from './accounts.js';
import type { Database } from './types.js';

/**
 * Credits are a ledger, never a mutable counter: an account's `monthly_credits` are restored
 * at the start of every monthly cycle (the 1st, 00:00 UTC), and what remains in a cycle is the
 * allowance plus the signed ledger entries of that cycle. Entries of earlier cycles simply stop counting.
 */

/** 'YYYY-MM-DD' of the first day (UTC) of the cycle containing `now`. */
export function cycleStart(now: Date): string {
  const year = String(now.getUTCFullYear()).padStart(4, '0');
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${year}-${month}-01`;
}

export function nextCycleStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export async function creditBalance(db: Kysely<Database>, accountId: string, now: Date = new Date()): Promise<number> {
  const balance = await balanceOf(db, accountId, cycleStart(now));
  if (balance === undefined) throw new AccountNotFoundError(accountId);
  return balance;
}

/** Adds credits to the current cycle only, and returns the balance after the grant. */
export async function grantCredits(
  db: Kysely<Database>,
  accountId: string,
  amount: number,
  note: string | null = null,
  now: Date = new Date(),
): Promise<number> {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`A grant must be a whole number above 0, got ${amount}`);
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  try {
    await db
      .insertInto('credit_ledger')
      .values({ account_id: accountId, job_id: null, kind: 'grant', amount, cycle_start: cycleStart(now), note })
      .execute();
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new AccountNotFoundError(accountId);
    throw err;
  }
  return creditBalance(db, accountId, now);
}

/**
 * Charges a job's cost up front, at most once per job however often the calling activity is
 * retried. Returns reserved: false, writing nothing, when the balance does not cover it.
 */
export async function reserveJobCredits(
  db: Kysely<Database>,
  input: { accountId: string; jobId: string; amount: number; now?: Date },
): Promise<{ reserved: boolean; balance: number }> {
  const { accountId, jobId, amount } = input;
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`A job's cost must be a whole number of at least 0, got ${amount}`);
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  if (!isUuid(jobId)) throw new RangeError(`Invalid job id ${JSON.stringify(jobId)}`);
  const start = cycleStart(input.now ?? new Date());

  // Kept short on purpose: the embedded database runs one transaction at a time for all connections.
  return db.transaction().execute(async (trx) => {
    const balance = await lockedBalance(trx, accountId, start);
    const existing = await trx
      .selectFrom('credit_ledger')
      .select('id')
      .where('job_id', '=', jobId)
      .where('kind', '=', 'reserve')
      .executeTakeFirst();
    if (existing) return { reserved: true, balance };
    if (balance < amount) return { reserved: false, balance };
    await insertReservation(trx, { accountId, jobId, amount, start });
    return { reserved: true, balance: balance - amount };
  });
}

/**
 * Inside a transaction: takes the account's credit lock, then reads its balance in the cycle
 * starting `start`. Reservations of one account queue up on the lock; the balance is read by a
 * later statement so that, under READ COMMITTED, it sees whatever the previous holder committed.
 */
export async function lockedBalance(trx: Transaction<Database>, accountId: string, start: string): Promise<number> {
  await lockAccountCredits(trx, accountId);
  return (await balanceOf(trx, accountId, start)) ?? 0;
}

/** The account's credit lock, held to the end of the transaction; reads after it see what earlier holders committed. */
export async function lockAccountCredits(trx: Transaction<Database>, accountId: string): Promise<void> {
  // NO KEY UPDATE: serialises reservations without blocking rows that merely reference the
  // account (another job's insert, a refund, an idempotency key) the way FOR UPDATE would.
  const locked = await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forNoKeyUpdate().executeTakeFirst();
  if (!locked) throw new AccountNotFoundError(accountId);
}

/** The ledger entry that charges a job; call it holding the lock of lockAccountCredits(). */
async function insertReservation(trx: Transaction<Database>, input: { accountId: string; jobId: string; amount: number; start: string }): Promise<void> {
  try {
    await trx
      .insertInto('credit_ledger')
      .values({ account_id: input.accountId, job_id: input.jobId, kind: 'reserve', amount: -input.amount, cycle_start: input.start, note: null })
      .execute();
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new Error(`No job ${input.jobId} to reserve credits for`, { cause: err });
    throw err;
  }
}

/**
 * Gives a job's reservation back, into the cycle it was taken from, at most once. True if this
 * call refunded; false if there was no reservation or it was already refunded.
 */
export async function refundJobCredits(db: Kysely<Database>, jobId: string): Promise<boolean> {
  if (!isUuid(jobId)) return false;
  // One statement: the partial unique index on (job_id, kind) settles concurrent refunds.
  const inserted = await db
    .insertInto('credit_ledger')
    .columns(['account_id', 'job_id', 'kind', 'amount', 'cycle_start'])
    .expression((eb) =>
      eb
        .selectFrom('credit_ledger')
        .select(['account_id', 'job_id', sql.lit('refund').as('kind'), sql<number>`-amount`.as('amount'), 'cycle_start'])
        .where('job_id', '=', jobId)
        .where('kind', '=', 'reserve'),
    )
    .onConflict((oc) => oc.columns(['job_id', 'kind']).where('job_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

async function balanceOf(db: Kysely<Database>, accountId: string, start: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select(
      sql<number | string>`accounts.monthly_credits + coalesce((
        select sum(l.amount) from credit_ledger l where l.account_id = accounts.id and l.cycle_start = ${asDate(start)}
      ), 0)`.as('balance'),
    )
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.balance);
}

/** A 'YYYY-MM-DD' compared as a date: passing a JS Date would shift it by the process's time zone. */
function asDate(day: string): RawBuilder<Date> {
  return sql<Date>`${day}::date`;
}
