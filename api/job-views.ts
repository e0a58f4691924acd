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

/** A signed link and when it stops working, to the second (never later than the link's own expiry). */
export interface SignedLink {
  readonly url: string;
  readonly expiresAt: string;
}

export async function signedLink(storage: ObjectStorage, key: string, ttlSeconds: number, now = Date.now()): Promise<SignedLink> {
  const expiresAt = new Date((Math.floor(now / 1000) + Math.floor(ttlSeconds)) * 1000).toISOString();
  return { url: await storage.signedUrl(key, ttlSeconds), expiresAt };
}

/** ISO 8601 in UTC, or absent. */
export function isoOrUndefined(d: Date | null | undefined): string | undefined {
  return d ? d.toISOString() : undefined;
}
