import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rateLimit } from '../../api/middleware/rate-limit.js';
import { rateLimitHeaders } from '../../api/rate-limit-headers.js';

test('RateLimit-Policy and RateLimit follow the draft-11 syntax: quoted names, q/w/qu, r/t', () => {
  const headers = rateLimitHeaders([
    { name: 'requests', quota: 600, remaining: 598, windowSeconds: 60, resetSeconds: 41.2 },
    { name: 'jobs', quota: 20, remaining: 19, unit: 'concurrent-requests' },
  ]);
  assert.equal(headers['RateLimit-Policy'], '"requests";q=600;w=60, "jobs";q=20;qu="concurrent-requests"');
  assert.equal(headers.RateLimit, '"requests";r=598;t=42, "jobs";r=19');
});

test('remaining quota never goes below zero', () => {
  assert.equal(rateLimitHeaders([{ name: 'requests', quota: 3, remaining: -2, windowSeconds: 60, resetSeconds: 5 }]).RateLimit, '"requests";r=0;t=5');
});

test('a quota of zero disables the limit: every request goes on, none is counted', async () => {
  let counted = 0;
  let passedOn = 0;
  // A counter that would refuse every request, were it asked.
  const limit = rateLimit({ perMinute: 0, count: async () => ({ hits: ++counted + 1000, resetSeconds: 30 }) });
  for (let i = 0; i < 100; i++) {
    await limit({ state: { accountId: 'a', apiKeyId: 'k' }, set: () => assert.fail('no RateLimit headers without a limit') } as never, async () => {
      passedOn++;
    });
  }
  assert.equal(passedOn, 100);
  assert.equal(counted, 0);
});
