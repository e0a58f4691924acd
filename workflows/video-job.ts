import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  condition,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ControlActivities } from '../activities/index.js';
import { failureCode } from './failure-code.js';
import { jobChanges, type HasChange } from './job-changes.js';
import { jobWebhook } from './job-webhook.js';
import {
  cancelJobUpdate,
  cancelTooLateFailureType,
  jobProgressQuery,
  jobWebhookWorkflowId,
  renderStartedSignal,
  searchAttributes,
  type EngineActivities,
  type EngineOutput,
  type JobProgress,
  type JobStage,
  QUEUED_PROGRESS,
  type VeoPollResult,
  type VideoJobInput,
} from './messages.js';

/**
 * Bookkeeping is a short, idempotent write to our own database, so it runs as local activities
 * on the worker that runs the workflow: no task-queue round trip through the server per step.
 */
const control = proxyLocalActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/**
 * Finalizing as an ordinary activity: while it runs, the workflow is free to answer a cancelJob
 * update (a running local activity would hold the answer back until it finished).
 */
const finalizer = proxyActivities<ControlActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

const DEFAULT_VEO_DEADLINE_SECONDS = 30 * 60;

export class InsufficientCreditsFailure {
  static readonly type = 'InsufficientCredits';
}

/** Until the engine's video is stored, a cancel stops the job; from finalizing on it is too late. */
const CANCELLABLE_STAGES: ReadonlySet<JobStage> = new Set(['reserving_credits', 'queued', 'rendering']);

/**
 * One video job, from credits to a finished record. The workflow id is the job id. Whatever
 * ends the job early — an engine error, too few credits, a cancellation — refunds what was
 * reserved exactly once and records the failure. Once the video is stored, the job completes:
 * a cancel is refused, so a delivered video is always charged and never refunded.
 */
export async function videoJob(input: VideoJobInput): Promise<EngineOutput> {
  const has = jobChanges();
  let progress: JobProgress = { stage: input.creditsReserved ? 'queued' : 'reserving_credits', progress: 0, operationName: null };
  const setStage = (stage: JobStage, fraction = progress.progress): void => {
    progress = { ...progress, stage, progress: fraction };
  };
  setHandler(jobProgressQuery, () => progress);
  // The job's own scope, so an accepted cancelJob stops exactly the work before finalizing.
  const work = new CancellationScope();
  let cancelAccepted = false;
  setHandler(
    cancelJobUpdate,
    () => {
      cancelAccepted = true;
      work.cancel();
    },
    {
      validator: () => {
        if (!CANCELLABLE_STAGES.has(progress.stage)) {
          throw ApplicationFailure.nonRetryable(`The job is ${progress.stage}: too late to cancel.`, cancelTooLateFailureType);
        }
      },
    },
  );
  // The first render start, as the engine worker reports it; later attempts keep the first.
  let renderStartedAt: string | undefined;
  setHandler(renderStartedSignal, ({ startedAt }) => {
    renderStartedAt ??= startedAt;
    progress = { ...progress, startedAt: progress.startedAt ?? startedAt };
  });
  // The API sets these when it starts the job; writing them again costs the server a visibility
  // update per job. Jobs started before this replay with the upsert (test/replay), and a start
  // that carried none (another starter) still gets them.
  const startedWithAttributes = workflowInfo().typedSearchAttributes.get(searchAttributes.status) !== undefined;
  if (!(startedWithAttributes && has('search-attributes-from-start'))) {
    upsertSearchAttributes([
      { key: searchAttributes.model, value: input.engine.model },
      { key: searchAttributes.account, value: input.accountId },
      { key: searchAttributes.status, value: 'PROCESSING' },
    ]);
  }

  try {
    const output = await work.run(async () => {
      // Jobs submitted since the API charges at submit carry the flag; older ones reserve here.
      if (!input.creditsReserved) {
        const reservation = await control.reserveCredits({ jobId: input.jobId, accountId: input.accountId, amount: input.cost });
        if (!reservation.reserved) {
          throw ApplicationFailure.nonRetryable(
            `Not enough credits: this job costs ${input.cost} and ${reservation.balance} remain.`,
            InsufficientCreditsFailure.type,
          );
        }
      }
      setStage('queued', QUEUED_PROGRESS);
      return runEngine(input, has, () => renderStartedAt, (stage, fraction, operationName) => {
        progress = { ...progress, stage, progress: fraction, operationName: operationName ?? progress.operationName };
        // Veo's rendering begins with its submission, which only the workflow sees.
        if (operationName && !progress.startedAt) progress = { ...progress, startedAt: new Date().toISOString() };
      });
    });
    // The engine's answer and an accepted cancel can land together; the client was told it stops.
    if (cancelAccepted) throw new CancelledFailure('The job was cancelled.');
    setStage('finalizing', 0.95);
    // Patched: jobs started before started_at existed finalize with the engine's output alone (test/replay).
    const startedAt = output.startedAt ?? progress.startedAt;
    const finished = startedAt && has('job-started-at') ? { ...output, startedAt } : output;
    if (has('finalize-despite-cancel')) {
      // The video is stored: a cancel request from here on (Temporal's own, say) changes nothing.
      await CancellationScope.nonCancellable(() => finalizer.finalizeJob({ jobId: input.jobId, output: finished }));
    } else {
      await control.finalizeJob({ jobId: input.jobId, output: finished });
    }
    setStage('completed', 1);
    upsertSearchAttributes([{ key: searchAttributes.status, value: 'COMPLETED' }]);
    await CancellationScope.nonCancellable(() => startWebhook(input, has));
    return output;
  } catch (err) {
    const message = failureMessage(err);
    const code = failureCode(err);
    log.warn('video job failed', { jobId: input.jobId, code, message, ...requestIdField(input) });
    setStage('refunding');
    // Cleanup must run even when the job itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      await control.refundCredits({ jobId: input.jobId });
      await control.failJob({ jobId: input.jobId, error: message, code, ...(progress.startedAt && has('job-started-at') ? { startedAt: progress.startedAt } : {}) });
    });
    setStage('failed');
    upsertSearchAttributes([{ key: searchAttributes.status, value: 'FAILED' }]);
    await CancellationScope.nonCancellable(() => startWebhook(input, has));
    throw err;
  }
}

/**
 * Hands the job's webhook to a delivery workflow of its own, once the record is final. ABANDON:
 * the job closes now, whatever the receiver does (workflows/job-webhook.ts says why).
 * Patched: jobs started before webhooks existed replay without the extra command (test/replay).
 */
async function startWebhook(input: VideoJobInput, has: HasChange): Promise<void> {
  if (!input.webhook || !has('job-webhook')) return;
  await startChild(jobWebhook, {
    workflowId: jobWebhookWorkflowId(input.jobId),
    args: [{ jobId: input.jobId, retryIntervalSeconds: input.webhook.retryIntervalSeconds }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

type StageReporter = (stage: JobStage, fraction: number, operationName?: string) => void;

async function runEngine(input: VideoJobInput, has: HasChange, renderStartedAt: () => string | undefined, report: StageReporter): Promise<EngineOutput> {
  if (input.engine.model === 'wan2.1') {
    const wan = proxyActivities<EngineActivities>({
      taskQueue: input.engineQueue,
      // A render may wait for a free GPU indefinitely; once started it heartbeats every step and at
      // least every 5 s besides (a slow step, the VAE decode), so a dead worker is noticed within a minute.
      startToCloseTimeout: '2 hours',
      heartbeatTimeout: '1 minute',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: { maximumAttempts: 3, initialInterval: '5 seconds', nonRetryableErrorTypes: ['OutOfMemory', 'InvalidInput'] },
    });
    // 'queued' until a GPU worker picks the render up; the API tells the two apart from the
    // activity's state, which only the server knows.
    report('queued', QUEUED_PROGRESS);
    const render = wan.generateWanVideo({ jobId: input.jobId, image: input.image, params: input.engine.params, ...requestIdField(input) });
    // Patched: jobs started before this replay without the record of their start (test/replay).
    if (has('record-render-start')) {
      const started = await Promise.race([render.then(() => false, () => false), condition(() => renderStartedAt() !== undefined).then(() => true)]);
      if (started) await control.markJobStarted({ jobId: input.jobId, startedAt: renderStartedAt()! });
    }
    return render;
  }

  const retry = { initialInterval: '5 seconds', maximumInterval: '1 minute', backoffCoefficient: 2, nonRetryableErrorTypes: ['InvalidInput', 'VeoRejected', 'VeoFiltered'] };
  // The submit may wait, queued, for a Veo worker as long as it takes (none runs without Veo
  // credentials); once one takes it, 429s and 5xx from Google retry with backoff, ten times.
  const submitter = proxyActivities<EngineActivities>({ taskQueue: input.engineQueue, startToCloseTimeout: '2 minutes', retry: { ...retry, maximumAttempts: 10 } });
  const { operationName } = await submitter.submitVeoOperation({ jobId: input.jobId, image: input.image, params: input.engine.params, ...requestIdField(input) });

  // From the submission on, the job has one deadline; every poll attempt (retried with backoff
  // on 429/5xx) is bounded by what is left of it, so a job never outlives it by much.
  const deadlineSeconds = input.veoDeadlineSeconds ?? DEFAULT_VEO_DEADLINE_SECONDS;
  const deadline = Date.now() + deadlineSeconds * 1000;
  const deadlineMessage = `Veo did not finish within ${deadlineSeconds % 60 === 0 ? `${deadlineSeconds / 60} minutes` : `${deadlineSeconds} seconds`}.`;
  const poll = async (): Promise<VeoPollResult> => {
    const poller = proxyActivities<EngineActivities>({
      taskQueue: input.engineQueue,
      startToCloseTimeout: '2 minutes',
      scheduleToCloseTimeout: Math.max(1000, deadline - Date.now()),
      retry,
    });
    try {
      return await poller.pollVeoOperation({ jobId: input.jobId, operationName, ...requestIdField(input) });
    } catch (err) {
      // An attempt cut short by the deadline reads as the deadline, not as Temporal's timeout.
      if (!isCancellation(err) && Date.now() >= deadline) throw ApplicationFailure.nonRetryable(deadlineMessage, 'VeoDeadline');
      throw err;
    }
  };
  // Operators see the operation on the workflow itself (memo), besides the jobProgress query.
  // Patched: Veo jobs started before the memo existed replay without it (test/replay).
  if (has('veo-operation-memo')) upsertMemo({ veoOperation: operationName });
  report('rendering', 0.2, operationName);
  // Patched: the submission is where a Veo job stops waiting for a worker (test/replay).
  if (has('record-render-start')) await control.markJobStarted({ jobId: input.jobId, startedAt: new Date().toISOString() });
  for (let polls = 1; ; polls++) {
    // The wait between looks is a durable timer, so a redeployed worker resumes the same operation.
    await sleep(input.pollIntervalSeconds * 1000);
    const result = await poll();
    if (result.done) return result.output;
    if (Date.now() > deadline) {
      throw ApplicationFailure.nonRetryable(deadlineMessage, 'VeoDeadline');
    }
    // Veo gives no progress figure: creep toward 0.9 so a client sees the job is alive.
    report('rendering', 0.2 + 0.7 * (1 - 1 / (1 + polls / 6)), operationName);
  }
}

/** The submit's request id, for log lines and activity inputs; jobs from before it have none. */
function requestIdField(input: VideoJobInput): { requestId?: string } {
  return input.requestId ? { requestId: input.requestId } : {};
}

/** The innermost message: the engine's own words, not Temporal's wrapping. */
function failureMessage(err: unknown): string {
  if (isCancellation(err)) return 'The job was cancelled.';
  let current: unknown = err;
  let message = 'The job failed.';
  while (current instanceof Error) {
    if (current.message) message = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return message;
}
