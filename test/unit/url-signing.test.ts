import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadOrCreateSigningSecret, MediaUrlSigner } from '../../infra/storage/url-signing.js';

const secret = 'a'.repeat(64);
const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const signer = new MediaUrlSigner({ secret, publicUrl: 'http://localhost:8080' });

function parts(url: string) {
  const parsed = new URL(url);
  return {
    key: parsed.pathname.replace(/^\/media\//, '').split('/').map(decodeURIComponent).join('/'),
    expires: parsed.searchParams.get('expires') ?? undefined,
    signature: parsed.searchParams.get('signature') ?? undefined,
  };
}

describe('MediaUrlSigner', () => {
  test('signs a /media URL that verifies until it expires', () => {
    const url = signer.sign('jobs/123/output.mp4', 3600, now);
    assert.match(url, /^http:\/\/localhost:8080\/media\/jobs\/123\/output\.mp4\?expires=\d+&signature=[0-9a-f]{64}$/);
    const { key, expires, signature } = parts(url);
    assert.equal(Number(expires), now / 1000 + 3600);
    assert.equal(signer.verify(key, expires, signature, now), 'ok');
    assert.equal(signer.verify(key, expires, signature, now + 3599_000), 'ok');
    assert.equal(signer.verify(key, expires, signature, now + 3600_000), 'expired');
  });

  test('encodes each key segment but keeps the slashes', () => {
    const url = signer.sign('jobs/a b/é?#.mp4', 60, now);
    assert.equal(new URL(url).pathname, '/media/jobs/a%20b/%C3%A9%3F%23.mp4');
    const { key, expires, signature } = parts(url);
    assert.equal(key, 'jobs/a b/é?#.mp4');
    assert.equal(signer.verify(key, expires, signature, now), 'ok');
  });

  test('a trailing slash on the public URL does not double up', () => {
    const url = new MediaUrlSigner({ secret, publicUrl: 'https://vivid.example/' }).sign('k', 60, now);
    assert.ok(url.startsWith('https://vivid.example/media/k?'), url);
  });

  test('rejects a signature for another key', () => {
    const { expires, signature } = parts(signer.sign('jobs/1/output.mp4', 60, now));
    assert.equal(signer.verify('jobs/2/output.mp4', expires, signature, now), 'invalid');
  });

  test('rejects a tampered signature or expiry', () => {
    const { key, expires, signature = '' } = parts(signer.sign('jobs/1/output.mp4', 60, now));
    const flipped = (signature[0] === '0' ? '1' : '0') + signature.slice(1);
    assert.equal(signer.verify(key, expires, flipped, now), 'invalid');
    assert.equal(signer.verify(key, String(Number(expires) + 3600), signature, now), 'invalid');
    assert.equal(signer.verify(key, expires, signature.slice(0, 63), now), 'invalid');
    assert.equal(signer.verify(key, expires, `${signature}00`, now), 'invalid');
  });

  test('an expired link reads as expired, not invalid', () => {
    const { key, expires, signature } = parts(signer.sign('jobs/1/output.mp4', 60, now - 3600_000));
    assert.equal(signer.verify(key, expires, signature, now), 'expired');
  });

  test('rejects missing or malformed parameters', () => {
    const { key, expires, signature } = parts(signer.sign('k', 60, now));
    assert.equal(signer.verify(key, undefined, signature, now), 'invalid');
    assert.equal(signer.verify(key, expires, undefined, now), 'invalid');
    assert.equal(signer.verify(key, '', '', now), 'invalid');
    assert.equal(signer.verify(key, '1e12', signature, now), 'invalid');
    assert.equal(signer.verify(key, expires, 'z'.repeat(64), now), 'invalid');
  });

  test('a signer with another secret rejects the link', () => {
    const other = new MediaUrlSigner({ secret: 'b'.repeat(64), publicUrl: 'http://localhost:8080' });
    const { key, expires, signature } = parts(signer.sign('k', 60, now));
    assert.equal(other.verify(key, expires, signature, now), 'invalid');
  });
});

describe('loadOrCreateSigningSecret', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vivid-signing-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('prefers the configured secret and writes nothing', async () => {
    const configured = 'c'.repeat(40);
    assert.equal(await loadOrCreateSigningSecret(path.join(dir, 'configured'), configured), configured);
    await assert.rejects(stat(path.join(dir, 'configured')), { code: 'ENOENT' });
  });

  test('creates a private key file once and reuses it', async () => {
    const dataDir = path.join(dir, 'generated');
    const first = await loadOrCreateSigningSecret(dataDir, undefined);
    assert.match(first, /^[0-9a-f]{64}$/);
    const file = path.join(dataDir, 'url-signing.key');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await loadOrCreateSigningSecret(dataDir, undefined), first);
    assert.equal((await readFile(file, 'utf8')).trim(), first);
  });

  test('processes racing to create it all end up with the same secret', async () => {
    const dataDir = path.join(dir, 'raced');
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSigningSecret(dataDir, undefined)));
    assert.equal(new Set(secrets).size, 1);
  });

  test('refuses a key file too short to be a secret', async () => {
    const dataDir = path.join(dir, 'broken');
    await loadOrCreateSigningSecret(dataDir, undefined);
    await writeFile(path.join(dataDir, 'url-signing.key'), 'short\n');
    await assert.rejects(loadOrCreateSigningSecret(dataDir, undefined), /holds no usable secret/);
  });
});
