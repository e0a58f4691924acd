/** The control worker alone: job workflows and their bookkeeping (`npm run worker:control`). */
import { databaseReachable, temporalReachable, workerPolling } from '../infra/observability/readiness.js';
import { activityMetrics } from '../infra/observability/activity-metrics.js';
import { createMetricsRegistry } from '../infra/observability/metrics-registry.js';
import { createControlWorker } from './control-worker.js';
import { serveWorkerHealth } from './health.js';
import { startOrphanedJobSweeper } from './orphaned-jobs.js';
import { openRuntime } from './runtime.js';
import { requireTemporalAddress, runService } from './service.js';
import { prebuiltWorkflowBundle } from './workflow-bundle.js';

await runService('control worker', async (config, log, onStop, fail) => {
  const runtime = await openRuntime(config, requireTemporalAddress(config, 'The control worker'));
  onStop('the database and Temporal connections', () => runtime.close());
  const bundle = prebuiltWorkflowBundle(config.workflowBundle);
  const registry = createMetricsRegistry('control');
  const worker = await createControlWorker(config, runtime, bundle, { activity: [activityMetrics(registry)] });
  const running = worker.run();
  onStop('the control worker', async () => {
    worker.shutdown();
    await running;
  });
  running.catch(fail);
  const sweeper = startOrphanedJobSweeper({ db: runtime.database.db, client: runtime.client, log, graceSeconds: config.orphanedJobGraceSeconds });
  onStop('the orphaned-job sweeper', () => sweeper.stop());
  await serveWorkerHealth(config, {
    checks: [temporalReachable(runtime.workerConnection.workflowService), databaseReachable(runtime.database.db), workerPolling(worker)],
    registry,
    log,
    onStop,
  });
  log.info('control worker polling', { taskQueue: config.queues.control, workflowBundle: bundle ? 'prebuilt' : 'bundled at start' });
});
