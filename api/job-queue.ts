import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { defaultPayloadConverter, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { cancelJobUpdate, cancelTooLateFailureType, jobProgressQuery, searchAttributes, videoJobWorkflowType, type VideoJobInput } from '../workflows/messages.js';
import { neverBackwards, refineProgress, type LiveJob, type PendingActivity } from './live-progress.js';

/** What the server knows of an engine pool's queue. */
export interface QueueStats {
  /** Engine tasks on the queue that no worker has started yet. */
  readonly backlog: number;
  /** Workers that polled the queue lately. */
  readonly pollers: number;
}

/** The API's view of Temporal: start a job's workflow, read its live state, cancel it. */
export interface JobQueue {
  start(input: VideoJobInput): Promise<void>;
  /** Null when the workflow cannot answer right now (no control worker running, say). */
  progress(jobId: string): Promise<LiveJob | null>;
  /** Null when the server cannot say. */
  queueStats(taskQueue: string): Promise<QueueStats | null>;
  /** 'too_late' once the job's video is stored and it is finalizing. */
  cancel(jobId: string): Promise<CancelAnswer>;
  /**
   * Resolves once the job's workflow has closed, at `until` (epoch ms), or when `signal` aborts,
   * whichever comes first; never rejects (then the job's record answers for it).
   */
  waitForEnd(jobId: string, until: number, signal: AbortSignal): Promise<void>;
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
  // The furthest each job has been seen, so that no answer from this process goes backwards.
  const furthest = new Map<string, LiveJob>();

  const ask = async (jobId: string): Promise<LiveJob | null> => {
    try {
      const handle = client.workflow.getHandle(jobId);
      const progress = await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(jobProgressQuery));
      const ended = progress.stage === 'completed' || progress.stage === 'failed';
      const pending = ended ? [] : ((await handle.describe()).raw.pendingActivities ?? []).map(toPendingActivity);
      const live = neverBackwards(furthest.get(jobId), refineProgress(progress, pending));
      furthest.delete(jobId);
      furthest.set(jobId, live);
      if (furthest.size > 10_000) furthest.delete(furthest.keys().next().value!);
      return live;
    } catch {
      return null;
    }
  };

  const describeQueue = async (taskQueue: string): Promise<QueueStats | null> => {
    try {
      const res = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: proto.temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportStats: true,
      });
      return { backlog: Number(res.stats?.approximateBacklogCount ?? 0), pollers: res.pollers?.length ?? 0 };
    } catch {
      return null;
    }
  };

  // Concurrent pollers of one job (or one queue) share a single in-flight question.
  const recent = sharedFor(progressTtlMs, ask);
  const queues = sharedFor(progressTtlMs, describeQueue);

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
    progress: recent.answer,
    queueStats: queues.answer,
    async waitForEnd(jobId, until, signal) {
      // The server's own long poll on the close event: no polling here, and it holds across API
      // processes, since it is the workflow's history that is waited on.
      const request: proto.temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest = {
        namespace: client.options.namespace,
        execution: { workflowId: jobId },
        waitNewEvent: true,
        historyEventFilterType: proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
        skipArchival: true,
      };
      try {
        while (Date.now() < until && !signal.aborted) {
          const res = await client.withAbortSignal(signal, () => client.withDeadline(until, () => client.workflowService.getWorkflowExecutionHistory(request)));
          if ((res.history?.events?.length ?? 0) > 0) return;
          // The server's poll ran out before the workflow closed: go on from where it left off.
          request.nextPageToken = res.nextPageToken;
        }
      } catch {
        // The deadline, the client gone, or the server unreachable: the record says where the job is.
      }
    },
    async cancel(jobId) {
      const handle = client.workflow.getHandle(jobId);
      try {
        // The workflow answers for itself, so a cancel cannot slip in once finalizing has begun.
        await client.withDeadline(Date.now() + cancelTimeoutMs, () => handle.executeUpdate(cancelJobUpdate));
        recent.forget(jobId);
        return 'requested';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'finished';
        const tooLate = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === cancelTooLateFailureType;
        if (tooLate) return 'too_late';
        // A job started before the update existed has no handler, and a workflow whose worker is
        // away cannot answer: Temporal's own cancel request reaches either, and a workflow that
        // is already finalizing ignores it. A workflow that has just closed refuses the update
        // with a ServiceError: describe() below then says it finished.
        if (!(err instanceof WorkflowUpdateFailedError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err instanceof ServiceError)) throw err;
      }
      try {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return 'finished';
        await handle.cancel();
        recent.forget(jobId);
        return 'requested';
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'finished';
        throw err;
      }
    },
  };
}

/** One answer per key, reused for ttlMs (a bounded map; stale entries go when it grows large). */
function sharedFor<T>(ttlMs: number, compute: (key: string) => Promise<T>) {
  const answers = new Map<string, { at: number; answer: Promise<T> }>();
  return {
    answer(key: string): Promise<T> {
      const now = Date.now();
      const hit = answers.get(key);
      if (hit && now - hit.at < ttlMs) return hit.answer;
      const answer = compute(key);
      answers.set(key, { at: now, answer });
      if (answers.size > 10_000) for (const [k, entry] of answers) if (now - entry.at >= ttlMs) answers.delete(k);
      return answer;
    },
    forget(key: string): void {
      answers.delete(key);
    },
  };
}

const { PENDING_ACTIVITY_STATE_STARTED, PENDING_ACTIVITY_STATE_CANCEL_REQUESTED } = proto.temporal.api.enums.v1.PendingActivityState;

function toPendingActivity(info: proto.temporal.api.workflow.v1.IPendingActivityInfo): PendingActivity {
  const payload = info.heartbeatDetails?.payloads?.[0];
  let heartbeat: unknown;
  try {
    heartbeat = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
  } catch {
    heartbeat = undefined;
  }
  const startedSeconds = info.lastStartedTime?.seconds;
  const lastStartedAt = startedSeconds == null ? null : new Date(Number(startedSeconds) * 1000 + Math.floor((info.lastStartedTime?.nanos ?? 0) / 1e6));
  const started = info.state === PENDING_ACTIVITY_STATE_STARTED || (info.state === PENDING_ACTIVITY_STATE_CANCEL_REQUESTED && lastStartedAt !== null);
  return {
    type: info.activityType?.name ?? '',
    state: started ? (info.state === PENDING_ACTIVITY_STATE_STARTED ? 'started' : 'cancel_requested') : 'scheduled',
    attempt: info.attempt ?? 1,
    lastFailure: innermostMessage(info.lastFailure) ?? null,
    lastStartedAt: started ? lastStartedAt : null,
    heartbeat,
  };
}

/** The engine's own words: the deepest message in Temporal's chain of causes. */
function innermostMessage(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  let message: string | undefined;
  for (let f = failure; f; f = f.cause) if (f.message) message = f.message;
  return message;
}
