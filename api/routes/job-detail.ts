import Router from '@koa/router';
import { isUuid } from '../../infra/db/accounts.js';
import { findAccountJobOutcome, findJob } from '../../infra/db/jobs.js';
import { notFound } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';
import type { JobDetailBody } from '../schemas/jobs.js';
import { statusBody, type StatusDeps } from './status.js';

/**
 * The stored parameters under the names a client sends to /generate (snake_case), so a
 * "use these settings again" form can be filled from them. The prompt and image travel apart;
 * parameters left unset (null) are left out, so the form shows its defaults.
 */
export function contractParams(stored: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(stored)) {
    if (name === 'prompt' || name === 'image' || value === null || value === undefined) continue;
    params[name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
  }
  return params;
}

/** GET /jobs/{id}: the status body plus what the job was made from. */
export function jobDetailRoutes(deps: Omit<StatusDeps, 'engineQueues'>): Router<AuthState> {
  const router = new Router<AuthState>();
  router.get('/jobs/:jobId', async (ctx) => {
    const jobId = ctx.params.jobId!;
    const outcome = isUuid(jobId) ? await findAccountJobOutcome(deps.db, ctx.state.accountId, jobId.toLowerCase()) : undefined;
    const job = outcome && (await findJob(deps.db, outcome.id));
    // Another account's job and a job that never existed read the same: 404.
    if (!outcome || !job) throw notFound(`No job with id '${jobId}'.`);
    ctx.body = {
      ...(await statusBody(deps, outcome)),
      prompt: job.prompt,
      params: contractParams(job.params),
      image_url: await deps.storage.signedUrl(job.input_key, deps.videoUrlTtlSeconds),
    } satisfies JobDetailBody;
  });
  return router;
}
