import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import Router from '@koa/router';
import Koa from 'koa';
import { errorBodySchema } from '../../api/error-codes.js';
import { ApiError, badRequest, errorHandler } from '../../api/errors.js';
import { requestContext } from '../../api/request-id.js';
import { createLogger } from '../../infra/log/logger.js';

let server: http.Server;
let base: string;
const logged: Array<Record<string, unknown>> = [];

before(async () => {
  const app = new Koa();
  app.silent = true;
  const log = createLogger({ level: 'info', component: 'test', write: (line) => logged.push(JSON.parse(line) as Record<string, unknown>) });
  app.use(requestContext({ log }));
  app.use(errorHandler({ log }));
  const router = new Router();
  router.get('/things', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/teapot', () => {
    throw new ApiError(418, 'Short and stout.', { headers: { 'Retry-After': '7' } });
  });
  router.get('/broken', () => {
    throw new Error('secret internals');
  });
  router.get('/koa-throws', (ctx) => ctx.throw(409, 'Koa says conflict.'));
  router.get('/bad-cfg', () => {
    throw badRequest("Invalid parameter 'cfg': must be between 1.0 and 20.0.");
  });
  router.get('/malformed', () => {
    throw badRequest('The request body is not valid JSON.');
  });
  router.get('/unreachable', () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
  status: number;
  body: { error: string; code?: string; param?: string; request_id?: string };
  headers: Headers;
}

async function call(path: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(base + path, init);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = errorBodySchema.parse(await res.json());
  // Every error body names its request, and the header says the same id.
  assert.equal(body.request_id, res.headers.get('x-request-id'));
  return { status: res.status, body, headers: res.headers };
}

/** The body less its request id, which differs every time. */
const withoutId = ({ request_id: _id, ...rest }: Answer['body']) => rest;

test('an unknown path is a JSON 404 naming it', async () => {
  const res = await call('/nope');
  assert.deepEqual([res.status, withoutId(res.body)], [404, { error: 'No such endpoint: GET /nope', code: 'not_found' }]);
});

test('a wrong method is a JSON 405 naming the allowed ones', async () => {
  const res = await call('/things', { method: 'POST' });
  assert.equal(res.status, 405);
  assert.equal(res.body.code, 'method_not_allowed');
  assert.match(res.headers.get('allow') ?? '', /GET/);
  assert.match(res.body.error, /^Method POST is not allowed on \/things; use .*GET/);
});

test('an unsupported method is a JSON 501', async () => {
  const res = await call('/things', { method: 'PURGE' });
  assert.deepEqual([res.status, withoutId(res.body)], [501, { error: 'Method PURGE is not supported.', code: 'not_implemented' }]);
});

test("an ApiError keeps its status, message and headers, and gets its status's code", async () => {
  const res = await call('/teapot');
  assert.deepEqual([res.status, withoutId(res.body), res.headers.get('retry-after')], [418, { error: 'Short and stout.', code: 'invalid_request' }, '7']);
});

test("Koa's own client errors keep their status and get its code", async () => {
  const res = await call('/koa-throws');
  assert.deepEqual([res.status, withoutId(res.body)], [409, { error: 'Koa says conflict.', code: 'conflict' }]);
});

test('a 400 whose message names a parameter names it in param; one that names none is invalid_request', async () => {
  const named = await call('/bad-cfg');
  assert.deepEqual([named.status, withoutId(named.body)], [400, { error: "Invalid parameter 'cfg': must be between 1.0 and 20.0.", code: 'invalid_parameter', param: 'cfg' }]);
  const unnamed = await call('/malformed');
  assert.deepEqual(withoutId(unnamed.body), { error: 'The request body is not valid JSON.', code: 'invalid_request' });
});

test('an unreachable dependency is a 503 unavailable with Retry-After', async () => {
  const res = await call('/unreachable');
  assert.deepEqual([res.status, res.body.code, res.headers.get('retry-after')], [503, 'unavailable', '5']);
});

test('an unexpected error is a 500 that reveals nothing and is logged with the request id', async () => {
  const res = await call('/broken', { headers: { 'X-Request-Id': 'trace-broken-1' } });
  assert.deepEqual([res.status, res.body], [500, { error: 'An unexpected error occurred on our end.', code: 'internal', request_id: 'trace-broken-1' }]);
  const line = logged.find((l) => String(l.message).includes('GET /broken'));
  assert.equal(line?.requestId, 'trace-broken-1');
});

test('a sane X-Request-Id is kept; a missing, long or odd one is replaced by a fresh id', async () => {
  const sane = 'req_01:abc-DEF.9';
  assert.equal((await fetch(`${base}/things`, { headers: { 'X-Request-Id': sane } })).headers.get('x-request-id'), sane);
  const long = 'a'.repeat(129);
  for (const incoming of [undefined, long, 'has space', 'semi;colon', '<script>']) {
    const res = await fetch(`${base}/things`, incoming === undefined ? {} : { headers: { 'X-Request-Id': incoming } });
    const id = res.headers.get('x-request-id') ?? '';
    assert.notEqual(id, incoming);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
  assert.equal((await fetch(`${base}/things`, { headers: { 'X-Request-Id': 'a'.repeat(128) } })).headers.get('x-request-id'), 'a'.repeat(128));
});

