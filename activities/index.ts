import type { Kysely } from 'kysely';
import type { Database } from '../infra/db/types.js';
import { createCreditActivities } from './credits.js';
import { createJobRecordActivities } from './job-records.js';

export interface ControlActivityDeps {
  readonly db: Kysely<Database>;
}

/** The activities the control worker serves; engine activities live with their own workers. */
export function createControlActivities(deps: ControlActivityDeps) {
  return {
    ...createCreditActivities(deps),
    ...createJobRecordActivities(deps),
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
