import { sql, type Kysely } from 'kysely';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AccountNotFoundError, isForeignKeyViolation, isUuid } from './accounts.js';
import type { ApiKey, Database } from './types.js';

const PREFIX_LENGTH = 10;
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Keys carry 256 random bits, so nobody can guess one from its hash: a slow password hash
 * (bcrypt, scrypt) would add nothing but latency to every API request.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `vf_${randomBytes(32).toString('base64url')}`;
}

/** The plain key is returned here once and never stored. */
export async function createApiKey(
  db: Kysely<Database>,
  accountId: string,
  name: string | null = null,
): Promise<{ id: string; key: string; prefix: string; createdAt: Date }> {
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  const id = randomUUID();
  const key = generateApiKey();
  const prefix = key.slice(0, PREFIX_LENGTH);
  try {
    const row = await db
      .insertInto('api_keys')
      .values({ id, account_id: accountId, key_hash: hashApiKey(key), prefix, name })
      .returning('created_at')
      .executeTakeFirstOrThrow();
    return { id, key, prefix, createdAt: row.created_at };
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new AccountNotFoundError(accountId);
    throw err;
  }
}

/** Revoked keys included, newest first. */
export async function listApiKeys(db: Kysely<Database>, accountId: string): Promise<ApiKey[]> {
  if (!isUuid(accountId)) return [];
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** True if the key was active and is now revoked; false if unknown, another account's, or already revoked. */
export async function revokeApiKey(db: Kysely<Database>, accountId: string, keyId: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(keyId)) return false;
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', keyId)
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * On every API request the authentication cache misses: one look-up through the unique index
 * on key_hash, and a write of `last_used_at` only when the stored one is over a minute old.
 */
export async function findAccountIdByApiKey(db: Kysely<Database>, key: string): Promise<string | null> {
  if (key === '') return null;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'account_id', 'last_used_at'])
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.updateTable('api_keys').set({ last_used_at: sql<Date>`now()` }).where('id', '=', row.id).execute();
  }
  return row.account_id;
}
