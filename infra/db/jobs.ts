import { sql, type Kysely } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Database, Job, ModelId } from './types.js';

export interface NewJobRecord {
  readonly id: string;
  readonly accountId: string;
  readonly model: ModelId;
  readonly prompt: string;
  readonly params: Record<string, unknown>;
  readonly cost: number;
  readonly inputKey: string;
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
    })
    .execute();
}

export type JobOutcome = Pick<Job, 'id' | 'status' | 'model' | 'error' | 'video_key' | 'poster_key' | 'engine_notes'> & {
  /** The job's webhook delivery, when it was given a webhook_url; timestamps as JSON gives them. */
  readonly webhook: { attempts: number; last_status_code: number | null; last_error: string | null; delivered_at: string | null } | null;
};

/**
 * What /status needs of a job, as its owner sees it; another account's job reads as absent.
 * Only these columns: the hot path of every poll need not parse the job's parameters.
 */
export async function findAccountJobOutcome(db: Kysely<Database>, accountId: string, jobId: string): Promise<JobOutcome | undefined> {
  return db
    .selectFrom('jobs')
    .select(['id', 'status', 'model', 'error', 'video_key', 'poster_key', 'engine_notes'])
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

/**
 * Records success. Only a PROCESSING job moves, so a late retry after a failure (or the
 * reverse) cannot flip a finished record.
 */
export async function completeJob(
  db: Kysely<Database>,
  jobId: string,
  result: { videoKey: string; posterKey: string | null; notes: Record<string, unknown> },
): Promise<boolean> {
  const now = new Date();
  const r = await db
    .updateTable('jobs')
    .set({ status: 'COMPLETED', video_key: result.videoKey, poster_key: result.posterKey, engine_notes: JSON.stringify(result.notes), error: null, updated_at: now, completed_at: now })
    .where('id', '=', jobId)
    .where('status', '=', 'PROCESSING')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function failJobRecord(db: Kysely<Database>, jobId: string, error: string): Promise<boolean> {
  const now = new Date();
  const r = await db
    .updateTable('jobs')
    .set({ status: 'FAILED', error, updated_at: now, completed_at: now })
    .where('id', '=', jobId)
    .where('status', '=', 'PROCESSING')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface HistoryCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** Newest first, keyset-paged on (created_at, id) so pages stay stable while new jobs arrive. */
export async function listAccountJobs(
  db: Kysely<Database>,
  accountId: string,
  page: { limit: number; after?: HistoryCursor },
): Promise<Job[]> {
  let q = db.selectFrom('jobs').selectAll().where('account_id', '=', accountId);
  if (page.after) {
    const { createdAt, id } = page.after;
    q = q.where(sql<boolean>`(created_at, id) < (${createdAt}, ${id}::uuid)`);
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** PROCESSING jobs recorded before `before`, oldest first: the candidates for the orphaned-job sweep. */
export async function listProcessingJobIdsBefore(db: Kysely<Database>, before: Date, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('jobs').select('id').where('status', '=', 'PROCESSING').where('created_at', '<', before).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.id);
}
