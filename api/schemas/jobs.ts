import { z } from 'zod';
import { JOB_ERROR_CODES, type JobStage } from '../../workflows/messages.js';
import { MODELS } from './generate-limits.js';

/**
 * What the job routes answer: `/generate`'s 202, `/estimate`, `/status/{id}`, `/jobs/{id}` and
 * `/cancel/{id}`. The routes type their bodies from these and the OpenAPI document is made from
 * them, so neither can change without the other.
 */
const jobId = z.uuid().meta({ description: 'The job id (a UUID).' });
const model = z.enum(MODELS);
const instant = z.iso.datetime().meta({ description: 'ISO 8601, UTC.' });
const link = z.url().meta({ description: 'A signed link that needs no key, until its `…_expires_at`.' });

export const JOB_STATUSES = ['PROCESSING', 'COMPLETED', 'FAILED'] as const;
const STAGES = ['reserving_credits', 'queued', 'rendering', 'finalizing', 'completed', 'failed', 'refunding'] as const satisfies readonly JobStage[];

export const acceptedJobSchema = z.object({
  message: z.literal('Generation job accepted.'),
  job_id: jobId,
  model,
  cost: z.int().min(1).meta({ description: 'Credits charged for the job (refunded if it fails or is cancelled).' }),
});
export type AcceptedJob = z.output<typeof acceptedJobSchema>;

export const estimateSchema = z.object({
  cost: z.int().min(1).meta({ description: 'Credits this job would cost: what `POST /generate` with the same fields would charge.' }),
  credits_remaining: z.int().meta({ description: "The account's balance now (as `/usage` says)." }),
});
export type Estimate = z.output<typeof estimateSchema>;

export const cancelAcceptedSchema = z.object({ message: z.literal('Cancellation requested.'), job_id: jobId });
export type CancelAccepted = z.output<typeof cancelAcceptedSchema>;

export const webhookStateSchema = z.object({
  attempts: z.int().min(0),
  last_status_code: z.int().nullable(),
  delivered_at: instant.nullable(),
  last_error: z.string().optional(),
});
export type WebhookState = z.output<typeof webhookStateSchema>;

export const jobStatusSchema = z.object({
  job_id: jobId,
  status: z.enum(JOB_STATUSES),
  model,
  created_at: instant,
  started_at: instant.optional().meta({ description: 'When rendering began (after a retry, the attempt that made the video).' }),
  completed_at: instant.optional(),
  credits_charged: z.int().min(0).meta({ description: 'Reserved less refunded: 0 for a refunded job.' }),
  stage: z.enum(STAGES).optional().meta({ description: 'While PROCESSING.' }),
  progress: z.number().min(0).max(1).optional().meta({ description: 'While PROCESSING: 0–1, never backwards within an attempt.' }),
  attempt: z.int().min(1).optional().meta({ description: 'The attempt of the engine step running now.' }),
  last_error: z.string().optional().meta({ description: 'Why the previous attempt failed, while a retry waits or runs.' }),
  queue_position: z.int().min(0).optional().meta({ description: 'While queued: jobs of any account ahead of this one on its pool\'s queue.' }),
  eta_seconds: z.number().min(0).optional().meta({ description: 'Seconds until done, when known.' }),
  preview_url: link.optional().meta({ description: 'While a Wan job renders: the latest live preview (JPEG).' }),
  preview_url_expires_at: instant.optional(),
  preview_step: z.int().min(0).optional(),
  video_url: link.nullable().optional().meta({ description: 'When COMPLETED: the MP4.' }),
  video_url_expires_at: instant.optional(),
  poster_url: link.nullable().optional().meta({ description: 'When COMPLETED: a JPEG of the first frame.' }),
  poster_url_expires_at: instant.optional(),
  notes: z.record(z.string(), z.unknown()).optional().meta({ description: 'When COMPLETED: facts about the video (e.g. `development_model`).' }),
  error: z.string().optional().meta({ description: 'When FAILED: why.' }),
  code: z.enum(JOB_ERROR_CODES).optional().meta({ description: 'When FAILED: why, for programs.' }),
  webhook: webhookStateSchema.optional().meta({ description: 'With a `webhook_url`: its delivery.' }),
});
export type JobStatusBody = z.output<typeof jobStatusSchema>;

export const jobDetailSchema = jobStatusSchema.extend({
  prompt: z.string(),
  params: z.record(z.string(), z.unknown()).meta({ description: 'The parameters the job was made with, by their `/generate` names; unset ones left out.' }),
  image_url: link.meta({ description: 'The source image, signed.' }),
});
export type JobDetailBody = z.output<typeof jobDetailSchema>;
