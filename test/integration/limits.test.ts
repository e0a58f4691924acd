import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../infra/db/api-keys.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil, type ApiResponse } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const PER_MINUTE = 5;
const IN_FLIGHT = 2;

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

for (const databaseCase of databaseCases()) {
  describe(`limits shared by two API processes on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    let secondUrl: string;
    before(async () => {
      pipeline = await startPipeline(temporal, databaseCase, { RATE_LIMIT_PER_MINUTE: String(PER_MINUTE), MAX_JOBS_IN_FLIGHT: String(IN_FLIGHT) });
      secondUrl = (await pipeline.startAnotherApi()).url;
    });
    after(async () => {
      await pipeline.stop();
    });

    /** The same key through both processes, as a load balancer would alternate them. */
    const clients = (apiKey: string) => [new ApiClient(pipeline.api.url, apiKey), new ApiClient(secondUrl, apiKey)] as const;

    const anotherKey = async (accountId: string) => (await createApiKey(pipeline.database.db, accountId, 'another')).key;

    /**
     * PER_MINUTE + 1 requests of one key, alternating processes. A burst that straddles the
     * minute's boundary is counted in two windows, so it is tried again with a fresh key.
     */
    const burst = async (accountId: string) => {
      for (let tries = 0; tries < 3; tries++) {
        const [a, b] = clients(await anotherKey(accountId));
        const answers: ApiResponse[] = [];
        for (let i = 0; i <= PER_MINUTE; i++) answers.push(await (i % 2 === 0 ? a : b).usage());
        if (answers.at(-1)!.status === 429) return answers;
      }
      assert.fail('three bursts of one key over the limit were never refused');
    };

    test('one request limit per key across both processes: 429 with Retry-After, RateLimit-Policy and RateLimit', async () => {
      const { accountId } = await pipeline.newAccount(100);
      const answers = await burst(accountId);
      answers.slice(0, PER_MINUTE).forEach((res, i) => {
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.headers.get('ratelimit-policy'), `"requests";q=${PER_MINUTE};w=60`);
        assert.match(res.headers.get('ratelimit') ?? '', new RegExp(`^"requests";r=${PER_MINUTE - 1 - i};t=\\d+$`));
      });
      const refused = answers.at(-1)!;
      assert.equal(refused.status, 429);
      assert.match(String(refused.body.error), /Rate limit exceeded: at most 5 requests a minute per API key/);
      assert.equal(refused.body.code, 'rate_limited');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers.get('retry-after')}`);
      assert.equal(refused.headers.get('ratelimit-policy'), `"requests";q=${PER_MINUTE};w=60`);
      assert.match(refused.headers.get('ratelimit') ?? '', /^"requests";r=0;t=\d+$/);

      // Per key: another key of the same account has its own count.
      const [fresh] = clients(await anotherKey(accountId));
      assert.equal((await fresh.usage()).status, 200);
    });

    test('jobs in flight per account: exactly the limit admitted from concurrent submissions to both processes', async () => {
      const { accountId } = await pipeline.newAccount(1000);
      // Three keys, two submissions each: the request limit stays out of the way.
      const keys = await Promise.all([0, 1, 2].map(() => anotherKey(accountId)));
      const submissions = keys.flatMap((key) => clients(key).map((api) => api.generate({ prompt: 'held [hold]', width: '640', height: '352', length: '17', steps: '4' })));
      const answers = await Promise.all(submissions);
      const accepted = answers.filter((r) => r.status === 202);
      const refused = answers.filter((r) => r.status === 429);
      assert.equal(accepted.length, IN_FLIGHT, JSON.stringify(answers.map((r) => [r.status, r.body])));
      assert.equal(refused.length, answers.length - IN_FLIGHT);
      for (const res of refused) {
        assert.match(String(res.body.error), /Too many jobs in flight: at most 2 at once per account/);
        assert.equal(res.body.code, 'rate_limited');
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        assert.equal(res.headers.get('ratelimit-policy'), `"requests";q=${PER_MINUTE};w=60, "jobs";q=${IN_FLIGHT};qu="concurrent-requests"`);
        assert.match(res.headers.get('ratelimit') ?? '', /^"requests";r=\d+;t=\d+, "jobs";r=0$/);
      }
      // Nothing was recorded for a refused submission.
      const records = await pipeline.database.db.selectFrom('jobs').select('id').where('account_id', '=', accountId).execute();
      assert.equal(records.length, IN_FLIGHT);

      const [usageClient] = clients(await anotherKey(accountId));
      const usage = await usageClient.usage();
      assert.equal(usage.body.jobs_in_flight, IN_FLIGHT);
      assert.deepEqual(usage.body.limits, { requests_per_minute: PER_MINUTE, jobs_in_flight: IN_FLIGHT });
      assert.equal(typeof usage.body.credits_remaining, 'number');
      assert.match(String(usage.body.cycle_resets_on), /^\d{4}-\d{2}-01T00:00:00Z$/);

      // A job that ends frees its place, whichever process accepted it. (Waits read the database:
      // polling through the API would spend the keys' five requests a minute.)
      const jobStatus = async (id: string) => (await pipeline.database.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
      const first = String(accepted[0]!.body.job_id);
      const [canceller] = clients(await anotherKey(accountId));
      assert.equal((await canceller.request('POST', `/cancel/${first}`)).status, 202);
      await waitUntil('the cancelled job to end', async () => (await jobStatus(first)) === 'FAILED', 90_000);
      const again = await canceller.generate({ prompt: 'after one ended [hold]', width: '640', height: '352', length: '17', steps: '4' });
      assert.equal(again.status, 202, JSON.stringify(again.body));
      assert.match(again.headers.get('ratelimit') ?? '', /"jobs";r=0$/);

      const held = [String(accepted[1]!.body.job_id), String(again.body.job_id)];
      for (const id of held) assert.equal((await canceller.request('POST', `/cancel/${id}`)).status, 202);
      // A held render learns of its cancellation at its next heartbeat to the server, which the SDK throttles (up to 30 s).
      await waitUntil('the held jobs to end', async () => (await Promise.all(held.map(jobStatus))).every((st) => st === 'FAILED'), 90_000);
    });
  });
}
