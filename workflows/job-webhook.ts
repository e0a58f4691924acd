import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhooks.js';
import type { JobWebhookInput } from './messages.js';

/** Temporal's retries cover at least a day; the last attempt may start just before the end. */
const DELIVERY_WINDOW = '25 hours';

const bookkeeping = proxyLocalActivities<WebhookActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/**
 * Delivers one job's final status to its webhook, retrying with backoff for a day.
 *
 * Why a child workflow of its own (started with ParentClosePolicy ABANDON) on the control queue:
 * the job's workflow has already written its final record before starting this, and closes at
 * once without waiting, so a slow receiver never delays the job. Between attempts nothing holds a
 * worker: the waits are Temporal's retry timers on the server. Each attempt is one activity
 * bounded by WEBHOOK_TIMEOUT_SECONDS (and the 1-minute start-to-close below); the control
 * worker's bookkeeping runs as local activities in slots of their own, so deliveries compete only
 * with each other, each for at most that long, and a failing receiver's retries cannot block
 * another account's delivery for longer than one attempt.
 */
export async function jobWebhook(input: JobWebhookInput): Promise<void> {
  const delivery = proxyActivities<WebhookActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: DELIVERY_WINDOW,
    retry: {
      initialInterval: input.retryIntervalSeconds * 1000,
      backoffCoefficient: 2,
      maximumInterval: '1 hour',
      nonRetryableErrorTypes: ['WebhookStopped'],
    },
  });
  try {
    await delivery.sendJobWebhook({ jobId: input.jobId });
  } catch (err) {
    // 410 or a refused target: the attempt already recorded why it stopped.
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'WebhookStopped') return;
    await bookkeeping.abandonJobWebhook({ jobId: input.jobId, reason: 'Retries ran out without a 2xx answer.' });
  }
}
