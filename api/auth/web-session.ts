import type { Context, Middleware } from 'koa';
import { ApiError } from '../errors.js';
import type { SessionResolver } from '../middleware/authenticate.js';
import { assertSameOriginWebClient } from '../middleware/csrf.js';
import { readSessionToken } from './session-cookie.js';

/** The account routes' state: a session when the browser has a live one, nothing otherwise. */
export interface WebSessionState {
  accountId?: string;
  sessionId?: string;
}

/**
 * For the `/auth` routes, which are open to browsers not signed in. Every state change there
 * is held to the CSRF rule, signed in or not: signing someone into an attacker's account
 * (login CSRF) is as much an attack as acting in their own.
 */
export function loadWebSession(options: { resolveSession: SessionResolver; allowedOrigins: readonly string[] }): Middleware<WebSessionState> {
  return async function loadSessionIfAny(ctx, next) {
    assertSameOriginWebClient(ctx, options.allowedOrigins);
    const token = readSessionToken(ctx);
    const session = token === undefined ? null : await options.resolveSession(token);
    if (session) {
      ctx.state.accountId = session.accountId;
      ctx.state.sessionId = session.sessionId;
    }
    await next();
  };
}

export function requireSession(ctx: Context & { state: WebSessionState }): { accountId: string; sessionId: string } {
  const { accountId, sessionId } = ctx.state;
  if (!accountId || !sessionId) throw new ApiError(401, 'Not signed in.');
  return { accountId, sessionId };
}
