import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeFailure } from '../../api/upload/decode-image.js';
import { GcsStorage } from '../../infra/storage/gcs-storage.js';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { startGcsEmulator, type GcsEmulator } from '../support/gcs-emulator.js';
import { makeCorruptedPng, makeEncoded, makePng, truncated } from '../support/images.js';

const bucket = 'vivid-decode-test';
let emulator: GcsEmulator;
let dataDir: string;
before(async () => {
  emulator = await startGcsEmulator({ bucket });
  dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-decode-'));
});
after(async () => {
  await emulator?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// Local storage is decoded in place from its file; GCS through a stream of the stored object.
const storages: Array<[string, () => ObjectStorage]> = [
  ['local disk', () => new LocalDiskStorage({ root: dataDir, signer: new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl: 'http://127.0.0.1:1' }) })],
  ['GCS', () => new GcsStorage({ bucket, apiEndpoint: emulator.endpoint, projectId: 'vivid-test' })],
];

for (const [name, make] of storages) {
  describe(`decoding a stored image on ${name}`, () => {
    let storage: ObjectStorage;
    before(() => {
      storage = make();
    });
    const stored = async (bytes: Buffer) => {
      const key = `jobs/${randomBytes(6).toString('hex')}/input`;
      await storage.put(key, bytes);
      return { storage, key };
    };

    test('a whole PNG, JPEG or WebP decodes', async () => {
      for (const image of [makePng(200, 120), await makeEncoded('jpeg', 200, 120), await makeEncoded('webp', 200, 120)]) {
        const { storage, key } = await stored(image);
        assert.equal(await decodeFailure(storage, key, 8192 * 8192), null);
      }
    });

    test('a truncated or corrupted image does not', async () => {
      // Cut near the end too: a decoder that skips rows would only miss the last ones.
      const cut = [truncated(makePng(200, 120)), truncated(await makeEncoded('jpeg', 200, 120)), truncated(makePng(1200, 900), 0.97), truncated(await makeEncoded('jpeg', 1200, 900), 0.97), truncated(await makeEncoded('webp', 1200, 900), 0.97)];
      for (const image of [...cut, makeCorruptedPng(200, 120)]) {
        const { storage, key } = await stored(image);
        assert.equal(await decodeFailure(storage, key, 8192 * 8192), 'could not be decoded: it is truncated or corrupted');
      }
    });

    test('an image over the pixel limit is refused from its header', async () => {
      const { storage, key } = await stored(makePng(200, 120));
      assert.equal(await decodeFailure(storage, key, 200 * 120 - 1), `declares more than ${200 * 120 - 1} pixels`);
      assert.equal(await decodeFailure(storage, key, 200 * 120), null);
    });
  });
}
