import { sql, type Kysely } from 'kysely';
import type { Logger } from '../log/logger.js';
import type { Database } from './types.js';

/**
 * PGlite runs Postgres in single-user mode, where the autovacuum launcher never starts
 * (`autovacuum` reads `on`, yet a table's dead rows stay and `autovacuum_count` stays 0). Every
 * finished job leaves a dead row version, so without this the embedded database grows and its
 * statistics age for as long as it runs. The owner of the files therefore does what autovacuum
 * would: each round it vacuums (and analyzes) the tables past autovacuum's default thresholds,
 * and analyzes those whose rows changed enough since their last analyze.
 */
export interface EmbeddedVacuum {
  /** Waits for a round in progress, then stops. */
  stop(): Promise<void>;
  /** Runs one round now (tests; the timer runs them otherwise). Resolves with the tables it touched. */
  runOnce(): Promise<string[]>;
}

/** autovacuum_naptime's default. */
const DEFAULT_INTERVAL_MS = 60_000;

interface TableStats {
  readonly schema: string;
  readonly table: string;
  readonly vacuum: boolean;
}

export function startEmbeddedVacuum(db: Kysely<Database>, options: { intervalMs?: number; log?: Logger } = {}): EmbeddedVacuum {
  let running: Promise<string[]> | undefined;
  let stopped = false;

  const round = async (): Promise<string[]> => {
    // autovacuum's defaults: vacuum past 50 + 20 % dead rows, analyze past 50 + 10 % changed rows.
    const { rows } = await sql<TableStats>`
      select schemaname as schema, relname as "table", n_dead_tup > 50 + 0.2 * n_live_tup as vacuum
      from pg_stat_user_tables
      where n_dead_tup > 50 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup
      order by n_dead_tup desc`.execute(db);
    const touched: string[] = [];
    for (const t of rows) {
      if (stopped) break;
      const started = performance.now();
      const target = sql.table(`${t.schema}.${t.table}`);
      // Neither runs inside a transaction; each holds the embedded session only while it runs.
      if (t.vacuum) await sql`vacuum (analyze) ${target}`.execute(db);
      else await sql`analyze ${target}`.execute(db);
      touched.push(t.table);
      options.log?.info(t.vacuum ? 'embedded database: vacuumed a table' : 'embedded database: analyzed a table', {
        table: t.table,
        seconds: Math.round(performance.now() - started) / 1000,
      });
    }
    return touched;
  };

  const runOnce = (): Promise<string[]> => {
    running ??= round().finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => {
    // A round that fails (the database closing, say) is tried again next time.
    runOnce().catch((err: unknown) => options.log?.warn('embedded database: vacuum round failed', { err }));
  }, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
    runOnce,
  };
}
