import type { Kysely, Transaction } from 'kysely';
import type { Database } from './types.js';

/** Jobs of the account still PROCESSING: the in-flight count is the jobs table itself, so it cannot drift. */
export async function countJobsInFlight(db: Kysely<Database>, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('status', '=', 'PROCESSING')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type Admission<T> = { readonly admitted: true; readonly value: T; readonly inFlight: number } | { readonly admitted: false; readonly inFlight: number };

/**
 * Runs `record` (which inserts the job) only while the account has fewer than `max` jobs in
 * flight. The account's row is locked for the check and the insert, so concurrent submissions
 * through any number of API processes are admitted one at a time and never overshoot.
 * `max` 0 admits everything without a transaction.
 */
export async function admitJob<T>(db: Kysely<Database>, accountId: string, max: number, record: (trx: Kysely<Database>) => Promise<T>): Promise<Admission<T>> {
  if (max <= 0) return { admitted: true, value: await record(db), inFlight: 0 };
  return db.transaction().execute(async (trx: Transaction<Database>) => {
    await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
    const inFlight = await countJobsInFlight(trx, accountId);
    if (inFlight >= max) return { admitted: false, inFlight };
    const value = await record(trx);
    return { admitted: true, value, inFlight: inFlight + 1 };
  });
}
