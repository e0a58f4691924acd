/** A Wan GPU worker alone (`npm run worker:wan`): one runtime per WAN_DEVICES entry, polling WAN_TASK_QUEUE. */
import { NativeConnection } from '@temporalio/worker';
import { activityMetrics } from '../infra/observability/activity-metrics.js';
import { createMetricsRegistry } from '../infra/observability/metrics-registry.js';
import { wanStepMetrics } from '../infra/observability/wan-metrics.js';
import { temporalReachable, workerPolling } from '../infra/observability/readiness.js';
import { temporalConnectOptions } from '../infra/temporal/connection-options.js';
import { serveWorkerHealth } from './health.js';
import { requireTemporalAddress, runService } from './service.js';
import { createStorage } from '../infra/storage/create-storage.js';
import { loadOrCreateSigningSecret, MediaUrlSigner } from '../infra/storage/url-signing.js';
import { startWanWorker } from './wan-worker.js';

await runService('wan worker', async (config, log, onStop, fail) => {
  // A GPU pool serving random weights by accident would be worse than one that refuses to start.
  if (!config.wan.model || config.wan.modelIsDefault) {
    throw new Error('No Wan model is configured: set WAN_MODEL=tiny (the development model) or WAN_MODEL_DIR=/path or gs://bucket/prefix (see README, "Wan 2.1").');
  }
  const address = requireTemporalAddress(config, 'The Wan worker');
  const secret = await loadOrCreateSigningSecret(config.dataDir, config.urlSigningSecret);
  const storage = createStorage(config.storage, new MediaUrlSigner({ secret, publicUrl: config.http.publicUrl }));
  const workerConnection = await NativeConnection.connect(await temporalConnectOptions(address, config.temporal.connection));
  onStop('the Temporal connection', () => workerConnection.close());
  const registry = createMetricsRegistry('wan');
  const wan = await startWanWorker(config, { storage, workerConnection, interceptors: { activity: [activityMetrics(registry)] } }, { log, observeStep: wanStepMetrics(registry) });
  onStop('the Wan worker (a render in progress is handed back)', () => wan.shutdown());
  wan.running.catch(fail);
  await serveWorkerHealth(config, { checks: [temporalReachable(workerConnection.workflowService), workerPolling(wan.worker)], registry, log, onStop });
  log.info('wan worker polling', { taskQueue: config.queues.wan, model: wan.model.description, devices: config.wan.devices, loadSeconds: wan.loadSeconds });
});
