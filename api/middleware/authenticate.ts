import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';

export interface AuthState {
  accountId: string;
  /** The API key the request came with: rate limits count per key. */
  apiKeyId?: string;
}

export type KeyResolver = (apiKey: string) => Promise<{ accountId: string; keyId: string } | null>;

/**
 * Resolves `X-API-Key` to its account. Every request pays for this lookup, so results are
 * kept for `ttlMs`: a revoked key stops working within that time.
 */
export function authenticate(options: { resolve: KeyResolver; ttlMs?: number; maxEntries?: number }): Middleware<AuthState> {
  const ttlMs = options.ttlMs ?? 5000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, { owner: { accountId: string; keyId: string } | null; expires: number }>();

  return async function authenticateApiKey(ctx, next) {
    const key = ctx.get('X-API-Key').trim();
    if (!key) throw new ApiError(401, 'Missing API key: send it in the X-API-Key header.');
    const now = Date.now();
    let hit = cache.get(key);
    if (!hit || hit.expires < now) {
      hit = { owner: await options.resolve(key), expires: now + ttlMs };
      if (cache.size >= maxEntries) cache.clear();
      cache.set(key, hit);
    }
    if (!hit.owner) throw new ApiError(401, 'Invalid API key.');
    ctx.state.accountId = hit.owner.accountId;
    ctx.state.apiKeyId = hit.owner.keyId;
    await next();
  };
}
