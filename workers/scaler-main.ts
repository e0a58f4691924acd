/**
 * The GPU pool scaler (`npm run worker:scaler`): a worker on SCALER_TASK_QUEUE running the
 * poolScaler workflows, and one such workflow per pool in SCALER_POOLS (id `pool-scaler-<name>`,
 * restarted with the current settings at each start).
 */
import { Worker } from '@temporalio/worker';
import { createPoolScalerActivities } from '../activities/pool-scaler.js';
import { ComputeInstanceGroups } from '../infra/compute/instance-groups.js';
import { createMetricsRegistry } from '../infra/observability/metrics-registry.js';
import { temporalReachable, workerPolling } from '../infra/observability/readiness.js';
import type { poolScaler } from '../workflows/index.js';
import { workflowsPath } from './control-worker.js';
import { serveWorkerHealth } from './health.js';
import { openRuntime } from './runtime.js';
import { requireTemporalAddress, runService } from './service.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';

await runService('pool scaler', async (config, log, onStop, fail) => {
  const { scaler } = config;
  if (!scaler.project || scaler.pools.length === 0) throw new Error('The pool scaler needs SCALER_PROJECT and SCALER_POOLS (Terraform sets both).');
  const runtime = await openRuntime(config, requireTemporalAddress(config, 'The pool scaler'));
  onStop('the database and Temporal connections', () => runtime.close());
  const bundle = prebuiltWorkflowBundle(config.workflowBundle);
  const worker = await Worker.create({
    connection: runtime.workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: scaler.taskQueue,
    ...(bundle ? { workflowBundle: bundle } : { workflowsPath }),
    activities: createPoolScalerActivities({ client: runtime.client, namespace: config.temporal.namespace, groups: new ComputeInstanceGroups() }),
  });
  const running = worker.run();
  onStop('the pool scaler', async () => {
    worker.shutdown();
    await running;
  });
  running.catch(fail);
  for (const pool of scaler.pools) {
    await runtime.client.workflow.start<typeof poolScaler>('poolScaler', {
      taskQueue: scaler.taskQueue,
      workflowId: `pool-scaler-${pool.name}`,
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      args: [{
        pool: pool.name,
        taskQueue: pool.taskQueue,
        group: { project: scaler.project, region: pool.region, name: pool.instanceGroupManager },
        limits: { gpusPerVm: pool.gpusPerVm, minVms: pool.minVms, maxVms: pool.maxVms, cooldownSeconds: scaler.cooldownSeconds, scaleUpLooks: scaler.scaleUpLooks },
        intervalSeconds: scaler.intervalSeconds,
      }],
    });
  }
  await serveWorkerHealth(config, { checks: [temporalReachable(runtime.workerConnection.workflowService), workerPolling(worker)], registry: createMetricsRegistry('scaler'), log, onStop });
  log.info('pool scaler running', { pools: scaler.pools.map((p) => p.name), taskQueue: scaler.taskQueue });
});
