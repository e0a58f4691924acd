import assert from 'node:assert/strict';
import { test } from 'node:test';
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
