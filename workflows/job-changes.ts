import { patched } from '@temporalio/workflow';

/** The changes made to the job workflow while jobs were in flight, each once a `patched()` id. */
export type JobChange =
  | 'veo-operation-memo'
  | 'record-render-start'
  | 'job-started-at'
  | 'finalize-despite-cancel'
  | 'job-webhook'
  | 'search-attributes-from-start';

/** Jobs started on code that has every change above record this one marker instead of one per change. */
const ALL_CHANGES = 'job-changes-2026-12';

/** Whether this job runs with a change. */
export type HasChange = (change: JobChange) => boolean;

/**
 * Which changes this job runs with. Each `patched()` call costs a new job a history marker and a
 * write of the `TemporalChangeVersion` search attribute, so a job started now takes every change
 * with one call; a job started before asks change by change, at the points where it asked then,
 * so its history replays as it was recorded (test/replay). A new change joins the list and goes
 * behind a new ALL_CHANGES id, the old one moving into the list.
 */
export function jobChanges(): HasChange {
  const all = patched(ALL_CHANGES);
  return (change) => all || patched(change);
}
