import { z } from 'zod';
import type { EngineRequest, VeoParams, WanParams } from '../../workflows/messages.js';
import { DEFAULT_VEO_MODEL } from '../../infra/config.js';
import { unsupportedCombination } from '../../infra/engines/veo/capabilities.js';
import { booleanField, choiceField, integerField, numberField, textField } from './form-fields.js';
import { STRICT_WEBHOOK_POLICY, webhookUrlField, type WebhookTargetPolicy } from './webhook-url.js';

/**
 * The one description of `POST /api/v1/generate`: its checks, its types and (through
 * zod's JSON Schema export) its documentation. Defaults are the contract's.
 */
const MAX_PROMPT = 2000;
const MAX_HINT = 500;
const UINT32_MAX = 4294967295;

const common = {
  prompt: textField(MAX_PROMPT).refine((p) => p.trim().length > 0, 'must not be empty').meta({ description: 'A description of the desired motion (not blank, no NUL bytes).' }),
  model: choiceField(['wan2.1', 'veo3.1'] as const).default('wan2.1').meta({ description: 'The engine: Wan 2.1 on our GPUs, or Google Veo 3.1.' }),
  negative_prompt: textField(MAX_PROMPT).optional().meta({ description: 'What to avoid in the video (both engines).' }),
  seed: integerField(0, UINT32_MAX).optional().meta({ description: 'Random seed (both engines). Wan: 42 when absent; Veo: none.' }),
  /** Where to POST the job's final status, signed (Standard Webhooks); see api/schemas/webhook-url.ts. */
  webhook_url: webhookUrlField().optional().meta({ description: "Where to POST the job's final `/status` body, signed by the Standard Webhooks scheme; https (plain http only to hosts the operator allows)." }),
};

// Wan 2.1's VAE downsamples 8× and its transformer patches 2×2, so sides are multiples of 16;
// its temporal VAE compresses 4 frames into one after the first, so frame counts are 4k+1.
const wan = {
  cfg: numberField(1.0, 20.0).default(7.5).meta({ description: 'Wan only: guidance scale.' }),
  width: integerField(16, 1920).refine((v) => v % 16 === 0, 'must be a multiple of 16').meta({ multipleOf: 16 }).default(1280).meta({ description: 'Wan only: output width in pixels; width × height at most 1280 × 720.' }),
  height: integerField(16, 1920).refine((v) => v % 16 === 0, 'must be a multiple of 16').meta({ multipleOf: 16 }).default(720).meta({ description: 'Wan only: output height in pixels; width × height at most 1280 × 720.' }),
  length: integerField(1, 161).refine((v) => v % 4 === 1, 'must be of the form 4k+1 (e.g. 81)').default(81).meta({ description: 'Wan only: frames, of the form 4k+1 (1, 5, … 161), at 16 fps.' }),
  steps: integerField(1, 100).default(30).meta({ description: 'Wan only: denoising steps.' }),
};

const veo = {
  duration_seconds: choiceField(['4', '6', '8'] as const)
    .transform((v) => Number(v) as 4 | 6 | 8)
    .meta({ type: 'integer', enum: [4, 6, 8] })
    .default(4)
    .meta({ description: 'Veo only: seconds of video (1080p: 8 only).' }),
  resolution: choiceField(['720p', '1080p'] as const).default('720p').meta({ description: 'Veo only.' }),
  camera_motion: textField(MAX_HINT).optional().meta({ description: 'Veo only: appended to the prompt, e.g. "Dolly (In)".' }),
  subject_animation: textField(MAX_HINT).optional().meta({ description: 'Veo only: appended to the prompt.' }),
  environmental_animation: textField(MAX_HINT).optional().meta({ description: 'Veo only: appended to the prompt.' }),
  person_generation: choiceField(['allow_adult', 'allow_all', 'deny'] as const).default('allow_adult').meta({ description: 'Veo only: whether people may be generated.' }),
  generate_audio: booleanField().default(false).meta({ description: 'Veo only: with sound (twice the price).' }),
  enhance_prompt: booleanField().default(false).meta({ description: "Veo only: Google's prompt enhancement." }),
};

/** Largest frame Wan 2.1 was trained on (1280×720 either way round); larger runs out of its depth. */
const WAN_MAX_PIXELS = 1280 * 720;

export const generateFieldsSchema = z.object({ ...common, ...wan, ...veo }).strict();

/** The same schema with the operator's webhook settings in force (plain http to allowed hosts, private targets). */
// One schema per policy, built once: zod compiles each new schema on its first parse (about 1 ms
// of CPU per request when it was built per request).
const schemasByPolicy = new WeakMap<WebhookTargetPolicy, typeof generateFieldsSchema>();
function schemaForPolicy(policy: WebhookTargetPolicy): typeof generateFieldsSchema {
  if (policy === STRICT_WEBHOOK_POLICY) return generateFieldsSchema;
  let schema = schemasByPolicy.get(policy);
  if (!schema) {
    schema = generateFieldsSchema.extend({ webhook_url: webhookUrlField(policy).optional() });
    schemasByPolicy.set(policy, schema);
  }
  return schema;
}
export type GenerateFields = z.output<typeof generateFieldsSchema>;

export const wanOnlyFields = Object.keys(wan);
export const veoOnlyFields = Object.keys(veo);
export const knownFields = new Set([...Object.keys(generateFieldsSchema.shape), 'image']);

export class FieldError extends Error {
  override name = 'FieldError';
}

/**
 * Checks the text fields of a generate request and returns the engine request they describe.
 * Throws FieldError with a message naming the offending parameter.
 */
export function parseGenerateFields(raw: Record<string, unknown>, options: GenerateOptions = {}): EngineRequest {
  return parseGenerateRequest(raw, options).engine;
}

export interface GenerateOptions {
  readonly veoModel?: string | undefined;
  readonly webhookPolicy?: WebhookTargetPolicy | undefined;
}

export interface GenerateRequest {
  readonly engine: EngineRequest;
  readonly webhookUrl: string | null;
}

/** The engine request and the delivery options of a generate request. */
export function parseGenerateRequest(raw: Record<string, unknown>, options: GenerateOptions = {}): GenerateRequest {
  for (const [name, value] of Object.entries(raw)) {
    if (!knownFields.has(name)) throw new FieldError(`Unknown parameter '${name}'.`);
    if (Array.isArray(value)) throw new FieldError(`Parameter '${name}' was sent more than once.`);
  }
  if (raw.prompt === undefined) throw new FieldError(`Missing required parameter 'prompt'.`);

  const parsed = schemaForPolicy(options.webhookPolicy ?? STRICT_WEBHOOK_POLICY).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'request');
    throw new FieldError(`Invalid parameter '${name}': ${issue.message}.`);
  }
  const f = parsed.data;
  const webhookUrl = f.webhook_url ?? null;
  const foreign = f.model === 'wan2.1' ? veoOnlyFields : wanOnlyFields;
  const misplaced = foreign.find((name) => raw[name] !== undefined);
  if (misplaced) throw new FieldError(`Parameter '${misplaced}' does not apply to model '${f.model}'.`);

  if (f.model === 'wan2.1') {
    if (f.width * f.height > WAN_MAX_PIXELS) {
      throw new FieldError(`Invalid parameters 'width' and 'height': ${f.width}×${f.height} exceeds Wan 2.1's largest frame (1280×720 pixels).`);
    }
    const params: WanParams = {
      prompt: f.prompt,
      negativePrompt: f.negative_prompt ?? '',
      cfg: f.cfg,
      width: f.width,
      height: f.height,
      length: f.length,
      steps: f.steps,
      seed: f.seed ?? 42,
    };
    return { engine: { model: 'wan2.1', params }, webhookUrl };
  }

  // Combinations Google documents as unsupported for the configured model are a 400 now, not a failed job later.
  const unsupported = unsupportedCombination(options.veoModel ?? DEFAULT_VEO_MODEL, f.resolution, f.duration_seconds);
  if (unsupported) throw new FieldError(unsupported);

  const params: VeoParams = {
    prompt: f.prompt,
    durationSeconds: f.duration_seconds,
    resolution: f.resolution,
    cameraMotion: f.camera_motion?.trim() || null,
    subjectAnimation: f.subject_animation?.trim() || null,
    environmentalAnimation: f.environmental_animation?.trim() || null,
    personGeneration: f.person_generation,
    generateAudio: f.generate_audio,
    enhancePrompt: f.enhance_prompt,
    negativePrompt: f.negative_prompt?.trim() || null,
    seed: f.seed ?? null,
  };
  return { engine: { model: 'veo3.1', params }, webhookUrl };
}
