import { sql, type Kysely } from 'kysely';

// Frozen in time: later schema changes get migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
  // When the engine began rendering the job (the attempt that produced its outcome); null until known.
  await db.schema.alterTable('jobs').addColumn('started_at', 'timestamptz').execute();
  // History filtered by status or model still walks one index in (created_at, id) order, so
  // keyset paging stays an index range scan however few of an account's jobs match.
  await db.schema.createIndex('jobs_account_status_created_idx').on('jobs').columns(['account_id', 'status', 'created_at', 'id']).execute();
  await db.schema.createIndex('jobs_account_model_created_idx').on('jobs').columns(['account_id', 'model', 'created_at', 'id']).execute();
  // The queue position of a waiting job counts the PROCESSING jobs of its model created before it.
  await db.schema.createIndex('jobs_processing_model_created_idx').on('jobs').columns(['model', 'created_at']).where(sql.ref('status'), '=', 'PROCESSING').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('jobs_processing_model_created_idx').execute();
  await db.schema.dropIndex('jobs_account_model_created_idx').execute();
  await db.schema.dropIndex('jobs_account_status_created_idx').execute();
  await db.schema.alterTable('jobs').dropColumn('started_at').execute();
}
