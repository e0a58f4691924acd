import { sql, type Kysely } from 'kysely';
import { cycleStart } from './credits.js';
import type { Database, ModelId } from './types.js';

export interface DailySpending {
  /** 'YYYY-MM-DD', UTC. */
  readonly date: string;
  readonly model: ModelId;
  readonly credits: number;
}

/**
 * Credits spent per day and model in the current cycle, from the ledger: a job's reservation
 * less its refund, both counted on the day the job was submitted (so a refund never shows as
 * negative spending on a later day). Days with nothing spent are left out.
 */
export async function dailySpending(db: Kysely<Database>, accountId: string, now: Date = new Date()): Promise<DailySpending[]> {
  const day = sql<string>`to_char(jobs.created_at at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .selectFrom('credit_ledger')
    .innerJoin('jobs', 'jobs.id', 'credit_ledger.job_id')
    .select([day.as('date'), 'jobs.model as model', sql<number | string>`-sum(credit_ledger.amount)`.as('credits')])
    .where('credit_ledger.account_id', '=', accountId)
    .where('credit_ledger.cycle_start', '=', sql<string>`${cycleStart(now)}::date`)
    .where('credit_ledger.kind', 'in', ['reserve', 'refund'])
    .groupBy([day, 'jobs.model'])
    .having(sql`sum(credit_ledger.amount)`, '<', 0)
    .orderBy(day)
    .orderBy('jobs.model')
    .execute();
  return rows.map((r) => ({ date: r.date, model: r.model, credits: Number(r.credits) }));
}
