import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { grantCredits } from '../../infra/db/credits.js';
import { claimIdempotencyKey, deleteExpiredIdempotencyKeys, holdIdempotencyKey, IDEMPOTENCY_LEASE_SECONDS } from '../../infra/db/idempotency-keys.js';
import { databaseCases, openTestPostgres, type ThrowawayPostgres } from '../support/databases.js';
import { ApiClient, type ApiResponse } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const WAN_COST = 6;

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

function generateWithKey(api: ApiClient, key: string, fields: Record<string, string>, image: Buffer = makePng(96, 64)): Promise<ApiResponse> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(image)]), 'source.png');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return api.request('POST', '/generate', form, { 'Idempotency-Key': key });
}

let postgres: ThrowawayPostgres | undefined;
for (const databaseCase of databaseCases()) {
  describe(`Idempotency-Key on POST /generate on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      if (databaseCase.name === 'postgres') {
        postgres = await openTestPostgres();
        const db = postgres;
        pipeline = await startPipeline(temporal, { name: 'postgres', open: async () => db });
      } else {
        pipeline = await startPipeline(temporal, databaseCase);
      }
    });
    after(async () => {
      await pipeline?.stop();
    });

    const clientWith = async (credits: number) => {
      const { accountId, apiKey } = await pipeline.newAccount(credits);
      return { accountId, apiKey, api: new ApiClient(pipeline.api.url, apiKey) };
    };
    const jobCount = async (accountId: string) => (await pipeline.database.db.selectFrom('jobs').select('id').where('account_id', '=', accountId).execute()).length;
    const ledgerCount = async (accountId: string) => (await pipeline.database.db.selectFrom('credit_ledger').select('id').where('account_id', '=', accountId).execute()).length;

    test('the same key and request returns the first response and starts nothing more', async () => {
      const { api, accountId } = await clientWith(100);
      const key = randomUUID();
      const first = await generateWithKey(api, key, { prompt: 'Once only' });
      assert.equal(first.status, 202, JSON.stringify(first.body));
      const again = await generateWithKey(api, key, { prompt: 'Once only' });
      assert.equal(again.status, 202);
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(await jobCount(accountId), 1);
      assert.equal(await ledgerCount(accountId), 1);
      assert.equal((await api.usage()).body.credits_remaining, 100 - WAN_COST);
      // The key belongs to its account: another account's same key is a request of its own.
      const other = await clientWith(100);
      const theirs = await generateWithKey(other.api, key, { prompt: 'Once only' });
      assert.equal(theirs.status, 202);
      assert.notEqual(theirs.body.job_id, first.body.job_id);
    });

    test('the same key with a different request is a 422 that records nothing', async () => {
      const { api, accountId } = await clientWith(100);
      const key = randomUUID();
      assert.equal((await generateWithKey(api, key, { prompt: 'First' })).status, 202);
      for (const [fields, image] of [
        [{ prompt: 'Second' }, makePng(96, 64)],
        [{ prompt: 'First', seed: '7' }, makePng(96, 64)],
        [{ prompt: 'First' }, makePng(96, 64, 1)],
      ] as const) {
        const res = await generateWithKey(api, key, fields, image);
        assert.equal(res.status, 422, JSON.stringify(res.body));
        assert.equal(res.body.code, 'idempotency_key_reused');
        assert.match(String(res.body.error), /Idempotency-Key/);
      }
      assert.equal(await jobCount(accountId), 1);
    });

    test('concurrent retries of one request make exactly one job', async () => {
      const { api, accountId } = await clientWith(100);
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 12 }, () => generateWithKey(api, key, { prompt: 'Impatient client' })));
      const accepted = answers.filter((a) => a.status === 202);
      assert.ok(accepted.length >= 1);
      assert.equal(new Set(accepted.map((a) => a.body.job_id)).size, 1, 'every 202 names the same job');
      for (const a of answers) assert.ok(a.status === 202 || a.status === 409, `${a.status} ${JSON.stringify(a.body)}`);
      for (const a of answers.filter((r) => r.status === 409)) assert.equal(a.body.code, 'conflict');
      assert.equal(await jobCount(accountId), 1);
      assert.equal(await ledgerCount(accountId), 1);
    });

    test('a key is kept for 24 hours, then a retry is a new request', async () => {
      const { api, accountId } = await clientWith(100);
      const key = randomUUID();
      const first = await generateWithKey(api, key, { prompt: 'Daily' });
      const age = async (hours: number) =>
        pipeline.database.db
          .updateTable('idempotency_keys')
          .set({ created_at: sql<Date>`now() - make_interval(hours => ${hours})` })
          .where('account_id', '=', accountId)
          .where('key', '=', key)
          .execute();
      await age(23);
      assert.equal((await generateWithKey(api, key, { prompt: 'Daily' })).body.job_id, first.body.job_id);
      await age(25);
      const later = await generateWithKey(api, key, { prompt: 'Daily' });
      assert.equal(later.status, 202);
      assert.notEqual(later.body.job_id, first.body.job_id);
      assert.equal(await jobCount(accountId), 2);
      // And the new answer is what a retry now gets.
      assert.equal((await generateWithKey(api, key, { prompt: 'Daily' })).body.job_id, later.body.job_id);
    });

    test('a key left by a request whose API process died is taken over by a retry once its lease lapses', async () => {
      const { api, accountId } = await clientWith(100);
      const db = pipeline.database.db;
      // The same request under a first key tells us its fingerprint.
      const done = await generateWithKey(api, randomUUID(), { prompt: 'Orphaned key' });
      const { fingerprint } = await db.selectFrom('idempotency_keys').select('fingerprint').where('account_id', '=', accountId).executeTakeFirstOrThrow();
      // A process claims a second key for it and dies: nobody renews the lease.
      const key = randomUUID();
      assert.equal((await claimIdempotencyKey(db, { accountId, key, fingerprint })).kind, 'claimed');
      const meanwhile = await generateWithKey(api, key, { prompt: 'Orphaned key' });
      assert.equal(meanwhile.status, 409, JSON.stringify(meanwhile.body));
      await db.updateTable('idempotency_keys').set({ lease_expires_at: sql<Date>`now() - interval '1 second'` }).where('account_id', '=', accountId).where('key', '=', key).execute();
      const retried = await generateWithKey(api, key, { prompt: 'Orphaned key' });
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.notEqual(retried.body.job_id, done.body.job_id);
      assert.equal((await generateWithKey(api, key, { prompt: 'Orphaned key' })).body.job_id, retried.body.job_id);
      assert.equal(await jobCount(accountId), 2);
    });

    test('a request still being accepted keeps renewing its lease', async () => {
      const { accountId } = await clientWith(100);
      const db = pipeline.database.db;
      const key = randomUUID();
      const claim = await claimIdempotencyKey(db, { accountId, key, fingerprint: 'slow request' });
      assert.equal(claim.kind, 'claimed');
      if (claim.kind !== 'claimed') return;
      const lease = async () =>
        (await db.selectFrom('idempotency_keys').select('lease_expires_at').where('account_id', '=', accountId).where('key', '=', key).executeTakeFirstOrThrow()).lease_expires_at!.getTime();
      const first = await lease();
      const hold = holdIdempotencyKey(db, { accountId, key, claimedAt: claim.claimedAt });
      try {
        let renewed = first;
        for (let i = 0; i < 40 && renewed === first; i++) {
          await new Promise((r) => setTimeout(r, 250));
          renewed = await lease();
        }
        assert.ok(renewed > first, 'the lease was renewed');
        assert.ok(renewed - Date.now() <= IDEMPOTENCY_LEASE_SECONDS * 1000 + 2000, 'a renewal extends the lease by one lease, not more');
      } finally {
        hold.stop();
      }
    });

    test('keys past their 24 hours are deleted; younger ones stay', async () => {
      const { api, accountId } = await clientWith(100);
      const db = pipeline.database.db;
      const [old, young] = [randomUUID(), randomUUID()];
      for (const key of [old, young]) assert.equal((await generateWithKey(api, key, { prompt: key })).status, 202);
      const setAge = (key: string, hours: number) =>
        db.updateTable('idempotency_keys').set({ created_at: sql<Date>`now() - make_interval(hours => ${hours})` }).where('account_id', '=', accountId).where('key', '=', key).execute();
      await setAge(old, 25);
      await setAge(young, 23);
      assert.ok((await deleteExpiredIdempotencyKeys(db)) >= 1);
      const left = await db.selectFrom('idempotency_keys').select('key').where('account_id', '=', accountId).execute();
      assert.deepEqual(left.map((r) => r.key), [young]);
      assert.equal(await jobCount(accountId), 2, 'the jobs themselves stay');
    });

    test('a request that was not accepted does not spend its key', async () => {
      const { api, accountId } = await clientWith(WAN_COST - 1);
      const key = randomUUID();
      const poor = await generateWithKey(api, key, { prompt: 'Short of credits' });
      assert.equal(poor.status, 402);
      await grantCredits(pipeline.database.db, accountId, 10);
      const retried = await generateWithKey(api, key, { prompt: 'Short of credits' });
      assert.equal(retried.status, 202, JSON.stringify(retried.body));
      assert.equal(await jobCount(accountId), 1);
    });

    test('a key over 255 characters, or an empty one, is a 400', async () => {
      const { api, accountId } = await clientWith(100);
      const long = await generateWithKey(api, 'k'.repeat(256), { prompt: 'x' });
      assert.equal(long.status, 400);
      assert.match(String(long.body.error), /^Invalid header 'Idempotency-Key': it is 256 characters long/);
      assert.equal((await generateWithKey(api, 'k'.repeat(255), { prompt: 'x' })).status, 202);
      assert.equal((await generateWithKey(api, '', { prompt: 'x' })).status, 400);
      assert.equal(await jobCount(accountId), 1);
    });

    test('two API processes on one database agree on a key', async () => {
      const other = await pipeline.startAnotherApi();
      const { apiKey, accountId } = await clientWith(100);
      const apis = [new ApiClient(pipeline.api.url, apiKey), new ApiClient(other.url, apiKey)];
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => generateWithKey(apis[i % 2]!, key, { prompt: 'Two replicas' })));
      const accepted = answers.filter((a) => a.status === 202);
      assert.equal(new Set(accepted.map((a) => a.body.job_id)).size, 1);
      for (const a of answers) assert.ok(a.status === 202 || a.status === 409, `${a.status} ${JSON.stringify(a.body)}`);
      // Once settled, either process replays the same answer.
      const [a, b] = await Promise.all(apis.map((api) => generateWithKey(api, key, { prompt: 'Two replicas' })));
      assert.equal(a!.status, 202);
      assert.equal(a!.body.job_id, b!.body.job_id);
      assert.equal(await jobCount(accountId), 1);
    });

    if (databaseCase.name === 'postgres') {
      test('a retry while the first request is still being accepted is a 409', async () => {
        const { api, accountId } = await clientWith(100);
        const key = randomUUID();
        // Hold the account's credit lock, so the first request waits inside its submission.
        const locker = new pg.Client({ connectionString: postgres!.url });
        await locker.connect();
        await locker.query('begin');
        await locker.query('select id from accounts where id = $1 for no key update', [accountId]);
        let first: Promise<ApiResponse> | undefined;
        try {
          first = generateWithKey(api, key, { prompt: 'Slow to accept' });
          const claimed = async () => (await pipeline.database.db.selectFrom('idempotency_keys').select('key').where('account_id', '=', accountId).execute()).length === 1;
          for (let i = 0; i < 200 && !(await claimed()); i++) await new Promise((r) => setTimeout(r, 50));
          assert.ok(await claimed(), 'the first request claimed its key');
          const retry = await generateWithKey(api, key, { prompt: 'Slow to accept' });
          assert.equal(retry.status, 409, JSON.stringify(retry.body));
          assert.equal(retry.body.code, 'conflict');
          assert.equal(retry.headers.get('retry-after'), '1');
        } finally {
          await locker.query('commit');
          await locker.end();
        }
        const settled = await first;
        assert.equal(settled.status, 202);
        assert.equal((await generateWithKey(api, key, { prompt: 'Slow to accept' })).body.job_id, settled.body.job_id);
        assert.equal(await jobCount(accountId), 1);
      });
    }
  });
}
