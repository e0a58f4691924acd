import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { startMediaServer } from '../support/media-server.js';
import { storageContract } from './storage-contract.js';

async function tempRoot(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'vivid-local-storage-'));
}

function signerFor(publicUrl: string): MediaUrlSigner {
  return new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl });
}

storageContract('LocalDiskStorage', async () => {
  const root = await tempRoot();
  let storage!: LocalDiskStorage;
  // Signed links point at the media route, so serve it for real to check they can be fetched.
  const server = await startMediaServer((publicUrl) => {
    const signer = signerFor(publicUrl);
    storage = new LocalDiskStorage({ root, signer });
    return { storage, signer };
  });
  return {
    storage,
    async cleanup() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('LocalDiskStorage', () => {
  let root: string;
  let storage: LocalDiskStorage;

  before(async () => {
    root = await tempRoot();
    storage = new LocalDiskStorage({ root: path.join(root, 'objects'), signer: signerFor('http://localhost:8080') });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('rejects keys that could escape the root or are malformed', async () => {
    const bad = ['', '../outside', 'jobs/../../outside', '/etc/passwd', 'jobs\\..\\x', 'jobs//input', 'jobs/', 'jobs/./input', '..', 'a/b.meta.json'];
    for (const key of bad) {
      const message = /Invalid storage key/;
      await assert.rejects(storage.put(key, Buffer.from('x')), message, `put ${JSON.stringify(key)}`);
      await assert.rejects(storage.get(key), message, `get ${JSON.stringify(key)}`);
      await assert.rejects(storage.stat(key), message, `stat ${JSON.stringify(key)}`);
      await assert.rejects(storage.delete(key), message, `delete ${JSON.stringify(key)}`);
      await assert.rejects(storage.signedUrl(key, 60), message, `signedUrl ${JSON.stringify(key)}`);
    }
    // Nothing was written beside the root either.
    assert.deepEqual(await readdir(root), []);
  });

  test('a stream that fails part-way leaves no object and no temp file', async () => {
    const key = 'jobs/failing/input';
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(64 * 1024);
        throw new Error('client went away');
      })(),
    );
    await assert.rejects(storage.put(key, failing), /client went away/);
    assert.equal(await storage.stat(key), null);
    assert.deepEqual(await readdir(path.join(root, 'objects/jobs/failing')), []);
  });

  test('a failed overwrite keeps the previous object intact', async () => {
    const key = 'jobs/kept/input';
    await storage.put(key, Buffer.from('original'), { contentType: 'image/png' });
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('partial replacement');
        throw new Error('upload aborted');
      })(),
    );
    await assert.rejects(storage.put(key, failing, { contentType: 'image/jpeg' }), /upload aborted/);
    assert.deepEqual(await storage.stat(key), { size: 8, contentType: 'image/png' });
    assert.equal((await buffer(await storage.get(key))).toString(), 'original');
  });

  test('a put without a content type clears the previous one', async () => {
    const key = 'jobs/untyped/input';
    await storage.put(key, Buffer.from('a'), { contentType: 'image/png' });
    await storage.put(key, Buffer.from('b'));
    assert.deepEqual(await storage.stat(key), { size: 1, contentType: undefined });
  });

  test('a key prefix of another key is not an object', async () => {
    await storage.put('jobs/prefix/input', Buffer.from('x'));
    assert.equal(await storage.stat('jobs/prefix'), null);
    await assert.rejects(storage.get('jobs/prefix'), /No object stored/);
    assert.equal(await storage.stat('jobs/prefix/input/deeper'), null);
  });

  test('signedUrl signs a /media link and gcsUri is undefined', async () => {
    const url = new URL(await storage.signedUrl('jobs/1/out put.mp4', 60));
    assert.equal(url.origin, 'http://localhost:8080');
    assert.equal(url.pathname, '/media/jobs/1/out%20put.mp4');
    assert.match(url.searchParams.get('signature') ?? '', /^[0-9a-f]{64}$/);
    assert.equal(storage.gcsUri('jobs/1/input'), undefined);
  });
});
