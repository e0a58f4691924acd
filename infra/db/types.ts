import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { JobErrorCode } from '../../workflows/messages.js';

export type JobStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED';
export type ModelId = 'wan2.1' | 'veo3.1';
export type LedgerKind = 'grant' | 'reserve' | 'refund';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type Json = ColumnType<Record<string, unknown>, string, string>;

export interface AccountTable {
  id: string;
  email: string;
  /** Credits restored at the start of every monthly cycle. */
  monthly_credits: number;
  created_at: CreatedAt;
  /** argon2id in PHC string format; null until the account has a password. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ApiKeyTable {
  id: string;
  account_id: string;
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  key_hash: string;
  /** The first characters of the key, so a person can tell keys apart. */
  prefix: string;
  name: string | null;
  created_at: CreatedAt;
  revoked_at: Date | null;
  /** Refreshed at most once a minute, so key look-ups stay reads. */
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface JobTable {
  id: string;
  account_id: string;
  model: ModelId;
  prompt: string;
  params: Json;
  status: JobStatus;
  error: string | null;
  /** Why a FAILED job failed (workflows/messages.ts JOB_ERROR_CODES); null otherwise, and in rows an older worker failed. */
  error_code: ColumnType<JobErrorCode | null, JobErrorCode | null | undefined, JobErrorCode | null>;
  cost: number;
  input_key: string;
  video_key: string | null;
  poster_key: string | null;
  /** What the engine wants a viewer to know about this video, e.g. that it came from a development model. */
  engine_notes: Json;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  completed_at: Date | null;
  /** When rendering began (the engine's attempt that gave the outcome); null until known. */
  started_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The X-Request-Id of the submit that created the job; null in jobs from before it was kept. */
  request_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CreditLedgerTable {
  id: Generated<number>;
  account_id: string;
  job_id: string | null;
  kind: LedgerKind;
  /** Signed: grants and refunds add, reservations subtract. */
  amount: number;
  /** First day (UTC) of the monthly cycle the entry counts toward. */
  cycle_start: ColumnType<string, string, never>;
  note: string | null;
  created_at: CreatedAt;
}

/** A signed-in browser; only a hash of its cookie's token is kept. */
export interface SessionTable {
  id: string;
  account_id: string;
  token_hash: string;
  user_agent: string | null;
  ip: string | null;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date;
}

/** A one-time sign-in link an operator minted; only a hash of its token is kept. */
export interface SignInLinkTable {
  id: string;
  account_id: string;
  token_hash: string;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

export interface SignInFailureTable {
  scope: 'email' | 'ip';
  subject: string;
  failures: number;
  window_started_at: Date;
}

export interface WebhookSecretTable {
  account_id: string;
  /** `whsec_` and base64 of 32 random bytes: the Standard Webhooks secret format. */
  secret: string;
  /** When this secret was made: a rotation replaces it. */
  created_at: ColumnType<Date, Date | undefined, Date>;
}

export interface WebhookDeliveryTable {
  job_id: string;
  account_id: string;
  url: string;
  attempts: ColumnType<number, number | undefined, number>;
  /** The receiver's status code on the latest attempt; null when no response came (refused, timed out, unreachable). */
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  /** Set when delivery stopped for good without success (410, a refused target, retries exhausted). */
  gave_up_at: Date | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RateLimitWindowTable {
  subject: string;
  window_start: Date;
  hits: number;
}

export interface IdempotencyKeyTable {
  account_id: string;
  /** The client's `Idempotency-Key`, unique per account. */
  key: string;
  /** SHA-256 of the request (fields and image bytes): the same key with another request is refused. */
  fingerprint: string;
  job_id: string | null;
  /** Null while the first request is still being accepted. */
  status_code: number | null;
  response: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: ColumnType<Date, Date | undefined, Date>;
  /** While unanswered: until when the claiming request holds the key (it renews it as it works). */
  lease_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface Database {
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  jobs: JobTable;
  credit_ledger: CreditLedgerTable;
  sessions: SessionTable;
  sign_in_links: SignInLinkTable;
  sign_in_failures: SignInFailureTable;
  webhook_secrets: WebhookSecretTable;
  webhook_deliveries: WebhookDeliveryTable;
  rate_limit_windows: RateLimitWindowTable;
  idempotency_keys: IdempotencyKeyTable;
}

export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Session = Selectable<SessionTable>;
export type Job = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type JobUpdate = Updateable<JobTable>;
export type LedgerEntry = Selectable<CreditLedgerTable>;
export type WebhookDelivery = Selectable<WebhookDeliveryTable>;
