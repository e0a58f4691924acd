import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseRange } from '../../api/routes/media.js';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { startMediaServer, type MediaServer } from '../support/media-server.js';

const video = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const videoKey = 'jobs/1/output.mp4';

describe('GET /media/*key', () => {
  let root: string;
  let server: MediaServer;
  let signer: MediaUrlSigner;
  let storage: LocalDiskStorage;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'vivid-media-route-'));
    server = await startMediaServer((publicUrl) => {
      signer = new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl });
      storage = new LocalDiskStorage({ root, signer });
      return { storage, signer };
    });
    await storage.put(videoKey, video, { contentType: 'video/mp4' });
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
  const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

  test('serves the whole object with its type and length', async () => {
    const response = await get(signer.sign(videoKey, 60));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'video/mp4');
    assert.equal(response.headers.get('content-length'), '1000');
    assert.equal(response.headers.get('accept-ranges'), 'bytes');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(await bytes(response), video);
  });

  test('HEAD gives the headers without a body', async () => {
    const response = await fetch(signer.sign(videoKey, 60), { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-length'), '1000');
    assert.equal(response.headers.get('content-type'), 'video/mp4');
    assert.equal((await bytes(response)).length, 0);
  });

  for (const [header, start, end] of [
    ['bytes=100-199', 100, 199],
    ['bytes=900-', 900, 999],
    ['bytes=-50', 950, 999],
    ['bytes=990-5000', 990, 999],
    ['bytes=-5000', 0, 999],
    ['bytes=0-0', 0, 0],
  ] as const) {
    test(`answers Range: ${header} with 206 and bytes ${start}-${end}`, async () => {
      const response = await get(signer.sign(videoKey, 60), { Range: header });
      assert.equal(response.status, 206);
      assert.equal(response.headers.get('content-range'), `bytes ${start}-${end}/1000`);
      assert.equal(response.headers.get('content-length'), String(end - start + 1));
      assert.equal(response.headers.get('content-type'), 'video/mp4');
      assert.deepEqual(await bytes(response), video.subarray(start, end + 1));
    });
  }

  test('answers a range past the end with 416', async () => {
    for (const header of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) {
      const response = await get(signer.sign(videoKey, 60), { Range: header });
      assert.equal(response.status, 416, header);
      assert.equal(response.headers.get('content-range'), 'bytes */1000');
      assert.ok(((await response.json()) as { error: string }).error);
    }
  });

  test('answers multi-range and malformed Range headers in full', async () => {
    for (const header of ['bytes=0-1,5-6', 'bytes=5-2', 'items=0-1', 'bytes=abc']) {
      const response = await get(signer.sign(videoKey, 60), { Range: header });
      assert.equal(response.status, 200, header);
      assert.equal((await bytes(response)).length, 1000);
    }
  });

  test('serves keys whose segments needed encoding', async () => {
    const key = 'jobs/2/my vidéo #1.mp4';
    await storage.put(key, Buffer.from('odd name'), { contentType: 'video/mp4' });
    const response = await get(signer.sign(key, 60));
    assert.equal(response.status, 200);
    assert.equal((await bytes(response)).toString(), 'odd name');
  });

  test('refuses a missing or wrong signature with 403', async () => {
    const url = new URL(signer.sign(videoKey, 60));
    const tampered = new URL(url);
    tampered.searchParams.set('signature', '0'.repeat(64));
    const otherKey = new URL(url);
    otherKey.pathname = '/media/jobs/2/output.mp4';
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const attempt of [tampered, otherKey, unsigned]) {
      const response = await get(attempt.href);
      assert.equal(response.status, 403, attempt.href);
      const body = (await response.json()) as { error: string };
      assert.match(body.error, /invalid/i);
    }
  });

  test('refuses an expired link with 403 and says so', async () => {
    const response = await get(signer.sign(videoKey, 60, Date.now() - 3600_000));
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), { error: 'This link has expired', code: 'forbidden', request_id: response.headers.get('x-request-id') });
  });

  test('answers 404 for a validly signed link to nothing', async () => {
    const response = await get(signer.sign('jobs/404/output.mp4', 60));
    assert.equal(response.status, 404);
    assert.ok(((await response.json()) as { error: string }).error);
  });

  test('a signed key that escapes the storage root names no media: 404, never a file', async () => {
    // fetch() would normalise the dot segments away, so send the raw path. The server resolves them
    // too (to /etc/passwd), so no media route answers; the keys below do reach the route.
    const { search } = new URL(signer.sign('../../../../etc/passwd', 60));
    const answer = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      request(`${server.publicUrl}/media/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd${search}`, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      })
        .on('error', reject)
        .end();
    });
    assert.equal(answer.status, 404, answer.body);
    assert.doesNotMatch(answer.body, /root:/);

    // Keys the route receives as signed, that the storage key check refuses.
    for (const key of ['..\\..\\etc\\passwd', `${videoKey}.meta.json`, 'jobs//1/output.mp4']) {
      const response = await get(signer.sign(key, 60));
      assert.equal(response.status, 404, key);
      const body = (await response.json()) as { error: string; code: string };
      assert.deepEqual([body.error, body.code], ['No such media', 'not_found'], key);
    }
  });
});

describe('parseRange', () => {
  test('handles the empty object', () => {
    assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
    assert.equal(parseRange('bytes=-1', 0), 'unsatisfiable');
    assert.equal(parseRange('', 0), null);
  });
});
