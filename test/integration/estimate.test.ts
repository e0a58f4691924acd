import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { databaseCases } from '../support/databases.js';
import { ApiClient } from '../support/http.js';
import { makeCorruptedPng, makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { WebClient } from '../support/web-client.js';

const form = (fields: Record<string, string | string[]>, image?: Buffer) => {
  const body = new FormData();
  if (image) body.append('image', new Blob([new Uint8Array(image)]), 'source.png');
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return body;
};
const json = (body: unknown) => [JSON.stringify(body), { 'Content-Type': 'application/json' }] as const;

/** Files left anywhere under a folder (none, when it does not exist). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

let temporal: TemporalFixture;
before(async () => {
  temporal = await startTemporalFixture();
});
after(async () => {
  await temporal.stop();
});

const [databaseCase] = databaseCases();

describe('POST /api/v1/estimate', () => {
  let pipeline: Pipeline;
  const image = makePng(96, 64, 5);
  before(async () => {
    pipeline = await startPipeline(temporal, databaseCase!);
  });
  after(async () => {
    await pipeline.stop();
  });

  test('prices a job exactly as /generate then charges it, and records, stores and starts nothing', async () => {
    const { apiKey } = await pipeline.newAccount(1000);
    const client = new ApiClient(pipeline.api.url, apiKey);
    const cases: Record<string, string>[] = [
      { prompt: 'defaults' },
      { prompt: 'small', width: '320', height: '176', length: '17', steps: '4' },
      { prompt: 'long', length: '161', steps: '50' },
      { prompt: 'veo', model: 'veo3.1' },
      { prompt: 'veo with sound', model: 'veo3.1', duration_seconds: '8', generate_audio: 'true' },
    ];
    const estimates: number[] = [];
    for (const fields of cases) {
      const withImage = await client.request('POST', '/estimate', form(fields, image));
      assert.equal(withImage.status, 200, JSON.stringify(withImage.body));
      const withoutImage = await client.request('POST', '/estimate', form(fields));
      const asJson = await client.request('POST', '/estimate', ...json(fields));
      assert.deepEqual([withoutImage.body, asJson.body], [withImage.body, withImage.body], `${fields.prompt}: every form of the request gets the same answer`);
      assert.equal(withImage.body.credits_remaining, 1000, 'an estimate charges nothing');
      estimates.push(Number(withImage.body.cost));
    }
    // Nothing recorded, nothing left in storage, nothing charged.
    assert.deepEqual((await client.history()).body, []);
    assert.deepEqual(await filesUnder(path.join(pipeline.config.dataDir, 'objects')), []);
    assert.equal((await client.usage()).body.credits_remaining, 1000);

    let balance = 1000;
    for (const [i, fields] of cases.entries()) {
      const accepted = await client.generate(fields, image);
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      assert.equal(accepted.body.cost, estimates[i], `${fields.prompt}: /generate charged what the estimate said`);
      balance -= estimates[i]!;
      assert.equal((await client.request('POST', '/estimate', ...json({ prompt: 'after' }))).body.credits_remaining, balance);
    }
    assert.deepEqual(estimates.slice(0, 1).concat(estimates.slice(3)), [6, 40, 160], "README's worked prices");
  });

  test('refuses what /generate refuses, with the same status, message, code and param', async () => {
    const { apiKey } = await pipeline.newAccount(1000);
    const client = new ApiClient(pipeline.api.url, apiKey);
    const bad: [string, Record<string, string | string[]>, Buffer?][] = [
      ['no prompt', { steps: '4' }],
      ['blank prompt', { prompt: '   ' }],
      ['steps out of range', { prompt: 'p', steps: '0' }],
      ['cfg not a number', { prompt: 'p', cfg: 'lots' }],
      ['width not a multiple of 16', { prompt: 'p', width: '100' }],
      ['too many pixels', { prompt: 'p', width: '1920', height: '1088' }],
      ['a Veo field on Wan', { prompt: 'p', resolution: '1080p' }],
      ['a Veo combination Google refuses', { prompt: 'p', model: 'veo3.1', resolution: '1080p', duration_seconds: '4' }],
      ['an unknown field', { prompt: 'p', colour: 'blue' }],
      ['a repeated field', { prompt: 'p', seed: ['1', '2'] }],
      ['a plain-http webhook', { prompt: 'p', webhook_url: 'http://example.com/hook' }],
      ['an image too small', { prompt: 'p' }, makePng(32, 32)],
      ['an image that does not decode', { prompt: 'p' }, makeCorruptedPng(96, 64)],
      ['an image of a type the engines do not take', { prompt: 'p' }, Buffer.from('GIF89a\x60\x00\x40\x00\x80\x00\x00', 'latin1')],
    ];
    for (const [what, fields, custom] of bad) {
      const generated = await client.request('POST', '/generate', form(fields, custom ?? image));
      const estimated = await client.request('POST', '/estimate', form(fields, custom ?? image));
      assert.ok(generated.status === 400 || generated.status === 415, `${what}: /generate refuses it (${generated.status})`);
      // Every answer has its own request id; the rest must be the same.
      const { request_id: _generatedId, ...generatedError } = generated.body;
      const { request_id: _estimatedId, ...estimatedError } = estimated.body;
      assert.deepEqual([estimated.status, estimatedError], [generated.status, generatedError], `${what}: the estimate answers as /generate does`);
    }
    assert.deepEqual(await filesUnder(path.join(pipeline.config.dataDir, 'objects', 'estimates')), [], 'refused images are not kept');
    assert.equal((await client.usage()).body.credits_remaining, 1000);
  });

  test('a JSON body over 16 KiB is a 413, and its connection still carries the next request', async () => {
    const { apiKey } = await pipeline.newAccount(10);
    // One kept-alive connection: an unread body left on it would stall the second request behind it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(pipeline.api.url);
        const r = request({ host: url.hostname, port: url.port, method, path, agent, timeout: 20_000, headers: { 'X-API-Key': apiKey, ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        r.on('timeout', () => r.destroy(new Error(`${method} ${path}: no answer`)));
        r.on('error', reject);
        r.end(body);
      });
    try {
      assert.equal(await send('POST', '/api/v1/estimate', JSON.stringify({ prompt: 'x'.repeat(200_000) })), 413);
      assert.equal(await send('GET', '/api/v1/usage'), 200);
    } finally {
      agent.destroy();
    }
  });

  test('JSON bodies, other content types, credentials and an empty balance', async () => {
    const { apiKey } = await pipeline.newAccount(0);
    const client = new ApiClient(pipeline.api.url, apiKey);
    // A balance that cannot cover the job is no reason to refuse telling its price.
    const broke = await client.request('POST', '/estimate', ...json({ prompt: 'p', steps: 4, width: 320, height: 176, length: 17 }));
    assert.deepEqual([broke.status, broke.body], [200, { cost: 1, credits_remaining: 0 }]);
    const nested = await client.request('POST', '/estimate', ...json({ prompt: 'p', steps: [4] }));
    assert.deepEqual([nested.status, nested.body.error], [400, "Invalid parameter 'steps': must be a string, number or boolean."]);
    const imageInJson = await client.request('POST', '/estimate', ...json({ prompt: 'p', image: 'aGVsbG8=' }));
    assert.equal(imageInJson.status, 400);
    assert.match(String(imageInJson.body.error), /^Invalid parameter 'image'/);
    const notAnObject = await client.request('POST', '/estimate', ...json(['prompt']));
    assert.equal(notAnObject.status, 400);
    const text = await client.request('POST', '/estimate', 'prompt=p', { 'Content-Type': 'text/plain' });
    assert.equal(text.status, 415);
    const anonymous = await new ApiClient(pipeline.api.url, undefined).request('POST', '/estimate', ...json({ prompt: 'p' }));
    assert.equal(anonymous.status, 401);

    const web = new WebClient(pipeline.api.url);
    assert.equal((await web.signUp(`estimate-${Date.now()}@example.com`, 'correct horse battery')).status, 201);
    const bySession = await web.request('POST', '/estimate', { prompt: 'p', model: 'veo3.1' });
    assert.equal(bySession.status, 200, JSON.stringify(bySession.body));
    assert.equal(bySession.body.cost, 40);
    const crossSite = await web.withOptions({ origin: 'https://elsewhere.example' }).request('POST', '/estimate', { prompt: 'p' });
    assert.equal(crossSite.status, 403, 'a cookie request from another origin is refused, as on /generate');
  });
});
