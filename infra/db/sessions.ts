import { sql, type Kysely } from 'kysely';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isUuid } from './accounts.js';
import type { Database, Session } from './types.js';

/** Like API keys, session tokens are 256 random bits: a fast hash suffices to keep the table useless to a thief. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  readonly accountId: string;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly ttlSeconds: number;
}

/** The token is returned once, for the cookie; only its hash is stored. */
export async function createSession(db: Kysely<Database>, input: NewSession): Promise<{ session: Session; token: string }> {
  const token = randomBytes(32).toString('base64url');
  // The account's expired sessions go as a new one comes, so the table holds live rows only.
  await db.deleteFrom('sessions').where('account_id', '=', input.accountId).where('expires_at', '<', sql<Date>`now()`).execute();
  const session = await db
    .insertInto('sessions')
    .values({
      id: randomUUID(),
      account_id: input.accountId,
      token_hash: hashSessionToken(token),
      user_agent: input.userAgent?.slice(0, 512) ?? null,
      ip: input.ip,
      expires_at: sql<Date>`now() + make_interval(secs => ${input.ttlSeconds})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { session, token };
}

/**
 * On every cookie-authenticated request: one indexed read; `last_seen_at` is written at most
 * once a minute per session, so busy pages do not turn reads into writes.
 */
export async function findLiveSession(db: Kysely<Database>, token: string): Promise<Session | undefined> {
  if (token === '') return undefined;
  const session = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', hashSessionToken(token))
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (session && Date.now() - session.last_seen_at.getTime() > 60_000) {
    await db.updateTable('sessions').set({ last_seen_at: sql<Date>`now()` }).where('id', '=', session.id).execute();
  }
  return session;
}

/** Live sessions, most recently used first. */
export async function listSessions(db: Kysely<Database>, accountId: string): Promise<Session[]> {
  if (!isUuid(accountId)) return [];
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
}

/** True if the account had that session. Revoking deletes: a revoked token then matches nothing. */
export async function revokeSession(db: Kysely<Database>, accountId: string, sessionId: string): Promise<boolean> {
  if (!isUuid(accountId) || !isUuid(sessionId)) return false;
  const result = await db.deleteFrom('sessions').where('id', '=', sessionId).where('account_id', '=', accountId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Every session of the account except `keep` (none kept when it is null). Returns how many ended. */
export async function revokeOtherSessions(db: Kysely<Database>, accountId: string, keep: string | null): Promise<number> {
  if (!isUuid(accountId)) return 0;
  let query = db.deleteFrom('sessions').where('account_id', '=', accountId);
  if (keep !== null) query = query.where('id', '!=', keep);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
