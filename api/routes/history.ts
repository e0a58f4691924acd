import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { listAccountJobs, type HistoryCursor } from '../../infra/db/jobs.js';
import type { Database } from '../../infra/db/types.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { badRequest } from '../errors.js';
import { contractTimestamp, failedJobCode, posterUrl, videoUrl } from '../job-views.js';
import type { AuthState } from '../middleware/authenticate.js';
import { historyQuerySchema, type HistoryPageBody } from '../schemas/history.js';

export interface HistoryDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly videoUrlTtlSeconds: number;
}

/** Opaque to clients: the position of the last item of the previous page. */
export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

/**
 * Only what encodeCursor makes: a four-digit-year ISO time in UTC, to the microsecond (or to the
 * millisecond, as cursors were issued before), that names a real instant, and a UUID; so no cursor
 * reaches Postgres with a value it refuses (a 36-zero id, the year -271821, February 30th).
 */
export function decodeCursor(raw: string): HistoryCursor | null {
  const parts = Buffer.from(raw, 'base64url').toString().split('|');
  const [at = '', id = ''] = parts;
  if (parts.length !== 2 || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.(\d{3}|\d{6})Z$/.test(at)) return null;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return null;
  const toMillis = new Date(`${at.slice(0, 23)}Z`);
  if (Number.isNaN(toMillis.getTime()) || toMillis.toISOString() !== `${at.slice(0, 23)}Z`) return null;
  return { createdAt: at, id };
}

export function historyRoutes(deps: HistoryDeps): Router<AuthState> {
  const router = new Router<AuthState>();

  router.get('/history', async (ctx) => {
    const query = historyQuerySchema.safeParse(ctx.query);
    if (!query.success) {
      const issue = query.error.issues[0]!;
      throw badRequest(`Invalid parameter '${String(issue.path[0])}': ${issue.message}.`);
    }
    const { limit, cursor, status, model, created_after: createdAfter, created_before: createdBefore } = query.data;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (after === null) throw badRequest(`Invalid parameter 'cursor': use the value of a previous page's X-Next-Cursor header.`);

    // One more than a page: a next page is promised only when there is something on it.
    const found = await listAccountJobs(deps.db, ctx.state.accountId, { limit: limit + 1, after, filter: { status, model, createdAfter, createdBefore } });
    const jobs = found.slice(0, limit);
    // The body stays the contract's bare array; paging travels in headers.
    const last = jobs.at(-1);
    if (found.length > limit && last) {
      const next = encodeCursor({ createdAt: last.created_at_exact, id: last.id });
      ctx.set('X-Next-Cursor', next);
      // The next page keeps the filters; only the cursor moves.
      const params = new URLSearchParams({ ...Object.fromEntries(Object.entries(ctx.query).filter(([k, v]) => typeof v === 'string' && k in historyQuerySchema.shape && k !== 'cursor')), limit: String(limit), cursor: next });
      ctx.set('Link', `</api/v1/history?${params.toString()}>; rel="next"`);
    }
    const page: HistoryPageBody = await Promise.all(
      jobs.map(async (job) => ({
        id: job.id,
        prompt: job.prompt,
        video_url: await videoUrl(deps.storage, job, deps.videoUrlTtlSeconds),
        status: job.status,
        timestamp: contractTimestamp(job.created_at),
        model: job.model,
        created_at: job.created_at.toISOString(),
        credits_charged: job.credits_charged,
        poster_url: await posterUrl(deps.storage, job, deps.videoUrlTtlSeconds),
        ...(job.status === 'FAILED' ? { error: job.error, code: failedJobCode(job) } : {}),
      })),
    );
    ctx.body = page;
  });

  return router;
}
