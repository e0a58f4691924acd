import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema } from '../../api/error-codes.js';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { WebClient } from '../support/web-client.js';

const PASSWORD = 'correct horse battery';

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** A sample of errors on every route: each keeps its status and `error`, and adds its code, its param and the request's id. */
describe('error codes on every route', () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;
  let api: ApiClient;
  let web: WebClient;

  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCases()[0]!, { SIGNIN_MAX_FAILURES_PER_EMAIL: '2' });
    api = new ApiClient(pipeline.api.url, (await pipeline.newAccount(1_000)).apiKey);
    web = new WebClient(pipeline.api.url);
    assert.equal((await web.signUp(`errors-${randomBytes(4).toString('hex')}@example.com`, PASSWORD)).status, 201);
  });
  after(async () => {
    await pipeline.stop();
    await temporal.stop();
  });

  function expectError(res: Answer, status: number, code: string, param?: string): void {
    const what = `${status} ${code}: got ${res.status} ${JSON.stringify(res.body)}`;
    assert.equal(res.status, status, what);
    const body = errorBodySchema.parse(res.body);
    assert.equal(body.code, code, what);
    assert.equal(body.param, param, what);
    assert.match(body.request_id ?? '', /^[0-9a-f-]{36}$/, what);
    assert.equal(body.request_id, res.headers.get('x-request-id'), what);
  }

  const noKey = () => new ApiClient(pipeline.api.url, undefined);
  const wrongKey = () => new ApiClient(pipeline.api.url, 'vf_not-a-key');

  test('jobs: /generate, /status, /cancel, /jobs', async () => {
    expectError(await noKey().generate({ prompt: 'x' }), 401, 'unauthorized');
    expectError(await api.generate({ prompt: 'x', steps: '0' }), 400, 'invalid_parameter', 'steps');
    expectError(await api.request('POST', '/generate', 'prompt=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, 'missing_image', 'image');
    expectError(await api.request('POST', '/generate', imageForm({ prompt: 'x' }), { 'Idempotency-Key': 'caf\u00e9 key' }), 400, 'invalid_parameter', 'Idempotency-Key');
    expectError(await api.request('POST', '/generate', imageForm({ prompt: 'x' }, makePng(32, 32))), 400, 'invalid_parameter', 'image');

    const key = `retry-${randomUUID()}`;
    assert.equal((await api.request('POST', '/generate', imageForm({ prompt: 'first [fail]' }), { 'Idempotency-Key': key })).status, 202);
    expectError(await api.request('POST', '/generate', imageForm({ prompt: 'another' }), { 'Idempotency-Key': key }), 422, 'idempotency_key_reused');

    expectError(await wrongKey().status(randomUUID()), 401, 'unauthorized');
    expectError(await api.status(randomUUID()), 404, 'not_found');
    expectError(await api.status('not-a-uuid'), 404, 'not_found');
    expectError(await api.request('GET', `/jobs/${randomUUID()}`), 404, 'not_found');
    expectError(await api.request('POST', `/cancel/${randomUUID()}`), 404, 'not_found');

    const failed = String((await api.generate({ prompt: 'Cursed [fail]' })).body.job_id);
    assert.equal((await api.waitForJob(failed)).status, 'FAILED');
    expectError(await api.request('POST', `/cancel/${failed}`), 409, 'conflict');
    expectError(await api.request('DELETE', `/status/${failed}`), 405, 'method_not_allowed');
  });

  test('history and usage', async () => {
    expectError(await api.history('?limit=0'), 400, 'invalid_parameter', 'limit');
    expectError(await api.history('?status=DONE'), 400, 'invalid_parameter', 'status');
    expectError(await api.history('?created_after=yesterday'), 400, 'invalid_parameter', 'created_after');
    expectError(await api.history('?cursor=bogus'), 400, 'invalid_parameter', 'cursor');
    expectError(await noKey().history(), 401, 'unauthorized');
    expectError(await wrongKey().usage(), 401, 'unauthorized');
    expectError(await api.request('POST', '/usage'), 405, 'method_not_allowed');
    expectError(await api.request('PUT', '/usage/daily'), 405, 'method_not_allowed');
    expectError(await noKey().request('GET', '/usage/daily'), 401, 'unauthorized');
  });

  test('keys and sessions', async () => {
    expectError(await api.request('GET', '/keys'), 403, 'forbidden');
    expectError(await web.request('POST', '/keys', { name: '' }), 400, 'invalid_parameter', 'name');
    expectError(await web.request('POST', '/keys', { name: 'k', extra: 1 }), 400, 'invalid_request');
    expectError(await web.request('DELETE', `/keys/${randomUUID()}`), 404, 'not_found');
    // A cookie request from another origin, or without the web app's header, is refused.
    expectError(await web.withOptions({ origin: 'https://evil.example' }).request('POST', '/keys', { name: 'k' }), 403, 'forbidden');
    expectError(await web.withOptions({ clientHeader: false }).request('POST', '/keys', { name: 'k' }), 403, 'forbidden');
    expectError(await web.request('DELETE', `/auth/sessions/${randomUUID()}`), 404, 'not_found');
    expectError(await new WebClient(pipeline.api.url).request('GET', '/auth/sessions'), 401, 'unauthorized');
  });

  test('signing up and in', async () => {
    expectError(await web.request('POST', '/auth/signup', 'email=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    expectError(await web.request('POST', '/auth/signup', JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(20 * 1024) })), 413, 'payload_too_large');
    expectError(await web.request('POST', '/auth/signup', '{"email":'), 400, 'invalid_request');
    expectError(await web.request('POST', '/auth/signup', { email: 'not an email', password: PASSWORD }), 400, 'invalid_parameter', 'email');
    expectError(await web.request('POST', '/auth/signup', { email: 'short@example.com', password: 'short' }), 400, 'invalid_parameter', 'password');
    expectError(await web.request('POST', '/auth/signin-link', { token: 'nope' }), 401, 'unauthorized');
    expectError(await new WebClient(pipeline.api.url).request('GET', '/auth/session'), 401, 'unauthorized');
    expectError(await web.request('POST', '/auth/password', { current_password: 'wrong password', new_password: 'another good one' }), 400, 'invalid_parameter', 'current_password');

    const stranger = new WebClient(pipeline.api.url, { forwardedFor: '10.9.8.7' });
    const address = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    expectError(await stranger.signIn(address, 'wrong password'), 401, 'unauthorized');
    expectError(await stranger.signIn(address, 'wrong password'), 401, 'unauthorized');
    expectError(await stranger.signIn(address, 'wrong password'), 429, 'rate_limited');
  });

  test('outside /api/v1: unknown paths and methods, media links', async () => {
    expectError(await api.request('GET', '/nope'), 404, 'not_found');
    expectError(await api.request('PURGE', '/usage'), 501, 'not_implemented');
    const res = await fetch(`${pipeline.api.url}/media/jobs/x/video.mp4?expires=1&signature=bad`);
    expectError({ status: res.status, body: await res.json(), headers: res.headers }, 403, 'forbidden');
  });
});

function imageForm(fields: Record<string, string>, image = makePng(96, 64)): FormData {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(image)]), 'a.png');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}
