import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { defaultPayloadConverter, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { cancelJobUpdate, cancelTooLateFailureType, jobProgressQuery, searchAttributes, videoJobWorkflowType, type JobProgress, type VideoJobInput } from '../workflows/messages.js';
import { refineProgress, type PendingActivity } from './live-progress.js';

/** The API's view of Temporal: start a job's workflow, read its live state, cancel it. */
export interface JobQueue {
  start(input: VideoJobInput): Promise<void>;
  /** Null when the workflow cannot answer right now (no control worker running, say). */
  progress(jobId: string): Promise<JobProgress | null>;
  /** 'too_late' once the job's video is stored and it is finalizing. */
  cancel(jobId: string): Promise<CancelAnswer>;
}

export type CancelAnswer = 'requested' | 'finished' | 'too_late';

export interface TemporalJobQueueOptions {
  readonly taskQueue: string;
  readonly queryTimeoutMs?: number;
  /**
   * How long one answer about a job's live state is reused. Each answer costs a round trip
   * through the Temporal server to the control worker, so many pollers of one job share it.
   */
  readonly progressTtlMs?: number;
  /** How long a cancel waits for the workflow's own answer before leaving Temporal a request. */
  readonly cancelTimeoutMs?: number;
}

export function temporalJobQueue(client: Client, options: TemporalJobQueueOptions): JobQueue {
  const queryTimeoutMs = options.queryTimeoutMs ?? 1000;
  const progressTtlMs = options.progressTtlMs ?? 1000;
  const cancelTimeoutMs = options.cancelTimeoutMs ?? 5000;
  const recent = new Map<string, { at: number; answer: Promise<JobProgress | null> }>();

  const ask = async (jobId: string): Promise<JobProgress | null> => {
    try {
      const handle = client.workflow.getHandle(jobId);
      const progress = await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(jobProgressQuery));
      if (progress.stage !== 'queued') return progress;
      const { raw } = await handle.describe();
      return refineProgress(progress, (raw.pendingActivities ?? []).map(toPendingActivity));
    } catch {
      return null;
    }
  };

  return {
    async start(input) {
      await client.workflow.start(videoJobWorkflowType, {
        workflowId: input.jobId,
        taskQueue: options.taskQueue,
        args: [input],
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.model, value: input.engine.model },
          { key: searchAttributes.account, value: input.accountId },
          { key: searchAttributes.status, value: 'PROCESSING' },
        ]),
      });
    },
    async progress(jobId) {
      const now = Date.now();
      const hit = recent.get(jobId);
      if (hit && now - hit.at < progressTtlMs) return hit.answer;
      // Concurrent pollers of one job share a single in-flight question.
      const answer = ask(jobId);
      recent.set(jobId, { at: now, answer });
      if (recent.size > 10_000) {
        for (const [id, entry] of recent) if (now - entry.at >= progressTtlMs) recent.delete(id);
      }
      return answer;
    },
    async cancel(jobId) {
      const handle = client.workflow.getHandle(jobId);
      try {
        // The workflow answers for itself, so a cancel cannot slip in once finalizing has begun.
        await client.withDeadline(Date.now() + cancelTimeoutMs, () => handle.executeUpdate(cancelJobUpdate));
        recent.delete(jobId);
        return 'requested';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'finished';
        const tooLate = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === cancelTooLateFailureType;
        if (tooLate) return 'too_late';
        // A job started before the update existed has no handler, and a workflow whose worker is
        // away cannot answer: Temporal's own cancel request reaches either, and a workflow that
        // is already finalizing ignores it.
        if (!(err instanceof WorkflowUpdateFailedError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw err;
      }
      try {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return 'finished';
        await handle.cancel();
        recent.delete(jobId);
        return 'requested';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'finished';
        throw err;
      }
    },
  };
}

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

function toPendingActivity(info: proto.temporal.api.workflow.v1.IPendingActivityInfo): PendingActivity {
  const payload = info.heartbeatDetails?.payloads?.[0];
  let heartbeat: unknown;
  try {
    heartbeat = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
  } catch {
    heartbeat = undefined;
  }
  return {
    type: info.activityType?.name ?? '',
    started: info.state === STARTED,
    heartbeat,
  };
}
