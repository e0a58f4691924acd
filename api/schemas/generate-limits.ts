/**
 * The generate request's defaults, ranges and upload rules as plain data, importable by the
 * web UI without zod or the server's config. `test/unit/generate-limits.test.ts` checks each
 * value against `generateFieldsSchema` and the upload checks, so the two cannot drift apart.
 */
export const MODELS = ['wan2.1', 'veo3.1'] as const;
export type ModelName = (typeof MODELS)[number];

export const MAX_PROMPT_CHARS = 2000;
export const MAX_HINT_CHARS = 500;
export const SEED_MAX = 4294967295;

export interface NumberLimit {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly default: number;
}

export const WAN_LIMITS = {
  cfg: { min: 1, max: 20, step: 0.5, default: 7.5 },
  width: { min: 16, max: 1920, step: 16, default: 1280 },
  height: { min: 16, max: 1920, step: 16, default: 720 },
  // Frame counts are 4k+1: the step walks 1, 5, 9, … 161.
  length: { min: 1, max: 161, step: 4, default: 81 },
  steps: { min: 1, max: 100, step: 1, default: 30 },
} as const satisfies Record<string, NumberLimit>;
export const WAN_DEFAULT_SEED = 42;
/** Largest frame Wan 2.1 was trained on, either way round. */
export const WAN_MAX_PIXELS = 1280 * 720;

export const VEO_DURATIONS = [4, 6, 8] as const;
export const VEO_RESOLUTIONS = ['720p', '1080p'] as const;
export const VEO_PERSON_GENERATION = ['allow_adult', 'allow_all', 'deny'] as const;
export const VEO_DEFAULTS = {
  duration_seconds: 4,
  resolution: '720p',
  person_generation: 'allow_adult',
  generate_audio: false,
  enhance_prompt: false,
} as const;

/** What the server accepts as a source image. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024;
export const IMAGE_MIN_SIDE = 64;
export const IMAGE_MAX_SIDE = 8192;
