import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { refundJobCredits } from '../../infra/db/credits.js';
import { claimIdempotencyKey, holdIdempotencyKey, IdempotencyKeyLostError, releaseIdempotencyKey } from '../../infra/db/idempotency-keys.js';
import { recordJobWithReservation } from '../../infra/db/job-submission.js';
import { failJobRecord } from '../../infra/db/jobs.js';
import { insertWebhookDelivery } from '../../infra/db/webhook-deliveries.js';
import type { Database } from '../../infra/db/types.js';
import type { Logger } from '../../infra/log/logger.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import type { VideoJobInput } from '../../workflows/messages.js';
import { jobCost } from '../../workflows/pricing.js';
import { ApiError, badRequest } from '../errors.js';
import { readIdempotencyKey, requestFingerprint } from '../idempotency-key.js';
import { requestIdOf, requestLog } from '../request-id.js';
import { createJobIdGenerator } from '../job-ids.js';
import type { JobQueue } from '../job-queue.js';
import type { AuthState } from '../middleware/authenticate.js';
import { JOBS_POLICY, withRateLimitPolicies } from '../rate-limit-headers.js';
import { FieldError } from '../schemas/generate.js';
import type { AcceptedJob } from '../schemas/jobs.js';
import type { WebhookTargetPolicy } from '../schemas/webhook-url.js';
import { checkSubmission, missingImage } from '../upload/check-submission.js';
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
  readonly log: Logger;
  /** Told of every accepted job (the API's metrics). */
  readonly onAccepted?: (job: { readonly model: string; readonly cost: number }) => void;
}

export interface WebhookSettings extends WebhookTargetPolicy {
  /** Wait before a failed delivery's first retry (the workflow doubles it). */
  readonly retryIntervalSeconds: number;
}

/** A job in flight ends in seconds to minutes: a short wait, then the client tries again. */
const JOBS_RETRY_AFTER_SECONDS = 10;

const keyInProgress = () => new ApiError(409, 'A request with this Idempotency-Key is still being accepted; retry shortly.', { headers: { 'Retry-After': '1' } });

export function generateRoutes(deps: GenerateDeps): Router<AuthState> {
  const router = new Router<AuthState>();
  const nextJobId = createJobIdGenerator();

  router.post('/generate', async (ctx) => {
    const jobId = nextJobId();
    const inputKey = `jobs/${jobId}/input`;
    const accountId = ctx.state.accountId;
    const idempotencyKey = readIdempotencyKey(ctx);
    const requestId = requestIdOf(ctx);
    // The contract's 400 and message for a request without the image, whatever else it sent.
    if (!ctx.is('multipart/form-data')) throw missingImage('No image file provided (send the request as multipart/form-data with an `image` file).');
    const upload = await receiveImage(ctx, { storage: deps.storage, key: inputKey, maxBytes: deps.maxImageBytes, hash: idempotencyKey !== undefined });
    const { fields, image } = upload;
    // Until the job is recorded, every way out leaves nothing stored.
    const discardUpload = () => deps.storage.delete(inputKey).catch(() => {});

    let input: VideoJobInput;
    let webhookUrl: string | null;
    try {
      const checked = await checkSubmission(upload, { storage: deps.storage, imageKey: inputKey, imageRequired: true, veoModel: deps.veoModel, webhookPolicy: deps.webhooks });
      const { engine } = checked.request;
      webhookUrl = checked.request.webhookUrl;
      input = {
        jobId,
        accountId,
        image: { key: inputKey, ...checked.image },
        engine,
        cost: jobCost(engine),
        engineQueue: engine.model === 'wan2.1' ? deps.engineQueues.wan : deps.engineQueues.veo,
        pollIntervalSeconds: deps.veoPollIntervalSeconds,
        veoDeadlineSeconds: deps.veoDeadlineSeconds,
        ...(webhookUrl ? { webhook: { retryIntervalSeconds: deps.webhooks.retryIntervalSeconds } } : {}),
        creditsReserved: true,
        ...(requestId ? { requestId } : {}),
      };
    } catch (err) {
      await discardUpload();
      if (err instanceof FieldError) throw badRequest(err.message);
      throw err;
    }

    let claim: { key: string; claimedAt: Date } | undefined;
    if (idempotencyKey !== undefined) {
      const fingerprint = requestFingerprint(fields, image?.sha256);
      const answer = await claimIdempotencyKey(deps.db, { accountId, key: idempotencyKey, fingerprint }).catch(async (err: unknown) => {
        await discardUpload();
        throw err;
      });
      if (answer.kind !== 'claimed') {
        await discardUpload();
        if (answer.kind === 'mismatch') throw new ApiError(422, `This Idempotency-Key was already used for a different request; send a new key for a new request.`, { code: 'idempotency_key_reused' });
        if (answer.kind === 'in_progress') throw keyInProgress();
        ctx.status = answer.statusCode;
        ctx.set('Idempotent-Replayed', 'true');
        ctx.body = answer.response;
        return;
      }
      claim = { key: idempotencyKey, claimedAt: answer.claimedAt };
    }
    const release = async () => {
      if (claim) await releaseIdempotencyKey(deps.db, { accountId, ...claim }).catch(() => {});
    };

    const accepted: AcceptedJob = { message: 'Generation job accepted.', job_id: jobId, model: input.engine.model, cost: input.cost };
    const hold = claim ? holdIdempotencyKey(deps.db, { accountId, ...claim }) : undefined;
    let outcome;
    try {
      // The record and its charge come first, so a job the queue accepted is never missing from history.
      outcome = await recordJobWithReservation(
        deps.db,
        { id: jobId, accountId, model: input.engine.model, prompt: input.engine.params.prompt, params: { ...input.engine.params, image: input.image }, cost: input.cost, inputKey, ...(requestId ? { requestId } : {}) },
        {
          ...(claim ? { idempotency: { accountId, ...claim, response: accepted } } : {}),
          maxJobsInFlight: deps.maxJobsInFlight,
          alsoRecord: webhookUrl ? (trx) => insertWebhookDelivery(trx, { jobId, accountId, url: webhookUrl }) : undefined,
        },
      );
    } catch (err) {
      await Promise.all([discardUpload(), release()]);
      // Our lease ran out while the database was slow, and a retry holds the key now.
      if (err instanceof IdempotencyKeyLostError) throw keyInProgress();
      throw err;
    } finally {
      hold?.stop();
    }
    const jobsHeaders =
      deps.maxJobsInFlight > 0
        ? withRateLimitPolicies(ctx.response, [{ name: JOBS_POLICY, quota: deps.maxJobsInFlight, remaining: deps.maxJobsInFlight - outcome.inFlight, unit: 'concurrent-requests' as const }])
        : {};
    if (!outcome.accepted) {
      await Promise.all([discardUpload(), release()]);
      if (outcome.reason === 'in_flight') {
        throw new ApiError(429, `Too many jobs in flight: at most ${deps.maxJobsInFlight} at once per account. Retry when one has finished.`, {
          headers: { ...jobsHeaders, 'Retry-After': String(JOBS_RETRY_AFTER_SECONDS) },
        });
      }
      throw new ApiError(402, `Not enough credits: this job costs ${input.cost} and ${outcome.balance} remain.`);
    }
    ctx.set(jobsHeaders);

    try {
      await deps.jobs.start(input);
    } catch (err) {
      // No workflow will ever refund this job, so it is refunded here, before the client hears of it.
      await refundJobCredits(deps.db, jobId);
      await failJobRecord(deps.db, jobId, { error: 'The job could not be queued.', code: 'engine_error' });
      await release();
      throw new ApiError(503, 'The job queue is unavailable right now; nothing was charged. Try again shortly.', { headers: { 'Retry-After': '5' }, cause: err });
    }

    requestLog(ctx, deps.log).info('job accepted', { jobId, accountId, model: input.engine.model, cost: input.cost });
    deps.onAccepted?.({ model: input.engine.model, cost: input.cost });
    ctx.status = 202;
    ctx.body = accepted;
  });

  return router;
}
