/** What a job's workflow history says about its engine activity. */
import type { Client } from '@temporalio/client';

/**
 * The attempt of each render activity (`generateWanVideo`) the job's history shows started. Temporal
 * writes an activity's started event once, when it closes, with its last attempt: a render that
 * succeeded first time reads [1], one handed back once and then finished reads [2].
 */
export async function renderAttempts(client: Client, jobId: string): Promise<number[]> {
  const events = (await client.workflow.getHandle(jobId).fetchHistory()).events ?? [];
  const renders = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateWanVideo').map((e) => String(e.eventId)));
  return events.filter((e) => renders.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId))).map((e) => Number(e.activityTaskStartedEventAttributes?.attempt));
}
