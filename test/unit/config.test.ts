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
  // The dev server's ports are not bound when the stack joins a cluster.
  assert.equal(loadConfig({ PORT: '8233', TEMPORAL_ADDRESS: 'temporal:7233' }).http.port, 8233);
});

test('empty values count as unset', () => {
  assert.equal(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port, 8080);
});

test('the Wan worker: the tiny model by default (marked so), none, a folder or a gs:// prefix', () => {
  const none = loadConfig({}).wan;
  assert.deepEqual(none.model, { kind: 'tiny' });
  assert.equal(none.modelIsDefault, true);
  assert.equal(loadConfig({ WAN_MODEL: 'none' }).wan.model, undefined);
  assert.equal(loadConfig({ WAN_MODEL: 'tiny' }).wan.modelIsDefault, false);
  assert.equal(loadConfig({ WAN_MODEL_DIR: '/m' }).wan.modelIsDefault, false);
  assert.deepEqual(none.devices, ['auto']);
  assert.equal(none.cpuOffload, false);
  assert.deepEqual(none.speed, { attentionBackend: 'native', compile: false, fp8: false, stepCache: 0 });
  assert.equal(none.modelCacheDir, path.resolve('.vivid', 'models'));
  assert.deepEqual(loadConfig({ WAN_MODEL: 'tiny' }).wan.model, { kind: 'tiny' });
  assert.deepEqual(loadConfig({ WAN_MODEL_DIR: '/models/wan' }).wan.model, { kind: 'dir', dir: '/models/wan' });
  assert.deepEqual(loadConfig({ WAN_MODEL_DIR: 'gs://weights/wan/i2v-480p/' }).wan.model, { kind: 'gcs', bucket: 'weights', prefix: 'wan/i2v-480p' });
  const gpus = loadConfig({ WAN_MODEL_DIR: '/m', WAN_DEVICES: '0,1,2,3', WAN_CPU_OFFLOAD: 'true' }).wan;
  assert.deepEqual(gpus.devices, ['0', '1', '2', '3']);
  assert.equal(gpus.cpuOffload, true);
});

test('Wan speed options: each a setting, all off unless set', () => {
  const fast = loadConfig({ WAN_ATTENTION_BACKEND: '_native_flash', WAN_COMPILE: '1', WAN_FP8: 'true', WAN_STEP_CACHE: '0.05' }).wan.speed;
  assert.deepEqual(fast, { attentionBackend: '_native_flash', compile: true, fp8: true, stepCache: 0.05 });
  assert.ok(Object.isFrozen(fast));
  assert.deepEqual(loadConfig({ WAN_COMPILE: 'false', WAN_FP8: '0', WAN_STEP_CACHE: '0' }).wan.speed, {
    attentionBackend: 'native',
    compile: false,
    fp8: false,
    stepCache: 0,
  });
});

test('bad Wan settings name the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ WAN_MODEL: 'huge' }, /WAN_MODEL: must be 'tiny' .* or 'none'/],
    [{ PORT: '8233' }, /PORT and TEMPORAL_UI_PORT are both 8233/],
    [{ PORT: '9000', TEMPORAL_DEV_PORT: '9000' }, /PORT and TEMPORAL_DEV_PORT are both 9000: each needs a port of its own/],
    [{ TEMPORAL_DEV_PORT: '9001', TEMPORAL_UI_PORT: '9001' }, /TEMPORAL_DEV_PORT and TEMPORAL_UI_PORT are both 9001/],
    [{ WAN_MODEL: 'tiny', WAN_MODEL_DIR: '/m' }, /WAN_MODEL and WAN_MODEL_DIR are both set/],
    [{ WAN_MODEL_DIR: 'gs://' }, /WAN_MODEL_DIR: not a gs:\/\/bucket\/prefix URL/],
    [{ WAN_DEVICES: 'gpu0' }, /WAN_DEVICES: must be 'auto', 'cpu' or CUDA device indices/],
    [{ WAN_CPU_OFFLOAD: 'maybe' }, /WAN_CPU_OFFLOAD: must be true or false/],
    [{ WAN_ATTENTION_BACKEND: 'flash_hub' }, /WAN_ATTENTION_BACKEND: must be one of native, _native_flash, .*sage/],
    [{ WAN_COMPILE: 'yes please' }, /WAN_COMPILE: must be true or false/],
    [{ WAN_FP8: 'e4m3' }, /WAN_FP8: must be true or false/],
    [{ WAN_STEP_CACHE: 'fast' }, /WAN_STEP_CACHE: must be a number from 0 \(off\) to below 1/],
    [{ WAN_STEP_CACHE: '1' }, /WAN_STEP_CACHE: must be a number from 0 \(off\) to below 1/],
    [{ WAN_STEP_CACHE: '-0.1' }, /WAN_STEP_CACHE: must be a number from 0 \(off\) to below 1/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});

test('Veo: off without credentials; express mode with VEO_API_KEY; ADC with project and location', () => {
  const off = loadConfig({});
  assert.equal(off.veo.enabled, false);
  assert.equal(off.veo.model, 'veo-3.1-generate-001');
  const express = loadConfig({ VEO_API_KEY: 'k', VEO_BASE_URL: 'http://127.0.0.1:9/', VEO_MODEL: 'veo-3.1-fast-generate-001' });
  assert.deepEqual(express.veo, { enabled: true, auth: { kind: 'apiKey', apiKey: 'k' }, model: 'veo-3.1-fast-generate-001', baseUrl: 'http://127.0.0.1:9' });
  const adc = loadConfig({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1', METADATA_SERVER_DETECTION: 'none', GOOGLE_APPLICATION_CREDENTIALS: '/k.json' });
  assert.deepEqual(adc.veo.auth, { kind: 'adc', project: 'p', location: 'us-central1', credentialsFile: '/k.json', metadataServerDetection: 'none' });
});

test('Veo misconfigurations name the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ GOOGLE_CLOUD_PROJECT: 'p' }, /GOOGLE_CLOUD_LOCATION/],
    [{ GOOGLE_CLOUD_LOCATION: 'us-central1' }, /GOOGLE_CLOUD_PROJECT/],
    [{ VEO_API_KEY: 'k', GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'l' }, /VEO_API_KEY and GOOGLE_CLOUD_PROJECT/],
    [{ VEO_BASE_URL: 'not a url' }, /VEO_BASE_URL/],
    [{ METADATA_SERVER_DETECTION: 'maybe' }, /METADATA_SERVER_DETECTION/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});

test('accounts: sign-up open by default, its credits, session lifetime and sign-in limits', () => {
  const d = loadConfig({}).accounts;
  assert.deepEqual(d, { signup: 'open', signupMonthlyCredits: 100, sessionTtlSeconds: 30 * 86_400, signInLimits: { maxFailuresPerEmail: 10, maxFailuresPerIp: 100 } });
  const c = loadConfig({ SIGNUP: 'closed', SIGNUP_MONTHLY_CREDITS: '0', SESSION_TTL_DAYS: '7', SIGNIN_MAX_FAILURES_PER_EMAIL: '5', SIGNIN_MAX_FAILURES_PER_ADDRESS: '50' }).accounts;
  assert.deepEqual(c, { signup: 'closed', signupMonthlyCredits: 0, sessionTtlSeconds: 7 * 86_400, signInLimits: { maxFailuresPerEmail: 5, maxFailuresPerIp: 50 } });
  for (const [env, message] of [
    [{ SIGNUP: 'invite' }, /SIGNUP: must be 'open' or 'closed'/],
    [{ SIGNUP_MONTHLY_CREDITS: '-5' }, /SIGNUP_MONTHLY_CREDITS/],
    [{ SESSION_TTL_DAYS: '0' }, /SESSION_TTL_DAYS/],
    [{ SIGNIN_MAX_FAILURES_PER_EMAIL: '0' }, /SIGNIN_MAX_FAILURES_PER_EMAIL/],
  ] as const) {
    assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(env));
  }
});
