import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.js';
import { temporalJobQueue } from '../api/job-queue.js';
import type { Config } from '../infra/config.js';
import { gracefulCloser } from '../infra/net/graceful-close.js';
import { findApiKeyOwner } from '../infra/db/api-keys.js';
import type { Logger } from '../infra/log/logger.js';
import { createMetricsRegistry } from '../infra/observability/metrics-registry.js';
import { databaseReachable, temporalReachable } from '../infra/observability/readiness.js';
import { answerClientErrors, requireHost } from './http-client-errors.js';
import type { Runtime } from './runtime.js';

export interface RunningApi {
  readonly url: string;
  /** The Koa app behind the server: tests read the routes it registers. */
  readonly app: ReturnType<typeof createApp>;
  /** Stops taking requests; those under way get `STOP_GRACE_MS` to finish, long polls answer at once. */
  close(): Promise<void>;
}

/** Below the 30 s a container platform allows a stopping process before it kills it. */
const STOP_GRACE_MS = 10_000;

export async function startApiServer(config: Config, runtime: Pick<Runtime, 'database' | 'storage' | 'mediaSigner' | 'client'>, log: Logger, listen = config.http): Promise<RunningApi> {
  const { db } = runtime.database;
  const server = http.createServer({ requireHostHeader: false });
  const closer = gracefulCloser(server);
  const app = createApp({
    stopping: closer.closing,
    db,
    storage: runtime.storage,
    jobs: temporalJobQueue(runtime.client, { taskQueue: config.queues.control }),
    resolveApiKey: (key) => findApiKeyOwner(db, key),
    log,
    mediaSigner: runtime.mediaSigner,
    readiness: [databaseReachable(db), temporalReachable(runtime.client.workflowService)],
    metrics: createMetricsRegistry('api'),
    settings: {
      maxImageBytes: config.maxImageBytes,
      videoUrlTtlSeconds: config.videoUrlTtlSeconds,
      rateLimitPerMinute: config.rateLimitPerMinute,
      maxJobsInFlight: config.maxJobsInFlight,
      webhooks: config.webhooks,
      engineQueues: { wan: config.queues.wan, veo: config.queues.veo },
      veoPollIntervalSeconds: config.veoPollIntervalSeconds,
      veoDeadlineSeconds: config.veoDeadlineSeconds,
      veoModel: config.veo.model,
      publicUrl: config.http.publicUrl,
      accounts: config.accounts,
    },
  });
  server.on('request', requireHost(app.callback()));
  answerClientErrors(server);
  // Uploads of tens of MiB on slow links must not be cut off by Node's default request timeout.
  server.requestTimeout = 10 * 60 * 1000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://${listen.host === '0.0.0.0' ? 'localhost' : listen.host}:${port}`,
    close: async () => {
      const cut = await closer.close(STOP_GRACE_MS);
      if (cut.length > 0) log.warn('connections cut at stop', { graceSeconds: STOP_GRACE_MS / 1000, cut });
    },
  };
}
