import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ensureWebhookSecret } from '../../infra/db/webhook-secrets.js';
import { jobWebhookWorkflowId } from '../../workflows/messages.js';
import { openTestPostgres } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { startWebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const postgres = { name: 'postgres' as const, open: () => openTestPostgres() };
const SMALL_JOB = { width: '640', height: '352', length: '17', steps: '4' };

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

/** The delivery workflow has closed: no attempt follows. (The job's record is final a moment before it starts.) */
async function deliveryFinished(pipeline: Pipeline, jobId: string): Promise<void> {
  const handle = pipeline.client.workflow.getHandle(jobWebhookWorkflowId(jobId));
  await waitUntil('the delivery workflow to start', () => handle.describe().then(() => true, () => false));
  await handle.result();
}

describe('webhooks to a receiver the operator allows (loopback, plain http)', () => {
  let pipeline: Pipeline;
  before(async () => {
    pipeline = await startPipeline(temporal, postgres, {
      WEBHOOK_HTTP_HOSTS: '127.0.0.1',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_TIMEOUT_SECONDS: '1',
      WEBHOOK_RETRY_INTERVAL_SECONDS: '1',
    });
  });
  after(async () => {
    await pipeline.stop();
  });

  const clientWith = async () => {
    const { accountId, apiKey } = await pipeline.newAccount(1000);
    return { accountId, api: new ApiClient(pipeline.api.url, apiKey) };
  };

  test('a receiver that fails, then times out, then accepts gets one signed message id on every attempt', async () => {
    let jobWhenFirstCalled: unknown;
    let workflowWhileHanging: string | undefined;
    const receiver = await startWebhookReceiver((n) => (n === 0 ? { status: 500, body: 'try later' } : n === 1 ? 'hang' : { status: 204 }));
    try {
      const { accountId, api } = await clientWith();
      const submitted = await api.generate({ prompt: 'A kite [hold]', ...SMALL_JOB, webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
      assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
      const jobId = String(submitted.body.job_id);
      const pending = await api.status(jobId);
      assert.deepEqual(pending.body.webhook, { attempts: 0, last_status_code: null, delivered_at: null });

      await waitUntil('the render to start', () => pipeline.engines.started.has(jobId));
      pipeline.engines.release();
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED');

      await waitUntil('the first attempt', () => receiver.received.length >= 1);
      jobWhenFirstCalled = (await pipeline.database.db.selectFrom('jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow()).status;
      await waitUntil('the hanging attempt', () => receiver.received.length >= 2);
      // The job's own workflow closed without waiting for the receiver.
      workflowWhileHanging = (await pipeline.client.workflow.getHandle(jobId).describe()).status.name;
      await deliveryFinished(pipeline, jobId);

      assert.equal(jobWhenFirstCalled, 'COMPLETED');
      assert.equal(workflowWhileHanging, 'COMPLETED');
      const hooks = receiver.received.filter((r) => r.path === '/hook');
      assert.equal(hooks.length, 3);
      const secret = await ensureWebhookSecret(pipeline.database.db, accountId);
      assert.match(secret, /^whsec_/);
      for (const hook of hooks) {
        assert.equal(hook.headers['webhook-id'], `msg_${jobId}`);
        assert.equal(hook.headers['content-type'], 'application/json');
        const payload = new Webhook(secret).verify(hook.body, hook.headers) as Record<string, unknown>;
        assert.equal(payload.job_id, jobId);
        assert.equal(payload.status, 'COMPLETED');
        assert.equal(await (await fetch(String(payload.video_url))).text(), `test video of ${jobId} by wan`);
        assert.equal(payload.webhook, undefined);
      }
      // Another account's secret does not verify it.
      const stranger = await ensureWebhookSecret(pipeline.database.db, (await pipeline.newAccount(0)).accountId);
      assert.throws(() => new Webhook(stranger).verify(hooks[0]!.body, hooks[0]!.headers));

      const status = await api.status(jobId);
      const webhook = status.body.webhook as Record<string, unknown>;
      assert.equal(webhook.attempts, 3);
      assert.equal(webhook.last_status_code, 204);
      assert.match(String(webhook.delivered_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      await receiver.close();
    }
  });

  test('a failed job is delivered too, and 410 Gone stops the retries at once', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 410 }));
    try {
      const { accountId, api } = await clientWith();
      const submitted = await api.generate({ prompt: 'Broken [fail]', ...SMALL_JOB, webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
      const jobId = String(submitted.body.job_id);
      assert.equal((await api.waitForJob(jobId)).status, 'FAILED');
      await deliveryFinished(pipeline, jobId);
      assert.equal(receiver.received.length, 1);
      const payload = new Webhook(await ensureWebhookSecret(pipeline.database.db, accountId)).verify(receiver.received[0]!.body, receiver.received[0]!.headers) as Record<string, unknown>;
      // The body /status gives for the finished job, less the delivery's own state.
      const { webhook, ...status } = (await api.status(jobId)).body as Record<string, unknown> & { webhook: Record<string, unknown> };
      assert.deepEqual(payload, status);
      assert.equal(payload.error, 'The engine could not render this job.');
      assert.equal(payload.code, 'invalid_input');
      assert.equal(webhook.attempts, 1);
      assert.equal(webhook.last_status_code, 410);
      assert.equal(webhook.delivered_at, null);
    } finally {
      await receiver.close();
    }
  });

  test('a redirect is not followed: it counts as a failed attempt', async () => {
    const receiver = await startWebhookReceiver((n) => (n === 0 ? { status: 307, headers: { location: '/elsewhere' } } : { status: 200 }));
    try {
      const { api } = await clientWith();
      const submitted = await api.generate({ prompt: 'Redirected', ...SMALL_JOB, webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
      const jobId = String(submitted.body.job_id);
      await api.waitForJob(jobId);
      await deliveryFinished(pipeline, jobId);
      assert.deepEqual(receiver.received.map((r: ReceivedWebhook) => r.path), ['/hook', '/hook']);
      const webhook = (await api.status(jobId)).body.webhook as Record<string, unknown>;
      assert.equal(webhook.attempts, 2);
      assert.equal(webhook.last_status_code, 200);
    } finally {
      await receiver.close();
    }
  });

  test('the vivid CLI shows the secret deliveries are signed with, and rotates it', async () => {
    const { accountId } = await pipeline.newAccount(0);
    const databaseUrl = (pipeline.database as { url?: string }).url!;
    const cli = async (...args: string[]) => {
      const { stdout } = await promisify(execFile)('node_modules/.bin/node', ['--import', 'tsx', 'workers/cli/main.ts', ...args, '--json'], { env: { ...process.env, DATABASE_URL: databaseUrl } });
      return JSON.parse(stdout) as { webhook_secret: string };
    };
    const shown = await cli('webhooks', 'secret', '--account', accountId);
    assert.equal(shown.webhook_secret, await ensureWebhookSecret(pipeline.database.db, accountId));
    assert.equal((await cli('webhooks', 'secret', '--account', accountId)).webhook_secret, shown.webhook_secret);
    const rotated = await cli('webhooks', 'rotate', '--account', accountId);
    assert.match(rotated.webhook_secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(rotated.webhook_secret, shown.webhook_secret);
    assert.equal(await ensureWebhookSecret(pipeline.database.db, accountId), rotated.webhook_secret);
  });
});

describe('webhooks with private targets not allowed (the default)', () => {
  let pipeline: Pipeline;
  before(async () => {
    pipeline = await startPipeline(temporal, postgres, { WEBHOOK_HTTP_HOSTS: 'localhost,127.0.0.1', WEBHOOK_TIMEOUT_SECONDS: '1', WEBHOOK_RETRY_INTERVAL_SECONDS: '1' });
  });
  after(async () => {
    await pipeline.stop();
  });

  test('a literal private address is a 400 naming webhook_url; a name resolving to one is refused when connecting', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 200 }));
    try {
      const api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(1000)).apiKey);
      const literal = await api.generate({ prompt: 'p', ...SMALL_JOB, webhook_url: `http://127.0.0.1:${receiver.port}/hook` });
      assert.equal(literal.status, 400);
      assert.match(String(literal.body.error), /^Invalid parameter 'webhook_url': must not point at a private, loopback, link-local or metadata address/);
      const plain = await api.generate({ prompt: 'p', ...SMALL_JOB, webhook_url: 'http://hooks.example.com/hook' });
      assert.equal(plain.status, 400);
      assert.match(String(plain.body.error), /^Invalid parameter 'webhook_url': must be an https URL/);

      // `localhost` passes the form check; the address it resolves to is refused at connect.
      const submitted = await api.generate({ prompt: 'p', ...SMALL_JOB, webhook_url: `http://localhost:${receiver.port}/hook` });
      assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
      const jobId = String(submitted.body.job_id);
      assert.equal((await api.waitForJob(jobId)).status, 'COMPLETED');
      await deliveryFinished(pipeline, jobId);
      assert.equal(receiver.received.length, 0);
      const webhook = (await api.status(jobId)).body.webhook as Record<string, unknown>;
      assert.equal(webhook.attempts, 1);
      assert.equal(webhook.last_status_code, null);
      assert.equal(webhook.delivered_at, null);
      assert.match(String(webhook.last_error), /^Refused: localhost resolves to (127\.0\.0\.1|::1), which webhooks may not reach/);
    } finally {
      await receiver.close();
    }
  });
});
