import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { connectDatabase } from '../../infra/db/connect.js';
import { openDatabase } from '../../infra/db/database.js';
import { migrateToLatest } from '../../infra/db/migrate.js';
import type { Database } from '../../infra/db/types.js';

export interface TestDatabase {
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}

export interface ThrowawayPostgres extends TestDatabase {
  /** For other processes (a stack under test or bench) to connect to the same database. */
  readonly url: string;
}

export interface DatabaseCase {
  readonly name: 'postgres' | 'pglite';
  /** A freshly migrated, empty database of its own; close() throws it away. */
  open(): Promise<TestDatabase>;
}

/** The server the postgres cases create their throwaway databases on. */
export const adminPostgresUrl = process.env.VIVID_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Both databases the product runs on, so a test body can be run against each: `for (const c of databaseCases())`. */
export function databaseCases(): DatabaseCase[] {
  return [
    { name: 'postgres', open: openTestPostgres },
    { name: 'pglite', open: openTestPglite },
  ];
}

export async function openTestPostgres(prefix = 'vivid_test'): Promise<ThrowawayPostgres> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(adminPostgresUrl);
  url.pathname = `/${name}`;
  const db = connectDatabase(url.toString(), 10);
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    await dropDatabase(name);
    throw err;
  }
  let closed = false;
  return {
    db,
    url: url.toString(),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await dropDatabase(name);
    },
  };
}

/**
 * pg's Pool.end() resolves before its sockets have closed: a forced drop right away kills
 * those backends, and the "terminating connection" they send back surfaces as an uncaught
 * error in the test process. So wait for them to go; force only what lingers.
 */
async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPostgresUrl });
  await client.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

export async function openTestPglite(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-pglite-'));
  const { db, close } = await openDatabase({ databaseUrl: undefined, databasePoolSize: 10, dataDir });
  return {
    db,
    async close() {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
