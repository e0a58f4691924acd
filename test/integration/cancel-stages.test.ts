import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { creditBalance } from '../../infra/db/credits.js';
import { databaseCases, openTestPostgres, type ThrowawayPostgres } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { jobProgressQuery } from '../../workflows/messages.js';

// The default Wan job (6 credits) and Veo job (40 credits).
const WAN_COST = 6;
const VEO_COST = 40;

/**
 * The rule: until the engine's video is stored, a cancel ends the job FAILED and refunded;
 * from finalizing on it is too late (409) and the job completes, charged. The ledger and the
 * record never disagree.
 */
let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

function cancelSuite(name: string, open: () => Promise<Pipeline>, extra?: (get: () => Pipeline) => void) {
  describe(`a cancel at every stage on ${name}`, () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await open();
    });
    after(async () => {
      await pipeline?.stop();
    });

    const ledgerFor = async (jobId: string) =>
      (await pipeline.database.db.selectFrom('credit_ledger').select(['kind', 'amount']).where('job_id', '=', jobId).orderBy('id').execute()).map((e) => [e.kind, e.amount]);
    const clientWith = async (credits: number) => {
      const { accountId, apiKey } = await pipeline.newAccount(credits);
      return { accountId, api: new ApiClient(pipeline.api.url, apiKey) };
    };
    const stageOf = (jobId: string) => pipeline.client.workflow.getHandle(jobId).query(jobProgressQuery).then((p) => p.stage);

    test('while queued (a Veo job waiting on its submission): FAILED, refunded', async () => {
      const { api, accountId } = await clientWith(100);
      const jobId = String((await api.generate({ prompt: 'Waiting [hold]', model: 'veo3.1' })).body.job_id);
      await waitUntil('the submission to start', () => pipeline.engines.started.has(jobId));
      assert.equal(await stageOf(jobId), 'queued');
      const cancel = await api.request('POST', `/cancel/${jobId}`);
      assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error, 'The job was cancelled.');
      assert.equal(done.code, 'canceled');
      assert.deepEqual(await ledgerFor(jobId), [
        ['reserve', -VEO_COST],
        ['refund', VEO_COST],
      ]);
      assert.equal(await creditBalance(pipeline.database.db, accountId), 100);
      pipeline.engines.release();
    });

    test('while rendering: FAILED, refunded', async () => {
      const { api, accountId } = await clientWith(100);
      const jobId = String((await api.generate({ prompt: 'Rendering [hold]' })).body.job_id);
      await api.waitForJob(jobId, (b) => b.stage === 'rendering');
      const cancel = await api.request('POST', `/cancel/${jobId}`);
      assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.error, 'The job was cancelled.');
      assert.equal(done.code, 'canceled');
      assert.deepEqual(await ledgerFor(jobId), [
        ['reserve', -WAN_COST],
        ['refund', WAN_COST],
      ]);
      assert.equal(await creditBalance(pipeline.database.db, accountId), 100);
    });

    test('after COMPLETED: 409, charged, nothing refunded', async () => {
      const { api } = await clientWith(100);
      const jobId = String((await api.generate({ prompt: 'Quick' })).body.job_id);
      assert.equal((await api.waitForJob(jobId)).status, 'COMPLETED');
      const cancel = await api.request('POST', `/cancel/${jobId}`);
      assert.equal(cancel.status, 409);
      assert.match(String(cancel.body.error), /has already finished \(COMPLETED\)/);
      assert.deepEqual(await ledgerFor(jobId), [['reserve', -WAN_COST]]);
    });

    test('after FAILED: 409, refunded once', async () => {
      const { api } = await clientWith(100);
      const jobId = String((await api.generate({ prompt: 'Broken [fail]' })).body.job_id);
      assert.equal((await api.waitForJob(jobId)).status, 'FAILED');
      assert.equal((await api.request('POST', `/cancel/${jobId}`)).status, 409);
      assert.deepEqual(await ledgerFor(jobId), [
        ['reserve', -WAN_COST],
        ['refund', WAN_COST],
      ]);
    });

    test("Temporal's own cancel request (the fallback when the workflow cannot answer) during rendering: FAILED, refunded", async () => {
      const { api } = await clientWith(100);
      const jobId = String((await api.generate({ prompt: 'Rendering [hold]' })).body.job_id);
      await api.waitForJob(jobId, (b) => b.stage === 'rendering');
      await pipeline.client.workflow.getHandle(jobId).cancel();
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'FAILED');
      assert.deepEqual(await ledgerFor(jobId), [
        ['reserve', -WAN_COST],
        ['refund', WAN_COST],
      ]);
    });

    extra?.(() => pipeline);
  });
}

for (const databaseCase of databaseCases()) {
  if (databaseCase.name === 'pglite') cancelSuite('pglite', () => startPipeline(temporal, databaseCase));
}

// Finalizing is held by a row lock on the job's record, taken from another connection: the
// workflow has the video and waits in finalizeJob. (PGlite serialises every connection behind
// one transaction, so only the Postgres server can hold a stage this way.)
let postgres: ThrowawayPostgres;
cancelSuite(
  'postgres',
  async () => {
    postgres = await openTestPostgres();
    return startPipeline(temporal, { name: 'postgres', open: async () => postgres });
  },
  (get) => {
    const holdRecord = async (jobId: string) => {
      const locker = new pg.Client({ connectionString: postgres.url });
      await locker.connect();
      await locker.query('begin');
      await locker.query('select id from jobs where id = $1 for update', [jobId]);
      return async () => {
        await locker.query('commit');
        await locker.end();
      };
    };
    const waitForStage = (jobId: string, stage: string) =>
      waitUntil(`stage ${stage}`, async () => (await get().client.workflow.getHandle(jobId).query(jobProgressQuery)).stage === stage);

    test('while finalizing: 409, the job completes, charged and never refunded', async () => {
      const pipeline = get();
      const { apiKey } = await pipeline.newAccount(100);
      const api = new ApiClient(pipeline.api.url, apiKey);
      const jobId = String((await api.generate({ prompt: 'Almost done [hold]' })).body.job_id);
      await api.waitForJob(jobId, (b) => b.stage === 'rendering');
      // The render's start is written to the record too: let that land before the record is held.
      await waitUntil('the render start recorded', async () => (await pipeline.database.db.selectFrom('jobs').select('started_at').where('id', '=', jobId).executeTakeFirst())?.started_at != null);
      const unlock = await holdRecord(jobId);
      try {
        pipeline.engines.release();
        await waitForStage(jobId, 'finalizing');
        const cancel = await api.request('POST', `/cancel/${jobId}`);
        assert.equal(cancel.status, 409, JSON.stringify(cancel.body));
        assert.match(String(cancel.body.error), /too late to cancel/);
        // Temporal's own cancel request, as the fallback path sends it, is ignored too.
        await pipeline.client.workflow.getHandle(jobId).cancel();
      } finally {
        await unlock();
      }
      const done = await api.waitForJob(jobId);
      assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
      assert.equal((await fetch(String(done.video_url))).status, 200);
      const ledger = await pipeline.database.db.selectFrom('credit_ledger').select(['kind', 'amount']).where('job_id', '=', jobId).execute();
      assert.deepEqual(ledger.map((e) => [e.kind, e.amount]), [['reserve', -WAN_COST]]);
      assert.equal((await api.usage()).body.credits_remaining, 100 - WAN_COST);
    });
  },
);
