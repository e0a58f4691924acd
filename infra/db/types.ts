import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

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
  cost: number;
  input_key: string;
  video_key: string | null;
  poster_key: string | null;
  /** What the engine wants a viewer to know about this video, e.g. that it came from a development model. */
  engine_notes: Json;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  completed_at: Date | null;
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

export interface Database {
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  jobs: JobTable;
  credit_ledger: CreditLedgerTable;
  sessions: SessionTable;
  sign_in_links: SignInLinkTable;
  sign_in_failures: SignInFailureTable;
}

export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Session = Selectable<SessionTable>;
export type Job = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type JobUpdate = Updateable<JobTable>;
export type LedgerEntry = Selectable<CreditLedgerTable>;
