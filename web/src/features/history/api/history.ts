import { api } from '../../../lib/api';
import type { JobDetailBody, JobStatus, ModelName } from '../../../lib/types';

export interface HistoryItem {
  readonly id: string;
  readonly prompt: string;
  readonly video_url: string | null;
  readonly status: JobStatus;
  readonly timestamp: string;
  readonly model?: ModelName;
  readonly error?: string;
  readonly created_at?: string;
  readonly credits_charged?: number | null;
  readonly poster_url?: string | null;
}

export interface HistoryFilters {
  readonly status?: string;
  readonly model?: string;
}

export const PAGE_SIZE = 24;

export async function listHistory(filters: HistoryFilters, cursor: string | null, signal?: AbortSignal): Promise<{ items: HistoryItem[]; next: string | null }> {
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) q.set('cursor', cursor);
  if (filters.status) q.set('status', filters.status);
  if (filters.model) q.set('model', filters.model);
  const { body, headers } = await api.getWithHeaders<HistoryItem[]>(`/history?${q.toString()}`, { signal });
  // A server without history filters ignores them; keep only what was asked for.
  const items = body.filter((j) => (!filters.status || j.status === filters.status) && (!filters.model || j.model === filters.model));
  return { items, next: headers.get('X-Next-Cursor') };
}

export const getJobDetail = (id: string) => api.get<JobDetailBody>(`/jobs/${encodeURIComponent(id)}`);
export const cancelJob = (id: string) => api.post<{ message: string }>(`/cancel/${encodeURIComponent(id)}`);
