import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import * as initial from './migrations/2026_11_24_0001_initial.js';
import * as webhooksAndLimits from './migrations/2026_12_01_0002_webhooks_and_limits.js';
import * as idempotencyKeys from './migrations/2026_12_01_0002_idempotency_keys.js';
import * as jobStartedAndHistoryFilters from './migrations/2026_12_01_0003_job_started_and_history_filters.js';
import * as signIn from './migrations/2026_12_01_2200_sign_in.js';
import * as idempotencyLease from './migrations/2026_12_02_0100_idempotency_lease.js';
import * as jobErrorCode from './migrations/2026_12_02_0200_job_error_code.js';

/** Migrations listed in code, so they travel inside any bundle and need no directory scan. */
const migrations: Record<string, Migration> = {
  '2026_11_24_0001_initial': initial,
  '2026_12_01_0002_webhooks_and_limits': webhooksAndLimits,
  '2026_12_01_0002_idempotency_keys': idempotencyKeys,
  '2026_12_01_0003_job_started_and_history_filters': jobStartedAndHistoryFilters,
  '2026_12_01_2200_sign_in': signIn,
  '2026_12_02_0100_idempotency_lease': idempotencyLease,
  '2026_12_02_0200_job_error_code': jobErrorCode,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
