import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../infra/db/database.js';
import { startEmbeddedVacuum } from '../../infra/db/embedded-vacuum.js';
import { createLogger } from '../../infra/log/logger.js';
import { waitUntil } from '../support/http.js';

test('the embedded database, which has no autovacuum, has its dead rows vacuumed and its changed tables analyzed', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'vivid-vacuum-'));
  const database = await openDatabase({ databaseUrl: undefined, databasePoolSize: 2, dataDir: dir });
  try {
    assert.equal(database.embedded, true);
    const db = database.db;
    await sql`insert into accounts (id, email, monthly_credits) select gen_random_uuid(), 'vacuum-' || i || '@example.com', 100 from generate_series(1, 1000) as i`.execute(db);
    // Two updates of every row: 2000 dead row versions, far past autovacuum's 50 + 20 % of 1000.
    await sql`update accounts set monthly_credits = monthly_credits + 1`.execute(db);
    await sql`update accounts set monthly_credits = monthly_credits + 1`.execute(db);
    const stats = async () =>
      (await sql<{ dead: number; vacuums: number; analyzes: number }>`
        select n_dead_tup::int as dead, vacuum_count::int as vacuums, analyze_count::int as analyzes
        from pg_stat_user_tables where relname = 'accounts'`.execute(db)).rows[0]!;
    await waitUntil('the dead rows to show in the statistics', async () => (await stats()).dead >= 2000);
    assert.equal((await stats()).vacuums, 0, 'nothing vacuums PGlite by itself');

    const lines: Array<Record<string, unknown>> = [];
    const vacuum = startEmbeddedVacuum(db, { intervalMs: 100, log: createLogger({ level: 'info', component: 'database', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }) });
    try {
      await waitUntil('accounts to be vacuumed', async () => (await stats()).vacuums >= 1);
      const after = await stats();
      assert.equal(after.dead, 0);
      assert.ok(after.analyzes >= 1, JSON.stringify(after));
      const tables = lines.filter((l) => l.message === 'embedded database: vacuumed a table').map((l) => l.table);
      assert.ok(tables.includes('accounts'), JSON.stringify(lines));
      // A table nobody wrote to is left alone; once vacuumed, accounts is too.
      assert.ok(!lines.some((l) => l.table === 'credit_ledger'), JSON.stringify(lines));
      assert.deepEqual(await vacuum.runOnce(), []);
    } finally {
      await vacuum.stop();
    }
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
});
