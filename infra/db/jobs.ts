import { sql, type Kysely } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { JobErrorCode } from '../../workflows/messages.js';
import type { Database, Job, ModelId } from './types.js';

export interface NewJobRecord {
  readonly id: string;
  readonly accountId: string;
  readonly model: ModelId;
  readonly prompt: string;
  readonly params: Record<string, unknown>;
  readonly cost: number;
  readonly inputKey: string;
  /** The X-Request-Id of the submit. */
  readonly requestId?: string;
}

export async function insertJob(db: Kysely<Database>, job: NewJobRecord): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: job.id,
      account_id: job.accountId,
      model: job.model,
      prompt: job.prompt,
      params: JSON.stringify(job.params),
      status: 'PROCESSING',
      error: null,
      cost: job.cost,
      input_key: job.inputKey,
      video_key: null,
      poster_key: null,
      engine_notes: '{}',
      completed_at: null,
      request_id: job.requestId ?? null,
    })
    .execute();
}

export type JobOutcome = Pick<Job, 'id' | 'status' | 'model' | 'error' | 'error_code' | 'video_key' | 'poster_key' | 'engine_notes' | 'created_at' | 'started_at' | 'completed_at'> & {
  /** Credits the job holds now: what was reserved less what was refunded. */
  readonly credits_charged: number;
  /** The job's webhook delivery, when it was given a webhook_url; timestamps as JSON gives them. */
  readonly webhook: { attempts: number; last_status_code: number | null; last_error: string | null; delivered_at: string | null } | null;
};

/** Net credits of a job from the ledger: reservations are negative entries, refunds positive. */
const creditsCharged = sql<number>`coalesce((select -sum(l.amount) from credit_ledger l where l.job_id = jobs.id), 0)::int`;

/**
 * What /status needs of a job, as its owner sees it; another account's job reads as absent.
 * Only these columns: the hot path of every poll need not parse the job's parameters.
 */
export async function findAccountJobOutcome(db: Kysely<Database>, accountId: string, jobId: string): Promise<JobOutcome | undefined> {
  return db
    .selectFrom('jobs')
    .select(['id', 'status', 'model', 'error', 'error_code', 'video_key', 'poster_key', 'engine_notes', 'created_at', 'started_at', 'completed_at'])
    .select(creditsCharged.as('credits_charged'))
    .select((eb) =>
      jsonObjectFrom(
        eb.selectFrom('webhook_deliveries as w').select(['w.attempts', 'w.last_status_code', 'w.last_error', sql<string | null>`w.delivered_at`.as('delivered_at')]).whereRef('w.job_id', '=', 'jobs.id'),
      ).as('webhook'),
    )
    .where('id', '=', jobId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

export async function findJob(db: Kysely<Database>, jobId: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

/** A job this call ended: its model, for the metrics of jobs finished. */
export interface EndedJob {
  readonly model: Job['model'];
}

/**
 * Records success. Only a PROCESSING job moves, so a late retry after a failure (or the
 * reverse) cannot flip a finished record: undefined then.
 */
export async function completeJob(
  db: Kysely<Database>,
  jobId: string,
  result: { videoKey: string; posterKey: string | null; notes: Record<string, unknown>; startedAt?: Date | null },
): Promise<EndedJob | undefined> {
  const now = new Date();
  return db
    .updateTable('jobs')
    .set({
      status: 'COMPLETED',
      video_key: result.videoKey,
      poster_key: result.posterKey,
      engine_notes: JSON.stringify(result.notes),
      error: null,
      error_code: null,
      updated_at: now,
      completed_at: now,
      ...(result.startedAt ? { started_at: result.startedAt } : {}),
    })
    .where('id', '=', jobId)
    .where('status', '=', 'PROCESSING')
    .returning('model')
    .executeTakeFirst();
}

/** Records the first start of a running job's render; a later one (a retry) or a finished job leaves it be. */
export async function markJobStarted(db: Kysely<Database>, jobId: string, startedAt: Date): Promise<void> {
  await db.updateTable('jobs').set({ started_at: startedAt }).where('id', '=', jobId).where('status', '=', 'PROCESSING').where('started_at', 'is', null).execute();
}

/** Records failure with its message and code; like completeJob, only a PROCESSING job moves (else undefined). */
export async function failJobRecord(db: Kysely<Database>, jobId: string, failure: { error: string; code: JobErrorCode }, startedAt?: Date | null): Promise<EndedJob | undefined> {
  const now = new Date();
  return db
    .updateTable('jobs')
    .set({ status: 'FAILED', error: failure.error, error_code: failure.code, updated_at: now, completed_at: now, ...(startedAt ? { started_at: startedAt } : {}) })
    .where('id', '=', jobId)
    .where('status', '=', 'PROCESSING')
    .returning('model')
    .executeTakeFirst();
}

/**
 * A job's place in history order. `createdAt` is ISO 8601 in UTC to the microsecond, as Postgres
 * keeps it: a Date holds milliseconds, and two jobs made in one millisecond would then share a
 * cursor's time, so the page after one of them would skip the other.
 */
export interface HistoryCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** created_at as a cursor carries it: microseconds kept, UTC. */
const exactCreatedAt = sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface HistoryFilter {
  readonly status?: Job['status'];
  readonly model?: ModelId;
  /** Inclusive lower bound on created_at. */
  readonly createdAfter?: Date;
  /** Exclusive upper bound on created_at. */
  readonly createdBefore?: Date;
}

export type HistoryJob = Job & { readonly credits_charged: number; readonly created_at_exact: string };

/**
 * Newest first, keyset-paged on (created_at, id) so pages stay stable while new jobs arrive.
 * The filters narrow the same ordered walk (indexes on account plus status or model, then created_at, id).
 */
export async function listAccountJobs(
  db: Kysely<Database>,
  accountId: string,
  page: { limit: number; after?: HistoryCursor; filter?: HistoryFilter },
): Promise<HistoryJob[]> {
  let q = db.selectFrom('jobs').selectAll().select([creditsCharged.as('credits_charged'), exactCreatedAt.as('created_at_exact')]).where('account_id', '=', accountId);
  const f = page.filter ?? {};
  if (f.status) q = q.where('status', '=', f.status);
  if (f.model) q = q.where('model', '=', f.model);
  if (f.createdAfter) q = q.where('created_at', '>=', f.createdAfter);
  if (f.createdBefore) q = q.where('created_at', '<', f.createdBefore);
  if (page.after) {
    const { createdAt, id } = page.after;
    q = q.where(sql<boolean>`(created_at, id) < (${createdAt}::timestamptz, ${id}::uuid)`);
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Where a job stands in its account's history: the cursor of the page after it. */
export async function historyPosition(db: Kysely<Database>, accountId: string, offset: number): Promise<HistoryCursor | undefined> {
  const row = await db.selectFrom('jobs').select(['id', exactCreatedAt.as('created_at_exact')]).where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(1).executeTakeFirst();
  return row && { createdAt: row.created_at_exact, id: row.id };
}

/** PROCESSING jobs recorded before `before`, oldest first: the candidates for the orphaned-job sweep. */
export async function listProcessingJobIdsBefore(db: Kysely<Database>, before: Date, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('id').where('status', '=', 'PROCESSING').where('created_at', '<', before).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.id);
}

/**
 * PROCESSING jobs of a model that no worker has started rendering: those created before this one, and those rendering now.
 * The job's own row gives its place: a created_at passed in from JavaScript would be cut to the millisecond.
 */
export async function countWaitingJobs(db: Kysely<Database>, model: ModelId, jobId: string): Promise<{ ahead: number; rendering: number }> {
  const row = await db
    .selectFrom('jobs')
    .select([
      sql<number>`count(*) filter (where started_at is null and (created_at, id) < (select j.created_at, j.id from jobs j where j.id = ${jobId}::uuid))::int`.as('ahead'),
      sql<number>`count(*) filter (where started_at is not null)::int`.as('rendering'),
    ])
    .where('status', '=', 'PROCESSING')
    .where('model', '=', model)
    .executeTakeFirstOrThrow();
  return { ahead: row.ahead, rendering: row.rendering };
}

/** Mean seconds from rendering start to completion of a model's latest finished jobs; null when none are known. */
export async function recentRenderSeconds(db: Kysely<Database>, model: ModelId, sample = 20): Promise<number | null> {
  const recent = db
    .selectFrom('jobs')
    .select(sql<number>`extract(epoch from (completed_at - started_at))`.as('seconds'))
    .where('model', '=', model)
    .where('status', '=', 'COMPLETED')
    .where('started_at', 'is not', null)
    .orderBy('completed_at', 'desc')
    .limit(sample)
    .as('recent');
  const row = await db.selectFrom(recent).select(sql<number | null>`avg(seconds)::float8`.as('mean')).executeTakeFirst();
  return row?.mean ?? null;
}
