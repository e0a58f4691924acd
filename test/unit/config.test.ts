import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../infra/config.js';

test('no configuration means embedded defaults', () => {
  const c = loadConfig({});
  assert.equal(c.dataDir, path.resolve('.vivid'));
  assert.equal(c.http.port, 8080);
  assert.equal(c.http.publicUrl, 'http://localhost:8080');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.temporal.address, undefined);
  assert.equal(c.temporal.uiPort, 8233);
  assert.deepEqual(c.storage, { kind: 'local', root: path.resolve('.vivid', 'objects') });
  assert.ok(Object.isFrozen(c));
});

test('settings swap embedded parts for real services', () => {
  const c = loadConfig({ DATABASE_URL: 'postgres://u@db/x', TEMPORAL_ADDRESS: 'temporal:7233', GCS_BUCKET: 'media', PORT: '9000', VIVID_DATA_DIR: '/tmp/v', PUBLIC_URL: 'https://vivid.example.com/' });
  assert.equal(c.databaseUrl, 'postgres://u@db/x');
  assert.equal(c.temporal.address, 'temporal:7233');
  assert.deepEqual(c.storage, { kind: 'gcs', bucket: 'media', apiEndpoint: undefined, projectId: undefined });
  assert.equal(c.http.publicUrl, 'https://vivid.example.com');
  assert.equal(c.dataDir, '/tmp/v');
});

test('a bad value stops start-up with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres:\/\/ URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ URL_SIGNING_SECRET: 'short' }, /URL_SIGNING_SECRET: must be at least 32 characters/],
    [{ MAX_IMAGE_BYTES: '-1' }, /MAX_IMAGE_BYTES/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});

test('empty values count as unset', () => {
  assert.equal(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port, 8080);
});
