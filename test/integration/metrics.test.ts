/**
 * After real jobs through the product's pipeline (API, control worker, test engines on the dev
 * server), the API's /metrics and the workers' registry hold the right names and values.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activityMetrics } from '../../infra/observability/activity-metrics.js';
import { createMetricsRegistry } from '../../infra/observability/metrics-registry.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const workers = createMetricsRegistry('control');
let temporal: TemporalFixture;
let pipeline: Pipeline;

before(async () => {
  temporal = await startTemporalFixture();
  pipeline = await startPipeline(temporal, databaseCases()[0]!, {}, { interceptors: { activity: [activityMetrics(workers)] } });
});
after(async () => {
  await pipeline?.stop();
  await temporal?.stop();
});

/** The value of one series in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

test('a completed and a failed Wan job show up in request, activity, GPU-second and credit metrics', async () => {
  const { apiKey } = await pipeline.newAccount(100);
  const api = new ApiClient(pipeline.api.url, apiKey);
  const ok = await api.generate({ prompt: 'metrics ok', model: 'wan2.1', width: '64', height: '64', length: '5', steps: '2' });
  const bad = await api.generate({ prompt: 'metrics [fail]', model: 'wan2.1', width: '64', height: '64', length: '5', steps: '2' });
  assert.equal(ok.status, 202);
  assert.equal(bad.status, 202);
  assert.equal((await api.waitForJob(String(ok.body.job_id))).status, 'COMPLETED');
  assert.equal((await api.waitForJob(String(bad.body.job_id))).status, 'FAILED');
  await api.status('not-a-job');

  const apiText = await (await fetch(`${pipeline.api.url}/metrics`)).text();
  assert.equal(sample(apiText, 'vivid_http_requests_total', { method: 'POST', route: '/api/v1/generate', code: '202', component: 'api' }), 2);
  assert.ok((sample(apiText, 'vivid_http_requests_total', { method: 'GET', route: '/api/v1/status/:jobId', code: '200' }) ?? 0) >= 2);
  assert.ok(sample(apiText, 'vivid_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/generate' }) === 2);

  const text = await workers.metrics();
  assert.equal(sample(text, 'vivid_activity_seconds_count', { activity: 'generateWanVideo', model: 'wan2.1', outcome: 'completed' }), 1);
  assert.ok((sample(text, 'vivid_activity_seconds_count', { activity: 'generateWanVideo', model: 'wan2.1', outcome: 'failed' }) ?? 0) >= 1);
  assert.ok((sample(text, 'vivid_gpu_seconds_total', { model: 'wan2.1', outcome: 'completed' }) ?? 0) > 0);
  assert.ok((sample(text, 'vivid_activity_queue_wait_seconds_count', { activity: 'generateWanVideo' }) ?? 0) >= 2);
  assert.equal(sample(text, 'vivid_activity_seconds_count', { activity: 'finalizeJob', outcome: 'completed' }), 1);
  // The API charges at submit now, so no workflow reserved; the failed job was refunded once.
  assert.equal(sample(text, 'vivid_credits_charged_total', {}), 0);
  assert.equal(sample(text, 'vivid_credit_refunds_total', {}), 1);
});
