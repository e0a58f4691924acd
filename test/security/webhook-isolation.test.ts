/**
 * Webhooks never cross accounts: a job's message goes only to the URL its own account gave, is
 * signed with that account's secret alone, and carries nothing of any other job. A stranger who
 * points a job of theirs at someone else's receiver cannot pass for that receiver's account.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ensureWebhookSecret } from '../../infra/db/webhook-secrets.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const SMALL_JOB = { width: '64', height: '64', length: '5', steps: '2' };

describe('webhook isolation between accounts', () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;
  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCases()[0]!, { WEBHOOK_HTTP_HOSTS: '127.0.0.1', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_RETRY_INTERVAL_SECONDS: '1' });
  });
  after(async () => {
    await pipeline?.stop();
    await temporal?.stop();
  });

  test("each receiver gets its own account's jobs, signed with that account's secret; a stranger's message never verifies", async () => {
    const [aliceHook, bobHook] = await Promise.all([startWebhookReceiver(() => ({ status: 204 })), startWebhookReceiver(() => ({ status: 204 }))]);
    try {
      const alice = await pipeline.newAccount(100);
      const bob = await pipeline.newAccount(100);
      const submit = async (apiKey: string, prompt: string, port: number) => {
        const res = await new ApiClient(pipeline.api.url, apiKey).generate({ prompt, ...SMALL_JOB, webhook_url: `http://127.0.0.1:${port}/hook` });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        return String(res.body.job_id);
      };
      const alicesJob = await submit(alice.apiKey, 'alice at the lake', aliceHook.port);
      const bobsJob = await submit(bob.apiKey, 'bob in the hills', bobHook.port);
      // Bob aims a job of his at Alice's receiver.
      const bobsDecoy = await submit(bob.apiKey, 'bob pretending', aliceHook.port);
      await waitUntil('every delivery', () => aliceHook.received.length >= 2 && bobHook.received.length >= 1, 60_000);
      // Nothing more arrives for anyone (no retry was needed).
      await new Promise((r) => setTimeout(r, 1500));

      const secrets = { alice: await ensureWebhookSecret(pipeline.database.db, alice.accountId), bob: await ensureWebhookSecret(pipeline.database.db, bob.accountId) };
      assert.notEqual(secrets.alice, secrets.bob);
      const ids = (hooks: typeof aliceHook.received) => hooks.map((h) => h.headers['webhook-id']).sort();
      assert.deepEqual(ids(aliceHook.received), [`msg_${alicesJob}`, `msg_${bobsDecoy}`].sort());
      assert.deepEqual(ids(bobHook.received), [`msg_${bobsJob}`]);

      const byId = (jobId: string) => aliceHook.received.concat(bobHook.received).find((h) => h.headers['webhook-id'] === `msg_${jobId}`)!;
      const verifies = (secret: string, jobId: string) => {
        try {
          return (new Webhook(secret).verify(byId(jobId).body, byId(jobId).headers) as { job_id: string }).job_id === jobId;
        } catch {
          return false;
        }
      };
      assert.equal(verifies(secrets.alice, alicesJob), true);
      assert.equal(verifies(secrets.bob, alicesJob), false);
      assert.equal(verifies(secrets.bob, bobsJob), true);
      assert.equal(verifies(secrets.alice, bobsJob), false);
      // What Bob sent to Alice's receiver fails her check: she can tell it is not hers.
      assert.equal(verifies(secrets.alice, bobsDecoy), false);
      assert.equal(verifies(secrets.bob, bobsDecoy), true);

      // A message names its own job only: no other job id, prompt or link leaks into it.
      for (const [jobId, others] of [
        [alicesJob, [bobsJob, bobsDecoy, 'bob in the hills', 'bob pretending']],
        [bobsJob, [alicesJob, bobsDecoy, 'alice at the lake']],
        [bobsDecoy, [alicesJob, bobsJob, 'alice at the lake']],
      ] as const) {
        for (const other of others) assert.ok(!byId(jobId).body.includes(other), `the message for ${jobId} mentions ${other}`);
      }
    } finally {
      await Promise.all([aliceHook.close(), bobHook.close()]);
    }
  });
});
