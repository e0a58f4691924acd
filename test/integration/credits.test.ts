import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { AccountNotFoundError, createAccount } from '../../infra/db/accounts.js';
import { creditBalance, cycleStart, grantCredits, nextCycleStart, refundJobCredits, reserveJobCredits } from '../../infra/db/credits.js';
import type { Database } from '../../infra/db/types.js';
import { databaseCases, type TestDatabase } from '../support/databases.js';

describe('credit cycles', () => {
  test('start on the 1st of the month, 00:00 UTC', () => {
    assert.equal(cycleStart(new Date('2026-11-24T12:00:00Z')), '2026-11-01');
    assert.equal(cycleStart(new Date('2026-12-31T23:59:59.999Z')), '2026-12-01');
    assert.equal(cycleStart(new Date('2027-01-01T00:00:00Z')), '2027-01-01');
    assert.equal(nextCycleStart(new Date('2026-12-31T23:59:59.999Z')).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.equal(nextCycleStart(new Date('2026-02-01T00:00:00Z')).toISOString(), '2026-03-01T00:00:00.000Z');
  });
});

for (const dbCase of databaseCases()) {
  describe(`credit ledger on ${dbCase.name}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dbCase.open();
    });
    after(async () => {
      await t?.close();
    });

    const newAccount = async (monthlyCredits: number) => (await createAccount(t.db, { email: `${randomUUID()}@example.com`, monthlyCredits })).id;
    const newJob = (accountId: string) => insertJob(t.db, accountId);
    const ledgerRows = (jobId: string) =>
      t.db.selectFrom('credit_ledger').select(['kind', 'amount', sql<string>`cycle_start::text`.as('cycle')]).where('job_id', '=', jobId).orderBy('id').execute();

    test('a new account has its monthly allowance', async () => {
      const accountId = await newAccount(100);
      assert.equal(await creditBalance(t.db, accountId), 100);
      await assert.rejects(creditBalance(t.db, randomUUID()), AccountNotFoundError);
    });

    test('a reservation takes the cost off the balance', async () => {
      const accountId = await newAccount(100);
      const jobId = await newJob(accountId);
      assert.deepEqual(await reserveJobCredits(t.db, { accountId, jobId, amount: 30 }), { reserved: true, balance: 70 });
      assert.equal(await creditBalance(t.db, accountId), 70);
    });

    test('reserving the same job again charges once', async () => {
      const accountId = await newAccount(100);
      const jobId = await newJob(accountId);
      await reserveJobCredits(t.db, { accountId, jobId, amount: 30 });
      assert.deepEqual(await reserveJobCredits(t.db, { accountId, jobId, amount: 30 }), { reserved: true, balance: 70 });
      // Retries racing each other too.
      await Promise.all(Array.from({ length: 5 }, () => reserveJobCredits(t.db, { accountId, jobId, amount: 30 })));
      assert.equal(await creditBalance(t.db, accountId), 70);
      assert.equal((await ledgerRows(jobId)).length, 1);
    });

    test('insufficient credits reserve nothing and write nothing', async () => {
      const accountId = await newAccount(10);
      const jobId = await newJob(accountId);
      assert.deepEqual(await reserveJobCredits(t.db, { accountId, jobId, amount: 11 }), { reserved: false, balance: 10 });
      assert.deepEqual(await ledgerRows(jobId), []);
      assert.equal(await creditBalance(t.db, accountId), 10);
      // Exactly the balance is enough.
      assert.deepEqual(await reserveJobCredits(t.db, { accountId, jobId, amount: 10 }), { reserved: true, balance: 0 });
    });

    test('a refund restores the reservation once', async () => {
      const accountId = await newAccount(100);
      const jobId = await newJob(accountId);
      await reserveJobCredits(t.db, { accountId, jobId, amount: 40 });
      assert.equal(await refundJobCredits(t.db, jobId), true);
      assert.equal(await creditBalance(t.db, accountId), 100);
      assert.equal(await refundJobCredits(t.db, jobId), false);
      assert.deepEqual(await Promise.all([refundJobCredits(t.db, jobId), refundJobCredits(t.db, jobId)]), [false, false]);
      assert.equal(await creditBalance(t.db, accountId), 100);
      assert.deepEqual(
        (await ledgerRows(jobId)).map((r) => [r.kind, r.amount]),
        [
          ['reserve', -40],
          ['refund', 40],
        ],
      );
    });

    test('concurrent refunds of one job refund once', async () => {
      const accountId = await newAccount(100);
      const jobId = await newJob(accountId);
      await reserveJobCredits(t.db, { accountId, jobId, amount: 25 });
      const results = await Promise.all(Array.from({ length: 6 }, () => refundJobCredits(t.db, jobId)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await creditBalance(t.db, accountId), 100);
    });

    test('refunding a job that reserved nothing does nothing', async () => {
      const accountId = await newAccount(100);
      const jobId = await newJob(accountId);
      assert.equal(await refundJobCredits(t.db, jobId), false);
      assert.equal(await refundJobCredits(t.db, randomUUID()), false);
      assert.equal(await refundJobCredits(t.db, 'not-a-uuid'), false);
      assert.deepEqual(await ledgerRows(jobId), []);
      assert.equal(await creditBalance(t.db, accountId), 100);
    });

    test('concurrent reservations never overspend', async () => {
      const accountId = await newAccount(100);
      const jobIds = await Promise.all(Array.from({ length: 20 }, () => newJob(accountId)));
      const results = await Promise.all(jobIds.map((jobId) => reserveJobCredits(t.db, { accountId, jobId, amount: 7 })));
      const reserved = results.filter((r) => r.reserved).length;
      assert.equal(reserved, 14, '14 × 7 = 98 fit into 100, a 15th does not');
      assert.equal(await creditBalance(t.db, accountId), 2);
      for (const r of results) assert.ok(r.balance >= 0, `balance went to ${r.balance}`);
    });

    test('a grant adds to the current cycle', async () => {
      const accountId = await newAccount(100);
      assert.equal(await grantCredits(t.db, accountId, 25, 'goodwill'), 125);
      assert.equal(await creditBalance(t.db, accountId), 125);
      const row = await t.db.selectFrom('credit_ledger').selectAll().where('account_id', '=', accountId).executeTakeFirstOrThrow();
      assert.equal(row.kind, 'grant');
      assert.equal(row.note, 'goodwill');
      assert.equal(row.job_id, null);
      await assert.rejects(grantCredits(t.db, accountId, 0), RangeError);
      await assert.rejects(grantCredits(t.db, accountId, 1.5), RangeError);
      await assert.rejects(grantCredits(t.db, randomUUID(), 5), AccountNotFoundError);
    });

    test('a new cycle restores the allowance; refunds go back to the cycle they were taken from', async () => {
      const accountId = await newAccount(100);
      const january = new Date('2026-01-31T23:59:00Z');
      const february = new Date('2026-02-01T00:00:00Z');
      const jobId = await newJob(accountId);
      await reserveJobCredits(t.db, { accountId, jobId, amount: 60, now: january });
      await grantCredits(t.db, accountId, 5, null, january);
      assert.equal(await creditBalance(t.db, accountId, january), 45);
      assert.equal(await creditBalance(t.db, accountId, february), 100);

      assert.equal(await refundJobCredits(t.db, jobId), true);
      assert.equal(await creditBalance(t.db, accountId, january), 105);
      assert.equal(await creditBalance(t.db, accountId, february), 100);
      assert.deepEqual(
        (await ledgerRows(jobId)).map((r) => r.cycle),
        ['2026-01-01', '2026-01-01'],
      );
    });
  });
}

async function insertJob(db: Kysely<Database>, accountId: string): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('jobs')
    .values({
      id,
      account_id: accountId,
      model: 'wan2.1',
      prompt: 'a test',
      params: '{}',
      status: 'PROCESSING',
      error: null,
      cost: 1,
      input_key: `inputs/${id}`,
      video_key: null,
      poster_key: null,
      engine_notes: '{}',
      completed_at: null,
    })
    .execute();
  return id;
}
