import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { findAccount } from '../../infra/db/accounts.js';
import { creditBalance, nextCycleStart } from '../../infra/db/credits.js';
import type { Database } from '../../infra/db/types.js';
import { notFound } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';

export function usageRoutes(deps: { readonly db: Kysely<Database> }): Router<AuthState> {
  const router = new Router<AuthState>();

  router.get('/usage', async (ctx) => {
    const now = new Date();
    const account = await findAccount(deps.db, ctx.state.accountId);
    if (!account) throw notFound('This account no longer exists.');
    const remaining = await creditBalance(deps.db, account.id, now);
    ctx.body = {
      credits_remaining: remaining,
      cycle_resets_on: nextCycleStart(now).toISOString().replace('.000Z', 'Z'),
      monthly_credits: account.monthly_credits,
    };
  });

  return router;
}
