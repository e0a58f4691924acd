// The images' HEALTHCHECK: `node infra/docker/healthcheck.mjs PORT [PATH]` exits 0 when
// http://127.0.0.1:PORT/PATH (default /healthz) answers 2xx within 3 s, else 1.
/* global fetch, AbortSignal */
import process from 'node:process';

const [port, path = '/healthz'] = process.argv.slice(2);
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
