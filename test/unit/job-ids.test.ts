import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJobIdGenerator } from '../../api/job-ids.js';

test('ids are RFC 9562 version 7 UUIDs carrying their creation time', () => {
  const id = createJobIdGenerator(() => 0x0190_1234_5678)();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(id.replace(/-/g, '').slice(0, 12), '019012345678');
});

test('ids from one generator strictly increase, within a millisecond and across clock steps back', () => {
  const t = 1_700_000_000_000;
  const clock = [0, 0, 0, 5, -3, -3, 1];
  let i = 0;
  const next = createJobIdGenerator(() => t + (clock[i++ % clock.length] ?? 0));
  const ids = Array.from({ length: 10_000 }, () => next());
  for (let k = 1; k < ids.length; k++) assert.ok(ids[k - 1]! < ids[k]!, `${ids[k - 1]} !< ${ids[k]}`);
  assert.equal(new Set(ids).size, ids.length);
});
