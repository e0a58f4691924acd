import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { findAccountJobOutcome, type JobOutcome } from '../../infra/db/jobs.js';
import type { Database } from '../../infra/db/types.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { ApiError, notFound } from '../errors.js';
import type { JobQueue } from '../job-queue.js';
import { posterUrl, videoUrl } from '../job-views.js';
import type { AuthState } from '../middleware/authenticate.js';

export interface StatusDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly jobs: JobQueue;
  readonly videoUrlTtlSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The body of GET /status/{id}; GET /jobs/{id} is this plus the job's parameters. */
export async function statusBody(deps: Pick<StatusDeps, 'storage' | 'jobs' | 'videoUrlTtlSeconds'>, job: JobOutcome): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { job_id: job.id, status: job.status, model: job.model };
  if (job.status === 'PROCESSING') {
    // Without an answer from the workflow (its worker restarting, say) the record alone speaks.
    const live = await deps.jobs.progress(job.id);
    if (live) {
      body.stage = live.stage;
      body.progress = Math.round(live.progress * 100) / 100;
    }
  } else if (job.status === 'COMPLETED') {
    body.video_url = await videoUrl(deps.storage, job, deps.videoUrlTtlSeconds);
    body.poster_url = await posterUrl(deps.storage, job, deps.videoUrlTtlSeconds);
    if (Object.keys(job.engine_notes).length > 0) body.notes = job.engine_notes;
  } else {
    body.error = job.error ?? 'The job failed.';
  }
  return body;
}

export function statusRoutes(deps: StatusDeps): Router<AuthState> {
  const router = new Router<AuthState>();

  const loadOwnJob = async (accountId: string, jobId: string) => {
    // Another account's job and a job that never existed read the same: 404.
    const job = UUID.test(jobId) ? await findAccountJobOutcome(deps.db, accountId, jobId.toLowerCase()) : undefined;
    if (!job) throw notFound(`No job with id '${jobId}'.`);
    return job;
  };

  router.get('/status/:jobId', async (ctx) => {
    const job = await loadOwnJob(ctx.state.accountId, ctx.params.jobId!);
    ctx.body = await statusBody(deps, job);
  });

  router.post('/cancel/:jobId', async (ctx) => {
    const job = await loadOwnJob(ctx.state.accountId, ctx.params.jobId!);
    if (job.status !== 'PROCESSING' || !(await deps.jobs.cancel(job.id))) {
      throw new ApiError(409, `Job '${job.id}' has already finished (${job.status}).`);
    }
    ctx.status = 202;
    ctx.body = { message: 'Cancellation requested.', job_id: job.id };
  });

  return router;
}
