/**
 * Where a rendering job's live preview lives, and how the API tells the worker that someone is
 * watching: media by key through storage, like every other file of a job.
 */
export function previewKey(jobId: string): string {
  return `jobs/${jobId}/preview.jpg`;
}

/** A tiny object `{"at": ISO}` the API rewrites while someone polls the job's status. */
export function previewInterestKey(jobId: string): string {
  return `jobs/${jobId}/preview-wanted.json`;
}

/** A poll this recent keeps previews coming; after it the worker stops making them. */
export const PREVIEW_INTEREST_MS = 30_000;
