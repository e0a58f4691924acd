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
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

const workers = createMetricsRegistry('control');
let temporal: TemporalFixture;
let pipeline: Pipeline;

before(async () => {
  temporal = await startTemporalFixture();
  pipeline = await startPipeline(
    temporal,
    databaseCases()[0]!,
    { WEBHOOK_HTTP_HOSTS: '127.0.0.1', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_TIMEOUT_SECONDS: '1', WEBHOOK_RETRY_INTERVAL_SECONDS: '1' },
    { interceptors: { activity: [activityMetrics(workers)] } },
  );
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
  assert.equal(sample(apiText, 'vivid_jobs_accepted_total', { model: 'wan2.1' }), 2);
  assert.equal(sample(apiText, 'vivid_credits_reserved_at_submit_total', { model: 'wan2.1' }), Number(ok.body.cost) + Number(bad.body.cost));

  const text = await workers.metrics();
  assert.equal(sample(text, 'vivid_activity_seconds_count', { activity: 'generateWanVideo', model: 'wan2.1', outcome: 'completed' }), 1);
  assert.ok((sample(text, 'vivid_activity_seconds_count', { activity: 'generateWanVideo', model: 'wan2.1', outcome: 'failed' }) ?? 0) >= 1);
  assert.ok((sample(text, 'vivid_gpu_seconds_total', { model: 'wan2.1', outcome: 'completed' }) ?? 0) > 0);
  assert.ok((sample(text, 'vivid_activity_queue_wait_seconds_count', { activity: 'generateWanVideo' }) ?? 0) >= 2);
  assert.equal(sample(text, 'vivid_activity_seconds_count', { activity: 'finalizeJob', outcome: 'completed' }), 1);
  // The API charges at submit now, so no workflow reserved; the failed job was refunded once.
  assert.equal(sample(text, 'vivid_credits_charged_total', {}), 0);
  assert.equal(sample(text, 'vivid_credit_refunds_total', {}), 1);
  // Each job counted once as it ended, by model and outcome (a FAILED job by its code).
  assert.equal(sample(text, 'vivid_jobs_ended_total', { model: 'wan2.1', outcome: 'completed' }), 1);
  assert.equal(sample(text, 'vivid_jobs_ended_total', { model: 'wan2.1', outcome: String((await api.status(String(bad.body.job_id))).body.code) }), 1);
});

test('webhook attempts are counted by outcome: a failed attempt, then the delivery', async () => {
  const receiver = await startWebhookReceiver((n) => (n === 0 ? { status: 500, body: 'not yet' } : { status: 204 }));
  try {
    const before = await workers.metrics();
    const count = (text: string, outcome: string) => sample(text, 'vivid_webhook_attempts_total', { outcome }) ?? 0;
    const { apiKey } = await pipeline.newAccount(100);
    const api = new ApiClient(pipeline.api.url, apiKey);
    const job = await api.generate({ prompt: 'metrics webhook', model: 'wan2.1', width: '64', height: '64', length: '5', steps: '2', webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
    assert.equal(job.status, 202, JSON.stringify(job.body));
    assert.equal((await api.waitForJob(String(job.body.job_id))).status, 'COMPLETED');
    for (let i = 0; i < 100 && receiver.received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.received.length, 2);
    // The delivery's activity ends just after the receiver answers.
    let after = await workers.metrics();
    for (let i = 0; i < 50 && count(after, 'delivered') === count(before, 'delivered'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await workers.metrics();
    }
    assert.equal(count(after, 'failed') - count(before, 'failed'), 1);
    assert.equal(count(after, 'delivered') - count(before, 'delivered'), 1);
    assert.equal(count(after, 'abandoned') - count(before, 'abandoned'), 0);
  } finally {
    await receiver.close();
  }
});
