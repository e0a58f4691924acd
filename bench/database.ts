/** A throwaway, migrated Postgres database for one bench run, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../infra/db/connect.js';
import { migrateToLatest } from '../infra/db/migrate.js';
import type { Database } from '../infra/db/types.js';

export const adminPostgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.VIVID_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Kysely<Database>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `vivid_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(adminPostgresUrl);
  url.pathname = `/${name}`;
  const db = connectDatabase(url.toString(), 4);
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    await db.destroy().catch(() => {});
    await admin(`drop database if exists ${name} with (force)`);
  };
  try {
    await migrateToLatest(db);
  } catch (err) {
    await drop();
    throw err;
  }
  return { name, url: url.toString(), db, drop };
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPostgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
