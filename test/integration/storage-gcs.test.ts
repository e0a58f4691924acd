import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomUUID, verify, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Storage } from '@google-cloud/storage';
import { GcsStorage } from '../../infra/storage/gcs-storage.js';
import { startGcsEmulator, type GcsEmulator } from '../support/gcs-emulator.js';
import { storageContract } from './storage-contract.js';

const bucket = 'vivid-test';
const clientEmail = 'vivid-test@vivid-test.iam.gserviceaccount.com';
// V4 signing needs a private key; the emulator never checks the signature, so any key will do,
// and keeping the public half lets the tests below check the signature themselves.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let emulator: GcsEmulator;
let signingClient: Storage;

function gcsStorage(): GcsStorage {
  return new GcsStorage({ bucket, storage: signingClient });
}

before(async () => {
  emulator = await startGcsEmulator({ bucket });
  // google-auth-library warns that `credentials` is deprecated (once per client), but the
  // replacement auth clients can't report a client_email offline, which V4 signing needs.
  signingClient = new Storage({
    apiEndpoint: emulator.endpoint,
    projectId: 'vivid-test',
    credentials: { client_email: clientEmail, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  });
});
after(async () => {
  await emulator?.stop();
});

// The signed-URL case only proves the URL's shape leads to the object: the emulator serves
// `/<bucket>/<key>` to anyone, so expiry and signature are checked in the tests below instead.
storageContract('GcsStorage (gcp-storage-emulator)', async () => ({ storage: gcsStorage(), cleanup: async () => {} }));

describe('GcsStorage', () => {
  test('also works when built from apiEndpoint alone, without credentials', async () => {
    const storage = new GcsStorage({ bucket, apiEndpoint: emulator.endpoint, projectId: 'vivid-test' });
    const key = `plain/${randomUUID()}/input`;
    await storage.put(key, Buffer.from('no credentials needed'), { contentType: 'image/webp' });
    assert.deepEqual(await storage.stat(key), { size: 21, contentType: 'image/webp' });
  });

  test('gcsUri names the bucket and key', () => {
    assert.equal(gcsStorage().gcsUri('jobs/1/output.mp4'), `gs://${bucket}/jobs/1/output.mp4`);
  });

  test('signedUrl is a V4 read URL with the requested lifetime and a valid signature', async () => {
    const key = `signed/${randomUUID()}/out put.mp4`;
    const before = Date.now();
    const url = new URL(await gcsStorage().signedUrl(key, 900));
    const params = url.searchParams;

    assert.equal(url.origin, emulator.endpoint);
    assert.equal(decodeURIComponent(url.pathname), `/${bucket}/${key}`);
    assert.equal(params.get('X-Goog-Algorithm'), 'GOOG4-RSA-SHA256');
    assert.equal(params.get('X-Goog-SignedHeaders'), 'host');
    assert.match(params.get('X-Goog-Credential') ?? '', new RegExp(`^${clientEmail}/\\d{8}/auto/storage/goog4_request$`));
    const expires = Number(params.get('X-Goog-Expires'));
    assert.ok(expires >= 899 && expires <= 900, `X-Goog-Expires=${expires}`);
    const signedAt = Date.parse(
      (params.get('X-Goog-Date') ?? '').replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    assert.ok(Math.abs(signedAt - before) < 5_000, `X-Goog-Date=${params.get('X-Goog-Date')}`);
    assert.ok(verifyV4Signature(url, publicKey), 'signature does not verify against the public key');
  });
});

/**
 * Recomputes the V4 string-to-sign for a GET with only the host header signed
 * (https://cloud.google.com/storage/docs/authentication/signatures) and checks it.
 */
function verifyV4Signature(url: URL, key: KeyObject): boolean {
  const strict = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const params = [...url.searchParams].filter(([name]) => name !== 'X-Goog-Signature');
  const canonicalQuery = params
    .map(([name, value]) => `${strict(name)}=${strict(value)}`)
    .sort()
    .join('&');
  // The client signs the hostname without the port, as GCS itself never has one.
  const canonicalRequest = ['GET', url.pathname, canonicalQuery, `host:${url.hostname}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const credential = url.searchParams.get('X-Goog-Credential') ?? '';
  const scope = credential.slice(credential.indexOf('/') + 1);
  const stringToSign = [
    'GOOG4-RSA-SHA256',
    url.searchParams.get('X-Goog-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  return verify('sha256', Buffer.from(stringToSign), key, Buffer.from(url.searchParams.get('X-Goog-Signature') ?? '', 'hex'));
}
