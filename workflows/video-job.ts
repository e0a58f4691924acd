import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ControlActivities } from '../activities/index.js';
import {
  jobProgressQuery,
  searchAttributes,
  type EngineActivities,
  type EngineOutput,
  type JobProgress,
  type JobStage,
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

const VEO_DEADLINE_MS = 30 * 60 * 1000;

export class InsufficientCreditsFailure {
  static readonly type = 'InsufficientCredits';
}

/**
 * One video job, from credit reservation to a finished record. The workflow id is the job id.
 * Whatever ends the job early — an engine error, too few credits, a cancellation — refunds
 * what was reserved exactly once and records the failure.
 */
export async function videoJob(input: VideoJobInput): Promise<EngineOutput> {
  let progress: JobProgress = { stage: 'reserving_credits', progress: 0, operationName: null };
  const setStage = (stage: JobStage, fraction = progress.progress): void => {
    progress = { ...progress, stage, progress: fraction };
  };
  setHandler(jobProgressQuery, () => progress);
  upsertSearchAttributes([
    { key: searchAttributes.model, value: input.engine.model },
    { key: searchAttributes.account, value: input.accountId },
    { key: searchAttributes.status, value: 'PROCESSING' },
  ]);

  try {
    const reservation = await control.reserveCredits({ jobId: input.jobId, accountId: input.accountId, amount: input.cost });
    if (!reservation.reserved) {
      throw ApplicationFailure.nonRetryable(
        `Not enough credits: this job costs ${input.cost} and ${reservation.balance} remain.`,
        InsufficientCreditsFailure.type,
      );
    }
    setStage('queued', 0.05);
    const output = await runEngine(input, (stage, fraction, operationName) => {
      progress = { stage, progress: fraction, operationName: operationName ?? progress.operationName };
    });
    setStage('finalizing', 0.95);
    await control.finalizeJob({ jobId: input.jobId, output });
    setStage('completed', 1);
    upsertSearchAttributes([{ key: searchAttributes.status, value: 'COMPLETED' }]);
    return output;
  } catch (err) {
    const message = failureMessage(err);
    log.warn('video job failed', { jobId: input.jobId, message });
    setStage('refunding');
    // Cleanup must run even when the job itself was cancelled.
    await CancellationScope.nonCancellable(async () => {
      await control.refundCredits({ jobId: input.jobId });
      await control.failJob({ jobId: input.jobId, error: message });
    });
    setStage('failed');
    upsertSearchAttributes([{ key: searchAttributes.status, value: 'FAILED' }]);
    throw err;
  }
}

type StageReporter = (stage: JobStage, fraction: number, operationName?: string) => void;

async function runEngine(input: VideoJobInput, report: StageReporter): Promise<EngineOutput> {
  if (input.engine.model === 'wan2.1') {
    const wan = proxyActivities<EngineActivities>({
      taskQueue: input.engineQueue,
      // A render may wait for a free GPU indefinitely; once started it heartbeats every step.
      startToCloseTimeout: '2 hours',
      heartbeatTimeout: '2 minutes',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: { maximumAttempts: 3, initialInterval: '5 seconds', nonRetryableErrorTypes: ['OutOfMemory', 'InvalidInput'] },
    });
    // 'queued' until a GPU worker picks the render up; the API tells the two apart from the
    // activity's state, which only the server knows.
    report('queued', 0.1);
    return wan.generateWanVideo({ jobId: input.jobId, image: input.image, params: input.engine.params });
  }

  const veo = proxyActivities<EngineActivities>({
    taskQueue: input.engineQueue,
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', backoffCoefficient: 2, nonRetryableErrorTypes: ['InvalidInput', 'VeoRejected'] },
  });
  const { operationName } = await veo.submitVeoOperation({ jobId: input.jobId, image: input.image, params: input.engine.params });
  report('rendering', 0.2, operationName);
  const deadline = Date.now() + VEO_DEADLINE_MS;
  for (let polls = 1; ; polls++) {
    // The wait between looks is a durable timer, so a redeployed worker resumes the same operation.
    await sleep(input.pollIntervalSeconds * 1000);
    const result = await veo.pollVeoOperation({ jobId: input.jobId, operationName });
    if (result.done) return result.output;
    if (Date.now() > deadline) {
      throw ApplicationFailure.nonRetryable(`Veo did not finish within ${VEO_DEADLINE_MS / 60000} minutes.`, 'VeoDeadline');
    }
    // Veo gives no progress figure: creep toward 0.9 so a client sees the job is alive.
    report('rendering', 0.2 + 0.7 * (1 - 1 / (1 + polls / 6)), operationName);
  }
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
