import type { Kysely } from 'kysely';
import { AccountNotFoundError, isUuid, normalizeEmail } from './accounts.js';
import type { Database } from './types.js';

/** What a sign-in needs of an account; undefined for an unknown email. */
export async function findCredentialsByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<{ id: string; email: string; password_hash: string | null } | undefined> {
  return db.selectFrom('accounts').select(['id', 'email', 'password_hash']).where('email', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function findPasswordHash(db: Kysely<Database>, accountId: string): Promise<string | null> {
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  const row = await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst();
  if (!row) throw new AccountNotFoundError(accountId);
  return row.password_hash;
}

/** Stores an already computed hash; the caller hashes, so no slow work runs inside a transaction. */
export async function setPasswordHash(db: Kysely<Database>, accountId: string, passwordHash: string): Promise<void> {
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  const result = await db.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', accountId).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new AccountNotFoundError(accountId);
}
