import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { ObjectNotFoundError, type ObjectStorage } from '../../infra/storage/object-storage.js';

export interface StorageUnderTest {
  storage: ObjectStorage;
  cleanup(): Promise<void>;
}

/** Several chunks, so adapters are exercised on a real stream rather than one write. */
function chunkedStream(data: Buffer, chunkSize = 256 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  return Readable.from(chunks);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The behaviour every ObjectStorage adapter must share; each test uses keys of its own. */
export function storageContract(name: string, makeStorage: () => Promise<StorageUnderTest>): void {
  // A bounded suite: a stuck request (the emulator serves one at a time) fails instead of hanging.
  describe(`ObjectStorage contract: ${name}`, { timeout: 120_000 }, () => {
    let subject: StorageUnderTest;
    let storage: ObjectStorage;
    const key = (suffix: string) => `contract/${randomUUID()}/${suffix}`;

    before(async () => {
      subject = await makeStorage();
      storage = subject.storage;
    });
    after(async () => {
      await subject?.cleanup();
    });

    test('round-trips a Buffer', async () => {
      const k = key('small');
      const data = Buffer.from('hello, vivid flow');
      const info = await storage.put(k, data, { contentType: 'text/plain' });
      assert.equal(info.size, data.length);
      assert.equal(info.contentType, 'text/plain');
      assert.deepEqual(await buffer(await storage.get(k)), data);
    });

    test('round-trips a multi-MiB stream', async () => {
      const k = key('large.mp4');
      // Over 8 MiB, so GcsStorage sends more than one upload chunk.
      const data = randomBytes(9 * 1024 * 1024 + 123);
      const info = await storage.put(k, chunkedStream(data), { contentType: 'video/mp4' });
      assert.equal(info.size, data.length);
      const read = await buffer(await storage.get(k));
      assert.equal(read.length, data.length);
      assert.equal(sha256(read), sha256(data));
    });

    test('a stream failing part-way rejects and leaves no object', async () => {
      const k = key('failed-upload');
      const failing = Readable.from(
        (async function* () {
          yield randomBytes(512 * 1024);
          throw new Error('client went away');
        })(),
      );
      await assert.rejects(storage.put(k, failing), /client went away/);
      assert.equal(await storage.stat(k), null);
    });

    test('stat reports the size and the content type given at put', async () => {
      const k = key('image');
      await storage.put(k, Buffer.alloc(1234, 7), { contentType: 'image/png' });
      assert.deepEqual(await storage.stat(k), { size: 1234, contentType: 'image/png' });
    });

    test('stat of an absent key is null', async () => {
      assert.equal(await storage.stat(key('absent')), null);
    });

    test('get of an absent key rejects with ObjectNotFoundError', async () => {
      const k = key('absent');
      await assert.rejects(storage.get(k), (error: unknown) => error instanceof ObjectNotFoundError && error.key === k);
      await assert.rejects(storage.get(k, { start: 0, end: 9 }), ObjectNotFoundError);
    });

    test('get with a range returns exactly those bytes, both ends inclusive', async () => {
      const k = key('ranged');
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
      await storage.put(k, data);
      assert.deepEqual(await buffer(await storage.get(k, { start: 10, end: 19 })), data.subarray(10, 20));
      assert.deepEqual(await buffer(await storage.get(k, { start: 0, end: 0 })), data.subarray(0, 1));
      assert.deepEqual(await buffer(await storage.get(k, { start: 990, end: 999 })), data.subarray(990));
    });

    test('put replaces an existing object, content type included', async () => {
      const k = key('overwritten');
      await storage.put(k, Buffer.from('first version, longer'), { contentType: 'text/plain' });
      const info = await storage.put(k, Buffer.from('second'), { contentType: 'application/json' });
      assert.deepEqual(info, { size: 6, contentType: 'application/json' });
      assert.equal((await buffer(await storage.get(k))).toString(), 'second');
      assert.deepEqual(await storage.stat(k), { size: 6, contentType: 'application/json' });
    });

    test('delete removes the object and is idempotent', async () => {
      const k = key('deleted');
      await storage.delete(k);
      await storage.put(k, Buffer.from('bye'));
      await storage.delete(k);
      assert.equal(await storage.stat(k), null);
      await assert.rejects(storage.get(k), ObjectNotFoundError);
      await storage.delete(k);
    });

    test('keys with nested segments are independent objects', async () => {
      const base = `contract/${randomUUID()}`;
      await storage.put(`${base}/input`, Buffer.from('input'));
      await storage.put(`${base}/outputs/0/video.mp4`, Buffer.from('video'));
      await storage.put(`${base}/outputs/1/video.mp4`, Buffer.from('other'));
      assert.equal((await buffer(await storage.get(`${base}/input`))).toString(), 'input');
      assert.equal((await buffer(await storage.get(`${base}/outputs/0/video.mp4`))).toString(), 'video');
      assert.equal((await buffer(await storage.get(`${base}/outputs/1/video.mp4`))).toString(), 'other');
      await storage.delete(`${base}/outputs/0/video.mp4`);
      assert.equal((await buffer(await storage.get(`${base}/outputs/1/video.mp4`))).toString(), 'other');
    });

    test('an empty object round-trips', async () => {
      const k = key('empty');
      assert.equal((await storage.put(k, Buffer.alloc(0))).size, 0);
      assert.equal((await storage.stat(k))?.size, 0);
      assert.equal((await buffer(await storage.get(k))).length, 0);
    });

    test('signedUrl gives a URL that fetch() can read without credentials', async () => {
      const k = key('shared video.mp4');
      const data = randomBytes(64 * 1024);
      await storage.put(k, data, { contentType: 'video/mp4' });
      const url = await storage.signedUrl(k, 300);
      const response = await fetch(url);
      assert.equal(response.status, 200, await response.clone().text());
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), data);
    });
  });
}
