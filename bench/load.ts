/**
 * A small closed-loop load generator: N loops, each issuing its next operation as soon as the
 * last one finished. Operations completing during the warm-up are discarded; throughput and
 * latency count only those that complete inside the measured window.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface LoadResult {
  readonly concurrency: number;
  /** Operations that succeeded inside the window. */
  readonly completed: number;
  /** Operations that failed inside the window. */
  readonly errors: number;
  readonly firstError: string | undefined;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Several runs of one measurement as one: mean throughput and median, worst p99. */
export function combineLoads(runs: readonly LoadResult[]): LoadResult {
  const mean = (f: (r: LoadResult) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return {
    concurrency: runs[0]!.concurrency,
    completed: runs.reduce((n, r) => n + r.completed, 0),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    firstError: runs.find((r) => r.firstError)?.firstError,
    rps: mean((r) => r.rps),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
  };
}

/** The q-quantile (0..1) of an ascending array, nearest-rank. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export async function runClosedLoop(op: () => Promise<void>, options: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;

  const loop = async (): Promise<void> => {
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      let failed: unknown;
      try {
        await op();
      } catch (err) {
        failed = err;
      }
      const t1 = performance.now();
      if (t1 < windowStart || t1 > windowEnd) continue;
      if (failed === undefined) {
        latencies.push(t1 - t0);
      } else {
        errors++;
        firstError ??= failed instanceof Error ? failed.message : String(failed);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));

  latencies.sort((a, b) => a - b);
  return {
    concurrency: options.concurrency,
    completed: latencies.length,
    errors,
    firstError,
    rps: latencies.length / (options.durationMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
  };
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: Buffer;
}

/** One request to 127.0.0.1:port over `agent`, the whole response body read as text. */
export function send(agent: http.Agent, port: number, req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    if (req.body) headers['content-length'] = req.body.length;
    const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** A keep-alive agent with one socket per loop, destroyed after `fn`. */
export async function withAgent<T>(concurrency: number, fn: (agent: http.Agent) => Promise<T>): Promise<T> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    return await fn(agent);
  } finally {
    agent.destroy();
  }
}

/** A multipart/form-data body with text fields and one file part, built once and reused. */
export function multipartBody(fields: Record<string, string>, file: { name: string; filename: string; contentType: string; data: Buffer }): { body: Buffer; contentType: string } {
  const boundary = `----vividbench${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
