import { sql, type Kysely } from 'kysely';
import type { Database, WebhookDelivery } from './types.js';

/** The Standard Webhooks message id of a job's final-status message: the same on every attempt. */
export function webhookMessageId(jobId: string): string {
  return `msg_${jobId}`;
}

export async function insertWebhookDelivery(db: Kysely<Database>, delivery: { jobId: string; accountId: string; url: string }): Promise<void> {
  await db.insertInto('webhook_deliveries').values({ job_id: delivery.jobId, account_id: delivery.accountId, url: delivery.url }).execute();
}

export async function findWebhookDelivery(db: Kysely<Database>, jobId: string): Promise<WebhookDelivery | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('job_id', '=', jobId).executeTakeFirst();
}

export interface WebhookAttempt {
  /** Null when no response came. */
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly delivered: boolean;
  /** No more attempts will follow (410, a refused target). */
  readonly final: boolean;
}

/** One attempt's outcome, counted once per attempt; a delivered message stays delivered. */
export async function recordWebhookAttempt(db: Kysely<Database>, jobId: string, attempt: WebhookAttempt): Promise<void> {
  const now = new Date();
  await db
    .updateTable('webhook_deliveries')
    .set({
      attempts: sql<number>`attempts + 1`,
      last_status_code: attempt.statusCode,
      last_error: attempt.error,
      delivered_at: attempt.delivered ? now : null,
      gave_up_at: !attempt.delivered && attempt.final ? now : null,
      updated_at: now,
    })
    .where('job_id', '=', jobId)
    .where('delivered_at', 'is', null)
    .execute();
}

/** Retries ran out: no attempt follows. */
export async function abandonWebhookDelivery(db: Kysely<Database>, jobId: string, reason: string): Promise<void> {
  const now = new Date();
  await db
    .updateTable('webhook_deliveries')
    .set({ gave_up_at: now, last_error: reason, updated_at: now })
    .where('job_id', '=', jobId)
    .where('delivered_at', 'is', null)
    .where('gave_up_at', 'is', null)
    .execute();
}
