import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { errorHandler } from '../../api/errors.js';
import { serveWebApp } from '../../api/static-web.js';
import { createLogger } from '../../infra/log/logger.js';

const INDEX = '<!doctype html><title>app</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
const servers: http.Server[] = [];
let dir: string;
let base: string;

async function serve(root: string): Promise<string> {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler({ log: createLogger({ level: 'error', component: 'test', write: () => {} }) }));
  app.use(serveWebApp({ root }));
  const api = new Router({ prefix: '/api/v1' });
  api.get('/ping', (ctx) => (ctx.body = { pong: true }));
  app.use(api.routes());
  const server = http.createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vivid-web-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'index.html'), INDEX);
  await writeFile(path.join(dir, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
  await writeFile(path.join(dir, 'robots.txt'), 'User-agent: *');
  await writeFile(path.join(path.dirname(dir), 'vivid-web-secret.txt'), 'secret');
  base = await serve(dir);
});

after(async () => {
  for (const s of servers) s.close();
  await rm(dir, { recursive: true, force: true });
  await rm(path.join(path.dirname(dir), 'vivid-web-secret.txt'), { force: true });
});

describe('the web app served by the API', () => {
  it('serves index.html at / and for client routes, revalidated every time, with a same-origin policy', async () => {
    for (const route of ['/', '/history', '/history/5f0c', '/sign-in/link', '/account?x=1']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, route);
      assert.equal(await res.text(), INDEX, route);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
    }
  });

  it('serves hashed assets as immutable with their type', async () => {
    const res = await fetch(`${base}/assets/app-1a2b3c.js`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'console.log(1)');
    assert.match(res.headers.get('content-type')!, /^text\/javascript/);
    assert.match(res.headers.get('cache-control')!, /immutable/);
    const other = await fetch(`${base}/robots.txt`);
    assert.equal(other.status, 200);
    assert.doesNotMatch(other.headers.get('cache-control')!, /immutable/);
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${base}/assets/app-1a2b3c.js`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '14');
    assert.equal(await res.text(), '');
  });

  it('never answers the API, media, health or docs paths with the app', async () => {
    assert.deepEqual(await (await fetch(`${base}/api/v1/ping`)).json(), { pong: true });
    for (const route of ['/api/v1/nothing', '/api', '/media/abc', '/healthz', '/docs']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 404, route);
      assert.match(res.headers.get('content-type')!, /json/, route);
    }
  });

  it('gives a missing asset a 404, not the app', async () => {
    for (const route of ['/assets/gone-123.js', '/favicon.ico']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 404, route);
      assert.match(res.headers.get('content-type')!, /json/);
    }
  });

  it('never serves a file outside its folder', async () => {
    for (const route of ['/..%2fvivid-web-secret.txt', '/assets/..%2f..%2fvivid-web-secret.txt', '/%2e%2e/vivid-web-secret.txt']) {
      const res = await fetch(base + route);
      assert.notEqual(await res.text(), 'secret', route);
    }
  });

  it('leaves other methods to the API', async () => {
    const res = await fetch(`${base}/`, { method: 'POST' });
    assert.equal(res.status, 404);
  });

  it('says how to build the app when it has not been built', async () => {
    const empty = await serve(path.join(dir, 'no-such-build'));
    const res = await fetch(`${empty}/history`);
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:web/);
  });
});
