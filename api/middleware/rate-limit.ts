import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';
import { rateLimitHeaders, REQUEST_POLICY, type PolicyState } from '../rate-limit-headers.js';
import type { AuthState } from './authenticate.js';

/** Counts one request of a subject in its current window; shared by every API process (infra/db/request-counts.ts). */
export type RequestCounter = (subject: string, windowSeconds: number) => Promise<{ hits: number; resetSeconds: number }>;

const WINDOW_SECONDS = 60;

/**
 * At most `perMinute` requests per API key in each minute, counted in the database so that
 * every API process behind a load balancer enforces the same limit. A fixed window: one upsert
 * per request and nothing to sweep, at the price of allowing up to twice the rate across a
 * window boundary. Every response says where the key stands (RateLimit-Policy / RateLimit).
 */
export function rateLimit(options: { perMinute: number; count: RequestCounter }): Middleware<AuthState> {
  const quota = options.perMinute;

  return async function limitRate(ctx, next) {
    if (quota <= 0) return next();
    // Requests signed in some other way than with a key (none yet) count against their account.
    const subject = ctx.state.apiKeyId ? `key:${ctx.state.apiKeyId}` : `account:${ctx.state.accountId}`;
    const { hits, resetSeconds } = await options.count(subject, WINDOW_SECONDS);
    const state: PolicyState = { name: REQUEST_POLICY, quota, remaining: quota - hits, windowSeconds: WINDOW_SECONDS, resetSeconds: Math.max(1, resetSeconds) };
    const headers = rateLimitHeaders([state]);
    if (hits > quota) {
      const retryAfter = Math.max(1, Math.ceil(resetSeconds));
      throw new ApiError(429, `Rate limit exceeded: at most ${quota} requests a minute per API key. Retry in ${retryAfter} s.`, {
        headers: { ...headers, 'Retry-After': String(retryAfter) },
      });
    }
    ctx.set(headers);
    await next();
  };
}
