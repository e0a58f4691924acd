import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from '../support/random.js';

/** One thing that goes wrong in production, and how long to let the system recover. */
export interface Fault {
  readonly name: string;
  inject(): Promise<void>;
}

/**
 * Runs every fault once, in an order and at moments drawn from the seed, while `busy()` holds
 * (jobs are still in flight). Returns the log of what happened when, for the failure message.
 */
export async function runFaults(rnd: Random, faults: readonly Fault[], options: { minGapMs: number; maxGapMs: number }): Promise<string[]> {
  const order = [...faults];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const log: string[] = [];
  const started = Date.now();
  for (const fault of order) {
    await sleep(rnd.int(options.minGapMs, options.maxGapMs));
    log.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${fault.name}`);
    await fault.inject();
  }
  return log;
}
