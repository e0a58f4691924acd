import { sql, type Kysely } from 'kysely';
import type { Worker } from '@temporalio/worker';
import type { ReadinessCheck } from './health-server.js';

/** The Temporal frontend answers (both client and worker connections expose the workflow service). */
export function temporalReachable(service: { getSystemInfo(request: object): Promise<unknown> }): ReadinessCheck {
  return { name: 'temporal', check: async () => void (await service.getSystemInfo({})) };
}

export function databaseReachable<DB>(db: Kysely<DB>): ReadinessCheck {
  return { name: 'database', check: async () => void (await sql`select 1`.execute(db)) };
}

/** The worker is polling its queue (not still starting, not draining). */
export function workerPolling(worker: Pick<Worker, 'getState'>, name = 'worker'): ReadinessCheck {
  return {
    name,
    check: async () => {
      const state = worker.getState();
      if (state !== 'RUNNING') throw new Error(`worker is ${state}`);
    },
  };
}
