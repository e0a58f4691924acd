/**
 * What the API, the workflows and the workers agree on: workflow inputs, the engine
 * activities' names and signatures, queries and search-attribute keys. Deterministic
 * code only, so the workflow bundle can import it.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';

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
  /** Present when the client gave a webhook_url (the URL itself is in the job's delivery record). */
  readonly webhook?: { readonly retryIntervalSeconds: number };
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
}

export interface WanRenderInput {
  readonly jobId: string;
  readonly image: StoredImage;
  readonly params: WanParams;
}

export interface VeoSubmitInput {
  readonly jobId: string;
  readonly image: StoredImage;
  readonly params: VeoParams;
}

export interface VeoOperationRef {
  readonly jobId: string;
  readonly operationName: string;
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
}

export type JobStage = 'reserving_credits' | 'queued' | 'rendering' | 'finalizing' | 'completed' | 'failed' | 'refunding';

export interface JobProgress {
  readonly stage: JobStage;
  /** 0..1 over the whole job. */
  readonly progress: number;
  /** The Veo operation this job waits on, once submitted. */
  readonly operationName: string | null;
}

export const jobProgressQuery = defineQuery<JobProgress>('jobProgress');

export const searchAttributes = {
  model: defineSearchAttributeKey('VividModel', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('VividStatus', SearchAttributeType.KEYWORD),
  account: defineSearchAttributeKey('VividAccount', SearchAttributeType.KEYWORD),
} as const;

export const videoJobWorkflowType = 'videoJob';
