import type { Middleware } from 'koa';
import { ApiError } from '../errors.js';
import type { AuthState } from './authenticate.js';

/**
 * A token bucket per account: `perMinute` requests a minute on average, bursts up to the same
 * number. Held in this process's memory, so each API replica counts on its own.
 */
export function rateLimit(options: { perMinute: number; now?: () => number }): Middleware<AuthState> {
  const now = options.now ?? Date.now;
  const capacity = options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return async function limitRate(ctx, next) {
    if (capacity <= 0) return next();
    const t = now();
    const bucket = buckets.get(ctx.state.accountId) ?? { tokens: capacity, at: t };
    bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * refillPerMs);
    bucket.at = t;
    buckets.set(ctx.state.accountId, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / refillPerMs / 1000);
      throw new ApiError(429, `Rate limit exceeded: at most ${capacity} requests a minute. Retry in ${retryAfter} s.`, {
        'Retry-After': String(retryAfter),
      });
    }
    bucket.tokens -= 1;
    await next();
  };
}
