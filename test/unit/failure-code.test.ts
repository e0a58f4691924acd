import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActivityFailure, ApplicationFailure, CancelledFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { failureCode } from '../../workflows/failure-code.js';

/** An engine's failure as the workflow sees it: wrapped by Temporal in an ActivityFailure. */
const fromActivity = (cause: Error) => new ActivityFailure('Activity task failed', 'generateWanVideo', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, cause);

test('a cancel is canceled, wrapped or not', () => {
  assert.equal(failureCode(new CancelledFailure('The job was cancelled.')), 'canceled');
  assert.equal(failureCode(fromActivity(new CancelledFailure('The render was cancelled.'))), 'canceled');
});

test('failure types name their codes through the activity wrapper', () => {
  assert.equal(failureCode(ApplicationFailure.nonRetryable('Not enough credits: …', 'InsufficientCredits')), 'insufficient_credits');
  assert.equal(failureCode(fromActivity(ApplicationFailure.nonRetryable('bad frame count', 'InvalidInput'))), 'invalid_input');
  assert.equal(failureCode(fromActivity(ApplicationFailure.nonRetryable('Video generation returned no results.', 'VeoFiltered'))), 'content_filtered');
  assert.equal(failureCode(ApplicationFailure.nonRetryable('Veo did not finish within 30 minutes.', 'VeoDeadline')), 'timeout');
});

test("a Temporal timeout is a timeout; out of memory, a crash or anything unknown is the engine's", () => {
  assert.equal(failureCode(fromActivity(new TimeoutFailure('activity Heartbeat timeout', undefined, TimeoutType.HEARTBEAT))), 'timeout');
  assert.equal(failureCode(fromActivity(ApplicationFailure.nonRetryable('CUDA out of memory', 'OutOfMemory'))), 'engine_error');
  assert.equal(failureCode(fromActivity(ApplicationFailure.retryable('runtime exited', 'RuntimeCrashed'))), 'engine_error');
  assert.equal(failureCode(new Error('something else')), 'engine_error');
  assert.equal(failureCode('not even an error'), 'engine_error');
});
