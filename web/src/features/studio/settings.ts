import { VEO_DEFAULTS, WAN_LIMITS, type ModelName } from '../../../../api/schemas/generate-limits';

/** Everything the studio form holds, in the contract's field names. */
export interface StudioSettings {
  model: ModelName;
  prompt: string;
  negative_prompt: string;
  seed: string;
  cfg: number;
  width: number;
  height: number;
  length: number;
  steps: number;
  duration_seconds: number;
  resolution: string;
  person_generation: string;
  generate_audio: boolean;
  enhance_prompt: boolean;
  camera_motion: string;
  subject_animation: string;
  environmental_animation: string;
}

export const defaultSettings: StudioSettings = {
  model: 'wan2.1',
  prompt: '',
  negative_prompt: '',
  seed: '',
  cfg: WAN_LIMITS.cfg.default,
  width: WAN_LIMITS.width.default,
  height: WAN_LIMITS.height.default,
  length: WAN_LIMITS.length.default,
  steps: WAN_LIMITS.steps.default,
  ...VEO_DEFAULTS,
  camera_motion: '',
  subject_animation: '',
  environmental_animation: '',
};

const WAN_FIELDS = ['cfg', 'width', 'height', 'length', 'steps'] as const;
const VEO_FIELDS = ['duration_seconds', 'resolution', 'person_generation', 'generate_audio', 'enhance_prompt', 'camera_motion', 'subject_animation', 'environmental_animation'] as const;

/** The fields of POST /generate (and /estimate): only the chosen model's, empty optional text left out. */
export function toFields(s: StudioSettings): Record<string, string> {
  const fields: Record<string, string> = { prompt: s.prompt, model: s.model };
  if (s.negative_prompt.trim()) fields.negative_prompt = s.negative_prompt;
  if (s.seed.trim()) fields.seed = s.seed.trim();
  for (const name of s.model === 'wan2.1' ? WAN_FIELDS : VEO_FIELDS) {
    const value = s[name];
    if (typeof value === 'string' && !value.trim()) continue;
    fields[name] = String(value);
  }
  return fields;
}

/** The multipart body of POST /generate. */
export function toFormData(s: StudioSettings, image: File): FormData {
  const form = new FormData();
  form.set('image', image);
  for (const [name, value] of Object.entries(toFields(s))) form.set(name, value);
  return form;
}

/**
 * What to price: the form's fields, with a stand-in while the prompt is still blank. The price
 * does not depend on the prompt, and the form asks for one on submit in its own words.
 */
export function toEstimateFields(s: StudioSettings): Record<string, string> {
  const fields = toFields(s);
  return fields.prompt!.trim() ? fields : { ...fields, prompt: 'price only' };
}

/** A job's stored parameters (GET /jobs/{id} `params`, snake_case) back into the form. */
export function fromParams(model: string | undefined, prompt: string | undefined, params: Record<string, unknown> | undefined): StudioSettings {
  const s: StudioSettings = { ...defaultSettings, model: model === 'veo3.1' ? 'veo3.1' : 'wan2.1', prompt: prompt ?? String(params?.prompt ?? '') };
  if (!params) return s;
  const num = (k: string) => (typeof params[k] === 'number' ? (params[k] as number) : typeof params[k] === 'string' && params[k] !== '' && Number.isFinite(Number(params[k])) ? Number(params[k]) : undefined);
  const str = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : undefined);
  const bool = (k: string) => (typeof params[k] === 'boolean' ? (params[k] as boolean) : undefined);
  for (const k of ['cfg', 'width', 'height', 'length', 'steps', 'duration_seconds'] as const) s[k] = num(k) ?? s[k];
  for (const k of ['resolution', 'person_generation', 'negative_prompt', 'camera_motion', 'subject_animation', 'environmental_animation'] as const) s[k] = str(k) ?? s[k];
  for (const k of ['generate_audio', 'enhance_prompt'] as const) s[k] = bool(k) ?? s[k];
  const seed = num('seed');
  if (seed !== undefined) s.seed = String(seed);
  return s;
}
