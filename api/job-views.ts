import type { JobOutcome } from '../infra/db/jobs.js';
import type { Job } from '../infra/db/types.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';

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
export async function finishedJobBody(storage: ObjectStorage, job: JobOutcome, ttlSeconds: number): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { job_id: job.id, status: job.status, model: job.model };
  if (job.status === 'COMPLETED') {
    body.video_url = await videoUrl(storage, job, ttlSeconds);
    body.poster_url = await posterUrl(storage, job, ttlSeconds);
    if (Object.keys(job.engine_notes).length > 0) body.notes = job.engine_notes;
  } else if (job.status === 'FAILED') {
    body.error = job.error ?? 'The job failed.';
  }
  return body;
}

/** The delivery state of a job's webhook, as `/status` shows it. */
export function webhookView(webhook: NonNullable<JobOutcome['webhook']>): Record<string, unknown> {
  return {
    attempts: webhook.attempts,
    last_status_code: webhook.last_status_code,
    delivered_at: webhook.delivered_at ? new Date(webhook.delivered_at).toISOString() : null,
    ...(webhook.last_error ? { last_error: webhook.last_error } : {}),
  };
}
