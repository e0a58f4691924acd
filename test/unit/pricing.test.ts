import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jobCost } from '../../workflows/pricing.js';
import { veoParams, wanParams } from '../support/engine-params.js';

const wan = wanParams();
const veo = veoParams();

test('wan2.1 costs follow frames × pixels × steps, rounded up, at least one credit', () => {
  assert.equal(jobCost({ model: 'wan2.1', params: wan }), 6); // 81/16 s = 5.06 → 6
  assert.equal(jobCost({ model: 'wan2.1', params: { ...wan, length: 33 } }), 3); // 2.06 → 3
  assert.equal(jobCost({ model: 'wan2.1', params: { ...wan, steps: 60 } }), 11); // 10.1 → 11
  assert.equal(jobCost({ model: 'wan2.1', params: { ...wan, width: 832, height: 480 } }), 3); // 5.06 × 0.433 = 2.19 → 3
  assert.equal(jobCost({ model: 'wan2.1', params: { ...wan, width: 16, height: 16, length: 1, steps: 1 } }), 1);
  assert.equal(jobCost({ model: 'wan2.1', params: { ...wan, length: 161 } }), 11); // exactly 10.0625 → 11
});

test('veo3.1 costs ten credits a second, twice that with audio', () => {
  assert.equal(jobCost({ model: 'veo3.1', params: veo }), 40);
  assert.equal(jobCost({ model: 'veo3.1', params: { ...veo, durationSeconds: 8 } }), 80);
  assert.equal(jobCost({ model: 'veo3.1', params: { ...veo, durationSeconds: 6, generateAudio: true } }), 120);
});
