import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { databaseCases } from '../support/databases.js';
import { waitUntil } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { WebClient } from '../support/web-client.js';

// Defaults: a Wan job costs 6 credits, a Veo job 40.
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
  describe(`the public API signed in by session on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline(temporal, databaseCase, { SIGNUP_MONTHLY_CREDITS: '100' });
    });
    after(async () => {
      await pipeline.stop();
    });

    const signedUp = async () => {
      const web = new WebClient(pipeline.api.url);
      const res = await web.signUp(`web-${randomBytes(5).toString('hex')}@example.com`, 'correct horse battery');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return web;
    };

    const waitForJob = async (web: WebClient, jobId: string) => {
      let body: Record<string, unknown> = {};
      await waitUntil(`job ${jobId} to finish`, async () => {
        const res = await web.request('GET', `/status/${jobId}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        body = res.body;
        return body.status !== 'PROCESSING';
      }, 30_000);
      return body;
    };

    test('generate, status, history, jobs/{id}, cancel, usage and usage/daily with the cookie', async () => {
      const web = await signedUp();
      const image = makePng(96, 64, 7);

      const wan = await web.generate({ prompt: 'A lighthouse in a storm', steps: '30', seed: '7', cfg: '4.5' }, image);
      assert.equal(wan.status, 202, JSON.stringify(wan.body));
      assert.equal(wan.body.cost, WAN_COST);
      const wanId = String(wan.body.job_id);
      const veo = await web.generate({ prompt: 'A fox in snow', model: 'veo3.1', camera_motion: 'slow pan' }, image);
      assert.equal(veo.status, 202, JSON.stringify(veo.body));
      const veoId = String(veo.body.job_id);

      const done = await waitForJob(web, wanId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.equal((await waitForJob(web, veoId)).status, 'COMPLETED');

      const detail = await web.request('GET', `/jobs/${wanId}`);
      assert.equal(detail.status, 200, JSON.stringify(detail.body));
      assert.equal(detail.body.job_id, wanId);
      assert.equal(detail.body.status, 'COMPLETED');
      assert.equal(detail.body.model, 'wan2.1');
      assert.equal(detail.body.prompt, 'A lighthouse in a storm');
      assert.equal(typeof detail.body.video_url, 'string');
      assert.deepEqual(detail.body.params, { negative_prompt: '', cfg: 4.5, width: 1280, height: 720, length: 81, steps: 30, seed: 7 });
      const source = await fetch(String(detail.body.image_url));
      assert.equal(source.status, 200);
      assert.deepEqual(Buffer.from(await source.arrayBuffer()), image, 'image_url returns the very image submitted');
      const veoDetail = await web.request('GET', `/jobs/${veoId}`);
      assert.equal((veoDetail.body.params as Record<string, unknown>).camera_motion, 'slow pan');
      assert.equal((veoDetail.body.params as Record<string, unknown>).duration_seconds, 4);
      assert.ok(!('subject_animation' in (veoDetail.body.params as object)), 'unset parameters are left out');

      const history = await web.request<Array<Record<string, unknown>>>('GET', '/history');
      assert.equal(history.status, 200);
      assert.deepEqual(history.body.map((j) => j.id), [veoId, wanId]);

      const held = await web.generate({ prompt: 'Never mind [hold]' }, image);
      const heldId = String(held.body.job_id);
      await waitUntil('the engine to start the job', () => pipeline.engines.started.has(heldId));
      const cancel = await web.request('POST', `/cancel/${heldId}`);
      assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
      assert.equal((await waitForJob(web, heldId)).status, 'FAILED');

      const usage = await web.request('GET', '/usage');
      assert.equal(usage.body.credits_remaining, 100 - WAN_COST - VEO_COST);
      const today = new Date().toISOString().slice(0, 10);
      const daily = await web.request('GET', '/usage/daily');
      assert.equal(daily.status, 200);
      // The cancelled job was refunded in full, so it spent nothing.
      assert.deepEqual(daily.body, [
        { date: today, model: 'veo3.1', credits: VEO_COST },
        { date: today, model: 'wan2.1', credits: WAN_COST },
      ]);
    });

    test("another account sees none of it, and a forged post makes no job", async () => {
      const owner = await signedUp();
      const jobId = String((await owner.generate({ prompt: 'Mine' }, makePng(96, 64))).body.job_id);
      const stranger = await signedUp();
      assert.equal((await stranger.request('GET', `/jobs/${jobId}`)).status, 404);
      assert.equal((await stranger.request('GET', `/status/${jobId}`)).status, 404);
      assert.equal((await stranger.request('POST', `/cancel/${jobId}`)).status, 404);
      assert.deepEqual((await stranger.request('GET', '/history')).body, []);
      assert.deepEqual((await stranger.request('GET', '/usage/daily')).body, []);
      assert.equal((await stranger.request('GET', '/jobs/not-a-uuid')).status, 404);

      const before = await pipeline.database.db.selectFrom('jobs').select('id').execute();
      const forged = owner.withOptions({ origin: 'https://evil.example', clientHeader: false });
      assert.equal((await forged.generate({ prompt: 'Forged' }, makePng(96, 64))).status, 403);
      const after = await pipeline.database.db.selectFrom('jobs').select('id').execute();
      assert.equal(after.length, before.length);
      await waitForJob(owner, jobId);
    });
  });
}
