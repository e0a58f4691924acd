import type { Context } from 'koa';
import { ApiError } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';

/**
 * Credentials that mint or reveal other credentials (API keys, the webhook signing secret) want a
 * signed-in browser: a leaked API key must not be able to make more keys or read the secret.
 */
export function requireSessionCredential(ctx: Context & { state: AuthState }, what: string): void {
  if (ctx.state.credential !== 'session') {
    throw new ApiError(403, `${what} managed from a signed-in session (the Account page of the web app), not with an API key.`);
  }
}
