import type { RuntimeOptions } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import type { Config } from '../infra/config.js';
import { startHealthServer, type ReadinessCheck } from '../infra/observability/health-server.js';
import type { Logger } from '../infra/log/logger.js';
import type { OnStop } from './service.js';

/** A worker's /healthz, /readyz and /metrics on VIVID_METRICS_PORT, when set (images and Terraform set it). */
export async function serveWorkerHealth(
  config: Pick<Config, 'metricsPort' | 'http'>,
  parts: { checks: readonly ReadinessCheck[]; registry: Registry; log: Logger; onStop: OnStop },
): Promise<void> {
  if (config.metricsPort === undefined) return;
  const server = await startHealthServer({ host: config.http.host, port: config.metricsPort, checks: parts.checks, registry: parts.registry });
  parts.onStop('the health server', () => server.close());
  parts.log.info('health and metrics listening', { url: server.url, paths: ['/healthz', '/readyz', '/metrics'] });
}

/**
 * The Temporal SDK's metrics (task latencies, slots, polls, sticky cache) on their own port, when
 * VIVID_TEMPORAL_METRICS_PORT is set: the SDK's core exports them itself. Part of the one
 * Runtime.install every service makes (workers/service.ts), before any Temporal connection.
 */
export function temporalTelemetry(config: Pick<Config, 'temporalMetricsPort' | 'http'>): RuntimeOptions['telemetryOptions'] | undefined {
  if (config.temporalMetricsPort === undefined) return undefined;
  return { metrics: { prometheus: { bindAddress: `${config.http.host}:${config.temporalMetricsPort}` } } };
}
