import { PREVIEW_INTEREST_MS, previewInterestKey } from '../infra/media/preview-keys.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';

/**
 * Tells Wan workers that someone is watching a render, so that it makes live previews; with
 * nobody polling, the note goes stale and the worker stops. One write per job every few
 * seconds per API process, however many clients poll.
 */
export function createPreviewInterest(storage: ObjectStorage, rewriteEveryMs = PREVIEW_INTEREST_MS / 3) {
  const written = new Map<string, number>();
  return function noteInterest(jobId: string): void {
    const now = Date.now();
    if (now - (written.get(jobId) ?? 0) < rewriteEveryMs) return;
    written.set(jobId, now);
    if (written.size > 10_000) for (const [id, at] of written) if (now - at >= rewriteEveryMs) written.delete(id);
    // Not awaited: a status answer never waits on the note, and a lost one costs only previews.
    storage.put(previewInterestKey(jobId), Buffer.from(JSON.stringify({ at: new Date(now).toISOString() })), { contentType: 'application/json' }).catch(() => written.delete(jobId));
  };
}
