import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from '@temporalio/worker';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { engineWorkerOptions, startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { createTestEngines } from '../support/test-engines.js';

// Default Wan job: 6 credits; default Veo job: 40.
const WAN_COST = 6;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STAGES = ['reserving_credits', 'queued', 'rendering', 'finalizing', 'refunding', 'completed', 'failed'];

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

/** Polls /status until the job finishes, keeping every answer. */
async function followJob(api: ApiClient, jobId: string, whileRunning: (body: Record<string, unknown>, seen: number) => Promise<void> = async () => {}) {
  const seen: Array<Record<string, unknown>> = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await api.status(jobId);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    seen.push(res.body);
    if (res.body.status !== 'PROCESSING') return seen;
    await whileRunning(res.body, seen.length);
    if (Date.now() > deadline) assert.fail(`job ${jobId} still running: ${JSON.stringify(res.body)}`);
    await sleep(50);
  }
}

/** Within one attempt no answer is behind the one before it: neither its stage nor its progress. */
function assertNeverBackwards(seen: ReadonlyArray<Record<string, unknown>>): void {
  const running = seen.filter((b) => b.status === 'PROCESSING' && typeof b.progress === 'number');
  for (let i = 1; i < running.length; i++) {
    const [a, b] = [running[i - 1]!, running[i]!];
    if ((b.attempt ?? 1) !== (a.attempt ?? 1)) {
      assert.ok(Number(b.attempt) > Number(a.attempt ?? 1), `attempt went back: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
      continue;
    }
    assert.ok(Number(b.progress) >= Number(a.progress), `progress went back: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    const order = (s: unknown) => Math.min(STAGES.indexOf(String(s)), 4);
    assert.ok(order(b.stage) >= order(a.stage), `stage went back: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
  }
}

for (const databaseCase of databaseCases()) {
  describe(`where a job stands, on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline(temporal, databaseCase);
    });
    after(async () => {
      await pipeline.stop();
    });
    const clientWith = async (credits: number) => new ApiClient(pipeline.api.url, (await pipeline.newAccount(credits)).apiKey);

    test('a finished job says when it was made, rendered and finished, what it cost, and when its links expire', async () => {
      const api = await clientWith(100);
      const before = Date.now();
      const jobId = String((await api.generate({ prompt: 'A harbour at dawn' })).body.job_id);
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      for (const field of ['created_at', 'started_at', 'completed_at', 'video_url_expires_at', 'poster_url_expires_at']) assert.match(String(done[field]), ISO, field);
      const [created, started, completed] = [done.created_at, done.started_at, done.completed_at].map((v) => Date.parse(String(v)));
      assert.ok(created! >= before - 1000 && created! <= started! && started! <= completed!, JSON.stringify(done));
      assert.equal(done.credits_charged, WAN_COST);
      // Each link works until the second it names, and says so in its own signature.
      const expires = Date.parse(String(done.video_url_expires_at));
      assert.equal(Number(new URL(String(done.video_url)).searchParams.get('expires')) * 1000, expires);
      assert.ok(expires - Date.now() > (pipeline.config.videoUrlTtlSeconds - 60) * 1000);
      assert.equal((await fetch(String(done.poster_url))).status, 200);
      assert.equal(Date.parse(String(done.poster_url_expires_at)), Number(new URL(String(done.poster_url)).searchParams.get('expires')) * 1000);

      const veoId = String((await api.generate({ prompt: 'Rain on a window [polls=2]', model: 'veo3.1' })).body.job_id);
      const veo = await api.waitForJob(veoId);
      assert.equal(veo.status, 'COMPLETED', JSON.stringify(veo));
      assert.ok(Date.parse(String(veo.started_at)) <= Date.parse(String(veo.completed_at)), JSON.stringify(veo));
      assert.equal(veo.credits_charged, 40);
    });

    test('a failed job was charged nothing once refunded; a running one shows what it holds', async () => {
      const api = await clientWith(100);
      const failedId = String((await api.generate({ prompt: 'Broken [fail]' })).body.job_id);
      const failed = await api.waitForJob(failedId);
      assert.equal(failed.status, 'FAILED');
      assert.equal(failed.credits_charged, 0);
      assert.match(String(failed.completed_at), ISO);

      const heldId = String((await api.generate({ prompt: 'Held [hold]' })).body.job_id);
      const rendering = await api.waitForJob(heldId, (b) => b.stage === 'rendering' && b.eta_seconds !== undefined);
      assert.equal(rendering.credits_charged, WAN_COST);
      assert.match(String(rendering.started_at), ISO);
      assert.equal(rendering.completed_at, undefined);
      assert.equal(rendering.attempt, 1);
      assert.equal(rendering.last_error, undefined);
      assert.ok(Number.isInteger(rendering.eta_seconds) && Number(rendering.eta_seconds) >= 0, JSON.stringify(rendering));
      pipeline.engines.release();
      assert.equal((await api.waitForJob(heldId)).status, 'COMPLETED');
    });

    test('Prefer: wait holds /status until the job ends, answers at once when it does, and never past the cap', async () => {
      const api = await clientWith(100);
      const heldId = String((await api.generate({ prompt: 'Held until released [hold]' })).body.job_id);
      await api.waitForJob(heldId, (b) => b.stage === 'rendering');
      const startedWaiting = Date.now();
      const answered = api.request('GET', `/status/${heldId}`, undefined, { Prefer: 'respond-async, wait=9999' });
      let settled = false;
      void answered.finally(() => (settled = true));
      await sleep(1500);
      assert.equal(settled, false, 'a waiting /status answered while its job was still rendering');
      const releasedAt = Date.now();
      pipeline.engines.release();
      const done = await answered;
      assert.equal(done.status, 200);
      assert.equal(done.body.status, 'COMPLETED', JSON.stringify(done.body));
      assert.match(String(done.body.video_url), /^http/);
      // The cap (60 s), not the 9999 asked for; and the answer came with the end, not a poll later.
      assert.equal(done.headers.get('preference-applied'), 'wait=60');
      assert.ok(Date.now() - releasedAt < 3000, `answered ${Date.now() - releasedAt} ms after the job was released`);
      assert.ok(releasedAt - startedWaiting >= 1500);

      // A wait that runs out answers with where the job stands then.
      const stillHeld = String((await api.generate({ prompt: 'Held again [hold]' })).body.job_id);
      await api.waitForJob(stillHeld, (b) => b.stage === 'rendering');
      const t0 = Date.now();
      const timedOut = await api.request('GET', `/status/${stillHeld}`, undefined, { Prefer: 'wait=1' });
      const waited = Date.now() - t0;
      assert.equal(timedOut.body.status, 'PROCESSING');
      assert.equal(timedOut.body.stage, 'rendering');
      assert.equal(timedOut.headers.get('preference-applied'), 'wait=1');
      assert.ok(waited >= 900 && waited < 5000, `a 1 s wait took ${waited} ms`);
      pipeline.engines.release();
      assert.equal((await api.waitForJob(stillHeld)).status, 'COMPLETED');

      // A finished job, and a wait that does not parse, answer at once with no preference applied.
      for (const prefer of ['wait=30', 'wait=soon']) {
        const t1 = Date.now();
        const finished = await api.request('GET', `/status/${heldId}`, undefined, { Prefer: prefer });
        assert.equal(finished.body.status, 'COMPLETED');
        assert.equal(finished.headers.get('preference-applied'), null, prefer);
        assert.ok(Date.now() - t1 < 2000, prefer);
      }
    });

    test('an API that stops answers a waiting /status at once with the job as it stands, and stops without waiting it out', async () => {
      const { apiKey } = await pipeline.newAccount(100);
      const stopping = await pipeline.startAnotherApi();
      const api = new ApiClient(stopping.url, apiKey);
      const heldId = String((await api.generate({ prompt: 'Held through a stop [hold]' })).body.job_id);
      await api.waitForJob(heldId, (b) => b.stage === 'rendering');
      const answered = api.request('GET', `/status/${heldId}`, undefined, { Prefer: 'wait=60' });
      await sleep(500);
      const t0 = Date.now();
      const closed = stopping.close();
      const answer = await answered;
      assert.equal(answer.status, 200);
      assert.equal(answer.body.status, 'PROCESSING');
      assert.equal(answer.body.stage, 'rendering');
      assert.equal(answer.headers.get('connection'), 'close');
      await closed;
      assert.ok(Date.now() - t0 < 5000, `the stop took ${Date.now() - t0} ms with a 60 s wait open`);
      pipeline.engines.release();
      assert.equal((await new ApiClient(pipeline.api.url, apiKey).waitForJob(heldId)).status, 'COMPLETED');
    });

    test('history items carry created_at, credits_charged and poster_url; filters narrow the pages', async () => {
      const api = await clientWith(1000);
      const wan: string[] = [];
      for (let i = 0; i < 4; i++) wan.push(String((await api.generate({ prompt: `Wan ${i}` })).body.job_id));
      const veo = String((await api.generate({ prompt: 'Veo', model: 'veo3.1' })).body.job_id);
      const failed = String((await api.generate({ prompt: 'Nope [fail]' })).body.job_id);
      for (const id of [...wan, veo, failed]) await api.waitForJob(id);

      const all = await api.history('?limit=100');
      assert.equal(all.body.length, 6);
      const item = all.body.find((j) => j.id === wan[0])!;
      assert.match(String(item.created_at), ISO);
      assert.equal(item.credits_charged, WAN_COST);
      assert.equal((await fetch(String(item.poster_url))).status, 200);
      assert.equal(all.body.find((j) => j.id === failed)!.credits_charged, 0);
      assert.equal(all.body.find((j) => j.id === failed)!.poster_url, null);

      const onlyVeo = await api.history('?model=veo3.1');
      assert.deepEqual(onlyVeo.body.map((j) => j.id), [veo]);
      const onlyFailed = await api.history('?status=FAILED');
      assert.deepEqual(onlyFailed.body.map((j) => j.id), [failed]);

      // Four COMPLETED wan2.1 jobs, two a page: two pages, and the second carries no cursor.
      const first = await api.history('?model=wan2.1&status=COMPLETED&limit=2');
      assert.equal(first.body.length, 2);
      const cursor = first.headers.get('x-next-cursor');
      assert.ok(cursor);
      const link = first.headers.get('link')!;
      assert.match(link, /model=wan2\.1/);
      assert.match(link, /status=COMPLETED/);
      const second = await api.history(`?model=wan2.1&status=COMPLETED&limit=2&cursor=${cursor}`);
      assert.equal(second.body.length, 2);
      assert.equal(second.headers.get('x-next-cursor'), null);
      assert.equal(second.headers.get('link'), null);
      assert.deepEqual([...first.body, ...second.body].map((j) => j.id), [...wan].reverse());
      // Same for the whole history: six items, three a page.
      const page1 = await api.history('?limit=3');
      const page2 = await api.history(`?limit=3&cursor=${page1.headers.get('x-next-cursor')}`);
      assert.equal(page2.body.length, 3);
      assert.equal(page2.headers.get('x-next-cursor'), null);

      const createdAt = all.body.map((j) => Date.parse(String(j.created_at))).sort((a, b) => a - b);
      const middle = new Date(createdAt[3]!).toISOString();
      const newer = await api.history(`?created_after=${encodeURIComponent(middle)}`);
      const older = await api.history(`?created_before=${encodeURIComponent(middle)}`);
      assert.equal(newer.body.length, 3);
      assert.equal(older.body.length, 3);
      assert.equal((await api.history(`?created_after=${encodeURIComponent(middle)}&created_before=${encodeURIComponent(new Date(createdAt[5]! + 1).toISOString())}`)).body.length, 3);
      assert.equal((await api.history('?created_after=2000-01-01&created_before=2000-01-02')).body.length, 0);
    });

    test('a bad history filter is a 400 naming the parameter', async () => {
      const api = await clientWith(10);
      for (const [query, name] of [
        ['?status=DONE', 'status'],
        ['?model=sora', 'model'],
        ['?created_after=yesterday', 'created_after'],
        ['?created_before=2026-13-45T00:00:00Z', 'created_before'],
        ['?created_after=2026-12-02T00:00:00Z&created_before=2026-12-01T00:00:00Z', 'created_before'],
        ['?created_after=-271821-04-20T00:00:00Z', 'created_after'],
      ]) {
        const res = await api.history(query);
        assert.equal(res.status, 400, query);
        assert.match(String((res.body as unknown as { error: string }).error), new RegExp(`'${name}'`), query);
      }
    });
  });
}

describe('status while a job runs', () => {
  let pipeline: Pipeline;
  before(async () => {
    pipeline = await startPipeline(temporal, databaseCases()[0]!);
  });
  after(async () => {
    await pipeline.stop();
  });

  test('a failed attempt is visible: the retry says which attempt it is and why the last one failed', async () => {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(50)).apiKey);
    const jobId = String((await api.generate({ prompt: 'Shaky [flaky] [hold]' })).body.job_id);
    const retrying = await api.waitForJob(jobId, (b) => b.attempt === 2 || b.status !== 'PROCESSING');
    assert.equal(retrying.status, 'PROCESSING', JSON.stringify(retrying));
    assert.equal(retrying.last_error, 'The runtime crashed; retrying.');
    // The retry renders, still saying it is one.
    const rendering = await api.waitForJob(jobId, (b) => b.stage === 'rendering');
    assert.equal(rendering.attempt, 2);
    assert.equal(rendering.last_error, 'The runtime crashed; retrying.');
    pipeline.engines.release();
    assert.equal((await api.waitForJob(jobId)).status, 'COMPLETED');
  });

  test('progress never goes backwards within an attempt, through a cancel and the refund', async () => {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(50)).apiKey);
    const jobId = String((await api.generate({ prompt: 'Never mind [hold]', steps: '10' })).body.job_id);
    let cancelled = false;
    const seen = await followJob(api, jobId, async (body) => {
      if (!cancelled && body.stage === 'rendering' && Number(body.progress) >= 0.3) {
        cancelled = true;
        assert.equal((await api.request('POST', `/cancel/${jobId}`)).status, 202);
      }
    });
    assert.ok(cancelled, 'the job was never seen rendering');
    assert.equal(seen.at(-1)!.status, 'FAILED');
    assert.equal(seen.at(-1)!.error, 'The job was cancelled.');
    assertNeverBackwards(seen);
    const afterCancel = seen.slice(seen.findIndex((b) => Number(b.progress) >= 0.3)).filter((b) => b.status === 'PROCESSING');
    assert.ok(afterCancel.every((b) => Number(b.progress) >= 0.3), JSON.stringify(afterCancel));
  });

  test('a whole job, retry included, is seen moving forward only', async () => {
    const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(50)).apiKey);
    const jobId = String((await api.generate({ prompt: 'Shaky again [flaky] [hold]', steps: '5' })).body.job_id);
    const seen = await followJob(api, jobId, async (body) => {
      if (body.stage === 'rendering' && Number(body.progress) >= 0.9) pipeline.engines.release();
    });
    assert.equal(seen.at(-1)!.status, 'COMPLETED');
    assert.ok(seen.some((b) => b.attempt === 2));
    assertNeverBackwards(seen);
  });
});

describe('a job waiting for a worker of its pool', () => {
  let pipeline: Pipeline;
  before(async () => {
    // No engine workers: the test brings its own, when it wants one.
    pipeline = await startPipeline(temporal, databaseCases()[1]!, {}, { wanTestEngine: false, veoTestEngine: false });
  });
  after(async () => {
    await pipeline.stop();
  });

  test('reads the same on both engines, knows its place in the queue of every account, and an ETA once workers and render times are known', async () => {
    const [alice, bob] = [new ApiClient(pipeline.api.url, (await pipeline.newAccount(500)).apiKey), new ApiClient(pipeline.api.url, (await pipeline.newAccount(500)).apiKey)];
    const veoId = String((await alice.generate({ prompt: 'Veo waits', model: 'veo3.1' })).body.job_id);
    const ids = [
      String((await alice.generate({ prompt: 'First [hold]' })).body.job_id),
      String((await bob.generate({ prompt: 'Second [hold]' })).body.job_id),
      String((await alice.generate({ prompt: 'Third [hold]' })).body.job_id),
    ];
    const clientOf = [alice, bob, alice];
    const queuedVeo = await alice.waitForJob(veoId, (b) => b.stage === 'queued');
    for (const [i, id] of ids.entries()) {
      const queued = await clientOf[i]!.waitForJob(id, (b) => b.stage === 'queued' && b.queue_position === i);
      assert.equal(queued.progress, queuedVeo.progress);
      // No worker polls the pool: nothing to base an ETA on.
      assert.equal(queued.eta_seconds, undefined);
      assert.equal(queued.started_at, undefined);
    }
    assert.equal(queuedVeo.queue_position, 0);

    // One worker, one job at a time: the first renders (held), the others move up.
    const { activities, control } = createTestEngines(pipeline.storage);
    const worker = await Worker.create({ connection: pipeline.workerConnection, taskQueue: pipeline.config.queues.wan, activities, maxConcurrentActivityTaskExecutions: 1, ...engineWorkerOptions(pipeline.client) });
    const run = worker.run();
    try {
      // Temporal does not promise oldest first: whichever job the worker took, the others wait in age order.
      const waiting = async () => ids.map((id, i) => ({ id, api: clientOf[i]! })).filter(({ id }) => !control.started.has(id));
      await waitUntil('a job to start', () => control.started.size === 1);
      const [w1, w2] = await waiting();
      await w1!.api.waitForJob(w1!.id, (b) => b.stage === 'queued' && b.queue_position === 0);
      await w2!.api.waitForJob(w2!.id, (b) => b.stage === 'queued' && b.queue_position === 1);
      // Still no finished render of this pool to time: no ETA.
      assert.equal((await w2!.api.status(w2!.id)).body.eta_seconds, undefined);
      control.release();
      // Now one render of this pool is timed and a worker polls it: the job still waiting has an ETA.
      await waitUntil('the next job to start', () => control.started.size === 2);
      const [last] = await waiting();
      const withEta = await last!.api.waitForJob(last!.id, (b) => b.stage === 'queued' && b.queue_position === 0 && b.eta_seconds !== undefined);
      assert.ok(Number.isInteger(withEta.eta_seconds) && Number(withEta.eta_seconds) >= 1, JSON.stringify(withEta));
      control.release();
      await waitUntil('the last job to start', () => control.started.size === 3);
      control.release();
      for (const [i, id] of ids.entries()) assert.equal((await clientOf[i]!.waitForJob(id)).status, 'COMPLETED');
    } finally {
      control.release();
      worker.shutdown();
      await run;
    }
  });
});
