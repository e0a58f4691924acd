import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { ensureWebhookSecret, rotateWebhookSecret, webhookSecretCreatedAt } from '../../infra/db/webhook-secrets.js';
import type { Database } from '../../infra/db/types.js';
import { requireSessionCredential } from '../auth/require-session.js';
import type { AuthState } from '../middleware/authenticate.js';
import type { WebhookSecretBody } from '../schemas/account.js';

/**
 * The account's webhook signing secret (Standard Webhooks `whsec_…`), the same one the
 * operator's `vivid webhooks secret|rotate` shows and rotates. Sessions only: whoever holds it
 * can forge deliveries, so a leaked API key must not reveal it.
 */
export function webhookSecretRoutes(deps: { readonly db: Kysely<Database> }): Router<AuthState> {
  const router = new Router<AuthState>();
  const answer = async (accountId: string, secret: string): Promise<WebhookSecretBody> => ({ secret, created_at: (await webhookSecretCreatedAt(deps.db, accountId)).toISOString() });

  router.get('/webhook-secret', async (ctx) => {
    requireSessionCredential(ctx, 'The webhook signing secret is');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await answer(ctx.state.accountId, await ensureWebhookSecret(deps.db, ctx.state.accountId));
  });

  router.post('/webhook-secret/rotate', async (ctx) => {
    requireSessionCredential(ctx, 'The webhook signing secret is');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await answer(ctx.state.accountId, await rotateWebhookSecret(deps.db, ctx.state.accountId));
  });

  return router;
}
