import { api } from '../../../lib/api';
import type { JobDetailBody, JobStatusBody, Usage } from '../../../lib/types';

export interface Accepted {
  readonly message: string;
  readonly job_id: string;
  readonly model?: string;
  readonly cost?: number;
}

export const submitJob = (form: FormData) => api.post<Accepted>('/generate', form);
export const getJobStatus = (id: string, signal?: AbortSignal) => api.get<JobStatusBody>(`/status/${encodeURIComponent(id)}`, { signal });
export const getJob = (id: string) => api.get<JobDetailBody>(`/jobs/${encodeURIComponent(id)}`);
export const getUsage = () => api.get<Usage>('/usage');

/** The source image of an earlier job, fetched from its signed link so it can be sent again. */
export async function fetchSourceImage(url: string): Promise<File> {
  // Links to this server's own /media may name it by another host (PUBLIC_URL); fetch them here, same-origin.
  const parsed = new URL(url, window.location.href);
  const local = parsed.pathname.startsWith('/media/') ? `${parsed.pathname}${parsed.search}` : url;
  const res = await fetch(local, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The earlier job's source image could not be loaded (${res.status}).`);
  const blob = await res.blob();
  const ext = blob.type === 'image/png' ? 'png' : blob.type === 'image/webp' ? 'webp' : 'jpg';
  return new File([blob], `source.${ext}`, { type: blob.type });
}
