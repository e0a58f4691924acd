import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { creditBalance, reserveJobCredits } from '../../infra/db/credits.js';
import { insertJob } from '../../infra/db/jobs.js';
import { createLogger } from '../../infra/log/logger.js';
import { ORPHANED_JOB_ERROR, sweepOrphanedJobs } from '../../workers/orphaned-jobs.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

/** A job recorded by an API that died before starting its workflow is ended and refunded; a live one is left alone. */
describe('the orphaned-job sweep', () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;

  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCases()[0]!);
  });
  after(async () => {
    await pipeline?.stop();
    await temporal?.stop();
  });

  test('fails and refunds a PROCESSING job with no workflow, and leaves running jobs alone', async () => {
    const { accountId, apiKey } = await pipeline.newAccount(100);
    const db = pipeline.database.db;
    const api = new ApiClient(pipeline.api.url, apiKey);
    const live = await api.generate({ prompt: 'still rendering [hold]', width: '64', height: '64', length: '5', steps: '2' });
    assert.equal(live.status, 202);
    await api.waitForJob(String(live.body.job_id), (b) => b.stage === 'rendering' || b.stage === 'queued');

    const orphan = randomUUID();
    await insertJob(db, { id: orphan, accountId, model: 'wan2.1', prompt: 'never queued', params: {}, cost: 6, inputKey: `jobs/${orphan}/input` });
    await reserveJobCredits(db, { jobId: orphan, accountId, amount: 6 });
    const before = await creditBalance(db, accountId);

    const log = createLogger({ level: 'error', component: 'test' });
    // Within the grace period nothing is touched: the API may still be starting the workflow.
    assert.equal(await sweepOrphanedJobs({ db, client: pipeline.client, log, graceSeconds: 60 }), 0);
    const ended = await sweepOrphanedJobs({ db, client: pipeline.client, log, graceSeconds: 60, now: new Date(Date.now() + 120_000) });
    assert.equal(ended, 1);

    const status = await api.status(orphan);
    assert.equal(status.body.status, 'FAILED');
    assert.equal(status.body.error, ORPHANED_JOB_ERROR);
    assert.equal(status.body.code, 'engine_error');
    assert.equal(await creditBalance(db, accountId), before + 6);
    assert.equal((await api.status(String(live.body.job_id))).body.status, 'PROCESSING');
    // A second sweep refunds nothing twice.
    assert.equal(await sweepOrphanedJobs({ db, client: pipeline.client, log, graceSeconds: 60, now: new Date(Date.now() + 120_000) }), 0);
    assert.equal(await creditBalance(db, accountId), before + 6);
  });
});
