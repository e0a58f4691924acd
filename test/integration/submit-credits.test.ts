import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { temporalJobQueue } from '../../api/job-queue.js';
import { creditBalance } from '../../infra/db/credits.js';
import { insertJob } from '../../infra/db/jobs.js';
import { createLogger } from '../../infra/log/logger.js';
import { startApiServer } from '../../workers/api-server.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

// The default Wan job: 81 frames at 1280×720, 30 steps.
const WAN_COST = 6;

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

for (const databaseCase of databaseCases()) {
  describe(`credits charged at submit on ${databaseCase.name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline(temporal, databaseCase);
    });
    after(async () => {
      await pipeline.stop();
    });

    const ledgerOf = (accountId: string) =>
      pipeline.database.db.selectFrom('credit_ledger').select(['job_id', 'kind', 'amount']).where('account_id', '=', accountId).orderBy('id').execute();
    const jobsOf = (accountId: string) => pipeline.database.db.selectFrom('jobs').select(['id', 'status']).where('account_id', '=', accountId).execute();
    const storedJobDirs = async () => {
      const root = path.join(pipeline.config.dataDir, 'objects', 'jobs');
      const dirs = await readdir(root).catch(() => [] as string[]);
      const kept = await Promise.all(dirs.map(async (d) => ((await readdir(path.join(root, d))).length > 0 ? d : null)));
      return new Set(kept.filter((d): d is string => d !== null));
    };

    test('a job the balance cannot cover is a 402 that records, stores and starts nothing', async () => {
      const { accountId, apiKey } = await pipeline.newAccount(WAN_COST - 1);
      const api = new ApiClient(pipeline.api.url, apiKey);
      const storedBefore = await storedJobDirs();
      const res = await api.generate({ prompt: 'Too dear' });
      assert.equal(res.status, 402, JSON.stringify(res.body));
      assert.deepEqual(res.body, { error: `Not enough credits: this job costs ${WAN_COST} and ${WAN_COST - 1} remain.`, code: 'insufficient_credits', request_id: res.headers.get('x-request-id') });
      assert.deepEqual(await jobsOf(accountId), []);
      assert.deepEqual(await ledgerOf(accountId), []);
      assert.deepEqual(await storedJobDirs(), storedBefore);
      const workflows = pipeline.client.workflow.list({ query: `VividAccount = '${accountId}'` });
      for await (const wf of workflows) assert.fail(`a workflow was started: ${wf.workflowId}`);
      // Exactly the balance is enough.
      const { apiKey: exactKey, accountId: exactAccount } = await pipeline.newAccount(WAN_COST);
      const exact = await new ApiClient(pipeline.api.url, exactKey).generate({ prompt: 'Exactly enough' });
      assert.equal(exact.status, 202, JSON.stringify(exact.body));
      assert.equal(await creditBalance(pipeline.database.db, exactAccount), 0);
    });

    test('200 concurrent submissions with credits for exactly 10 jobs: exactly 10 are accepted', async () => {
      const { accountId, apiKey } = await pipeline.newAccount(10 * WAN_COST);
      const api = new ApiClient(pipeline.api.url, apiKey);
      const storedBefore = await storedJobDirs();
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => api.generate({ prompt: `Race ${i}` })));
      const accepted = answers.filter((a) => a.status === 202);
      const refused = answers.filter((a) => a.status === 402);
      assert.equal(accepted.length, 10, `statuses: ${JSON.stringify(answers.map((a) => a.status))}`);
      assert.equal(refused.length, 190);
      for (const r of refused) assert.equal(r.body.code, 'insufficient_credits');
      const acceptedIds = new Set(accepted.map((a) => String(a.body.job_id)));

      // The ledger is the one record of the charges: one reserve per accepted job, nothing else.
      const ledger = await ledgerOf(accountId);
      assert.deepEqual(new Set(ledger.map((e) => e.job_id)), acceptedIds);
      assert.ok(ledger.every((e) => e.kind === 'reserve' && e.amount === -WAN_COST), JSON.stringify(ledger));
      assert.equal(await creditBalance(pipeline.database.db, accountId), 0);
      assert.deepEqual(new Set((await jobsOf(accountId)).map((j) => j.id)), acceptedIds);
      const storedNow = await storedJobDirs();
      assert.deepEqual(new Set([...storedNow].filter((d) => !storedBefore.has(d))), acceptedIds, 'only accepted uploads are kept');

      // The accepted jobs run to the end and are charged once, never again by their workflows.
      for (const id of acceptedIds) assert.equal((await api.waitForJob(id, undefined, 60_000)).status, 'COMPLETED');
      assert.equal((await ledgerOf(accountId)).length, 10);
      assert.equal((await api.usage()).body.credits_remaining, 0);
    });

    test('a job whose workflow cannot be started is refunded at once', async () => {
      const { accountId, apiKey } = await pipeline.newAccount(50);
      // An API whose Temporal connection is gone: the job is recorded and charged, then the start fails.
      const connection = await Connection.connect({ address: temporal.server.address });
      const client = new Client({ connection });
      await connection.close();
      const { db } = pipeline.database;
      const server = await startApiServer(
        pipeline.config,
        { database: { db, embedded: false, close: async () => {} }, storage: pipeline.storage, mediaSigner: undefined, client },
        createLogger({ level: 'error', component: 'api', write: () => {} }),
        { host: '127.0.0.1', port: 0, publicUrl: 'http://127.0.0.1' },
      );
      try {
        const api = new ApiClient(server.url, apiKey);
        const res = await api.generate({ prompt: 'Nowhere to go' });
        assert.equal(res.status, 503, JSON.stringify(res.body));
        assert.equal(res.headers.get('retry-after'), '5');
        assert.equal(res.body.code, 'unavailable');
        const [job] = await jobsOf(accountId);
        assert.equal(job?.status, 'FAILED');
        const recorded = await db.selectFrom('jobs').select(['error', 'error_code']).where('id', '=', job!.id).executeTakeFirstOrThrow();
        assert.deepEqual(recorded, { error: 'The job could not be queued.', error_code: 'engine_error' });
        assert.deepEqual(
          (await ledgerOf(accountId)).map((e) => [e.kind, e.amount]),
          [
            ['reserve', -WAN_COST],
            ['refund', WAN_COST],
          ],
        );
        assert.equal(await creditBalance(db, accountId), 50);
      } finally {
        await server.close();
      }
    });

    test('a failed job is refunded once by its workflow', async () => {
      const { accountId, apiKey } = await pipeline.newAccount(50);
      const api = new ApiClient(pipeline.api.url, apiKey);
      const jobId = String((await api.generate({ prompt: 'Cursed [fail]' })).body.job_id);
      const done = await api.waitForJob(jobId);
      // The engine refused the job's input.
      assert.deepEqual([done.status, done.code], ['FAILED', 'invalid_input']);
      await waitUntil('the refund', async () => (await ledgerOf(accountId)).length === 2);
      assert.deepEqual(
        (await ledgerOf(accountId)).map((e) => [e.kind, e.amount]),
        [
          ['reserve', -WAN_COST],
          ['refund', WAN_COST],
        ],
      );
    });

    test('a job from before charging at submit, which the balance no longer covers, fails as insufficient_credits', async () => {
      const { accountId, apiKey } = await pipeline.newAccount(WAN_COST - 1);
      const jobId = randomUUID();
      const inputKey = `jobs/${jobId}/input`;
      await pipeline.storage.put(inputKey, makePng(96, 64), { contentType: 'image/png' });
      // Recorded unpaid, as the API did before it charged at submit; the workflow reserves itself.
      await insertJob(pipeline.database.db, { id: jobId, accountId, model: 'wan2.1', prompt: 'old-style', params: {}, cost: WAN_COST, inputKey });
      const engine = { model: 'wan2.1' as const, params: { prompt: 'old-style', negativePrompt: '', cfg: 7.5, width: 1280, height: 720, length: 81, steps: 30, seed: 42 } };
      await temporalJobQueue(pipeline.client, { taskQueue: pipeline.config.queues.control }).start({
        jobId,
        accountId,
        image: { key: inputKey, contentType: 'image/png', width: 96, height: 64 },
        engine,
        cost: WAN_COST,
        engineQueue: pipeline.config.queues.wan,
        pollIntervalSeconds: 1,
      });
      const done = await new ApiClient(pipeline.api.url, apiKey).waitForJob(jobId);
      assert.deepEqual([done.status, done.error, done.code], ['FAILED', `Not enough credits: this job costs ${WAN_COST} and ${WAN_COST - 1} remain.`, 'insufficient_credits']);
      assert.deepEqual(await ledgerOf(accountId), []);
    });
  });
}
