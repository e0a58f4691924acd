import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** One dependency a process needs to do its work; it throws when that dependency is unreachable. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * A worker's own small HTTP server (the API serves the same paths on its port):
 *   /healthz  the process is alive (200)
 *   /readyz   every dependency answers (200), else 503 naming the failing ones
 *   /metrics  Prometheus text from the process's registry
 */
export async function startHealthServer(options: { host: string; port: number; checks: readonly ReadinessCheck[]; registry: Registry }): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    void respond(req.url ?? '/', options).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function respond(url: string, options: { checks: readonly ReadinessCheck[]; registry: Registry }): Promise<{ status: number; type: string; body: string }> {
  const path = url.split('?')[0];
  if (path === '/healthz') return json(200, { ok: true });
  if (path === '/readyz') {
    const results = await runChecks(options.checks);
    const ok = Object.values(results).every((r) => r === 'ok');
    return json(ok ? 200 : 503, { ok, checks: results });
  }
  if (path === '/metrics') return { status: 200, type: options.registry.contentType, body: await options.registry.metrics() };
  return json(404, { error: `Not found: ${path}` });
}

/** Each check's result: `ok` or the reason it failed. */
export async function runChecks(checks: readonly ReadinessCheck[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      });
      try {
        await Promise.race([c.check(), timeout]);
        return [c.name, 'ok'] as const;
      } catch (err) {
        return [c.name, err instanceof Error ? err.message : String(err)] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}

function json(status: number, body: unknown): { status: number; type: string; body: string } {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}
