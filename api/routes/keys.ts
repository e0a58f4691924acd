import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { createApiKey, listApiKeys, revokeApiKey } from '../../infra/db/api-keys.js';
import type { Database } from '../../infra/db/types.js';
import { readJson } from '../body/read-json.js';
import { requireSessionCredential } from '../auth/require-session.js';
import { notFound } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';
import type { ApiKeyListBody, CreatedApiKeyBody } from '../schemas/account.js';
import { createKeySchema } from '../schemas/auth.js';

const requireSession = (ctx: Context & { state: AuthState }) => requireSessionCredential(ctx, 'API keys are');

/** The same keys the operator's `vivid keys` commands manage. */
export function keyRoutes(deps: { readonly db: Kysely<Database> }): Router<AuthState> {
  const router = new Router<AuthState>();

  router.get('/keys', async (ctx) => {
    requireSession(ctx);
    const keys = await listApiKeys(deps.db, ctx.state.accountId);
    const body: ApiKeyListBody = keys
      .filter((k) => k.revoked_at === null)
      .map((k) => ({
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        created_at: k.created_at.toISOString(),
        last_used_at: k.last_used_at?.toISOString() ?? null,
      }));
    ctx.body = body;
  });

  router.post('/keys', async (ctx) => {
    requireSession(ctx);
    const { name } = await readJson(ctx, createKeySchema);
    const created = await createApiKey(deps.db, ctx.state.accountId, name);
    ctx.status = 201;
    ctx.body = { id: created.id, name, prefix: created.prefix, created_at: created.createdAt.toISOString(), key: created.key } satisfies CreatedApiKeyBody;
  });

  router.delete('/keys/:id', async (ctx) => {
    requireSession(ctx);
    // Another account's key and one that never existed (or is revoked) read the same.
    if (!(await revokeApiKey(deps.db, ctx.state.accountId, ctx.params.id!.toLowerCase()))) throw notFound(`No API key with id '${ctx.params.id}'.`);
    ctx.status = 204;
  });

  return router;
}
