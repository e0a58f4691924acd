import { api, apiRequest } from '../../../lib/api';
import type { Estimate, JobDetailBody, JobStatusBody, Usage } from '../../../lib/types';

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
/** The server's price for these fields (no image: it does not change the price), checked as /generate checks them. */
export const estimateJob = (fields: Record<string, string>, signal?: AbortSignal) => apiRequest<Estimate>('POST', '/estimate', fields, { signal }).then((r) => r.body);

/** The source image of an earlier job, fetched from its signed link so it can be sent again. */
export async function fetchSourceImage(url: string): Promise<File> {
  // Links to this server's own /media may name it by another host (PUBLIC_URL); fetch them here, same-origin.
  const parsed = new URL(url, window.location.href);
  const local = parsed.pathname.startsWith('/media/') ? `${parsed.pathname}${parsed.search}` : url;
  const res = await fetch(local, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The earlier job's source image could not be loaded (${res.status}).`);
  const blob = await res.blob();
  // Storage may answer with a generic type; the bytes say what the image is, as the server judges it.
  const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
  const type = head[0] === 0x89 && head[1] === 0x50 ? 'image/png' : head[0] === 0xff && head[1] === 0xd8 ? 'image/jpeg' : head[8] === 0x57 && head[9] === 0x45 ? 'image/webp' : blob.type;
  const ext = type === 'image/png' ? 'png' : type === 'image/webp' ? 'webp' : 'jpg';
  return new File([blob], `source.${ext}`, { type });
}
