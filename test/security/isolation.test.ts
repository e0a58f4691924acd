import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

/**
 * One account can never read, cancel, list or download another account's jobs or media,
 * whatever id it tries. Each account holds a job in every state, so a leak of any kind of
 * record would show.
 */
interface Holdings {
  readonly client: ApiClient;
  readonly completed: string;
  readonly failed: string;
  readonly running: string;
  readonly videoUrl: string;
}

// A job id someone could guess or copy, in every form the route parser might treat differently.
function idVariants(jobId: string): string[] {
  return [
    jobId,
    jobId.toUpperCase(),
    ` ${jobId}`,
    `${jobId}/`,
    `${jobId}%00`,
    `${jobId}'--`,
    `${jobId.slice(0, -1)}0`,
    encodeURIComponent(`../status/${jobId}`),
    `${jobId}?account=other`,
  ];
}

const MALFORMED_IDS = ['abc', '0', '..', '%2e%2e%2f', "1' or '1'='1", '00000000-0000-0000-0000-000000000000', 'x'.repeat(2000), '%00', '%C0%AE'];

for (const databaseCase of databaseCases()) {
  describe(`account isolation (${databaseCase.name})`, () => {
    let temporal: TemporalFixture;
    let pipeline: Pipeline;
    let alice: Holdings;
    let bob: Holdings;

    const holdings = async (): Promise<Holdings> => {
      const { apiKey } = await pipeline.newAccount(1000);
      const client = new ApiClient(pipeline.api.url, apiKey);
      const submit = async (prompt: string) => {
        const res = await client.generate({ prompt, width: '64', height: '64', length: '5', steps: '2' });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        return res.body.job_id as string;
      };
      const completed = await submit('a lighthouse at dusk');
      const failed = await submit('a storm [fail]');
      const running = await submit('a waiting train [hold]');
      const done = await client.waitForJob(completed);
      assert.equal(done.status, 'COMPLETED');
      assert.equal((await client.waitForJob(failed)).status, 'FAILED');
      return { client, completed, failed, running, videoUrl: done.video_url as string };
    };

    before(async () => {
      temporal = await startTemporalFixture();
      pipeline = await startPipeline(temporal, databaseCase);
      alice = await holdings();
      bob = await holdings();
    });
    after(async () => {
      await pipeline?.stop();
      await temporal?.stop();
    });

    test("another account's job reads exactly like one that does not exist", async () => {
      const unknown = await bob.client.status(randomUUID());
      assert.equal(unknown.status, 404);
      for (const jobId of [alice.completed, alice.failed, alice.running]) {
        for (const variant of idVariants(jobId)) {
          const res = await bob.client.request('GET', `/status/${variant}`);
          assert.ok(res.status === 404 || res.status === 400, `GET /status/${variant} answered ${res.status}: ${JSON.stringify(res.body)}`);
          assert.equal(typeof res.body.error, 'string');
          assert.ok(!JSON.stringify(res.body).includes('lighthouse'), 'the body leaks the prompt');
          assert.equal(res.body.video_url, undefined);
        }
      }
    });

    test("another account's job cannot be cancelled, and keeps running", async () => {
      for (const variant of idVariants(alice.running)) {
        const res = await bob.client.request('POST', `/cancel/${variant}`);
        assert.ok(res.status === 404 || res.status === 400, `POST /cancel/${variant} answered ${res.status}`);
      }
      const own = await alice.client.status(alice.running);
      assert.equal(own.body.status, 'PROCESSING');
    });

    test('malformed and guessed ids get a JSON 4xx on every route that takes one', async () => {
      for (const id of [...MALFORMED_IDS, randomUUID()]) {
        for (const [method, route] of [
          ['GET', `/status/${id}`],
          ['POST', `/cancel/${id}`],
        ] as const) {
          const res = await bob.client.request(method, route);
          assert.ok(res.status >= 400 && res.status < 500, `${method} ${route.slice(0, 60)} answered ${res.status}`);
          assert.equal(typeof res.body.error, 'string');
        }
      }
    });

    test("history lists one's own jobs only, on every page", async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const res = await bob.client.history(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200);
        for (const item of res.body) seen.add(item.id as string);
        cursor = res.headers.get('x-next-cursor');
      } while (cursor);
      assert.deepEqual([...seen].sort(), [bob.completed, bob.failed, bob.running].sort());
    });

    test("a history cursor built from another account's job shows nothing of that account", async () => {
      const first = await alice.client.history('?limit=1');
      const aliceCursor = first.headers.get('x-next-cursor');
      assert.ok(aliceCursor);
      const res = await bob.client.history(`?limit=100&cursor=${aliceCursor}`);
      assert.ok(res.status === 200 || res.status === 400);
      if (res.status === 200) for (const item of res.body) assert.ok([bob.completed, bob.failed, bob.running].includes(item.id as string));
    });

    test("usage is one's own: another account's spending does not move it", async () => {
      const bobBefore = await bob.client.usage();
      const aliceBefore = await alice.client.usage();
      const res = await alice.client.generate({ prompt: 'one more', width: '64', height: '64', length: '5', steps: '2' });
      assert.equal(res.status, 202);
      assert.equal((await alice.client.waitForJob(res.body.job_id as string)).status, 'COMPLETED');
      const aliceAfter = await alice.client.usage();
      assert.equal(aliceAfter.body.credits_remaining, (aliceBefore.body.credits_remaining as number) - (res.body.cost as number));
      assert.deepEqual((await bob.client.usage()).body, bobBefore.body);
    });

    test("a media link is for one object: changing any part of it stops it working", async () => {
      assert.equal((await fetch(alice.videoUrl)).status, 200);
      const url = new URL(alice.videoUrl);
      const bobUrl = new URL(bob.videoUrl);
      const tampered: string[] = [
        // Bob's valid signature on Alice's object, and the reverse.
        `${url.origin}${url.pathname}?expires=${bobUrl.searchParams.get('expires')}&signature=${bobUrl.searchParams.get('signature')}`,
        `${url.origin}${url.pathname.replace(alice.completed, bob.completed)}${url.search}`,
        `${url.origin}${url.pathname.replace('video.mp4', 'input')}${url.search}`,
        `${url.origin}${url.pathname.replace('video.mp4', 'poster.jpg')}${url.search}`,
        `${url.origin}${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 1}&signature=${url.searchParams.get('signature')}`,
        `${url.origin}${url.pathname}?expires=${url.searchParams.get('expires')}&signature=${flipLastHex(url.searchParams.get('signature')!)}`,
        `${url.origin}${url.pathname}?expires=${url.searchParams.get('expires')}`,
        `${url.origin}${url.pathname}`,
        `${url.origin}${url.pathname}/..${url.search}`,
        `${url.origin}${url.pathname.toUpperCase()}${url.search}`,
      ];
      for (const link of tampered) {
        const res = await fetch(link);
        assert.ok(res.status === 403 || res.status === 404 || res.status === 400, `${link} answered ${res.status}`);
        const body = (await res.json()) as { error?: unknown };
        assert.equal(typeof body.error, 'string');
      }
    });

    test('a media link stops working once it has expired', async () => {
      const url = new URL(alice.videoUrl);
      const key = decodeURIComponent(url.pathname.replace(/^\/media\//, ''));
      const expired = await pipeline.storage.signedUrl(key, -1);
      const res = await fetch(expired);
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { error: string }).error, /expired/);
    });

    test('API keys are stored only as hashes', async () => {
      const { apiKey, accountId } = await pipeline.newAccount(10);
      const rows = await pipeline.database.db.selectFrom('api_keys').selectAll().where('account_id', '=', accountId).execute();
      assert.equal(rows.length, 1);
      const stored = JSON.stringify(rows);
      assert.ok(!stored.includes(apiKey), 'the key itself is in the database');
      assert.ok(!stored.includes(apiKey.slice(-16)), 'the secret part of the key is in the database');
      assert.match(rows[0]!.key_hash, /^[0-9a-f]{64}$/);
    });
  });
}

function flipLastHex(hex: string): string {
  const last = hex.at(-1)!;
  return hex.slice(0, -1) + (last === '0' ? '1' : '0');
}
