import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type Router from '@koa/router';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { makePng } from '../support/images.js';
import { OpenApiValidator, routeKey } from '../support/openapi-validator.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { WebClient } from '../support/web-client.js';

/** Every method and path the running app's routers answer (HEAD comes with each GET). */
function registeredRoutes(app: Pipeline['api']['app']): Set<string> {
  const routes = new Set<string>();
  for (const middleware of app.middleware) {
    const router = (middleware as { router?: Router }).router;
    if (!router) continue;
    for (const layer of router.stack) {
      for (const method of layer.methods) if (method !== 'HEAD') routes.add(routeKey(method, String(layer.path)));
    }
  }
  return routes;
}

function documentedRoutes(document: Record<string, unknown>): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) routes.add(routeKey(method, path));
  }
  return routes;
}

const form = (fields: Record<string, string>, image?: Buffer) => {
  const body = new FormData();
  if (image) body.append('image', new Blob([new Uint8Array(image)]), 'source.png');
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return body;
};

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

const [databaseCase] = databaseCases();

describe('the OpenAPI document', () => {
  let pipeline: Pipeline;
  let doc: OpenApiValidator;
  before(async () => {
    // Limits on, so the rate-limit headers are sent and must be documented.
    pipeline = await startPipeline(temporal, databaseCase!, { RATE_LIMIT_PER_MINUTE: '10000', MAX_JOBS_IN_FLIGHT: '50' });
    const res = await fetch(`${pipeline.api.url}/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    doc = new OpenApiValidator((await res.json()) as Record<string, unknown>);
  });
  after(async () => {
    await pipeline.stop();
  });

  test('is OpenAPI 3.1, needs no key, and names both credentials', () => {
    assert.equal(doc.document.openapi, '3.1.0');
    const schemes = (doc.document.components as { securitySchemes: Record<string, { in: string; name: string }> }).securitySchemes;
    assert.deepEqual({ in: schemes.ApiKey!.in, name: schemes.ApiKey!.name }, { in: 'header', name: 'X-API-Key' });
    assert.equal(schemes.SessionCookie!.in, 'cookie');
    assert.deepEqual(doc.operation('GET', '/api/v1/keys').security, [{ SessionCookie: [] }]);
  });

  test('lists every route the app registers, and no other', () => {
    const registered = registeredRoutes(pipeline.api.app);
    const documented = documentedRoutes(doc.document);
    // The walk must have found the routers at all, or the comparison proves nothing.
    for (const route of ['POST /api/v1/generate', 'POST /api/v1/estimate', 'GET /api/v1/status/{}', 'POST /api/v1/auth/signin', 'GET /media/{}', 'GET /metrics', 'GET /docs']) {
      assert.ok(registered.has(route), `${route} is registered`);
    }
    assert.deepEqual([...registered].filter((r) => !documented.has(r)).sort(), [], 'registered but not documented');
    assert.deepEqual([...documented].filter((r) => !registered.has(r)).sort(), [], 'documented but not registered');
  });

  test('declares each path parameter, names each operation once and resolves each reference', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.document.paths as Record<string, Record<string, { operationId: string; parameters?: unknown[]; responses: Record<string, unknown> }>>)) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
        ids.add(op.operationId);
        const params = (op.parameters ?? []).map((p) => doc.resolve(p) as { name: string; in: string; required?: boolean });
        const inPath = params.filter((p) => p.in === 'path');
        assert.deepEqual(inPath.map((p) => p.name).sort(), [...templated].sort(), `${method} ${path}: its path parameters`);
        for (const p of inPath) assert.equal(p.required, true, `${method} ${path}: ${p.name} is required`);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has answers`);
        for (const [status, response] of Object.entries(op.responses)) {
          assert.match(status, /^[1-5]\d\d$/);
          assert.equal(typeof doc.resolve(response).description, 'string', `${method} ${path} ${status} is described`);
        }
      }
    }
    // Every component schema compiles as JSON Schema 2020-12.
    for (const [name, schema] of Object.entries((doc.document.components as { schemas: Record<string, Record<string, unknown>> }).schemas)) {
      assert.doesNotThrow(() => doc.validator(schema), name);
    }
  });

  test('states the contract\'s defaults and ranges', () => {
    const body = doc.operation('POST', '/api/v1/generate').requestBody as { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>>; required: string[] } }> };
    const schema = body.content['multipart/form-data']!.schema;
    assert.deepEqual(schema.required.sort(), ['image', 'prompt']);
    const p = schema.properties;
    assert.deepEqual([p.model!.default, p.cfg!.default, p.width!.default, p.height!.default, p.length!.default, p.steps!.default], ['wan2.1', 7.5, 1280, 720, 81, 30]);
    assert.deepEqual([p.cfg!.minimum, p.cfg!.maximum, p.steps!.minimum, p.steps!.maximum, p.width!.multipleOf], [1, 20, 1, 100, 16]);
    assert.deepEqual([p.duration_seconds!.default, p.duration_seconds!.enum, p.resolution!.default, p.person_generation!.default], [4, [4, 6, 8], '720p', 'allow_adult']);
    assert.deepEqual([p.generate_audio!.type, p.generate_audio!.default, p.enhance_prompt!.default], ['boolean', false, false]);
    const limit = (doc.operation('GET', '/api/v1/history').parameters as { name: string; schema: Record<string, unknown> }[]).find((q) => q.name === 'limit')!;
    assert.deepEqual([limit.schema.default, limit.schema.minimum, limit.schema.maximum], [20, 1, 100]);
  });

  test('describes the real answers of the running stack, successes and errors', async () => {
    const { apiKey } = await pipeline.newAccount(1000);
    const client = new ApiClient(pipeline.api.url, apiKey);
    const image = makePng(96, 64, 3);
    const check = (method: string, template: string, res: { status: number; headers: Headers; body: unknown }) => doc.check(method, template, res);

    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${pipeline.api.url}${path}`);
      check('GET', path, { status: res.status, headers: res.headers, body: await res.json() });
    }

    const small = { prompt: 'A kite over a beach', width: '320', height: '176', length: '17', steps: '4' };
    const estimate = await client.request('POST', '/estimate', form(small, image));
    assert.equal(estimate.status, 200, JSON.stringify(estimate.body));
    check('POST', '/api/v1/estimate', estimate);
    check('POST', '/api/v1/estimate', await client.request('POST', '/estimate', JSON.stringify({ prompt: 'x', model: 'veo3.1', generate_audio: true }), { 'Content-Type': 'application/json' }));
    check('POST', '/api/v1/estimate', await client.request('POST', '/estimate', JSON.stringify({ prompt: 'x', steps: 0 }), { 'Content-Type': 'application/json' }));
    check('POST', '/api/v1/estimate', await client.request('POST', '/estimate', 'prompt=x', { 'Content-Type': 'text/plain' }));

    const accepted = await client.request('POST', '/generate', form(small, image), { 'Idempotency-Key': 'openapi-1' });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    check('POST', '/api/v1/generate', accepted);
    const replay = await client.request('POST', '/generate', form(small, image), { 'Idempotency-Key': 'openapi-1' });
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    check('POST', '/api/v1/generate', replay);
    check('POST', '/api/v1/generate', await client.request('POST', '/generate', form({ ...small, steps: '5' }, image), { 'Idempotency-Key': 'openapi-1' }));
    check('POST', '/api/v1/generate', await client.request('POST', '/generate', form({ prompt: 'no image' })));
    check('POST', '/api/v1/generate', await new ApiClient(pipeline.api.url, undefined).request('POST', '/generate', form(small, image)));
    const poor = await pipeline.newAccount(0);
    check('POST', '/api/v1/generate', await new ApiClient(pipeline.api.url, poor.apiKey).request('POST', '/generate', form(small, image)));

    const jobId = String(accepted.body.job_id);
    check('GET', '/api/v1/status/{job_id}', await client.status(jobId));
    const done = await client.waitForJob(jobId);
    assert.equal(done.status, 'COMPLETED');
    check('GET', '/api/v1/status/{job_id}', await client.status(jobId));
    check('GET', '/api/v1/status/{job_id}', await client.status('00000000-0000-4000-8000-000000000000'));
    const failed = await client.request('POST', '/generate', form({ ...small, prompt: 'A storm [fail]' }, image));
    // Waited on from its start: answered when it ends, with the preference applied.
    const waited = await client.request('GET', `/status/${String(failed.body.job_id)}`, undefined, { Prefer: 'wait=30' });
    assert.equal(waited.body.status, 'FAILED', JSON.stringify(waited.body));
    check('GET', '/api/v1/status/{job_id}', waited);
    check('GET', '/api/v1/status/{job_id}', await client.status(String(failed.body.job_id)));
    check('POST', '/api/v1/cancel/{job_id}', await client.request('POST', `/cancel/${jobId}`));
    check('GET', '/api/v1/jobs/{job_id}', await client.request('GET', `/jobs/${jobId}`));

    const page = await client.history('?limit=1');
    assert.ok(page.headers.get('x-next-cursor'), 'two jobs make a next page');
    check('GET', '/api/v1/history', page);
    check('GET', '/api/v1/history', await client.history('?limit=500'));
    check('GET', '/api/v1/usage', await client.usage());
    check('GET', '/api/v1/usage/daily', await client.request('GET', '/usage/daily'));
    check('GET', '/api/v1/keys', await client.request('GET', '/keys'));

    const web = new WebClient(pipeline.api.url);
    check('GET', '/api/v1/auth/config', await web.request('GET', '/auth/config'));
    const email = `doc-${randomBytes(4).toString('hex')}@example.com`;
    check('POST', '/api/v1/auth/signup', await web.request('POST', '/auth/signup', { email, password: 'short' }));
    const signedUp = await web.request('POST', '/auth/signup', { email, password: 'correct horse battery' });
    assert.equal(signedUp.status, 201, JSON.stringify(signedUp.body));
    check('POST', '/api/v1/auth/signup', signedUp);
    check('POST', '/api/v1/auth/signin', await new WebClient(pipeline.api.url).request('POST', '/auth/signin', { email, password: 'wrong password!' }));
    check('POST', '/api/v1/auth/signin', await new WebClient(pipeline.api.url, { clientHeader: false }).request('POST', '/auth/signin', { email, password: 'wrong password!' }));
    check('GET', '/api/v1/auth/session', await web.request('GET', '/auth/session'));
    check('GET', '/api/v1/auth/sessions', await web.request('GET', '/auth/sessions'));
    const key = await web.request('POST', '/keys', { name: 'docs' });
    check('POST', '/api/v1/keys', key);
    check('GET', '/api/v1/keys', await web.request('GET', '/keys'));
    check('DELETE', '/api/v1/keys/{id}', await web.request('DELETE', `/keys/${String(key.body.id)}`));
    check('DELETE', '/api/v1/keys/{id}', await web.request('DELETE', `/keys/${String(key.body.id)}`));
    check('POST', '/api/v1/estimate', await web.request('POST', '/estimate', { prompt: 'by cookie' }));
    check('GET', '/api/v1/webhook-secret', await web.request('GET', '/webhook-secret'));
    check('POST', '/api/v1/webhook-secret/rotate', await web.request('POST', '/webhook-secret/rotate'));
    check('GET', '/api/v1/webhook-secret', await client.request('GET', '/webhook-secret'));
    check('POST', '/api/v1/auth/signout', await web.request('POST', '/auth/signout'));
    check('GET', '/api/v1/auth/session', await web.request('GET', '/auth/session'));

    // Several routes, and the errors among them, really were compared.
    const statuses = new Set([...doc.checked].map((c) => c.split(' ').at(-1)));
    for (const status of ['200', '201', '202', '204', '400', '401', '402', '403', '404', '409', '415', '422']) assert.ok(statuses.has(status), `an answer ${status} was checked`);
  });

  test('/docs is a page that loads its script, styles and document from this server only', async () => {
    const res = await fetch(`${pipeline.api.url}/docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length >= 3, `the page loads a bundle, styles and a start script: ${refs.join(', ')}`);
    assert.doesNotMatch(html, /<script>/, 'no inline script');
    for (const ref of refs) {
      assert.match(ref, /^\/docs\//, `${ref} is on this server`);
      const asset = await fetch(`${pipeline.api.url}${ref}`);
      assert.equal(asset.status, 200, ref);
      assert.match(asset.headers.get('content-type') ?? '', ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/, ref);
      const text = await asset.text();
      if (ref.endsWith('swagger-ui-bundle.js')) assert.ok(text.length > 500_000, 'the whole prebuilt bundle');
      if (ref.endsWith('start.js')) assert.match(text, /url: '\/api\/v1\/openapi\.json'/);
    }
    assert.equal((await fetch(`${pipeline.api.url}/docs/package.json`)).status, 404, 'only the named files of the bundle are served');
  });
});
