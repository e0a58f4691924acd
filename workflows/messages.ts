/**
 * What the API, the workflows and the workers agree on: workflow inputs, the engine
 * activities' names and signatures, queries and search-attribute keys. Deterministic
 * code only, so the workflow bundle can import it.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type ModelId = 'wan2.1' | 'veo3.1';

/** The source image as stored: media goes by key, never through Temporal payloads. */
export interface StoredImage {
  readonly key: string;
  readonly contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  readonly width: number;
  readonly height: number;
}

export interface WanParams {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly cfg: number;
  readonly width: number;
  readonly height: number;
  readonly length: number;
  readonly steps: number;
  readonly seed: number;
}

export type VeoResolution = '720p' | '1080p';
export type VeoPersonGeneration = 'allow_adult' | 'allow_all' | 'deny';

export interface VeoParams {
  readonly prompt: string;
  readonly durationSeconds: 4 | 6 | 8;
  readonly resolution: VeoResolution;
  readonly cameraMotion: string | null;
  readonly subjectAnimation: string | null;
  readonly environmentalAnimation: string | null;
  readonly personGeneration: VeoPersonGeneration;
  readonly generateAudio: boolean;
  readonly enhancePrompt: boolean;
  readonly negativePrompt: string | null;
  readonly seed: number | null;
}

/**
 * Why a job FAILED, as `/status` says it beside `error`: too few credits, a request the engine
 * refused, a safety filter, the engine's (or the service's) own failure, a deadline, a cancel.
 */
export const JOB_ERROR_CODES = ['insufficient_credits', 'invalid_input', 'content_filtered', 'engine_error', 'timeout', 'canceled'] as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[number];

export type EngineRequest =
  | { readonly model: 'wan2.1'; readonly params: WanParams }
  | { readonly model: 'veo3.1'; readonly params: VeoParams };

export interface VideoJobInput {
  readonly jobId: string;
  readonly accountId: string;
  readonly image: StoredImage;
  readonly engine: EngineRequest;
  /** Credits the job costs, fixed at submit so a price change never alters a running job. */
  readonly cost: number;
  /** The task queue of the engine's worker pool (a GPU pool for Wan). */
  readonly engineQueue: string;
  /** Seconds between looks at a running Veo operation. */
  readonly pollIntervalSeconds: number;
  /** Seconds a Veo operation may run from its submission; absent in jobs started before it existed: 30 minutes. */
  readonly veoDeadlineSeconds?: number;
  /** True when the API charged the cost with the job's record; absent in older jobs, whose workflow reserves it. */
  readonly creditsReserved?: boolean;
  /** Present when the client gave a webhook_url (the URL itself is in the job's delivery record). */
  readonly webhook?: { readonly retryIntervalSeconds: number };
  /** The X-Request-Id of the submit, for log lines; absent in jobs started before it was passed. */
  readonly requestId?: string;
}

export interface JobWebhookInput {
  readonly jobId: string;
  /** Wait before the first retry; each later one doubles, up to an hour. */
  readonly retryIntervalSeconds: number;
}

/** The delivery workflow of a job's webhook: one per job, so its id follows from the job's. */
export function jobWebhookWorkflowId(jobId: string): string {
  return `${jobId}-webhook`;
}

/** What every engine hands back: keys of objects it has already written to storage. */
export interface EngineOutput {
  readonly videoKey: string;
  readonly posterKey: string | null;
  /** Facts a viewer should know about this video, e.g. that a development model made it. */
  readonly notes: Readonly<Record<string, string | number | boolean>>;
  /** ISO 8601: when the engine began rendering (the attempt that made this video). Absent from older workers. */
  readonly startedAt?: string;
}

export interface WanRenderInput {
  readonly jobId: string;
  readonly image: StoredImage;
  readonly params: WanParams;
  /** The submit's X-Request-Id, for the activity's log lines. */
  readonly requestId?: string;
}

export interface VeoSubmitInput {
  readonly jobId: string;
  readonly image: StoredImage;
  readonly params: VeoParams;
  /** The submit's X-Request-Id, for the activity's log lines. */
  readonly requestId?: string;
}

export interface VeoOperationRef {
  readonly jobId: string;
  readonly operationName: string;
  /** The submit's X-Request-Id, for the activity's log lines. */
  readonly requestId?: string;
}

export type VeoPollResult = { readonly done: false } | { readonly done: true; readonly output: EngineOutput };

/**
 * The engine activities, by name and signature. The control worker does not implement
 * them: each engine's own worker pool registers them on its task queue.
 */
export interface EngineActivities {
  /** Renders on a GPU worker and uploads the video and its poster; heartbeats per denoising step. */
  generateWanVideo(input: WanRenderInput): Promise<EngineOutput>;
  /** Starts one Veo operation. Billed by Google, so the workflow calls it once per job. */
  submitVeoOperation(input: VeoSubmitInput): Promise<{ readonly operationName: string }>;
  /** One look at the operation; on success the video is already in storage. */
  pollVeoOperation(input: VeoOperationRef): Promise<VeoPollResult>;
}

/** What a Wan render reports in each heartbeat: the denoising step it has finished. */
export interface RenderHeartbeat {
  readonly step: number;
  readonly steps: number;
  /** Epoch ms when this attempt handed the job to the runtime: with `stepAt`, the measured time per step. */
  readonly renderStartedAt?: number;
  /** Epoch ms when `step` finished. */
  readonly stepAt?: number;
  /** The activity attempt that beat: details outlive a failed attempt, so a retry tells its own apart. */
  readonly attempt?: number;
  /** The step of the latest live preview stored at the job's preview key; absent until there is one. */
  readonly previewStep?: number;
}

/** A job waiting for its engine's worker reads the same on every engine. */
export const QUEUED_PROGRESS = 0.05;

export type JobStage = 'reserving_credits' | 'queued' | 'rendering' | 'finalizing' | 'completed' | 'failed' | 'refunding';

export interface JobProgress {
  readonly stage: JobStage;
  /** 0..1 over the whole job. */
  readonly progress: number;
  /** The Veo operation this job waits on, once submitted. */
  readonly operationName: string | null;
  /** ISO 8601, when the workflow itself knows that rendering began (Veo: the submission); Wan's comes from its activity. */
  readonly startedAt?: string;
}

export const jobProgressQuery = defineQuery<JobProgress>('jobProgress');

/**
 * Asks the job to stop. The workflow itself decides, so the answer is never stale: accepted
 * before the video is stored (the job ends FAILED, refunded); refused with
 * `cancelTooLateFailureType` from finalizing on (the job ends COMPLETED, charged).
 */
export const cancelJobUpdate = defineUpdate<void>('cancelJob');
export const cancelTooLateFailureType = 'CancelTooLate';
/** Sent by an engine worker as it begins a render, so our records know which jobs still wait for a worker. */
export interface RenderStarted {
  readonly attempt: number;
  /** ISO 8601. */
  readonly startedAt: string;
}
export const renderStartedSignal = defineSignal<[RenderStarted]>('renderStarted');

export const searchAttributes = {
  model: defineSearchAttributeKey('VividModel', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('VividStatus', SearchAttributeType.KEYWORD),
  account: defineSearchAttributeKey('VividAccount', SearchAttributeType.KEYWORD),
} as const;

export const videoJobWorkflowType = 'videoJob';
