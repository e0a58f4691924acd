import { sql, type Kysely } from 'kysely';

// Frozen in time: later schema changes get migrations of their own.
export async function up(db: Kysely<any>): Promise<void> {
  // Null: the account has no password yet (created by an operator); it signs in by link or not at all.
  await db.schema.alterTable('accounts').addColumn('password_hash', 'text').execute();
  // Emails are stored lower-cased; this index keeps them unique even for a row written some other way.
  await sql`create unique index accounts_email_lower_uniq on accounts (lower(email))`.execute(db);

  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'timestamptz').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_account_idx').on('sessions').column('account_id').execute();

  await db.schema
    .createTable('sign_in_links')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('account_id', 'uuid', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  // Failed sign-ins per email and per client address, in one fixed window each.
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('scope', 'text', (c) => c.notNull().check(sql`scope in ('email', 'ip')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('sign_in_failures_pk', ['scope', 'subject'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.dropTable('sign_in_links').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.alterTable('api_keys').dropColumn('last_used_at').execute();
  await sql`drop index accounts_email_lower_uniq`.execute(db);
  await db.schema.alterTable('accounts').dropColumn('password_hash').execute();
}
