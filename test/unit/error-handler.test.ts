import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { ApiError, errorHandler } from '../../api/errors.js';

let server: http.Server;
let base: string;
const logged: string[] = [];

before(async () => {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler((message) => logged.push(message)));
  const router = new Router();
  router.get('/things', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/teapot', () => {
    throw new ApiError(418, 'Short and stout.', { 'Retry-After': '7' });
  });
  router.get('/broken', () => {
    throw new Error('secret internals');
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(base + path, init);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

test('an unknown path is a JSON 404 naming it', async () => {
  assert.deepEqual(await call('/nope').then((r) => [r.status, r.body]), [404, { error: 'No such endpoint: GET /nope' }]);
});

test('a wrong method is a JSON 405 naming the allowed ones', async () => {
  const res = await call('/things', { method: 'POST' });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow') ?? '', /GET/);
  assert.match((res.body as { error: string }).error, /^Method POST is not allowed on \/things; use .*GET/);
});

test('an unsupported method is a JSON 501', async () => {
  const res = await call('/things', { method: 'PURGE' });
  assert.deepEqual([res.status, res.body], [501, { error: 'Method PURGE is not supported.' }]);
});

test('an ApiError keeps its status, message and headers', async () => {
  const res = await call('/teapot');
  assert.deepEqual([res.status, res.body, res.headers.get('retry-after')], [418, { error: 'Short and stout.' }, '7']);
});

test('an unexpected error is a 500 that reveals nothing and is logged', async () => {
  const res = await call('/broken');
  assert.deepEqual([res.status, res.body], [500, { error: 'An unexpected error occurred on our end.' }]);
  assert.ok(logged.some((m) => m.includes('GET /broken')));
});
