import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { creditBalance } from '../../infra/db/credits.js';
import { countWaitingJobs, failJobRecord, insertJob } from '../../infra/db/jobs.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

// Default Wan job: 81 frames at 1280×720, 30 steps → 6 credits. Default Veo job: 4 s → 40 credits.
const WAN_COST = 6;
const VEO_COST = 40;

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

for (const databaseCase of databaseCases()) {
  describe(`job pipeline on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline(temporal, databaseCase);
    });
    after(async () => {
      await pipeline.stop();
    });

    const clientWith = async (credits: number) => {
      const { accountId, apiKey } = await pipeline.newAccount(credits);
      return { accountId, api: new ApiClient(pipeline.api.url, apiKey) };
    };

    const ledgerFor = (jobId: string) =>
      pipeline.database.db.selectFrom('credit_ledger').select(['kind', 'amount']).where('job_id', '=', jobId).orderBy('id').execute();

    test('a wan2.1 job runs from submit to COMPLETED with a fetchable video, in history and usage', async () => {
      const { api } = await clientWith(100);
      const submitted = await api.generate({ prompt: 'A lighthouse in a storm' });
      assert.equal(submitted.status, 202);
      assert.equal(submitted.body.message, 'Generation job accepted.');
      const jobId = String(submitted.body.job_id);
      assert.match(jobId, /^[0-9a-f-]{36}$/);

      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.equal(done.job_id, jobId);
      const video = await fetch(String(done.video_url));
      assert.equal(video.status, 200);
      assert.equal(await video.text(), `test video of ${jobId} by wan`);
      assert.equal(video.headers.get('content-type'), 'video/mp4');

      const history = await api.history();
      assert.equal(history.status, 200);
      assert.equal(history.body.length, 1);
      const item = history.body[0]!;
      assert.equal(item.id, jobId);
      assert.equal(item.prompt, 'A lighthouse in a storm');
      assert.equal(item.status, 'COMPLETED');
      assert.match(String(item.timestamp), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(typeof item.video_url, 'string');

      const usage = await api.usage();
      assert.equal(usage.body.credits_remaining, 100 - WAN_COST);
      assert.match(String(usage.body.cycle_resets_on), /^\d{4}-\d{2}-01T00:00:00Z$/);
      assert.deepEqual(await ledgerFor(jobId), [{ kind: 'reserve', amount: -WAN_COST }]);
    });

    test('a veo3.1 job submits once, polls on timers until done and completes', async () => {
      const { api } = await clientWith(100);
      const submitted = await api.generate({ prompt: 'Waves at dusk [polls=3]', model: 'veo3.1' });
      assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
      const jobId = String(submitted.body.job_id);
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.equal(await (await fetch(String(done.video_url))).text(), `test video of ${jobId} by veo`);
      assert.equal(pipeline.engines.submissions.get(jobId), 1);
      assert.equal(pipeline.engines.polls.get(jobId), 3);
      assert.equal((await api.usage()).body.credits_remaining, 100 - VEO_COST);
    });

    test('a missing or wrong API key is 401 with a JSON error', async () => {
      for (const key of [undefined, 'vf_not-a-real-key']) {
        const api = new ApiClient(pipeline.api.url, key);
        for (const res of [await api.usage(), await api.request('GET', '/history'), await api.generate({ prompt: 'x' }), await api.status('c2c625a3-0fc9-44ba-90e4-25d37428607a')]) {
          assert.equal(res.status, 401);
          assert.equal(typeof res.body.error, 'string');
        }
      }
    });

    test("another account's job is 404 and never appears in its history", async () => {
      const owner = await clientWith(100);
      const stranger = await clientWith(100);
      const jobId = String((await owner.api.generate({ prompt: 'Mine' })).body.job_id);
      const res = await stranger.api.status(jobId);
      assert.equal(res.status, 404);
      assert.match(String(res.body.error), /No job/);
      assert.equal((await stranger.api.request('POST', `/cancel/${jobId}`)).status, 404);
      assert.deepEqual((await stranger.api.history()).body, []);
      assert.equal((await owner.api.waitForJob(jobId)).status, 'COMPLETED');
      assert.equal((await stranger.api.status('not-a-uuid')).status, 404);
    });

    test('too few credits is a 402 at submit and charges nothing', async () => {
      const { api } = await clientWith(WAN_COST - 1);
      const res = await api.generate({ prompt: 'Too expensive' });
      assert.equal(res.status, 402, JSON.stringify(res.body));
      assert.deepEqual(res.body, { error: `Not enough credits: this job costs ${WAN_COST} and ${WAN_COST - 1} remain.`, code: 'insufficient_credits', request_id: res.headers.get('x-request-id') });
      assert.equal((await api.usage()).body.credits_remaining, WAN_COST - 1);
      assert.deepEqual((await api.history()).body, []);
    });

    test("an engine failure fails the job with the engine's message and refunds once", async () => {
      const { api } = await clientWith(50);
      const jobId = String((await api.generate({ prompt: 'Cursed [fail]' })).body.job_id);
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error, 'The engine could not render this job.');
      assert.equal((await api.usage()).body.credits_remaining, 50);
      assert.deepEqual(await ledgerFor(jobId), [
        { kind: 'reserve', amount: -WAN_COST },
        { kind: 'refund', amount: WAN_COST },
      ]);
      const veoJob = String((await api.generate({ prompt: 'Rejected [fail]', model: 'veo3.1' })).body.job_id);
      const veoDone = await api.waitForJob(veoJob);
      assert.equal(veoDone.error, 'Veo rejected the request: the prompt is not allowed.');
      assert.equal((await api.usage()).body.credits_remaining, 50);
    });

    test('a retryable engine crash is retried and the job still completes', async () => {
      const { api } = await clientWith(50);
      const jobId = String((await api.generate({ prompt: 'Shaky [flaky]' })).body.job_id);
      const done = await api.waitForJob(jobId, undefined, 30_000);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.equal((await api.usage()).body.credits_remaining, 50 - WAN_COST);
    });

    test('a control worker restarted mid-job finishes the job and charges once', async () => {
      const { api, accountId } = await clientWith(40);
      const jobId = String((await api.generate({ prompt: 'Slow render [hold]' })).body.job_id);
      await waitUntil('the engine to start the job', () => pipeline.engines.started.has(jobId));
      // Heartbeats reach /status: the render's progress climbs while it runs.
      const first = await api.waitForJob(jobId, (b) => b.stage === 'rendering');
      assert.equal(first.status, 'PROCESSING');
      const later = await api.waitForJob(jobId, (b) => Number(b.progress) > Number(first.progress));
      assert.equal(later.stage, 'rendering');
      assert.ok(Number(later.progress) < 1);

      await pipeline.stopControlWorker();
      // With no control worker, status still answers from the record.
      const meanwhile = await api.status(jobId);
      assert.equal(meanwhile.status, 200);
      assert.equal(meanwhile.body.status, 'PROCESSING');
      await pipeline.startControlWorker();
      pipeline.engines.release();

      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.deepEqual(await ledgerFor(jobId), [{ kind: 'reserve', amount: -WAN_COST }]);
      assert.equal(await creditBalance(pipeline.database.db, accountId), 40 - WAN_COST);
    });

    test('a cancelled job stops, is FAILED and refunded', async () => {
      const { api } = await clientWith(40);
      const jobId = String((await api.generate({ prompt: 'Never mind [hold]' })).body.job_id);
      await waitUntil('the engine to start the job', () => pipeline.engines.started.has(jobId));
      const cancel = await api.request('POST', `/cancel/${jobId}`);
      assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error, 'The job was cancelled.');
      assert.equal((await api.usage()).body.credits_remaining, 40);
      assert.equal((await api.request('POST', `/cancel/${jobId}`)).status, 409);
    });

    test('history pages newest first with a cursor, without gaps or repeats', async () => {
      const { api } = await clientWith(1000);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(String((await api.generate({ prompt: `Job ${i}` })).body.job_id));
      const seen: string[] = [];
      let query = '?limit=2';
      const sizes: number[] = [];
      for (let page = 0; page < 5; page++) {
        const res = await api.history(query);
        assert.equal(res.status, 200);
        sizes.push(res.body.length);
        seen.push(...res.body.map((j) => String(j.id)));
        const next = res.headers.get('x-next-cursor');
        if (!next) break;
        query = `?limit=2&cursor=${next}`;
      }
      assert.deepEqual(sizes.slice(0, 3), [2, 2, 1]);
      assert.deepEqual(seen, [...ids].reverse());
      assert.equal((await api.history('?limit=0')).status, 400);
      assert.equal((await api.history('?limit=abc')).status, 400);
      assert.equal((await api.history('?cursor=garbage')).status, 400);
      for (const id of ids) await api.waitForJob(id);
      const usage = await api.usage();
      assert.equal(usage.body.credits_remaining, 1000 - 5 * WAN_COST);
    });

    test('history pages skip no job made in the same millisecond as the last one on a page', async () => {
      const { accountId, api } = await clientWith(10);
      // Postgres keeps microseconds: three jobs inside one millisecond, and one on each side of it.
      const times = ['2026-11-30 12:00:00.122999', '2026-11-30 12:00:00.123100', '2026-11-30 12:00:00.123500', '2026-11-30 12:00:00.123900', '2026-11-30 12:00:00.124000'];
      const ids: string[] = [];
      for (const at of times) {
        const id = randomUUID();
        ids.push(id);
        await insertJob(pipeline.database.db, { id, accountId, model: 'wan2.1', prompt: `At ${at}`, params: {}, cost: WAN_COST, inputKey: `jobs/${id}/input` });
        await sql`update jobs set created_at = ${at}::timestamp at time zone 'UTC' where id = ${id}::uuid`.execute(pipeline.database.db);
      }
      for (const limit of [1, 2]) {
        const seen: string[] = [];
        let query = `?limit=${limit}`;
        for (let page = 0; page < 10; page++) {
          const res = await api.history(query);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          seen.push(...res.body.map((j) => String(j.id)));
          const next = res.headers.get('x-next-cursor');
          if (!next) break;
          query = `?limit=${limit}&cursor=${next}`;
        }
        assert.deepEqual(seen, [...ids].reverse(), `limit=${limit}`);
      }
    });

    test('a waiting job counts the jobs ahead of it to the microsecond', async () => {
      const { accountId } = await clientWith(10);
      // Veo: no test engine of this suite takes these jobs, so nothing starts them.
      const times = ['2026-11-30 12:00:00.123100', '2026-11-30 12:00:00.123500', '2026-11-30 12:00:00.123900'];
      const ids: string[] = [];
      for (const at of times) {
        const id = randomUUID();
        ids.push(id);
        await insertJob(pipeline.database.db, { id, accountId, model: 'veo3.1', prompt: `At ${at}`, params: {}, cost: 40, inputKey: `jobs/${id}/input` });
        await sql`update jobs set created_at = ${at}::timestamp at time zone 'UTC' where id = ${id}::uuid`.execute(pipeline.database.db);
      }
      const before = await countWaitingJobs(pipeline.database.db, 'veo3.1', ids[0]!);
      const counts = await Promise.all(ids.map((id) => countWaitingJobs(pipeline.database.db, 'veo3.1', id)));
      assert.deepEqual(
        counts.map((c) => c.ahead - before.ahead),
        [0, 1, 2],
      );
      for (const id of ids) await failJobRecord(pipeline.database.db, id, { error: 'seeded', code: 'engine_error' });
    });

    test('history pages hold 20 jobs unless asked, at most 100, and each Link header leads to the next page', async () => {
      const { accountId, api } = await clientWith(10);
      // 105 finished jobs, recorded directly: paging reads only the records.
      for (let i = 0; i < 105; i++) {
        const id = randomUUID();
        await insertJob(pipeline.database.db, { id, accountId, model: 'wan2.1', prompt: `Old job ${i}`, params: {}, cost: WAN_COST, inputKey: `jobs/${id}/input` });
        await failJobRecord(pipeline.database.db, id, { error: 'seeded', code: 'engine_error' });
      }
      const newestFirst = (await pipeline.database.db.selectFrom('jobs').select('id').where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map((j) => j.id);

      /** Follows Link rel="next" from `first` to the last page: each page's ids, and whether it carried X-Next-Cursor. */
      const follow = async (first: string) => {
        const pages: Array<{ ids: string[]; cursor: boolean }> = [];
        let route: string | undefined = first;
        while (route !== undefined && pages.length < 10) {
          const res = await api.history(route.replace(/^\/api\/v1\/history/, ''));
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const cursor = res.headers.get('x-next-cursor');
          const link = res.headers.get('link');
          pages.push({ ids: res.body.map((j) => String(j.id)), cursor: cursor !== null });
          if (link === null) {
            assert.equal(cursor, null, 'a cursor without a Link');
            route = undefined;
          } else {
            const [, target = ''] = /^<([^>]+)>; rel="next"$/.exec(link) ?? [];
            assert.ok(target.startsWith('/api/v1/history?'), link);
            assert.equal(new URL(target, pipeline.api.url).searchParams.get('cursor'), cursor, 'the Link carries the X-Next-Cursor');
            route = target;
          }
        }
        return pages;
      };

      // No limit: 20 a page, six pages, the last (5) without a cursor or Link.
      const byDefault = await follow('/api/v1/history');
      assert.deepEqual(byDefault.map((p) => p.ids.length), [20, 20, 20, 20, 20, 5]);
      assert.deepEqual(byDefault.map((p) => p.cursor), [true, true, true, true, true, false]);
      assert.deepEqual(byDefault.flatMap((p) => p.ids), newestFirst);
      // The largest page: 100, then the 5 left.
      const largest = await follow('/api/v1/history?limit=100');
      assert.deepEqual(largest.map((p) => p.ids.length), [100, 5]);
      assert.deepEqual(largest.flatMap((p) => p.ids), newestFirst);
      // A count that is a multiple of the limit: the fifth page of 21 is the last, with no cursor.
      const even = await follow('/api/v1/history?limit=21');
      assert.deepEqual(even.map((p) => p.ids.length), [21, 21, 21, 21, 21]);
      assert.equal(even.at(-1)!.cursor, false);
      // Past the largest: a 400 naming the parameter.
      const tooMany = await api.history('?limit=101');
      assert.equal(tooMany.status, 400);
      assert.match(String((tooMany.body as unknown as { error: string }).error), /^Invalid parameter 'limit'/);
    });
  });
}
