import { sql, type Kysely } from 'kysely';

// Frozen in time: later schema changes get migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
  // Why a FAILED job failed, as a stable code beside its message; null while it has not failed.
  await db.schema.alterTable('jobs').addColumn('error_code', 'text').execute();
  // The X-Request-Id of the submit that created the job, to find its log lines; null before it existed.
  await db.schema.alterTable('jobs').addColumn('request_id', 'text').execute();
  // Jobs that failed before the code existed get one from the messages this service wrote then.
  await sql`
    update jobs set error_code = case
      when error = 'The job was cancelled.' then 'canceled'
      when error like 'Not enough credits:%' then 'insufficient_credits'
      when error like 'Veo did not finish within %' then 'timeout'
      when error like 'Video generation returned no results.%' then 'content_filtered'
      else 'engine_error'
    end
    where status = 'FAILED'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('request_id').execute();
  await db.schema.alterTable('jobs').dropColumn('error_code').execute();
}
