/** The settings the deployment adds: Temporal over TLS, worker health ports, the pool scaler. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../infra/config.js';

test('Temporal is plain by default; an API key or a client certificate turns TLS on', () => {
  assert.deepEqual(loadConfig({}).temporal.connection, { tls: false, apiKey: undefined, clientCertFile: undefined, clientKeyFile: undefined });
  assert.equal(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.connection.tls, true);
  const cloud = loadConfig({ TEMPORAL_API_KEY: 'key-1' }).temporal.connection;
  assert.equal(cloud.tls, true);
  assert.equal(cloud.apiKey, 'key-1');
  const mtls = loadConfig({ TEMPORAL_TLS_CERT_FILE: '/s/cert', TEMPORAL_TLS_KEY_FILE: '/s/key' }).temporal.connection;
  assert.deepEqual(mtls, { tls: true, apiKey: undefined, clientCertFile: '/s/cert', clientKeyFile: '/s/key' });
  assert.throws(() => loadConfig({ TEMPORAL_TLS_CERT_FILE: '/s/cert' }), (err: Error) => err instanceof ConfigError && /TEMPORAL_TLS_KEY_FILE/.test(err.message));
});

test('VIVID_METRICS_PORT is a port or unset', () => {
  assert.equal(loadConfig({}).metricsPort, undefined);
  assert.equal(loadConfig({ VIVID_METRICS_PORT: '9464' }).metricsPort, 9464);
  assert.throws(() => loadConfig({ VIVID_METRICS_PORT: '70000' }), /VIVID_METRICS_PORT/);
});

test('SCALER_POOLS is the JSON list Terraform writes; a bad one names the field', () => {
  const pool = { name: 'h100', taskQueue: 'vivid-wan-h100-v1', region: 'us-central1', instanceGroupManager: 'vivid-wan-h100', gpusPerVm: 1, minVms: 0, maxVms: 4 };
  const c = loadConfig({ SCALER_POOLS: JSON.stringify([pool]), SCALER_PROJECT: 'p' });
  assert.deepEqual(c.scaler.pools, [pool]);
  assert.equal(c.scaler.intervalSeconds, 15);
  assert.throws(() => loadConfig({ SCALER_POOLS: 'not json' }), /SCALER_POOLS: not JSON/);
  assert.throws(() => loadConfig({ SCALER_POOLS: JSON.stringify([{ ...pool, gpusPerVm: 0 }]) }), /SCALER_POOLS: 0\.gpusPerVm/);
  assert.throws(() => loadConfig({ SCALER_POOLS: JSON.stringify([{ ...pool, minVms: 5 }]) }), /minVms <= maxVms/);
});
