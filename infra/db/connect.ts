import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

// Postgres `date` columns stay plain 'YYYY-MM-DD' strings: a JS Date would shift them by the local zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);
// bigint ids and sums fit in a double for any ledger we will ever hold.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

export function connectDatabase(url: string, poolSize = 10): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection whose server restarts emits 'error' on the pool; unheard, it would end the
  // process. The pool drops that connection by itself and the next query opens a new one.
  pool.on('error', () => {});
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
