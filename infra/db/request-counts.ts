import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  readonly hits: number;
  /** Seconds until the current window ends. */
  readonly resetSeconds: number;
}

/**
 * Counts one request of `subject` in the current fixed window and returns the window's total:
 * one upsert, so every API process on the database shares the count. Windows are cut from the
 * database's clock, not each process's, so two processes never disagree about which window a
 * request falls in.
 */
export async function countRequest(db: Kysely<Database>, subject: string, windowSeconds: number): Promise<WindowCount> {
  const { rows } = await sql<{ hits: number; reset_seconds: number; window_start: Date }>`
    insert into rate_limit_windows as w (subject, window_start, hits)
    values (${subject}, date_bin(make_interval(secs => ${windowSeconds}), now(), timestamptz '2000-01-01 00:00:00+00'), 1)
    on conflict (subject, window_start) do update set hits = w.hits + 1
    returning w.hits, w.window_start, extract(epoch from w.window_start + make_interval(secs => ${windowSeconds}) - now())::float8 as reset_seconds`.execute(db);
  const row = rows[0]!;
  // The first request of a window clears the subject's older windows: no sweeper, no table growth per request.
  if (row.hits === 1) {
    await db.deleteFrom('rate_limit_windows').where('subject', '=', subject).where('window_start', '<', row.window_start).execute();
  }
  return { hits: row.hits, resetSeconds: row.reset_seconds };
}
