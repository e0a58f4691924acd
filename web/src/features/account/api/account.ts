import { api } from '../../../lib/api';
import type { Usage } from '../../../lib/types';

export interface SessionRow {
  readonly id: string;
  readonly created_at: string;
  readonly last_seen_at: string;
  readonly user_agent: string | null;
  readonly ip: string | null;
  readonly current: boolean;
}

export interface KeyRow {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

export interface WebhookSecret {
  readonly secret: string;
  readonly created_at: string;
}

export interface DailySpend {
  readonly date: string;
  readonly model: string;
  readonly credits: number;
}

export const changePassword = (current_password: string, new_password: string) => api.post<void>('/auth/password', { current_password, new_password });
export const listSessions = () => api.get<SessionRow[]>('/auth/sessions');
export const revokeSession = (id: string) => api.delete(`/auth/sessions/${encodeURIComponent(id)}`);
export const revokeOtherSessions = () => api.post<void>('/auth/sessions/revoke-others');
export const signOut = () => api.post<void>('/auth/signout');
export const listKeys = () => api.get<KeyRow[]>('/keys');
export const createKey = (name: string) => api.post<KeyRow & { key: string }>('/keys', { name });
export const revokeKey = (id: string) => api.delete(`/keys/${encodeURIComponent(id)}`);
export const getUsage = () => api.get<Usage>('/usage');
export const getDailySpend = () => api.get<DailySpend[]>('/usage/daily');
export const getWebhookSecret = () => api.get<WebhookSecret>('/webhook-secret');
export const rotateWebhookSecret = () => api.post<WebhookSecret>('/webhook-secret/rotate');
