import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { creditBalance } from '../../infra/db/credits.js';
import type { Database } from '../../infra/db/types.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { jobCost } from '../../workflows/pricing.js';
import { readJson } from '../body/read-json.js';
import { ApiError, badRequest } from '../errors.js';
import type { AuthState } from '../middleware/authenticate.js';
import { FieldError } from '../schemas/generate.js';
import type { Estimate } from '../schemas/jobs.js';
import type { WebhookTargetPolicy } from '../schemas/webhook-url.js';
import { checkSubmission } from '../upload/check-submission.js';
import { receiveImage, type ReceivedUpload } from '../upload/receive-image.js';

export interface EstimateDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly maxImageBytes: number;
  readonly veoModel?: string | undefined;
  readonly webhooks: WebhookTargetPolicy;
}

/**
 * A JSON body holds the same fields as the form, typed as JSON types them: each becomes the text
 * a form would carry, so the one schema judges both. Anything but a scalar names its field.
 */
export const estimateJsonSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, number or boolean' }));

/**
 * What `POST /generate` with the same fields would charge, and the balance now: the same fields,
 * checks and messages, with the image optional. Nothing is recorded, charged or started; an
 * image sent along is checked as /generate checks it, then deleted.
 */
export function estimateRoutes(deps: EstimateDeps): Router<AuthState> {
  const router = new Router<AuthState>();

  router.post('/estimate', async (ctx) => {
    let upload: ReceivedUpload;
    // Only a multipart request can carry an image, so only it stores one, under a key of its own.
    const imageKey = `estimates/${randomUUID()}/input`;
    if (ctx.is('multipart/form-data')) {
      upload = await receiveImage(ctx, { storage: deps.storage, key: imageKey, maxBytes: deps.maxImageBytes });
    } else if (ctx.is('application/json')) {
      const body = await readJson(ctx, estimateJsonSchema);
      if ('image' in body) throw badRequest("Invalid parameter 'image': send an image as a multipart/form-data file, or leave it out of a JSON estimate.");
      upload = { fields: Object.fromEntries(Object.entries(body).map(([name, value]) => [name, String(value)])) };
    } else {
      throw new ApiError(415, 'Send the fields as multipart/form-data (as to /generate) or as a JSON object (Content-Type: application/json).');
    }

    let checked;
    try {
      checked = await checkSubmission(upload, { storage: deps.storage, imageKey, imageRequired: false, veoModel: deps.veoModel, webhookPolicy: deps.webhooks });
    } catch (err) {
      if (err instanceof FieldError) throw badRequest(err.message);
      throw err;
    } finally {
      if (upload.image) await deps.storage.delete(imageKey).catch(() => {});
    }
    const estimate: Estimate = { cost: jobCost(checked.request.engine), credits_remaining: await creditBalance(deps.db, ctx.state.accountId) };
    ctx.body = estimate;
  });

  return router;
}
