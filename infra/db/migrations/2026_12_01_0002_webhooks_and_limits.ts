import { sql, type Kysely } from 'kysely';

// Frozen in time: later schema changes get migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
  // One signing secret per account, in a table of its own so rotating it touches nothing else.
  await db.schema
    .createTable('webhook_secrets')
    .addColumn('account_id', 'uuid', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A job's one webhook message: where it goes and how its delivery stands.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('job_id', 'uuid', (c) => c.primaryKey().references('jobs.id').onDelete('cascade'))
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('gave_up_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Requests per API key per fixed window: one upsert per request, shared by every API process.
  // Unlogged: no WAL flush per request, and a crash only forgets the current minute's counts.
  await sql`
    create unlogged table rate_limit_windows (
      subject text not null,
      window_start timestamptz not null,
      hits integer not null,
      constraint rate_limit_windows_pk primary key (subject, window_start)
    )`.execute(db);

  // Jobs in flight per account are counted, under the account's row lock, from this index alone.
  await sql`create index jobs_processing_account_idx on jobs (account_id) where status = 'PROCESSING'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists jobs_processing_account_idx`.execute(db);
  await db.schema.dropTable('rate_limit_windows').execute();
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhook_secrets').execute();
}
