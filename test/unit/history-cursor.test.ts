import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractTimestamp } from '../../api/job-views.js';
import { decodeCursor, encodeCursor } from '../../api/routes/history.js';

test('cursors round-trip to the microsecond, cursors of milliseconds issued earlier still read, and garbage is refused', () => {
  const c = { createdAt: '2026-11-24T10:11:12.345678Z', id: 'c2c625a3-0fc9-44ba-90e4-25d37428607a' };
  assert.deepEqual(decodeCursor(encodeCursor(c)), c);
  const earlier = Buffer.from('2026-11-24T10:11:12.345Z|c2c625a3-0fc9-44ba-90e4-25d37428607a').toString('base64url');
  assert.deepEqual(decodeCursor(earlier), { createdAt: '2026-11-24T10:11:12.345Z', id: c.id });
  assert.equal(decodeCursor(Buffer.from('2026-11-24T10:11:12.3456Z|c2c625a3-0fc9-44ba-90e4-25d37428607a').toString('base64url')), null);
  assert.equal(decodeCursor('garbage'), null);
  assert.equal(decodeCursor(Buffer.from('not-a-date|c2c625a3-0fc9-44ba-90e4-25d37428607a').toString('base64url')), null);
  assert.equal(decodeCursor(Buffer.from('2026-01-01T00:00:00Z|x; drop table jobs').toString('base64url')), null);
});

test('a cursor the API did not issue is refused, even one that decodes', () => {
  const raw = (text: string) => Buffer.from(text).toString('base64url');
  // Postgres refuses both of these (uuid syntax, timestamp range): they must never reach it.
  assert.equal(decodeCursor(raw(`2030-01-01T00:00:00.000Z|${'0'.repeat(36)}`)), null);
  assert.equal(decodeCursor(raw('-271821-04-20T00:00:00.000Z|c2c625a3-0fc9-44ba-90e4-25d37428607a')), null);
  assert.equal(decodeCursor(raw('2026-02-30T00:00:00.000Z|c2c625a3-0fc9-44ba-90e4-25d37428607a')), null);
  assert.equal(decodeCursor(raw('2026-02-30T00:00:00.000001Z|c2c625a3-0fc9-44ba-90e4-25d37428607a')), null);
  assert.equal(decodeCursor(raw('2026-01-01T24:00:00.000000Z|c2c625a3-0fc9-44ba-90e4-25d37428607a')), null);
  assert.equal(decodeCursor(raw('2026-01-01T00:00:00.000Z|c2c625a3-0fc9-44ba-90e4-25d37428607a|x')), null);
});

test("history timestamps use the contract's format, in UTC", () => {
  assert.equal(contractTimestamp(new Date('2025-12-25T18:30:00.999Z')), '2025-12-25 18:30:00');
});
