import type { JobOutcome } from '../infra/db/jobs.js';
import type { Job } from '../infra/db/types.js';
import type { JobErrorCode } from '../workflows/messages.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import type { JobStatusBody, WebhookState } from './schemas/jobs.js';

/** `2025-12-25 18:30:00`, in UTC: the contract's history timestamp. */
export function contractTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A fetchable, expiring link to a finished job's video; null until there is one. */
export async function videoUrl(storage: ObjectStorage, job: Pick<Job, 'status' | 'video_key'>, ttlSeconds: number): Promise<string | null> {
  return job.status === 'COMPLETED' && job.video_key ? storage.signedUrl(job.video_key, ttlSeconds) : null;
}

export async function posterUrl(storage: ObjectStorage, job: Pick<Job, 'status' | 'poster_key'>, ttlSeconds: number): Promise<string | null> {
  return job.status === 'COMPLETED' && job.poster_key ? storage.signedUrl(job.poster_key, ttlSeconds) : null;
}

/**
 * The `/status` body of a job that has ended (COMPLETED or FAILED): what `/status` answers and
 * what the job's webhook carries. A PROCESSING job's live fields are the status route's.
 */
export async function finishedJobBody(storage: ObjectStorage, job: JobOutcome, ttlSeconds: number): Promise<JobStatusBody> {
  const body = jobBodyBase(job);
  if (job.status === 'COMPLETED') {
    const video = job.video_key ? await signedLink(storage, job.video_key, ttlSeconds) : null;
    const poster = job.poster_key ? await signedLink(storage, job.poster_key, ttlSeconds) : null;
    body.video_url = video?.url ?? null;
    if (video) body.video_url_expires_at = video.expiresAt;
    body.poster_url = poster?.url ?? null;
    if (poster) body.poster_url_expires_at = poster.expiresAt;
    if (Object.keys(job.engine_notes).length > 0) body.notes = job.engine_notes;
  } else if (job.status === 'FAILED') {
    body.error = job.error ?? 'The job failed.';
    body.code = failedJobCode(job);
  }
  return body;
}

/**
 * The code of a FAILED job. Rows failed before codes existed were given one by their migration;
 * one failed since by a worker of that older release has none, and reads as the engine's failure.
 */
export function failedJobCode(job: Pick<Job, 'error_code'>): JobErrorCode {
  return job.error_code ?? 'engine_error';
}

/** The fields every `/status` body has, whatever the job's state. */
export function jobBodyBase(job: JobOutcome): JobStatusBody {
  // Absent timestamps are left out rather than sent as null.
  return {
    job_id: job.id,
    status: job.status,
    model: job.model,
    created_at: job.created_at.toISOString(),
    ...(job.started_at ? { started_at: job.started_at.toISOString() } : {}),
    ...(job.completed_at ? { completed_at: job.completed_at.toISOString() } : {}),
    credits_charged: job.credits_charged,
  };
}

/** The delivery state of a job's webhook, as `/status` shows it. */
export function webhookView(webhook: NonNullable<JobOutcome['webhook']>): WebhookState {
  return {
    attempts: webhook.attempts,
    last_status_code: webhook.last_status_code,
    delivered_at: webhook.delivered_at ? new Date(webhook.delivered_at).toISOString() : null,
    ...(webhook.last_error ? { last_error: webhook.last_error } : {}),
  };
}

/** A signed link and when it stops working, to the second (never later than the link's own expiry). */
export interface SignedLink {
  readonly url: string;
  readonly expiresAt: string;
}

export async function signedLink(storage: ObjectStorage, key: string, ttlSeconds: number, now = Date.now()): Promise<SignedLink> {
  const expiresAt = new Date((Math.floor(now / 1000) + Math.floor(ttlSeconds)) * 1000).toISOString();
  return { url: await storage.signedUrl(key, ttlSeconds), expiresAt };
}
