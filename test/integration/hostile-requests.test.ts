import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema, type ApiErrorCode } from '../../api/error-codes.js';
import { encodeCursor } from '../../api/routes/history.js';
import { databaseCases } from '../support/databases.js';
import { makePng } from '../support/images.js';
import { startPipeline, startTemporalFixture, type Pipeline, type TemporalFixture } from '../support/pipeline.js';
import { multipartEnd, multipartRequest, part, rawRequest, type RawResponse } from '../support/raw-http.js';

/** Requests a hostile or broken client sends: each is a 4xx with a JSON `{"error": …}`, never a 500 or an empty body. */
describe('hostile requests', () => {
  let temporal: TemporalFixture;
  let pipeline: Pipeline;
  let apiKey: string;
  let port: number;

  before(async () => {
    temporal = await startTemporalFixture();
    pipeline = await startPipeline(temporal, databaseCases()[0]!);
    apiKey = (await pipeline.newAccount(10_000)).apiKey;
    port = Number(new URL(pipeline.api.url).port);
  });
  after(async () => {
    await pipeline.stop();
    await temporal.stop();
  });

  /** `codes`: those the answer may carry; `param` with invalid_parameter, the parameter it must name. */
  function assertJsonError(res: RawResponse, status: number, what: string, message?: RegExp, codes: readonly ApiErrorCode[] = ['invalid_request', 'invalid_parameter'], param?: string): void {
    assert.equal(res.status, status, `${what}: ${res.status} ${res.body}`);
    assert.match(res.headers, /content-type: application\/json/i, `${what}: ${res.headers}`);
    const body = errorBodySchema.parse(JSON.parse(res.body));
    if (message) assert.match(body.error, message, what);
    assert.ok(body.code && codes.includes(body.code), `${what}: code ${body.code}, not one of ${codes.join(', ')}`);
    if (body.code === 'invalid_parameter') assert.equal(typeof body.param, 'string', `${what}: ${res.body}`);
    if (param !== undefined) assert.equal(body.param, param, what);
    // The id in the body is the one in the header, on every error, even those Node's parser answers.
    const header = /^x-request-id: (.+)$/im.exec(res.headers)?.[1]?.trim();
    assert.ok(header, `${what}: no X-Request-Id in ${res.headers}`);
    assert.equal(body.request_id, header, what);
  }

  const image = part('Content-Disposition: form-data; name="image"; filename="s.png"\r\nContent-Type: image/png', makePng(64, 64));
  const generate = (...parts: Buffer[]) => rawRequest(port, multipartRequest(apiKey, Buffer.concat([...parts, multipartEnd])));

  test('a NUL byte in any text field is a 400 naming the field', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['prompt', {}],
      ['negative_prompt', {}],
      ['camera_motion', { model: 'veo3.1' }],
      ['subject_animation', { model: 'veo3.1' }],
      ['environmental_animation', { model: 'veo3.1' }],
    ];
    for (const [field, extra] of cases) {
      const fields = { prompt: 'fine', ...extra, [field]: 'a\0b' };
      const parts = Object.entries(fields).map(([name, value]) => part(`Content-Disposition: form-data; name="${name}"`, value));
      assertJsonError(await generate(...parts, image), 400, field, new RegExp(`'${field}'.*NUL`), ['invalid_parameter'], field);
    }
  });

  test('malformed multipart parts are 400s', async () => {
    const prompt = part('Content-Disposition: form-data; name="prompt"', 'hi');
    const cases: Array<[string, Buffer[]]> = [
      ['a header line without a colon', [part('Content-Disposition form-data; name="prompt"', 'hi')]],
      ['a 20 KiB field name', [part(`Content-Disposition: form-data; name="${'n'.repeat(20 * 1024)}"`, 'hi'), image]],
      ['a 20 KiB filename', [prompt, part(`Content-Disposition: form-data; name="image"; filename="${'f'.repeat(20 * 1024)}.png"`, makePng(64, 64))]],
      ['a control character in a filename', [prompt, part('Content-Disposition: form-data; name="image"; filename="a\x01.png"', makePng(64, 64))]],
      ['a NUL in a filename', [prompt, part('Content-Disposition: form-data; name="image"; filename="a\0.png"', makePng(64, 64))]],
      ['a control character in a part type', [prompt, part('Content-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/\x02png', makePng(64, 64))]],
      ['a control character in a field name', [part('Content-Disposition: form-data; name="pro\x01mpt"', 'hi'), image]],
      ['a part with no name', [prompt, part('Content-Disposition: form-data', 'x'), image]],
      ['a part with name=""', [prompt, part('Content-Disposition: form-data; name=""', 'x'), image]],
    ];
    for (const [what, parts] of cases) assertJsonError(await generate(...parts), 400, what);
  });

  test('history cursors the API did not issue are 400s', async () => {
    const raw = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [raw(`2030-01-01T00:00:00.000Z|${'0'.repeat(36)}`), raw('-271821-04-20T00:00:00.000Z|c2c625a3-0fc9-44ba-90e4-25d37428607a')]) {
      const res = await rawRequest(port, `GET /api/v1/history?cursor=${cursor} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${apiKey}\r\nConnection: close\r\n\r\n`);
      assertJsonError(res, 400, cursor, /'cursor'/, ['invalid_parameter'], 'cursor');
    }
    const issued = encodeCursor({ createdAt: '2030-01-01T00:00:00.000000Z', id: 'c2c625a3-0fc9-44ba-90e4-25d37428607a' });
    const ok = await rawRequest(port, `GET /api/v1/history?cursor=${issued} HTTP/1.1\r\nHost: x\r\nX-API-Key: ${apiKey}\r\nConnection: close\r\n\r\n`);
    assert.equal(ok.status, 200, ok.body);
  });

  test('a correctly signed media link for a key that is not an object is a 404', async () => {
    await pipeline.storage.put('jobs/j1/video.mp4', Buffer.from('video'), { contentType: 'video/mp4' });
    for (const key of ['../url-signing.key', '/etc/passwd', '.', 'jobs//video.mp4', 'jobs/j1/video.mp4.meta.json', 'jobs/a\0b']) {
      const url = new URL(pipeline.signer.sign(key, 60));
      const res = await rawRequest(port, `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.ok(res.status === 404 || res.status === 400, `${JSON.stringify(key)}: ${res.status} ${res.body}`);
      assertJsonError(res, res.status, key, undefined, ['not_found', 'invalid_request']);
    }
    const good = new URL(pipeline.signer.sign('jobs/j1/video.mp4', 60));
    const res = await rawRequest(port, `GET ${good.pathname}${good.search} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'video');
  });

  test("requests Node's HTTP parser refuses get a JSON error too", async () => {
    // Node's parser gave up on these: their own X-Request-Id cannot be read, so each gets a fresh one.
    const cases: Array<[string, string, number]> = [
      ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 431],
      ['a control character in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Bad: a\x01b\r\n\r\n', 400],
      ['a bad Content-Length', 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
      ['both Content-Length and a bad Transfer-Encoding', 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: gzip, chunked, x\r\n\r\nabc', 400],
      ['no Host', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
    ];
    for (const [what, request, status] of cases) assertJsonError(await rawRequest(port, request), status, what);
  });
});
