/**
 * The pool scaler workflow against a real Temporal dev server and the product's own pipeline:
 * Wan jobs wait on a pool queue nobody polls, the scaler reads the backlog (DescribeTaskQueue
 * stats) and the renders in flight, and drives a recording instance group: up from zero, then
 * down only by deleting the VMs with no render, by name.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPoolScalerActivities } from '../../activities/pool-scaler.js';
import { poolScalerStateQuery } from '../../workflows/pool-scaler.js';
import type { poolScaler } from '../../workflows/index.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient, waitUntil } from '../support/http.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { RecordingInstanceGroups } from '../support/recording-instance-groups.js';
import { createTestEngines } from '../support/test-engines.js';

let temporal: TemporalFixture;
let pipeline: Pipeline;

before(async () => {
  temporal = await startTemporalFixture();
  pipeline = await startPipeline(temporal, databaseCases()[0]!, {}, { wanTestEngine: false });
});
after(async () => {
  await pipeline?.stop();
  await temporal?.stop();
});

test('scales a pool up from zero on backlog, holds while renders run, and deletes only idle VMs by name', async () => {
  const groups = new RecordingInstanceGroups();
  const scalerQueue = `scaler-${pipeline.config.queues.wan}`;
  const scalerWorker = await Worker.create({
    connection: await NativeConnection.connect({ address: temporal.server.address }),
    taskQueue: scalerQueue,
    workflowBundle: temporal.bundle,
    activities: createPoolScalerActivities({ client: pipeline.client, namespace: 'default', groups }),
  });
  const { apiKey } = await pipeline.newAccount(1000);
  const api = new ApiClient(pipeline.api.url, apiKey);

  await scalerWorker.runUntil(async () => {
    const jobs: string[] = [];
    for (const prompt of ['[hold] first', '[hold] second']) {
      const res = await api.generate({ prompt, model: 'wan2.1', width: '64', height: '64', length: '5', steps: '2' });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      jobs.push(String(res.body.job_id));
    }
    // Both renders must be on the queue (their workflows have scheduled them) before the scaler looks.
    for (const jobId of jobs) await api.waitForJob(jobId, (b) => b.stage === 'queued');
    const scaler = await pipeline.client.workflow.start<typeof poolScaler>('poolScaler', {
      taskQueue: scalerQueue,
      workflowId: `pool-scaler-${scalerQueue}`,
      args: [{
        pool: 'test',
        taskQueue: pipeline.config.queues.wan,
        group: { project: 'p', region: 'us-central1', name: 'vivid-wan-test' },
        limits: { gpusPerVm: 1, minVms: 0, maxVms: 4, cooldownSeconds: 0, scaleUpLooks: 3 },
        intervalSeconds: 1,
      }],
    });

    // Two tasks wait and no VM exists: one VM per waiting render.
    await waitUntil('a resize to 2', () => groups.targetSize === 2, 30_000);
    assert.deepEqual(groups.calls, [{ op: 'resize', size: 2 }]);
    groups.bootAll();

    // vm-a's worker takes one render (and holds it); the other still waits: demand stays 2.
    const engines = createTestEngines(pipeline.storage);
    const vmA = await Worker.create({
      connection: await NativeConnection.connect({ address: temporal.server.address }),
      taskQueue: pipeline.config.queues.wan,
      identity: '4242@vm-a.us-central1-a.c.p.internal',
      activities: engines.activities,
      maxConcurrentActivityTaskExecutions: 1,
    });
    await vmA.runUntil(async () => {
      const rendering = async (): Promise<string | undefined> => {
        for (const id of jobs) if ((await api.status(id)).body.stage === 'rendering') return id;
        return undefined;
      };
      await waitUntil('a render on vm-a', async () => (await rendering()) !== undefined, 30_000);
      const first = (await rendering())!;
      const second = jobs.find((j) => j !== first)!;
      await waitUntil('a decision with one render in flight', async () => (await scaler.query(poolScalerStateQuery)).lastDecision?.kind === 'hold');
      assert.deepEqual(groups.calls, [{ op: 'resize', size: 2 }]);

      // First render done, vm-a takes the second: one render, no backlog. vm-b is idle and goes; vm-a stays.
      engines.control.release();
      await api.waitForJob(first);
      await waitUntil('vm-b deleted', () => groups.calls.length === 2, 30_000);
      assert.deepEqual(groups.calls[1], { op: 'delete', names: ['vm-b'] });
      assert.deepEqual(groups.vms.map((v) => v.name), ['vm-a']);

      // Last render done: the now idle vm-a goes too, and the pool is back at zero.
      await api.waitForJob(second, (b) => b.stage === 'rendering');
      engines.control.release();
      await api.waitForJob(second);
      await waitUntil('vm-a deleted', () => groups.calls.length === 3, 30_000);
    });
    assert.deepEqual(groups.calls[2], { op: 'delete', names: ['vm-a'] });
    assert.equal(groups.targetSize, 0);
    assert.ok(!groups.calls.some((c) => c.op === 'resize' && c.size < 2), 'the scaler resized down instead of deleting by name');
    await scaler.terminate('test done');
  });
});
