import { sql, type Kysely } from 'kysely';
import { randomBytes, randomUUID } from 'node:crypto';
import { AccountNotFoundError, isForeignKeyViolation, isUuid } from './accounts.js';
import { hashSessionToken } from './sessions.js';
import type { Database } from './types.js';

/** An operator's one-time link: the token is returned once, only its hash is kept. */
export async function createSignInLink(db: Kysely<Database>, accountId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  if (!isUuid(accountId)) throw new AccountNotFoundError(accountId);
  const token = randomBytes(32).toString('base64url');
  try {
    const row = await db
      .insertInto('sign_in_links')
      .values({
        id: randomUUID(),
        account_id: accountId,
        token_hash: hashSessionToken(token),
        expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
        used_at: null,
      })
      .returning('expires_at')
      .executeTakeFirstOrThrow();
    return { token, expiresAt: row.expires_at };
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new AccountNotFoundError(accountId);
    throw err;
  }
}

/** The link's account, once: a second use, an expired link and an unknown token all give null. */
export async function consumeSignInLink(db: Kysely<Database>, token: string): Promise<string | null> {
  if (token === '') return null;
  // One statement, so two tabs opening the same link cannot both succeed.
  const row = await db
    .updateTable('sign_in_links')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashSessionToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id ?? null;
}
