/**
 * Worker versioning of the control worker (VIVID_BUILD_ID): on a real dev server, a job started
 * once the build is the deployment's current version runs on it PINNED, so a later version never
 * takes over a running job's workflow tasks.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import proto from '@temporalio/proto';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';

let temporal: TemporalFixture;
let pipeline: Pipeline;

before(async () => {
  temporal = await startTemporalFixture();
  pipeline = await startPipeline(temporal, databaseCases()[0]!, { VIVID_BUILD_ID: 'build-1', VIVID_WORKER_DEPLOYMENT: 'vivid-control-test' });
});
after(async () => {
  await pipeline?.stop();
  await temporal?.stop();
});

test('with VIVID_BUILD_ID the control worker joins its deployment and videoJob runs PINNED to that build', async () => {
  const service = pipeline.client.workflowService;
  // The deployment version exists once the worker has polled; then it is made current, as a rollout does.
  await waitUntil('the version is current', async () => {
    try {
      await service.setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName: 'vivid-control-test', buildId: 'build-1', identity: 'test' });
      return true;
    } catch {
      return false;
    }
  }, 30_000);

  const { apiKey } = await pipeline.newAccount(100);
  const api = new ApiClient(pipeline.api.url, apiKey);
  const res = await api.generate({ prompt: 'a pinned job', model: 'wan2.1', width: '64', height: '64', length: '5', steps: '2' });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const jobId = String(res.body.job_id);
  const done = await api.waitForJob(jobId);
  assert.equal(done.status, 'COMPLETED', JSON.stringify(done));

  const { raw } = await pipeline.client.workflow.getHandle(jobId).describe();
  const info = raw.workflowExecutionInfo?.versioningInfo;
  assert.equal(info?.behavior, proto.temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);
  assert.equal(info?.deploymentVersion?.buildId, 'build-1');
  assert.equal(info?.deploymentVersion?.deploymentName, 'vivid-control-test');
});
