import type { ModelName } from '../../../api/schemas/generate-limits';

/** Response shapes of /api/v1 the UI reads; optional fields come from newer servers. */
export type JobStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | (string & {});
export type { ModelName };

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly created_at?: string;
}

export interface JobStatusBody {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly model?: ModelName;
  readonly stage?: string;
  readonly progress?: number;
  readonly video_url?: string | null;
  readonly poster_url?: string | null;
  readonly preview_url?: string | null;
  readonly notes?: Record<string, unknown>;
  readonly error?: string;
  readonly created_at?: string;
  readonly queue_position?: number;
  readonly eta_seconds?: number;
  readonly credits_charged?: number;
  readonly cost?: number;
}

export interface JobDetailBody extends JobStatusBody {
  readonly prompt?: string;
  readonly params?: Record<string, unknown>;
  readonly image_url?: string | null;
}

/** POST /estimate: what a job would cost, and the balance now. */
export interface Estimate {
  readonly cost: number;
  readonly credits_remaining: number;
}

export interface Usage {
  readonly credits_remaining: number;
  readonly cycle_resets_on: string;
  readonly monthly_credits?: number;
}
