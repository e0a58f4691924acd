import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './types.js';

/** How long an answered key is kept and replayed. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
/**
 * An unanswered key is held by a lease its request renews while it works. A process that dies
 * mid-request stops renewing, so its client's retry takes the key over within this long instead
 * of meeting 409s until some long timeout. Leases use the database's clock, which every API
 * process shares.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 15;
const LEASE_RENEW_EVERY_MS = (IDEMPOTENCY_LEASE_SECONDS * 1000) / 3;

/** The request that claimed the key lost it (its lease ran out and a retry took it over). */
export class IdempotencyKeyLostError extends Error {
  override name = 'IdempotencyKeyLostError';
}

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
      .values({ account_id: ref.accountId, key: ref.key, fingerprint: ref.fingerprint, job_id: null, status_code: null, response: null, created_at: now, lease_expires_at: leaseFromNow() })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .returning('created_at')
      .executeTakeFirst();
    if (inserted) return { kind: 'claimed', claimedAt: inserted.created_at };

    const expired = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_SECONDS * 1000);
    const taken = await db
      .updateTable('idempotency_keys')
      .set({ fingerprint: ref.fingerprint, job_id: null, status_code: null, response: null, created_at: now, lease_expires_at: leaseFromNow() })
      .where('account_id', '=', ref.accountId)
      .where('key', '=', ref.key)
      .where((eb) => eb.or([eb('created_at', '<', expired), eb.and([eb('status_code', 'is', null), eb('lease_expires_at', '<', sql<Date>`now()`)])]))
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

/**
 * Keeps renewing the claim's lease until stopped (the request answered or released the key).
 * A renewal that finds the key no longer ours stops quietly: answering will then fail.
 */
export function holdIdempotencyKey(db: Kysely<Database>, ref: KeyRef & { claimedAt: Date }): { stop(): void } {
  const timer = setInterval(() => {
    void db
      .updateTable('idempotency_keys')
      .set({ lease_expires_at: leaseFromNow() })
      .where('account_id', '=', ref.accountId)
      .where('key', '=', ref.key)
      .where('created_at', '=', ref.claimedAt)
      .where('status_code', 'is', null)
      .execute()
      .catch(() => {});
  }, LEASE_RENEW_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Drops keys past their 24 hours (a retry after that is a new request anyway). Returns how many. */
export async function deleteExpiredIdempotencyKeys(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const expired = new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_SECONDS * 1000);
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', expired).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Stores the answer to replay, in the transaction that made it true. */
export async function answerIdempotencyKey(
  trx: Transaction<Database>,
  ref: KeyRef & { claimedAt: Date; jobId: string; statusCode: number; response: Record<string, unknown> },
): Promise<void> {
  const r = await trx
    .updateTable('idempotency_keys')
    .set({ job_id: ref.jobId, status_code: ref.statusCode, response: JSON.stringify(ref.response), lease_expires_at: null })
    .where('account_id', '=', ref.accountId)
    .where('key', '=', ref.key)
    .where('created_at', '=', ref.claimedAt)
    .executeTakeFirst();
  if (r.numUpdatedRows === 0n) throw new IdempotencyKeyLostError(`Idempotency key ${JSON.stringify(ref.key)} was taken over before its request finished`);
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

function leaseFromNow() {
  return sql<Date>`now() + make_interval(secs => ${IDEMPOTENCY_LEASE_SECONDS})`;
}
