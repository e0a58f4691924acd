import type { Context, Middleware } from 'koa';
import { ApiError } from '../errors.js';
import type { AuthState } from './authenticate.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser attaches the session cookie to requests other sites make (a form post, say), so
 * a state-changing cookie request must prove it came from our own pages: the custom header,
 * which no cross-site form can set and no cross-origin script can send without a preflight
 * we never grant, and an Origin (or Sec-Fetch-Site) that is our own.
 */
export function assertSameOriginWebClient(ctx: Context, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(ctx.method)) return;
  if (ctx.get('X-Vivid-Client') !== 'web') {
    throw new ApiError(403, 'Requests signed in by cookie must come from the Vivid Flow web app (header X-Vivid-Client: web); scripts should use an API key.');
  }
  const fetchSite = ctx.get('Sec-Fetch-Site');
  if (fetchSite && fetchSite !== 'same-origin') throw new ApiError(403, 'Cross-site requests are refused.');
  const origin = ctx.get('Origin');
  // Koa 3's ctx.origin is the Origin header itself; our own origin is the one the request was addressed to.
  const own = `${ctx.protocol}://${ctx.host}`;
  if (origin ? !(origin === own || allowedOrigins.includes(origin)) : fetchSite !== 'same-origin') {
    throw new ApiError(403, 'Cross-origin requests are refused.');
  }
}

/** After authentication: only cookie-authenticated requests are checked; X-API-Key ones carry no ambient credential. */
export function csrfGuard(options: { allowedOrigins: readonly string[] }): Middleware<AuthState> {
  return async function guardAgainstCsrf(ctx, next) {
    if (ctx.state.credential === 'session') assertSameOriginWebClient(ctx, options.allowedOrigins);
    await next();
  };
}
