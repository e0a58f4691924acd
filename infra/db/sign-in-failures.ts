import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

/**
 * Failed sign-ins counted per email and per client address in fixed windows, in Postgres so
 * that every API process sees the same counts. Times come from the database's clock, for the same reason.
 */
export interface SignInSubjects {
  readonly email: string;
  readonly ip: string;
}

export interface FailureCounts {
  /** Failures in the current window; 0 when there is none. */
  readonly email: { readonly failures: number; readonly secondsLeft: number };
  readonly ip: { readonly failures: number; readonly secondsLeft: number };
}

export async function countSignInFailures(db: Kysely<Database>, subjects: SignInSubjects, windowSeconds: number): Promise<FailureCounts> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select([
      'scope',
      'failures',
      sql<number>`extract(epoch from (window_started_at + make_interval(secs => ${windowSeconds}) - now()))::float8`.as('seconds_left'),
    ])
    .where((eb) => eb.or([eb.and([eb('scope', '=', 'email'), eb('subject', '=', subjects.email)]), eb.and([eb('scope', '=', 'ip'), eb('subject', '=', subjects.ip)])]))
    .where('window_started_at', '>', sql<Date>`now() - make_interval(secs => ${windowSeconds})`)
    .execute();
  const of = (scope: 'email' | 'ip') => {
    const row = rows.find((r) => r.scope === scope);
    return row ? { failures: row.failures, secondsLeft: Math.max(0, Number(row.seconds_left)) } : { failures: 0, secondsLeft: 0 };
  };
  return { email: of('email'), ip: of('ip') };
}

/** Adds one failure to both counters (a window past its end starts afresh) and returns the new counts. */
export async function recordSignInFailure(db: Kysely<Database>, subjects: SignInSubjects, windowSeconds: number): Promise<{ email: number; ip: number }> {
  const expired = sql<boolean>`sign_in_failures.window_started_at <= now() - make_interval(secs => ${windowSeconds})`;
  const rows = await db
    .insertInto('sign_in_failures')
    .values([
      { scope: 'email', subject: subjects.email, failures: 1, window_started_at: sql<Date>`now()` },
      { scope: 'ip', subject: subjects.ip, failures: 1, window_started_at: sql<Date>`now()` },
    ])
    .onConflict((oc) =>
      oc.columns(['scope', 'subject']).doUpdateSet({
        failures: sql<number>`case when ${expired} then 1 else sign_in_failures.failures + 1 end`,
        window_started_at: sql<Date>`case when ${expired} then now() else sign_in_failures.window_started_at end`,
      }),
    )
    .returning(['scope', 'failures'])
    .execute();
  // Windows long past are of no use to anyone: each failure sweeps a few away.
  await sql`delete from sign_in_failures where ctid in (
    select ctid from sign_in_failures where window_started_at < now() - make_interval(secs => ${windowSeconds}) limit 100
  )`.execute(db);
  return { email: rows.find((r) => r.scope === 'email')?.failures ?? 0, ip: rows.find((r) => r.scope === 'ip')?.failures ?? 0 };
}

/** A correct password clears its email's counter; the address's counter stays, as it may be guessing at many emails. */
export async function clearEmailFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('scope', '=', 'email').where('subject', '=', email).execute();
}
