import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { dailySpending } from '../../infra/db/daily-spending.js';
import type { Database } from '../../infra/db/types.js';
import type { AuthState } from '../middleware/authenticate.js';
import type { DailyUsageBody } from '../schemas/account.js';

/** Spending by day for the Account page's chart: `[{date, model, credits}]` over the current cycle. */
export function dailyUsageRoutes(deps: { readonly db: Kysely<Database> }): Router<AuthState> {
  const router = new Router<AuthState>();
  router.get('/usage/daily', async (ctx) => {
    const days: DailyUsageBody = await dailySpending(deps.db, ctx.state.accountId);
    ctx.body = days;
  });
  return router;
}
