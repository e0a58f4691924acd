import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Activities whose name says which engine a job used. */
const ENGINE_OF: Record<string, string> = { generateWanVideo: 'wan2.1', submitVeoOperation: 'veo3.1', pollVeoOperation: 'veo3.1' };

/**
 * Metrics of every activity a worker runs, through one interceptor instead of code in each
 * activity: how long it waited in its queue and ran, and how it ended; a Wan render's duration is
 * its GPU time (one GPU per render); reserveCredits/refundCredits count the credits charged and the refunds.
 */
export function activityMetrics(registry: Registry): ActivityInterceptorsFactory {
  const seconds = new Histogram({
    name: 'vivid_activity_seconds',
    help: 'Activity run time by activity and outcome (generateWanVideo: render seconds per video; pollVeoOperation: Veo polls).',
    labelNames: ['activity', 'model', 'outcome'],
    buckets: [0.05, 0.25, 1, 5, 15, 60, 180, 600, 1800, 3600],
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'vivid_activity_queue_wait_seconds',
    help: 'Seconds from an attempt being scheduled to a worker starting it (for renders: the wait for a free GPU).',
    labelNames: ['activity', 'model'],
    buckets: [0.1, 1, 5, 15, 60, 300, 900, 1800, 3600],
    registers: [registry],
  });
  const gpuSeconds = new Counter({ name: 'vivid_gpu_seconds_total', help: 'GPU seconds spent on renders, by outcome.', labelNames: ['model', 'outcome'], registers: [registry] });
  const charged = new Counter({ name: 'vivid_credits_charged_total', help: 'Credits reserved by job workflows (jobs from before charging at submit; the API charges the rest).', registers: [registry] });
  const refunds = new Counter({ name: 'vivid_credit_refunds_total', help: 'Jobs whose reserved credits were refunded (failed or cancelled).', registers: [registry] });
  const jobsEnded = new Counter({
    name: 'vivid_jobs_ended_total',
    help: 'Jobs that ended, by model and outcome: completed, or the FAILED code (canceled, timeout, content_filtered, invalid_input, engine_error, insufficient_credits).',
    labelNames: ['model', 'outcome'],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'vivid_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (to be retried), stopped (410 or a refused target), abandoned (retries ran out).',
    labelNames: ['outcome'],
    registers: [registry],
  });

  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const { activityType, currentAttemptScheduledTimestampMs } = ctx.info;
        const model = ENGINE_OF[activityType] ?? 'none';
        queueWait.observe({ activity: activityType, model }, Math.max(0, Date.now() - currentAttemptScheduledTimestampMs) / 1000);
        const end = seconds.startTimer({ activity: activityType, model });
        let outcome = 'failed';
        try {
          const result = await next(input);
          outcome = 'completed';
          if (activityType === 'reserveCredits' && (result as { reserved?: boolean }).reserved) charged.inc(Number((input.args[0] as { amount?: number }).amount ?? 0));
          if (activityType === 'refundCredits' && (result as { refunded?: boolean }).refunded) refunds.inc();
          if (activityType === 'sendJobWebhook') webhooks.inc({ outcome: 'delivered' });
          const ended = (result as { endedModel?: string | null } | undefined)?.endedModel;
          if (ended && (activityType === 'finalizeJob' || activityType === 'failJob')) {
            jobsEnded.inc({ model: ended, outcome: activityType === 'finalizeJob' ? 'completed' : String((input.args[0] as { code?: string }).code ?? 'engine_error') });
          }
          if (activityType === 'abandonJobWebhook') webhooks.inc({ outcome: 'abandoned' });
          return result;
        } catch (err) {
          if (err instanceof CancelledFailure) outcome = 'cancelled';
          if (activityType === 'sendJobWebhook') webhooks.inc({ outcome: err instanceof ApplicationFailure && err.nonRetryable ? 'stopped' : 'failed' });
          throw err;
        } finally {
          const elapsed = end({ outcome });
          if (activityType === 'generateWanVideo') gpuSeconds.inc({ model, outcome }, elapsed);
        }
      },
    },
  });
}
