import { ApplicationFailure, isCancellation, TimeoutFailure } from '@temporalio/workflow';
import type { JobErrorCode } from './messages.js';

/** The failure types activities and the workflow throw (activities/veo.ts, activities/wan.ts, video-job.ts), by the code a client sees. */
const CODE_OF_FAILURE_TYPE: Readonly<Record<string, JobErrorCode>> = {
  InsufficientCredits: 'insufficient_credits',
  InvalidInput: 'invalid_input',
  VeoFiltered: 'content_filtered',
  VeoDeadline: 'timeout',
};

/**
 * Why a job failed, as a code beside its message: the first failure in the chain (outermost
 * first) whose type or kind says so. A Temporal timeout (a render past its limit, a worker
 * gone silent) is a timeout; anything else — out of memory, a crash that outlived its
 * retries, Google's own failure — is the engine's. Pure, so replays decide the same.
 */
export function failureCode(err: unknown): JobErrorCode {
  if (isCancellation(err)) return 'canceled';
  for (let current = err, depth = 0; current instanceof Error && depth < 10; depth++) {
    if (current instanceof TimeoutFailure) return 'timeout';
    if (current instanceof ApplicationFailure && current.type) {
      const code = CODE_OF_FAILURE_TYPE[current.type];
      if (code) return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return 'engine_error';
}
