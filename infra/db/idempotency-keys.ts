import type { Kysely, Transaction } from 'kysely';
import type { Database } from './types.js';

/** How long an answered key is kept and replayed. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
/**
 * A key still unanswered this long was left by a process that died mid-request (requests end
 * within the API's 10-minute request timeout): a retry may take it over.
 */
const ABANDONED_AFTER_SECONDS = 15 * 60;

export interface KeyRef {
  readonly accountId: string;
  readonly key: string;
}

export type KeyClaim =
  /** This request owns the key until it completes or releases it. */
  | { readonly kind: 'claimed'; readonly claimedAt: Date }
  | { readonly kind: 'replay'; readonly statusCode: number; readonly response: Record<string, unknown> }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_progress' };

/**
 * Claims `key` for a request with this fingerprint, or says what became of the request that
 * claimed it first. One statement decides each race, so API processes sharing the database
 * agree: the primary key lets one insert win, and a take-over of an expired or abandoned key is
 * an update whose condition a concurrent winner has already made false.
 */
export async function claimIdempotencyKey(db: Kysely<Database>, ref: KeyRef & { fingerprint: string; now?: Date }): Promise<KeyClaim> {
  const now = ref.now ?? new Date();
  for (;;) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ account_id: ref.accountId, key: ref.key, fingerprint: ref.fingerprint, job_id: null, status_code: null, response: null, created_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .returning('created_at')
      .executeTakeFirst();
    if (inserted) return { kind: 'claimed', claimedAt: inserted.created_at };

    const expired = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_SECONDS * 1000);
    const abandoned = new Date(now.getTime() - ABANDONED_AFTER_SECONDS * 1000);
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ fingerprint: ref.fingerprint, job_id: null, status_code: null, response: null, created_at: now })
      .where('account_id', '=', ref.accountId)
      .where('key', '=', ref.key)
      .where((eb) => eb.or([eb('created_at', '<', expired), eb.and([eb('status_code', 'is', null), eb('created_at', '<', abandoned)])]))
      .returning('created_at')
      .executeTakeFirst();
    if (taken) return { kind: 'claimed', claimedAt: taken.created_at };

    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status_code', 'response'])
      .where('account_id', '=', ref.accountId)
      .where('key', '=', ref.key)
      .executeTakeFirst();
    // Released between our insert and this read: try again.
    if (!existing) continue;
    if (existing.fingerprint !== ref.fingerprint) return { kind: 'mismatch' };
    if (existing.status_code === null || existing.response === null) return { kind: 'in_progress' };
    return { kind: 'replay', statusCode: existing.status_code, response: existing.response };
  }
}

/** Stores the answer to replay, in the transaction that made it true. */
export async function answerIdempotencyKey(
  trx: Transaction<Database>,
  ref: KeyRef & { claimedAt: Date; jobId: string; statusCode: number; response: Record<string, unknown> },
): Promise<void> {
  const r = await trx
    .updateTable('idempotency_keys')
    .set({ job_id: ref.jobId, status_code: ref.statusCode, response: JSON.stringify(ref.response) })
    .where('account_id', '=', ref.accountId)
    .where('key', '=', ref.key)
    .where('created_at', '=', ref.claimedAt)
    .executeTakeFirst();
  if (r.numUpdatedRows === 0n) throw new Error(`Idempotency key ${JSON.stringify(ref.key)} was taken over before its request finished`);
}

/** Gives a claimed key up, so a retry of a request that was not accepted is judged afresh. */
export async function releaseIdempotencyKey(db: Kysely<Database>, ref: KeyRef & { claimedAt: Date }): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', ref.accountId)
    .where('key', '=', ref.key)
    .where('created_at', '=', ref.claimedAt)
    .execute();
}
