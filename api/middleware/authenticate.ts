import type { Middleware } from 'koa';
import { readSessionToken } from '../auth/session-cookie.js';
import { ApiError } from '../errors.js';

export interface AuthState {
  accountId: string;
  /** How the request proved who it is (authenticate always sets it): key management is for sessions only. */
  credential?: 'key' | 'session';
  /** Set when `credential` is 'session'. */
  sessionId?: string;
}

export type KeyResolver = (apiKey: string) => Promise<string | null>;
export type SessionResolver = (token: string) => Promise<{ accountId: string; sessionId: string } | null>;

/**
 * Resolves `X-API-Key` to its account, or else the session cookie of a signed-in browser.
 * Every keyed request pays for the key look-up, so results are kept for `ttlMs`: a revoked
 * key stops working within that time. Sessions are looked up on every request, so signing
 * out ends one at once.
 */
export function authenticate(options: { resolve: KeyResolver; resolveSession?: SessionResolver; ttlMs?: number; maxEntries?: number }): Middleware<AuthState> {
  const ttlMs = options.ttlMs ?? 5000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { accountId: string | null; expires: number }>();

  return async function authenticateRequest(ctx, next) {
    const key = ctx.get('X-API-Key').trim();
    const token = key || !options.resolveSession ? undefined : readSessionToken(ctx);
    if (token !== undefined && options.resolveSession) {
      const session = await options.resolveSession(token);
      if (!session) throw new ApiError(401, 'Your session has ended: sign in again.');
      ctx.state.accountId = session.accountId;
      ctx.state.credential = 'session';
      ctx.state.sessionId = session.sessionId;
      return next();
    }
    if (!key) throw new ApiError(401, 'Missing API key: send it in the X-API-Key header.');
    const now = Date.now();
    let hit = cache.get(key);
    if (!hit || hit.expires < now) {
      hit = { accountId: await options.resolve(key), expires: now + ttlMs };
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, hit);
    }
    if (!hit.accountId) throw new ApiError(401, 'Invalid API key.');
    ctx.state.accountId = hit.accountId;
    ctx.state.credential = 'key';
    await next();
  };
}
