import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neverBackwards, refineProgress, renderEtaSeconds, type PendingActivity } from '../../api/live-progress.js';
import type { JobProgress } from '../../workflows/messages.js';

const queued: JobProgress = { stage: 'queued', progress: 0.05, operationName: null };
const render = (over: Partial<PendingActivity>): PendingActivity => ({ type: 'generateWanVideo', state: 'started', attempt: 1, lastFailure: null, lastStartedAt: new Date('2026-12-01T10:00:00Z'), heartbeat: undefined, ...over });

test('a started render reads as rendering, with its steps, attempt and start', () => {
  const live = refineProgress(queued, [render({ heartbeat: { step: 5, steps: 10, attempt: 1, renderStartedAt: 0, stepAt: 10_000 } })], 12_000);
  assert.equal(live.stage, 'rendering');
  assert.equal(live.progress, 0.1 + 0.85 * 0.5);
  assert.equal(live.attempt, 1);
  assert.equal(live.startedAt, '2026-12-01T10:00:00.000Z');
  // 2 s a step, 5 left, 2 s since the last: 8 s.
  assert.equal(live.etaSeconds, 8);
});

test("a retry ignores the failed attempt's heartbeat and says why that attempt failed", () => {
  const live = refineProgress(queued, [render({ attempt: 2, lastFailure: 'crashed', heartbeat: { step: 9, steps: 10, attempt: 1 } })]);
  assert.equal(live.stage, 'rendering');
  assert.equal(live.progress, 0.1);
  assert.equal(live.attempt, 2);
  assert.equal(live.lastError, 'crashed');
  const waiting = refineProgress(queued, [render({ state: 'scheduled', attempt: 2, lastFailure: 'crashed', lastStartedAt: null })]);
  assert.equal(waiting.stage, 'queued');
  assert.equal(waiting.lastError, 'crashed');
});

test('a render asked to cancel still reads as rendering', () => {
  assert.equal(refineProgress(queued, [render({ state: 'cancel_requested', heartbeat: { step: 4, steps: 10 } })]).stage, 'rendering');
});

test('within an attempt a later look never goes backwards; a new attempt starts afresh', () => {
  const rendering = { ...queued, stage: 'rendering' as const, progress: 0.5, attempt: 1 };
  assert.deepEqual(neverBackwards(rendering, { ...queued }), rendering);
  const refunding = neverBackwards(rendering, { stage: 'refunding', progress: 0.05, operationName: null });
  assert.equal(refunding.stage, 'refunding');
  assert.equal(refunding.progress, 0.5);
  assert.equal(refunding.attempt, 1);
  const retry = neverBackwards(rendering, { ...queued, attempt: 2, lastError: 'crashed' });
  assert.equal(retry.stage, 'queued');
  assert.equal(retry.progress, 0.05);
});

test('no ETA before the first timed step', () => {
  assert.equal(renderEtaSeconds({ step: 0, steps: 10, renderStartedAt: 0, stepAt: 0 }, 1000), undefined);
  assert.equal(renderEtaSeconds({ step: 3, steps: 10 }, 1000), undefined);
  assert.equal(renderEtaSeconds({ step: 10, steps: 10, renderStartedAt: 0, stepAt: 5000 }, 9000), 0);
});
