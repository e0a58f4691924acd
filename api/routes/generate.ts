import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { admitJob } from '../../infra/db/jobs-in-flight.js';
import { failJobRecord, insertJob } from '../../infra/db/jobs.js';
import { insertWebhookDelivery } from '../../infra/db/webhook-deliveries.js';
import type { Database } from '../../infra/db/types.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import type { VideoJobInput } from '../../workflows/messages.js';
import { jobCost } from '../../workflows/pricing.js';
import { ApiError, badRequest } from '../errors.js';
import { createJobIdGenerator } from '../job-ids.js';
import type { JobQueue } from '../job-queue.js';
import type { AuthState } from '../middleware/authenticate.js';
import { JOBS_POLICY, withRateLimitPolicies } from '../rate-limit-headers.js';
import { FieldError, parseGenerateRequest } from '../schemas/generate.js';
import type { WebhookTargetPolicy } from '../schemas/webhook-url.js';
import { probeImage } from '../upload/image-probe.js';
import { receiveImage } from '../upload/receive-image.js';

export interface GenerateDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly jobs: JobQueue;
  readonly maxImageBytes: number;
  readonly engineQueues: { readonly wan: string; readonly veo: string };
  readonly veoPollIntervalSeconds: number;
  readonly veoDeadlineSeconds: number;
  readonly veoModel?: string | undefined;
  /** Jobs one account may have PROCESSING at once; 0: no limit. */
  readonly maxJobsInFlight: number;
  readonly webhooks: WebhookSettings;
}

export interface WebhookSettings extends WebhookTargetPolicy {
  /** Wait before a failed delivery's first retry (the workflow doubles it). */
  readonly retryIntervalSeconds: number;
}

/** A job in flight ends in seconds to minutes: a short wait, then the client tries again. */
const JOBS_RETRY_AFTER_SECONDS = 10;

const MIN_SIDE = 64;
const MAX_SIDE = 8192;

export function generateRoutes(deps: GenerateDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  const nextJobId = createJobIdGenerator();

  router.post('/generate', async (ctx) => {
    const jobId = nextJobId();
    const inputKey = `jobs/${jobId}/input`;
    if (!ctx.is('multipart/form-data')) {
      throw badRequest('No image file provided (send the request as multipart/form-data with an `image` file).');
    }
    const { fields, image } = await receiveImage(ctx, { storage: deps.storage, key: inputKey, maxBytes: deps.maxImageBytes });

    let input: VideoJobInput;
    let webhookUrl: string | null;
    try {
      if (!image || image.size === 0) throw new FieldError('No image file provided');
      const probe = probeImage(image.head);
      if (!probe.ok) throw new FieldError(`Invalid parameter 'image': the file ${probe.reason}.`);
      if (Math.min(probe.width, probe.height) < MIN_SIDE || Math.max(probe.width, probe.height) > MAX_SIDE) {
        throw new FieldError(`Invalid parameter 'image': ${probe.width}×${probe.height} is outside ${MIN_SIDE}–${MAX_SIDE} pixels a side.`);
      }
      const request = parseGenerateRequest(fields, { veoModel: deps.veoModel, webhookPolicy: deps.webhooks });
      const engine = request.engine;
      webhookUrl = request.webhookUrl;
      input = {
        jobId,
        accountId: ctx.state.accountId,
        image: { key: inputKey, contentType: probe.contentType, width: probe.width, height: probe.height },
        engine,
        cost: jobCost(engine),
        engineQueue: engine.model === 'wan2.1' ? deps.engineQueues.wan : deps.engineQueues.veo,
        pollIntervalSeconds: deps.veoPollIntervalSeconds,
        veoDeadlineSeconds: deps.veoDeadlineSeconds,
        ...(webhookUrl ? { webhook: { retryIntervalSeconds: deps.webhooks.retryIntervalSeconds } } : {}),
      };
    } catch (err) {
      await deps.storage.delete(inputKey).catch(() => {});
      if (err instanceof FieldError) throw badRequest(err.message);
      throw err;
    }

    // The record comes first, so a job the queue accepted is never missing from history.
    const admission = await admitJob(deps.db, input.accountId, deps.maxJobsInFlight, async (db) => {
      await insertJob(db, {
        id: jobId,
        accountId: input.accountId,
        model: input.engine.model,
        prompt: input.engine.params.prompt,
        params: { ...input.engine.params, image: input.image },
        cost: input.cost,
        inputKey,
      });
      if (webhookUrl) await insertWebhookDelivery(db, { jobId, accountId: input.accountId, url: webhookUrl });
    });
    if (deps.maxJobsInFlight > 0) {
      const jobs = { name: JOBS_POLICY, quota: deps.maxJobsInFlight, remaining: deps.maxJobsInFlight - admission.inFlight, unit: 'concurrent-requests' as const };
      const headers = withRateLimitPolicies(ctx.response, [jobs]);
      if (!admission.admitted) {
        await deps.storage.delete(inputKey).catch(() => {});
        throw new ApiError(429, `Too many jobs in flight: at most ${deps.maxJobsInFlight} at once per account. Retry when one has finished.`, {
          ...headers,
          'Retry-After': String(JOBS_RETRY_AFTER_SECONDS),
        });
      }
      ctx.set(headers);
    }
    try {
      await deps.jobs.start(input);
    } catch (err) {
      await failJobRecord(deps.db, jobId, 'The job could not be queued.');
      throw new ApiError(503, 'The job queue is unavailable right now; nothing was charged. Try again shortly.', { 'Retry-After': '5' }, err);
    }

    ctx.status = 202;
    ctx.body = { message: 'Generation job accepted.', job_id: jobId, model: input.engine.model, cost: input.cost };
  });

  return router;
}
