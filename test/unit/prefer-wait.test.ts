import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WAIT_SECONDS, preferredWaitSeconds } from '../../api/prefer-wait.js';

test("Prefer's wait is read in each form RFC 7240 allows, capped, and ignored when it does not parse", () => {
  assert.equal(preferredWaitSeconds('wait=10'), 10);
  assert.equal(preferredWaitSeconds('WAIT = 5'), 5);
  assert.equal(preferredWaitSeconds('wait="7"'), 7);
  assert.equal(preferredWaitSeconds('respond-async, wait=12'), 12);
  assert.equal(preferredWaitSeconds('wait=3; foo=bar'), 3);
  assert.equal(preferredWaitSeconds('wait=100000'), MAX_WAIT_SECONDS);
  assert.equal(preferredWaitSeconds('wait=99999999999999999999'), MAX_WAIT_SECONDS);
  for (const ignored of ['', 'respond-async', 'wait=0', 'wait=-1', 'wait=1.5', 'wait=soon', 'wait=', 'waiting=3', 'wait=1e3']) {
    assert.equal(preferredWaitSeconds(ignored), undefined, ignored);
  }
});
