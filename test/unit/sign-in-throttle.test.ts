import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SIGN_IN_THROTTLE, failureDelayMs } from '../../api/auth/sign-in-throttle.js';

test('failed sign-ins are answered at once at first, then ever more slowly, up to a cap', () => {
  const delays = Array.from({ length: 10 }, (_, i) => failureDelayMs(i + 1, DEFAULT_SIGN_IN_THROTTLE));
  assert.deepEqual(delays, [0, 0, 0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
  assert.equal(failureDelayMs(1000, DEFAULT_SIGN_IN_THROTTLE), DEFAULT_SIGN_IN_THROTTLE.maxDelayMs);
  assert.equal(failureDelayMs(2, { ...DEFAULT_SIGN_IN_THROTTLE, slowAfterFailures: 1 }), 250);
});
