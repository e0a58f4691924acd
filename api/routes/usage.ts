import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { findAccount } from '../../infra/db/accounts.js';
import { creditBalance, nextCycleStart } from '../../infra/db/credits.js';
import { countJobsInFlight } from '../../infra/db/jobs-in-flight.js';
import type { Database } from '../../infra/db/types.js';
import { notFound } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';
import type { UsageBody } from '../schemas/account.js';

export interface UsageDeps {
  readonly db: Kysely<Database>;
  /** The limits in force (0: none), reported beside the account's own figures. */
  readonly limits: { readonly requestsPerMinute: number; readonly jobsInFlight: number };
}

export function usageRoutes(deps: UsageDeps): Router<AuthState> {
  const router = new Router<AuthState>();

  router.get('/usage', async (ctx) => {
    const now = new Date();
    const account = await findAccount(deps.db, ctx.state.accountId);
    if (!account) throw notFound('This account no longer exists.');
    const [remaining, jobsInFlight] = await Promise.all([creditBalance(deps.db, account.id, now), countJobsInFlight(deps.db, account.id)]);
    ctx.body = {
      credits_remaining: remaining,
      cycle_resets_on: nextCycleStart(now).toISOString().replace('.000Z', 'Z'),
      monthly_credits: account.monthly_credits,
      jobs_in_flight: jobsInFlight,
      limits: {
        requests_per_minute: deps.limits.requestsPerMinute || null,
        jobs_in_flight: deps.limits.jobsInFlight || null,
      },
    } satisfies UsageBody;
  });

  return router;
}
