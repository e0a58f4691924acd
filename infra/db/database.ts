import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { connectDatabase } from './connect.js';
import { openEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.js';
import { startEmbeddedVacuum, type EmbeddedVacuum } from './embedded-vacuum.js';
import type { Logger } from '../log/logger.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './types.js';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  /** True when the data lives in the embedded PGlite under the data directory (owned here or by another process). */
  readonly embedded: boolean;
  close(): Promise<void>;
}

/**
 * The one way components reach the database: a configured Postgres, or else the embedded
 * PGlite under the data directory, shared with whichever process already serves it.
 * Long-lived processes should pass `{ embedded: { waitForOwnership: true } }` so that they
 * own the files rather than lean on a CLI run that happened to open them first.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'databasePoolSize' | 'dataDir'>,
  options: { embedded?: EmbeddedPostgresOptions; log?: Logger } = {},
): Promise<OpenDatabase> {
  let url = config.databaseUrl;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    embedded = await openEmbeddedPostgres(config.dataDir, options.embedded);
    url = embedded.url;
  }
  const db = connectDatabase(url, config.databasePoolSize);
  let vacuum: EmbeddedVacuum | undefined;
  const close = async (): Promise<void> => {
    try {
      await vacuum?.stop();
      await db.destroy();
    } finally {
      await embedded?.close();
    }
  };
  try {
    // Always migrated, whoever opens: Kysely's migration lock makes concurrent runs safe and a
    // finished schema costs two queries. A CLI run against an older schema thus upgrades it first.
    await migrateToLatest(db);
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  // PGlite has no autovacuum: the process that owns its files does that work (embedded-vacuum.ts).
  if (embedded?.owned) vacuum = startEmbeddedVacuum(db, options.log ? { log: options.log } : {});
  return { db, embedded: embedded !== undefined, close };
}
