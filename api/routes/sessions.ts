import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { listSessions, revokeOtherSessions, revokeSession } from '../../infra/db/sessions.js';
import type { Database } from '../../infra/db/types.js';
import { clearSessionCookie } from '../auth/session-cookie.js';
import { requireSession, type WebSessionState } from '../auth/web-session.js';
import { notFound } from '../errors.js';
import type { SessionListBody } from '../schemas/account.js';

/** The account's signed-in browsers, for the Account page: list, end one, end all others. */
export function sessionRoutes(deps: { readonly db: Kysely<Database> }): Router<WebSessionState> {
  const router = new Router<WebSessionState>();

  router.get('/auth/sessions', async (ctx) => {
    const { accountId, sessionId } = requireSession(ctx);
    const sessions = await listSessions(deps.db, accountId);
    const body: SessionListBody = sessions.map((s) => ({
      id: s.id,
      created_at: s.created_at.toISOString(),
      last_seen_at: s.last_seen_at.toISOString(),
      user_agent: s.user_agent,
      ip: s.ip,
      current: s.id === sessionId,
    }));
    ctx.body = body;
  });

  router.post('/auth/sessions/revoke-others', async (ctx) => {
    const { accountId, sessionId } = requireSession(ctx);
    await revokeOtherSessions(deps.db, accountId, sessionId);
    ctx.status = 204;
  });

  router.delete('/auth/sessions/:id', async (ctx) => {
    const { accountId, sessionId } = requireSession(ctx);
    const id = ctx.params.id!.toLowerCase();
    if (!(await revokeSession(deps.db, accountId, id))) throw notFound(`No session with id '${ctx.params.id}'.`);
    if (id === sessionId) clearSessionCookie(ctx);
    ctx.status = 204;
  });

  return router;
}
