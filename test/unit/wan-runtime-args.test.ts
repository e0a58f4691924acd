import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../infra/config.js';
import { runtimeArgs } from '../../infra/engines/wan/runtime-process.js';

const base = ['-m', 'vivid_wan.server', '--model-dir', '/m', '--device', 'cuda'];

test('the Wan runtime gets no speed argument when every option is off', () => {
  assert.deepEqual(runtimeArgs({ modelDir: '/m', device: '0', cpuOffload: false, speed: loadConfig({}).wan.speed }), base);
});

test('each Wan speed setting becomes the runtime argument of the same name', () => {
  const speed = loadConfig({ WAN_ATTENTION_BACKEND: 'sage', WAN_COMPILE: 'true', WAN_FP8: 'true', WAN_STEP_CACHE: '0.05' }).wan.speed;
  assert.deepEqual(runtimeArgs({ modelDir: '/m', device: '0', cpuOffload: false, speed }), [
    ...base,
    '--attention',
    'sage',
    '--compile',
    '--fp8',
    '--step-cache',
    '0.05',
  ]);
});
