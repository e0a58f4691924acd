import { ApplicationFailure } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { WebhookConfig } from '../infra/config.js';
import type { Database } from '../infra/db/types.js';
import { abandonWebhookDelivery, findWebhookDelivery, recordWebhookAttempt, webhookMessageId } from '../infra/db/webhook-deliveries.js';
import { ensureWebhookSecret } from '../infra/db/webhook-secrets.js';
import { postWebhook, type WebhookResult } from '../infra/webhooks/post-webhook.js';

export interface WebhookActivityDeps {
  readonly db: Kysely<Database>;
  /** The job's `/status` body now (its links freshly signed), as JSON; null if the job is gone. */
  readonly statusBody: (accountId: string, jobId: string) => Promise<string | null>;
  readonly settings: Pick<WebhookConfig, 'timeoutSeconds' | 'allowPrivateTargets'>;
}

/** Failures that end delivery for good: the receiver said 410 Gone, or the target may not be reached. */
export const WEBHOOK_STOPPED = 'WebhookStopped';

export function createWebhookActivities(deps: WebhookActivityDeps) {
  return {
    /**
     * One signed POST of the job's final status. Resolves on a 2xx; throws a retryable failure
     * otherwise (Temporal retries with backoff), or a non-retryable one on 410 or a refused
     * target. Every attempt carries the same `webhook-id`, a fresh timestamp and signature.
     */
    async sendJobWebhook(input: { jobId: string }): Promise<void> {
      const delivery = await findWebhookDelivery(deps.db, input.jobId);
      if (!delivery || delivery.delivered_at || delivery.gave_up_at) return;
      const body = await deps.statusBody(delivery.account_id, input.jobId);
      if (body === null) return;
      // Read on every attempt, so a rotated secret signs the retries too.
      const secret = await ensureWebhookSecret(deps.db, delivery.account_id);
      const id = webhookMessageId(input.jobId);
      const timestamp = new Date();
      const result = await postWebhook({
        url: delivery.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'VividFlow-Webhooks/1',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
        },
        timeoutMs: deps.settings.timeoutSeconds * 1000,
        allowPrivateTargets: deps.settings.allowPrivateTargets,
      });
      const outcome = judge(result);
      await recordWebhookAttempt(deps.db, input.jobId, outcome);
      if (outcome.delivered) return;
      if (outcome.final) throw ApplicationFailure.nonRetryable(outcome.error ?? 'Delivery stopped.', WEBHOOK_STOPPED);
      throw ApplicationFailure.retryable(outcome.error ?? 'Delivery failed.', 'WebhookFailed');
    },

    /** Retries ran out without a delivery. */
    async abandonJobWebhook(input: { jobId: string; reason: string }): Promise<void> {
      await abandonWebhookDelivery(deps.db, input.jobId, input.reason);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;

function judge(result: WebhookResult): { statusCode: number | null; error: string | null; delivered: boolean; final: boolean } {
  if (result.kind === 'refused') return { statusCode: null, error: `Refused: ${result.reason}.`, delivered: false, final: true };
  if (result.kind === 'failed') return { statusCode: null, error: `No response: ${result.reason}.`, delivered: false, final: false };
  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300) return { statusCode, error: null, delivered: true, final: true };
  if (statusCode === 410) return { statusCode, error: 'The receiver answered 410 Gone: no more attempts.', delivered: false, final: true };
  const said = result.bodyStart.trim().slice(0, 200);
  const what = statusCode >= 300 && statusCode < 400 ? 'a redirect, which is not followed' : 'not a 2xx';
  return { statusCode, error: `The receiver answered ${statusCode} (${what})${said ? `: ${said}` : ''}.`, delivered: false, final: false };
}
