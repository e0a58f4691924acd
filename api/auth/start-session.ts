import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { createSession, findLiveSession } from '../../infra/db/sessions.js';
import type { Database } from '../../infra/db/types.js';
import type { SessionResolver } from '../middleware/authenticate.js';
import { setSessionCookie } from './session-cookie.js';

/** A fresh session for this browser, carried by the cookie from this response on. */
export async function startSession(ctx: Context, db: Kysely<Database>, accountId: string, ttlSeconds: number): Promise<void> {
  const { token } = await createSession(db, {
    accountId,
    userAgent: ctx.get('User-Agent') || null,
    ip: ctx.ip || null,
    ttlSeconds,
  });
  setSessionCookie(ctx, token, ttlSeconds);
}

export function sessionResolver(db: Kysely<Database>): SessionResolver {
  return async (token) => {
    const session = await findLiveSession(db, token);
    return session ? { accountId: session.account_id, sessionId: session.id } : null;
  };
}
