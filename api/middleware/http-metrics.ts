import type { Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Requests by route and status code, and their latency. The route is the router's pattern
 * (`/api/v1/status/:job_id`), never the raw path, so job ids do not explode the label set.
 */
export function httpMetrics(registry: Registry): Middleware {
  const requests = new Counter({ name: 'vivid_http_requests_total', help: 'HTTP requests by method, route pattern and status code.', labelNames: ['method', 'route', 'code'], registers: [registry] });
  const duration = new Histogram({
    name: 'vivid_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return async function recordHttpMetrics(ctx, next) {
    const end = duration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      requests.inc({ method: ctx.method, route, code: String(ctx.status) });
      end({ method: ctx.method, route });
    }
  };
}
