/**
 * Live previews end to end on the CPU: the real Wan worker, its Python runtime and the tiny
 * model, behind the real API, control worker, Temporal dev server and PGlite.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { previewKey } from '../../infra/media/preview-keys.js';
import { createMetricsRegistry } from '../../infra/observability/metrics-registry.js';
import { wanStepMetrics } from '../../infra/observability/wan-metrics.js';
import { startWanWorker, type WanWorker } from '../../workers/wan-worker.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const modelCacheDir = path.join(os.tmpdir(), 'vivid-test-models');
const job = { width: '48', height: '32', length: '5', steps: '24', cfg: '5', seed: '1' };

let temporal: TemporalFixture;
let pipeline: Pipeline;
let wan: WanWorker;
const metrics = createMetricsRegistry('wan');

before(async () => {
  temporal = await startTemporalFixture();
  const pglite = databaseCases().find((c) => c.name === 'pglite')!;
  pipeline = await startPipeline(temporal, pglite, { WAN_MODEL: 'tiny', WAN_DEVICES: 'cpu', WAN_PREVIEW_EVERY_STEPS: '2', WAN_SHUTDOWN_GRACE_SECONDS: '5' }, { wanTestEngine: false });
  wan = await startWanWorker(
    { ...pipeline.config, wan: { ...pipeline.config.wan, modelCacheDir } },
    { storage: pipeline.storage, workerConnection: pipeline.workerConnection },
    { stepDelaySeconds: 0.25, previewInterestCheckMs: 200, observeStep: wanStepMetrics(metrics) },
  );
});
after(async () => {
  await wan?.shutdown();
  await pipeline?.stop();
  await temporal?.stop();
});

describe('live previews of a Wan render', () => {
  const client = async () => new ApiClient(pipeline.api.url, (await pipeline.newAccount(1000)).apiKey);

  test('a job someone polls shows a signed preview_url while it renders, a JPEG that gets newer', async () => {
    const api = await client();
    const jobId = String((await api.generate({ prompt: 'A watched kettle', ...job }, makePng(96, 64, 5))).body.job_id);
    const first = await api.waitForJob(jobId, (b) => b.preview_url !== undefined || b.status !== 'PROCESSING');
    assert.equal(first.status, 'PROCESSING', JSON.stringify(first));
    assert.equal(first.stage, 'rendering');
    assert.match(String(first.preview_url_expires_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    const image = await fetch(String(first.preview_url));
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/jpeg');
    const bytes = Buffer.from(await image.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    // Kept watching, the preview moves on with the render.
    const later = await api.waitForJob(jobId, (b) => Number(b.preview_step) > Number(first.preview_step) || b.status !== 'PROCESSING');
    assert.equal(later.status, 'PROCESSING', JSON.stringify(later));
    assert.equal(Number(later.preview_step) % 2, 0);
    const done = await api.waitForJob(jobId);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(done.preview_url, undefined);
  });

  test('a job nobody polls makes no preview at all; its steps are timed in the worker\'s metrics', async () => {
    const steps = async () => {
      const line = (await metrics.metrics()).split('\n').find((l) => l.startsWith('vivid_wan_step_seconds_count{') && l.includes('resolution="32"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const stepsBefore = await steps();
    const api = await client();
    const jobId = String((await api.generate({ prompt: 'An unwatched kettle', ...job, steps: '8' }, makePng(96, 64, 6))).body.job_id);
    // Waiting on the record, not on /status: nobody asks.
    await waitUntil(
      'the job to finish',
      async () => (await pipeline.database.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status !== 'PROCESSING',
      60_000,
    );
    assert.equal(await pipeline.storage.stat(previewKey(jobId)), null);
    assert.equal((await api.status(jobId)).body.status, 'COMPLETED');
    assert.equal((await steps()) - stepsBefore, 8, 'one observation per denoising step');
  });

  test('a Veo job has no preview', async () => {
    const api = await client();
    const jobId = String((await api.generate({ prompt: 'Waves [polls=3]', model: 'veo3.1' })).body.job_id);
    for (;;) {
      const body = (await api.status(jobId)).body;
      assert.equal(body.preview_url, undefined, JSON.stringify(body));
      if (body.status !== 'PROCESSING') break;
      await sleep(100);
    }
  });
});
