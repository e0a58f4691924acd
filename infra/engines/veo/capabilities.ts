/**
 * What each Veo model on Vertex AI accepts, as Google documents it. The API checks a request
 * against the configured model at submit (a 400, not a failed job later); the request mapper
 * records in the job's notes any parameter the model ignores, so nothing is dropped silently.
 *
 * Sources (read 2026-11-24):
 * - Veo 3.1 on Vertex AI, model card (id, 720p/1080p, 4/6/8 s, 16:9 and 9:16, sound generation):
 *   https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/veo/3-1-generate
 * - Request fields (`durationSeconds`, `resolution`, `personGeneration`, `generateAudio`,
 *   `enhancePrompt`, `negativePrompt`, `seed`, `storageUri`) and which models take them:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation
 * - Veo 3.1 lists 1080p for 8-second videos only:
 *   https://ai.google.dev/gemini-api/docs/video (the "Veo 3.1" parameter table)
 * - Veo 3.0 model card (720/1080, 4/6/8 s):
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-0-generate-001
 * - Veo 2 takes neither `resolution` nor `generateAudio` (720p, silent; 5–8 s):
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation
 */
import type { VeoResolution } from '../../../workflows/messages.js';

/** The Vertex request fields our contract maps to; a model may ignore some of them. */
export type VeoApiField = 'resolution' | 'generateAudio' | 'enhancePrompt' | 'negativePrompt' | 'seed' | 'personGeneration';

export interface VeoModelCapabilities {
  readonly durations: readonly number[];
  readonly resolutions: readonly VeoResolution[];
  /** Resolutions limited to some durations (e.g. Veo 3.1's 1080p: 8 s only). */
  readonly durationsByResolution: Partial<Record<VeoResolution, readonly number[]>>;
  /** Fields of our contract the model does not take. */
  readonly unsupportedFields: readonly VeoApiField[];
  readonly source: string;
}

const VEO_31_DOC = 'https://docs.cloud.google.com/gemini-enterprise-agent-platform/models/veo/3-1-generate';
const VEO_30_DOC = 'https://cloud.google.com/vertex-ai/generative-ai/docs/models/veo/3-0-generate-001';
const VEO_REF_DOC = 'https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation';

const veo31: VeoModelCapabilities = {
  durations: [4, 6, 8],
  resolutions: ['720p', '1080p'],
  durationsByResolution: { '1080p': [8] },
  unsupportedFields: [],
  source: VEO_31_DOC,
};
const veo30: VeoModelCapabilities = { durations: [4, 6, 8], resolutions: ['720p', '1080p'], durationsByResolution: {}, unsupportedFields: [], source: VEO_30_DOC };
const veo2: VeoModelCapabilities = {
  durations: [5, 6, 7, 8],
  resolutions: ['720p'],
  durationsByResolution: {},
  unsupportedFields: ['resolution', 'generateAudio'],
  source: VEO_REF_DOC,
};

const byPrefix: ReadonlyArray<readonly [string, VeoModelCapabilities]> = [
  ['veo-3.1-', veo31],
  ['veo-3.0-', veo30],
  ['veo-2.0-', veo2],
];

/** The documented capabilities of a model id; ids we do not know are treated as Veo 3.1. */
export function veoCapabilities(model: string): VeoModelCapabilities {
  return byPrefix.find(([prefix]) => model.startsWith(prefix))?.[1] ?? veo31;
}

/**
 * Null when the model takes this duration at this resolution; otherwise a message naming the
 * parameter, for a 400 at submit.
 */
export function unsupportedCombination(model: string, resolution: VeoResolution, durationSeconds: number): string | null {
  const caps = veoCapabilities(model);
  if (!caps.durations.includes(durationSeconds)) {
    return `Invalid parameter 'duration_seconds': ${model} makes videos of ${caps.durations.join(', ')} seconds (${caps.source}).`;
  }
  if (caps.unsupportedFields.includes('resolution')) return null; // ignored, and said so in the job's notes
  if (!caps.resolutions.includes(resolution)) {
    return `Invalid parameter 'resolution': ${model} makes ${caps.resolutions.join(', ')} videos (${caps.source}).`;
  }
  const allowed = caps.durationsByResolution[resolution];
  if (allowed && !allowed.includes(durationSeconds)) {
    return `Invalid parameters 'resolution' and 'duration_seconds': ${model} makes ${resolution} videos of ${allowed.join(', ')} seconds only (${caps.source}).`;
  }
  return null;
}
