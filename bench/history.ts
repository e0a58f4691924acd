/**
 * `npm run bench:history`: does a history page stay as fast when an account has a million jobs?
 * For each database (the Postgres server, then PGlite) it times `GET /api/v1/history` pages —
 * the first page and pages reached by cursors at random depths — for one account with 1 k jobs,
 * then the same account grown to 1 M, then an account among 10 k accounts holding 1 M jobs
 * between them. The 1 k figures are the baseline measured in the same run. Never passes or fails.
 *
 * Settings (env): BENCH_HISTORY_SIZES ("1000,1000000"), BENCH_HISTORY_REQUESTS (300 pages per
 * measurement), BENCH_DATABASES ("postgres,pglite"), BENCH_SPREAD_ACCOUNTS (10000).
 */
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { encodeCursor } from '../api/routes/history.js';
import { createAccount } from '../infra/db/accounts.js';
import { createApiKey } from '../infra/db/api-keys.js';
import { historyPosition } from '../infra/db/jobs.js';
import type { Database } from '../infra/db/types.js';
import { databaseCases } from '../test/support/databases.js';
import { startPipeline, startTemporalFixture, type Pipeline } from '../test/support/pipeline.js';
import { percentile } from './load.js';

const sizes = (process.env.BENCH_HISTORY_SIZES ?? '1000,1000000').split(',').map(Number);
const requests = Number(process.env.BENCH_HISTORY_REQUESTS ?? 300);
const spreadAccounts = Number(process.env.BENCH_SPREAD_ACCOUNTS ?? 10_000);
const wanted = (process.env.BENCH_DATABASES ?? 'postgres,pglite').split(',');

/** Adds `count` completed jobs to an account, one second apart, newest now, in batches the database digests quickly. */
async function addJobs(db: Kysely<Database>, accountId: string, count: number, offset: number): Promise<void> {
  const batch = 100_000;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const first = offset + done;
    await sql`
      insert into jobs (id, account_id, model, prompt, params, status, cost, input_key, video_key, poster_key, created_at, updated_at, completed_at)
      select gen_random_uuid(), ${accountId}::uuid, 'wan2.1', 'a bench cat ' || i, '{}'::jsonb, 'COMPLETED', 6,
             'jobs/bench/input', 'jobs/bench/video.mp4', 'jobs/bench/poster.jpg',
             now() - make_interval(secs => i), now(), now()
      from generate_series(${first}::int, ${first + n - 1}::int) as i`.execute(db);
  }
  await sql`analyze jobs`.execute(db);
}

/** Spreads `total` jobs over `accounts` new accounts; returns one of them (with its key). */
async function addSpread(pipeline: Pipeline, total: number, accounts: number): Promise<{ accountId: string; apiKey: string; jobs: number }> {
  const db = pipeline.database.db;
  await sql`
    insert into accounts (id, email, monthly_credits)
    select gen_random_uuid(), 'spread-' || i || '@example.com', 100 from generate_series(1, ${accounts}::int) as i`.execute(db);
  const perAccount = Math.floor(total / accounts);
  await sql`
    insert into jobs (id, account_id, model, prompt, params, status, cost, input_key, video_key, poster_key, created_at, updated_at, completed_at)
    select gen_random_uuid(), a.id, 'wan2.1', 'spread ' || i, '{}'::jsonb, 'COMPLETED', 6,
           'jobs/bench/input', 'jobs/bench/video.mp4', 'jobs/bench/poster.jpg',
           now() - make_interval(secs => i), now(), now()
    from (select id from accounts where email like 'spread-%') as a, generate_series(1, ${perAccount}::int) as i`.execute(db);
  await sql`analyze jobs`.execute(db);
  const account = await createAccount(db, { email: `spread-probe-${Date.now()}@example.com`, monthlyCredits: 100 });
  await addJobs(db, account.id, perAccount, 0);
  const { key } = await createApiKey(db, account.id, 'bench');
  return { accountId: account.id, apiKey: key, jobs: perAccount };
}

interface PageTimes {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Times history pages: a third first pages, the rest at cursors chosen at random depths. */
async function timePages(pipeline: Pipeline, accountId: string, apiKey: string, jobs: number): Promise<PageTimes> {
  const db = pipeline.database.db;
  const cursors: string[] = [];
  for (let i = 0; i < 20; i++) {
    const depth = Math.floor(Math.random() * Math.max(1, jobs - 20));
    const position = await historyPosition(db, accountId, depth);
    if (position) cursors.push(encodeCursor(position));
  }
  const times: number[] = [];
  for (let i = 0; i < requests + 20; i++) {
    const query = i % 3 === 0 || cursors.length === 0 ? '?limit=20' : `?limit=20&cursor=${cursors[i % cursors.length]}`;
    const t0 = performance.now();
    const res = await fetch(`${pipeline.api.url}/api/v1/history${query}`, { headers: { 'X-API-Key': apiKey } });
    const body = (await res.json()) as unknown[];
    if (res.status !== 200 || body.length === 0) throw new Error(`history answered ${res.status} with ${body.length} items`);
    if (i >= 20) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) };
}

const fmt = (label: string, t: PageTimes, base?: PageTimes): string =>
  `  ${label.padEnd(40)} p50 ${t.p50Ms.toFixed(2).padStart(7)} ms  p99 ${t.p99Ms.toFixed(2).padStart(7)} ms` +
  (base ? `  p99 ratio ${(t.p99Ms / base.p99Ms).toFixed(2)} (target ≤ 2: ${t.p99Ms / base.p99Ms <= 2 ? 'meets target' : 'below target'})` : '  (baseline)');

const temporal = await startTemporalFixture();
try {
  for (const databaseCase of databaseCases().filter((c) => wanted.includes(c.name))) {
    console.log(`history pages of 20, ${requests} a measurement, ${databaseCase.name}:`);
    const pipeline = await startPipeline(temporal, databaseCase);
    try {
      const { accountId, apiKey } = await pipeline.newAccount(100);
      let have = 0;
      let baseline: PageTimes | undefined;
      for (const size of sizes) {
        const t0 = performance.now();
        await addJobs(pipeline.database.db, accountId, size - have, have);
        have = size;
        const loadSeconds = (performance.now() - t0) / 1000;
        const times = await timePages(pipeline, accountId, apiKey, size);
        console.log(fmt(`${size.toLocaleString('en')} jobs, one account`, times, baseline) + `  [loaded in ${loadSeconds.toFixed(0)} s]`);
        baseline ??= times;
      }
      const largest = Math.max(...sizes);
      const spread = await addSpread(pipeline, largest, spreadAccounts);
      const times = await timePages(pipeline, spread.accountId, spread.apiKey, spread.jobs);
      console.log(fmt(`${largest.toLocaleString('en')} more over ${spreadAccounts.toLocaleString('en')} accounts`, times, baseline));
    } finally {
      await pipeline.stop();
    }
  }
} finally {
  await temporal.stop();
}
