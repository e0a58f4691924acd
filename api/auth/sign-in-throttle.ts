import type { Kysely } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearEmailFailures, countSignInFailures, recordSignInFailure, type SignInSubjects } from '../../infra/db/sign-in-failures.js';
import type { Database } from '../../infra/db/types.js';
import { ApiError } from '../errors.js';

/**
 * Failed sign-ins are first slowed (each answer after `slowAfterFailures` waits twice as long
 * as the one before), then refused with 429 until the window ends. Per email, a guesser gets
 * at most `maxFailuresPerEmail` tries a window; per address, `maxFailuresPerIp` across all emails.
 */
export interface SignInThrottlePolicy {
  readonly windowSeconds: number;
  readonly maxFailuresPerEmail: number;
  readonly maxFailuresPerIp: number;
  readonly slowAfterFailures: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = Object.freeze({
  windowSeconds: 15 * 60,
  maxFailuresPerEmail: 10,
  maxFailuresPerIp: 100,
  slowAfterFailures: 3,
  maxDelayMs: 4000,
});

export function failureDelayMs(failures: number, policy: SignInThrottlePolicy): number {
  if (failures <= policy.slowAfterFailures) return 0;
  return Math.min(policy.maxDelayMs, 250 * 2 ** (failures - policy.slowAfterFailures - 1));
}

export interface SignInThrottle {
  /** Throws 429 with Retry-After while either counter is at its limit; checked before any password work. */
  assertAllowed(subjects: SignInSubjects): Promise<void>;
  /** Counts the failure and waits out its slow-down. */
  failed(subjects: SignInSubjects): Promise<void>;
  succeeded(subjects: SignInSubjects): Promise<void>;
}

export function signInThrottle(db: Kysely<Database>, policy: SignInThrottlePolicy = DEFAULT_SIGN_IN_THROTTLE): SignInThrottle {
  return {
    async assertAllowed(subjects) {
      const counts = await countSignInFailures(db, subjects, policy.windowSeconds);
      const waits = [
        counts.email.failures >= policy.maxFailuresPerEmail ? counts.email.secondsLeft : 0,
        counts.ip.failures >= policy.maxFailuresPerIp ? counts.ip.secondsLeft : 0,
      ];
      const wait = Math.max(...waits);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait));
        // The same words whichever counter tripped, and whether or not the email has an account.
        throw new ApiError(429, `Too many failed sign-ins. Try again in ${formatWait(seconds)}.`, { headers: { 'Retry-After': String(seconds) } });
      }
    },
    async failed(subjects) {
      const counts = await recordSignInFailure(db, subjects, policy.windowSeconds);
      const delay = failureDelayMs(counts.email, policy);
      if (delay > 0) await sleep(delay);
    },
    async succeeded(subjects) {
      await clearEmailFailures(db, subjects.email);
    },
  };
}

function formatWait(seconds: number): string {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
