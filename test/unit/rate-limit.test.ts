import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Context } from 'koa';
import { ApiError } from '../../api/errors.js';
import { rateLimit } from '../../api/middleware/rate-limit.js';

test('each account gets its own bucket that refills over time', async () => {
  let now = 0;
  const limit = rateLimit({ perMinute: 3, now: () => now });
  const call = (accountId: string) => limit({ state: { accountId } } as unknown as Context & { state: { accountId: string } }, async () => {});
  for (let i = 0; i < 3; i++) await call('a');
  await assert.rejects(call('a'), (err: unknown) => err instanceof ApiError && err.status === 429 && err.headers['Retry-After'] === '20');
  await call('b');
  now += 20_000; // one token back
  await call('a');
  await assert.rejects(call('a'));
});

test('zero disables the limit', async () => {
  const limit = rateLimit({ perMinute: 0 });
  for (let i = 0; i < 100; i++) await limit({ state: { accountId: 'a' } } as never, async () => {});
});
