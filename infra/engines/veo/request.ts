/**
 * Our contract's Veo parameters → one `generateVideos` call of @google/genai (which sends them
 * to Vertex AI's `predictLongRunning` as `instances[0]` and `parameters`). Pure: no I/O, so
 * every mapping is unit-tested.
 */
import type { GenerateVideosConfig, GenerateVideosParameters } from '@google/genai';
import type { VeoParams, VeoPersonGeneration } from '../../../workflows/messages.js';
import { veoCapabilities, type VeoApiField } from './capabilities.js';

export interface VeoImageInput {
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly width: number;
  readonly height: number;
}

export interface VeoRequest {
  readonly params: GenerateVideosParameters;
  /** Facts for the job's record: the composed prompt, the aspect ratio, fields the model ignores. */
  readonly notes: Record<string, string | number | boolean>;
}

/**
 * Vertex AI's `personGeneration` values: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/veo-video-generation
 * (`dont_allow`, `allow_adult`, `allow_all`). Google may refuse `allow_all` for image input in
 * some regions or projects; its 400 then fails the job with Google's own message.
 */
const personGeneration: Record<VeoPersonGeneration, string> = {
  allow_adult: 'allow_adult',
  allow_all: 'allow_all',
  deny: 'dont_allow',
};

/** Landscape or square images make 16:9 videos, portrait ones 9:16: Veo takes no other ratio. */
export function aspectRatioFor(width: number, height: number): '16:9' | '9:16' {
  return height > width ? '9:16' : '16:9';
}

/**
 * `camera_motion`, `subject_animation` and `environmental_animation` are not API fields. They
 * are appended to the prompt, in this order, each as one labelled sentence, following Google's
 * prompt guide (subject, action, camera motion, ambiance):
 *   "<prompt>. Subject: <subject_animation>. Environment: <environmental_animation>. Camera: <camera_motion>."
 * https://cloud.google.com/vertex-ai/generative-ai/docs/video/video-gen-prompt-guide
 */
export function composePrompt(params: Pick<VeoParams, 'prompt' | 'cameraMotion' | 'subjectAnimation' | 'environmentalAnimation'>): string {
  const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);
  const parts = [sentence(params.prompt.trim())];
  if (params.subjectAnimation) parts.push(`Subject: ${sentence(params.subjectAnimation.trim())}`);
  if (params.environmentalAnimation) parts.push(`Environment: ${sentence(params.environmentalAnimation.trim())}`);
  if (params.cameraMotion) parts.push(`Camera: ${sentence(params.cameraMotion.trim())}`);
  return parts.join(' ');
}

/**
 * The one `generateVideos` request for a job. `outputGcsUri` (a `gs://` prefix in our bucket)
 * makes Google write the video there; without it Vertex returns the bytes inline.
 */
export function buildVeoRequest(input: { model: string; params: VeoParams; image: VeoImageInput; outputGcsUri?: string | undefined }): VeoRequest {
  const { model, params, image } = input;
  const caps = veoCapabilities(model);
  const ignored = new Set<VeoApiField>(caps.unsupportedFields);
  const notes: Record<string, string | number | boolean> = { engine: 'veo', model };
  const config: GenerateVideosConfig = {
    numberOfVideos: 1,
    durationSeconds: params.durationSeconds,
    aspectRatio: aspectRatioFor(image.width, image.height),
  };
  const set = <K extends VeoApiField>(field: K, value: GenerateVideosConfig[K], requested: boolean): void => {
    if (!ignored.has(field)) {
      (config as Record<VeoApiField, unknown>)[field] = value;
    } else if (requested) {
      notes[`ignored_${field}`] = `${model} does not support ${field}; it was not sent (${caps.source}).`;
    }
  };
  set('resolution', params.resolution, true);
  set('personGeneration', personGeneration[params.personGeneration], true);
  set('generateAudio', params.generateAudio, params.generateAudio);
  set('enhancePrompt', params.enhancePrompt, true);
  if (params.negativePrompt) set('negativePrompt', params.negativePrompt, true);
  if (params.seed !== null) set('seed', params.seed, true);
  if (input.outputGcsUri) config.outputGcsUri = input.outputGcsUri;

  const prompt = composePrompt(params);
  notes.aspect_ratio = config.aspectRatio!;
  if (prompt !== params.prompt) notes.composed_prompt = prompt;
  return {
    params: {
      model,
      source: { prompt, image: { imageBytes: image.bytes.toString('base64'), mimeType: image.mimeType } },
      config,
    },
    notes,
  };
}
