/** The Veo worker alone (`npm run worker:veo`): Veo 3.1 on Vertex AI for the Veo queue. */
import { NativeConnection } from '@temporalio/worker';
import { createVeoClient } from '../infra/engines/veo/client.js';
import { activityMetrics } from '../infra/observability/activity-metrics.js';
import { createMetricsRegistry } from '../infra/observability/metrics-registry.js';
import { temporalReachable, workerPolling } from '../infra/observability/readiness.js';
import { temporalConnectOptions } from '../infra/temporal/connection-options.js';
import { serveWorkerHealth } from './health.js';
import { requireTemporalAddress, runService } from './service.js';
import { createVeoWorker, openEngineStorage } from './veo-worker.js';

await runService('veo worker', async (config, log, onStop, fail) => {
  if (!config.veo.enabled) {
    throw new Error('Veo is not configured: set VEO_API_KEY (Vertex express mode) or GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION (see README, "Veo 3.1").');
  }
  // A credentials problem is named before anything else starts (no metadata-server probing).
  createVeoClient(config.veo);
  const address = requireTemporalAddress(config, 'The Veo worker');
  const storage = await openEngineStorage(config);
  const workerConnection = await NativeConnection.connect(await temporalConnectOptions(address, config.temporal.connection));
  onStop('the Temporal connection', () => workerConnection.close());
  const registry = createMetricsRegistry('veo');
  const worker = await createVeoWorker(config, { storage, workerConnection, log, interceptors: { activity: [activityMetrics(registry)] } });
  const running = worker.run();
  onStop('the Veo worker', async () => {
    worker.shutdown();
    await running;
  });
  running.catch(fail);
  await serveWorkerHealth(config, { checks: [temporalReachable(workerConnection.workflowService), workerPolling(worker)], registry, log, onStop });
  log.info('veo worker polling', { taskQueue: config.queues.veo, model: config.veo.model, auth: config.veo.auth?.kind });
});
