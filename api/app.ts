import Router from '@koa/router';
import Koa from 'koa';
import type { Kysely } from 'kysely';
import type { AccountsConfig } from '../infra/config.js';
import { countRequest } from '../infra/db/request-counts.js';
import type { Registry } from 'prom-client';
import type { Database } from '../infra/db/types.js';
import type { Logger } from '../infra/log/logger.js';
import { runChecks, type ReadinessCheck } from '../infra/observability/health-server.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import type { MediaUrlSigner } from '../infra/storage/url-signing.js';
import { errorHandler } from './errors.js';
import { requestContext } from './request-id.js';
import type { JobQueue } from './job-queue.js';
import { sessionResolver } from './auth/start-session.js';
import { loadWebSession } from './auth/web-session.js';
import type { WebhookSettings } from './routes/generate.js';
import { authenticate, type AuthState, type KeyResolver } from './middleware/authenticate.js';
import { clientAbort } from './middleware/client-abort.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { submissionMetrics } from '../infra/observability/submission-metrics.js';
import { csrfGuard } from './middleware/csrf.js';
import { rateLimit } from './middleware/rate-limit.js';
import { authRoutes } from './routes/auth.js';
import { estimateRoutes } from './routes/estimate.js';
import { referenceRoutes } from './openapi/routes.js';
import { generateRoutes } from './routes/generate.js';
import { historyRoutes } from './routes/history.js';
import { jobDetailRoutes } from './routes/job-detail.js';
import { keyRoutes } from './routes/keys.js';
import { mediaRoutes } from './routes/media.js';
import { sessionRoutes } from './routes/sessions.js';
import { statusRoutes } from './routes/status.js';
import { dailyUsageRoutes } from './routes/usage-daily.js';
import { usageRoutes } from './routes/usage.js';
import { webhookSecretRoutes } from './routes/webhook-secret.js';
import type { HealthBody, ReadinessBody } from './schemas/health.js';
import { DEFAULT_WEB_ROOT, serveWebApp } from './static-web.js';

export interface AppDeps {
  readonly db: Kysely<Database>;
  readonly storage: ObjectStorage;
  readonly jobs: JobQueue;
  readonly resolveApiKey: KeyResolver;
  readonly log: Logger;
  /** Present when media is served by this API (local storage); GCS links go to Google. */
  readonly mediaSigner?: MediaUrlSigner;
  /** Dependencies `/readyz` checks (database, Temporal); none: always ready. */
  readonly readiness?: readonly ReadinessCheck[];
  /** Aborted when the server begins to stop: requests that wait on purpose (`Prefer: wait`) answer then. */
  readonly stopping?: AbortSignal;
  /** Prometheus registry served at `/metrics`, with the HTTP metrics in it. */
  readonly metrics?: Registry;
  readonly settings: {
    readonly maxImageBytes: number;
    readonly videoUrlTtlSeconds: number;
    readonly rateLimitPerMinute: number;
    /** Jobs one account may have PROCESSING at once; 0: no limit. */
    readonly maxJobsInFlight: number;
    readonly webhooks: WebhookSettings;
    readonly engineQueues: { readonly wan: string; readonly veo: string };
    readonly veoPollIntervalSeconds: number;
    readonly veoDeadlineSeconds: number;
    /** VEO_MODEL: Veo requests are checked against this model's documented limits. */
    readonly veoModel?: string;
    /** PUBLIC_URL: its origin may post with the session cookie besides the request's own. */
    readonly publicUrl?: string;
    readonly accounts: AccountsConfig;
  };
  /** The built web app served at `/`; web/dist by default. */
  readonly webRoot?: string;
}

/** The Koa app, not yet listening: the server and the tests both drive it over HTTP. */
export function createApp(deps: AppDeps): Koa<AuthState> {
  const app = new Koa<AuthState>();
  app.proxy = true;
  app.silent = true;
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  app.use(requestContext({ log: deps.log }));
  app.use(errorHandler({ log: deps.log }));
  app.use(clientAbort(deps.log));
  app.use(serveWebApp({ root: deps.webRoot ?? DEFAULT_WEB_ROOT }));

  const open = new Router();
  open.get('/healthz', (ctx) => {
    ctx.body = { ok: true } satisfies HealthBody;
  });
  open.get('/readyz', async (ctx) => {
    const checks = await runChecks(deps.readiness ?? []);
    const ok = Object.values(checks).every((r) => r === 'ok');
    ctx.status = ok ? 200 : 503;
    ctx.body = { ok, checks } satisfies ReadinessBody;
  });
  const { metrics } = deps;
  if (metrics) {
    open.get('/metrics', async (ctx) => {
      ctx.type = metrics.contentType;
      ctx.body = await metrics.metrics();
    });
  }
  app.use(open.routes());
  app.use(referenceRoutes({ maxImageBytes: deps.settings.maxImageBytes }).routes());
  if (deps.mediaSigner) app.use(mediaRoutes({ storage: deps.storage, signer: deps.mediaSigner }).routes());

  const { settings } = deps;
  const resolveSession = sessionResolver(deps.db);
  const allowedOrigins = settings.publicUrl ? [new URL(settings.publicUrl).origin] : [];

  // Signing up and in needs no credential, so these routes sit before the authenticated ones.
  const web = new Router({ prefix: '/api/v1' });
  web.use(loadWebSession({ resolveSession, allowedOrigins }));
  for (const resource of [authRoutes({ db: deps.db, settings: settings.accounts }), sessionRoutes({ db: deps.db })]) {
    web.use(resource.routes(), resource.allowedMethods());
  }
  app.use(web.routes());

  const api = new Router<AuthState>({ prefix: '/api/v1' });
  api.use(authenticate({ resolve: deps.resolveApiKey, resolveSession }));
  api.use(csrfGuard({ allowedOrigins }));
  api.use(rateLimit({ perMinute: settings.rateLimitPerMinute, count: (subject, windowSeconds) => countRequest(deps.db, subject, windowSeconds) }));
  for (const resource of [
    generateRoutes({ db: deps.db, storage: deps.storage, jobs: deps.jobs, maxImageBytes: settings.maxImageBytes, engineQueues: settings.engineQueues, veoPollIntervalSeconds: settings.veoPollIntervalSeconds, veoDeadlineSeconds: settings.veoDeadlineSeconds, veoModel: settings.veoModel, maxJobsInFlight: settings.maxJobsInFlight, webhooks: settings.webhooks, log: deps.log, ...(metrics ? { onAccepted: submissionMetrics(metrics).accepted } : {}) }),
    estimateRoutes({ db: deps.db, storage: deps.storage, maxImageBytes: settings.maxImageBytes, veoModel: settings.veoModel, webhooks: settings.webhooks }),
    statusRoutes({ db: deps.db, storage: deps.storage, jobs: deps.jobs, videoUrlTtlSeconds: settings.videoUrlTtlSeconds, engineQueues: settings.engineQueues, ...(deps.stopping ? { stopping: deps.stopping } : {}) }),
    historyRoutes({ db: deps.db, storage: deps.storage, videoUrlTtlSeconds: settings.videoUrlTtlSeconds }),
    usageRoutes({ db: deps.db, limits: { requestsPerMinute: settings.rateLimitPerMinute, jobsInFlight: settings.maxJobsInFlight } }),
    dailyUsageRoutes({ db: deps.db }),
    jobDetailRoutes({ db: deps.db, storage: deps.storage, jobs: deps.jobs, videoUrlTtlSeconds: settings.videoUrlTtlSeconds }),
    keyRoutes({ db: deps.db }),
    webhookSecretRoutes({ db: deps.db }),
  ]) {
    api.use(resource.routes(), resource.allowedMethods());
  }
  app.use(api.routes());
  app.use(api.allowedMethods());
  return app;
}
