import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { findAccountJobOutcome, type JobOutcome } from '../../infra/db/jobs.js';
import type { Database } from '../../infra/db/types.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { ApiError, notFound } from '../errors.js';
import type { JobQueue } from '../job-queue.js';
import { finishedJobBody, jobBodyBase, signedLink, webhookView } from '../job-views.js';
import type { AuthState } from '../middleware/authenticate.js';
import { previewKey } from '../../infra/media/preview-keys.js';
import { createPreviewInterest } from '../preview-interest.js';
import { createQueueEstimator, type QueueEstimate } from '../queue-estimate.js';
import { preferredWaitSeconds } from '../prefer-wait.js';
import type { CancelAccepted, JobStatusBody } from '../schemas/jobs.js';

export interface StatusDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly jobs: JobQueue;
  readonly videoUrlTtlSeconds: number;
  readonly engineQueues: { readonly wan: string; readonly veo: string };
  /** A stopping server answers waiting requests with the job as it stands, rather than hold its stop. */
  readonly stopping?: AbortSignal;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What only the status route adds to a waiting or rendering job: its place in line and previews. */
export interface LiveExtras {
  estimateQueue(job: JobOutcome): Promise<QueueEstimate>;
  noteInterest(jobId: string): void;
}

/** The body of GET /status/{id}; GET /jobs/{id} is this plus the job's parameters. */
export async function statusBody(deps: Pick<StatusDeps, 'storage' | 'jobs' | 'videoUrlTtlSeconds'>, job: JobOutcome, extras?: LiveExtras): Promise<JobStatusBody> {
  let body = jobBodyBase(job);
  if (job.status === 'PROCESSING') {
    // Without an answer from the workflow (its worker restarting, say) the record alone speaks.
    const live = await deps.jobs.progress(job.id);
    if (live) {
      body.stage = live.stage;
      body.progress = Math.round(live.progress * 100) / 100;
      if (live.attempt !== undefined) body.attempt = live.attempt;
      if (live.lastError !== undefined) body.last_error = live.lastError;
      body.started_at ??= live.startedAt;
      if (live.stage === 'queued') {
        if (extras) {
          const estimate = await extras.estimateQueue(job);
          body.queue_position = estimate.queuePosition;
          if (estimate.etaSeconds !== undefined) body.eta_seconds = estimate.etaSeconds;
        }
      } else if (live.etaSeconds !== undefined) {
        body.eta_seconds = live.etaSeconds;
      }
      // Veo gives no previews; a Wan render makes them only while someone polls like this.
      if (job.model === 'wan2.1' && live.stage === 'rendering' && extras) {
        extras.noteInterest(job.id);
        if (live.previewStep !== undefined) {
          const link = await signedLink(deps.storage, previewKey(job.id), deps.videoUrlTtlSeconds);
          body.preview_url = link.url;
          body.preview_url_expires_at = link.expiresAt;
          body.preview_step = live.previewStep;
        }
      }
    }
  } else {
    body = await finishedJobBody(deps.storage, job, deps.videoUrlTtlSeconds);
  }
  if (job.webhook) body.webhook = webhookView(job.webhook);
  return body;
}

export function statusRoutes(deps: StatusDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  const noteInterest = createPreviewInterest(deps.storage);
  const estimateQueue = createQueueEstimator({ db: deps.db, jobs: deps.jobs, engineQueues: { 'wan2.1': deps.engineQueues.wan, 'veo3.1': deps.engineQueues.veo } });

  const loadOwnJob = async (accountId: string, jobId: string) => {
    // Another account's job and a job that never existed read the same: 404.
    const job = UUID.test(jobId) ? await findAccountJobOutcome(deps.db, accountId, jobId.toLowerCase()) : undefined;
    if (!job) throw notFound(`No job with id '${jobId}'.`);
    return job;
  };

  router.get('/status/:jobId', async (ctx) => {
    let job = await loadOwnJob(ctx.state.accountId, ctx.params.jobId!);
    const waitSeconds = preferredWaitSeconds(ctx.get('prefer'));
    if (waitSeconds !== undefined && job.status === 'PROCESSING') {
      const gone = new AbortController();
      const onClose = (): void => gone.abort();
      ctx.res.once('close', onClose);
      try {
        await deps.jobs.waitForEnd(job.id, Date.now() + waitSeconds * 1000, deps.stopping ? AbortSignal.any([gone.signal, deps.stopping]) : gone.signal);
      } finally {
        ctx.res.off('close', onClose);
      }
      job = await loadOwnJob(ctx.state.accountId, job.id);
      ctx.set('Preference-Applied', `wait=${waitSeconds}`);
    }
    ctx.body = await statusBody(deps, job, { estimateQueue, noteInterest });
  });

  router.post('/cancel/:jobId', async (ctx) => {
    const job = await loadOwnJob(ctx.state.accountId, ctx.params.jobId!);
    const answer = job.status === 'PROCESSING' ? await deps.jobs.cancel(job.id) : 'finished';
    if (answer === 'too_late') throw new ApiError(409, `Job '${job.id}' is already finishing (its video is stored, or it failed): too late to cancel.`);
    if (answer === 'finished') {
      const now = await findAccountJobOutcome(deps.db, ctx.state.accountId, job.id);
      throw new ApiError(409, `Job '${job.id}' has already finished (${now?.status ?? job.status}).`);
    }
    ctx.status = 202;
    ctx.body = { message: 'Cancellation requested.', job_id: job.id } satisfies CancelAccepted;
  });

  return router;
}
