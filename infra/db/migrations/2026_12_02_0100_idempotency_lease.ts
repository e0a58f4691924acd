import { sql, type Kysely } from 'kysely';

// Frozen in time: later schema changes get migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
  // Until a key is answered, its request holds it by a short lease it keeps renewing; a process
  // that dies mid-request stops renewing, and a retry can take the key over within seconds.
  await db.schema.alterTable('idempotency_keys').addColumn('lease_expires_at', 'timestamptz').execute();
  // Keys being accepted during the upgrade keep the 15 minutes the earlier rule gave them.
  await sql`update idempotency_keys set lease_expires_at = created_at + interval '15 minutes' where status_code is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('lease_expires_at').execute();
}
