import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldError, parseGenerateFields } from '../../api/schemas/generate.js';
import { unsupportedCombination, veoCapabilities } from '../../infra/engines/veo/capabilities.js';
import { aspectRatioFor, buildVeoRequest, composePrompt } from '../../infra/engines/veo/request.js';
import type { VeoParams } from '../../workflows/messages.js';
import { veoParams } from '../support/engine-params.js';

const base: VeoParams = veoParams({ durationSeconds: 8, resolution: '1080p' });
const image = { bytes: Buffer.from('png bytes'), mimeType: 'image/png', width: 1280, height: 720 };

test('every contract field maps to its Vertex field', () => {
  const { params, notes } = buildVeoRequest({
    model: 'veo-3.1-generate-001',
    params: { ...base, generateAudio: true, enhancePrompt: true, negativePrompt: 'blurry', seed: 4294967295, personGeneration: 'allow_all' },
    image,
  });
  assert.equal(params.model, 'veo-3.1-generate-001');
  assert.deepEqual(params.source, { prompt: 'A lighthouse in a storm.', image: { imageBytes: Buffer.from('png bytes').toString('base64'), mimeType: 'image/png' } });
  assert.deepEqual(params.config, {
    numberOfVideos: 1,
    durationSeconds: 8,
    aspectRatio: '16:9',
    resolution: '1080p',
    personGeneration: 'allow_all',
    generateAudio: true,
    enhancePrompt: true,
    negativePrompt: 'blurry',
    seed: 4294967295,
  });
  assert.equal(notes.engine, 'veo');
  assert.equal(notes.aspect_ratio, '16:9');
});

test('person_generation maps to the API values; deny is dont_allow', () => {
  const map = (personGeneration: VeoParams['personGeneration']) => buildVeoRequest({ model: 'veo-3.1-generate-001', params: { ...base, personGeneration }, image }).params.config?.personGeneration;
  assert.equal(map('allow_adult'), 'allow_adult');
  assert.equal(map('allow_all'), 'allow_all');
  assert.equal(map('deny'), 'dont_allow');
});

test('false booleans are sent (never left to the default); absent seed and negative prompt are not', () => {
  const { config } = buildVeoRequest({ model: 'veo-3.1-generate-001', params: base, image }).params;
  assert.equal(config?.generateAudio, false);
  assert.equal(config?.enhancePrompt, false);
  assert.equal('seed' in (config ?? {}), false);
  assert.equal('negativePrompt' in (config ?? {}), false);
  assert.equal(config?.outputGcsUri, undefined);
});

test('outputGcsUri is passed through for GCS storage', () => {
  const { config } = buildVeoRequest({ model: 'veo-3.1-generate-001', params: base, image, outputGcsUri: 'gs://b/jobs/1/veo/' }).params;
  assert.equal(config?.outputGcsUri, 'gs://b/jobs/1/veo/');
});

test('the aspect ratio follows the source image', () => {
  assert.equal(aspectRatioFor(1280, 720), '16:9');
  assert.equal(aspectRatioFor(720, 1280), '9:16');
  assert.equal(aspectRatioFor(512, 512), '16:9');
  assert.equal(buildVeoRequest({ model: 'veo-3.1-generate-001', params: base, image: { ...image, width: 600, height: 900 } }).params.config?.aspectRatio, '9:16');
});

test('camera, subject and environment hints are composed into the prompt in one documented way', () => {
  assert.equal(composePrompt(base), 'A lighthouse in a storm.');
  assert.equal(
    composePrompt({ prompt: 'A cat on a sofa!', cameraMotion: 'slow dolly in', subjectAnimation: 'the cat yawns.', environmentalAnimation: 'curtains sway' }),
    'A cat on a sofa! Subject: the cat yawns. Environment: curtains sway. Camera: slow dolly in.',
  );
  const { params, notes } = buildVeoRequest({ model: 'veo-3.1-generate-001', params: { ...base, cameraMotion: 'pan left' }, image });
  assert.equal(params.source?.prompt, 'A lighthouse in a storm. Camera: pan left.');
  assert.equal(notes.composed_prompt, 'A lighthouse in a storm. Camera: pan left.');
});

test('a field the configured model does not take is not sent, and the job record says so', () => {
  const { params, notes } = buildVeoRequest({ model: 'veo-2.0-generate-001', params: { ...base, resolution: '720p', generateAudio: true }, image });
  assert.equal(params.config?.resolution, undefined);
  assert.equal(params.config?.generateAudio, undefined);
  assert.match(String(notes.ignored_resolution), /veo-2\.0-generate-001 does not support resolution/);
  assert.match(String(notes.ignored_generateAudio), /does not support generateAudio/);
  // Audio left off is no loss: nothing to note.
  assert.equal(buildVeoRequest({ model: 'veo-2.0-generate-001', params: base, image }).notes.ignored_generateAudio, undefined);
  assert.deepEqual(veoCapabilities('veo-3.1-generate-001').unsupportedFields, []);
});

test('documented combinations: Veo 3.1 makes 1080p at 8 s only; durations 4/6/8', () => {
  assert.equal(unsupportedCombination('veo-3.1-generate-001', '720p', 4), null);
  assert.equal(unsupportedCombination('veo-3.1-generate-001', '720p', 6), null);
  assert.equal(unsupportedCombination('veo-3.1-generate-001', '1080p', 8), null);
  assert.match(unsupportedCombination('veo-3.1-generate-001', '1080p', 4) ?? '', /'resolution' and 'duration_seconds'.*8 seconds only.*https:\/\//);
  assert.match(unsupportedCombination('veo-3.1-fast-generate-001', '1080p', 6) ?? '', /8 seconds only/);
  assert.equal(unsupportedCombination('veo-3.0-generate-001', '1080p', 4), null);
  assert.match(unsupportedCombination('veo-2.0-generate-001', '720p', 4) ?? '', /'duration_seconds'/);
});

test('the generate schema answers unsupported combinations for the configured model with a 400 naming the parameters', () => {
  const raw = { prompt: 'p', model: 'veo3.1', resolution: '1080p', duration_seconds: '4' };
  assert.throws(() => parseGenerateFields(raw), (err: unknown) => err instanceof FieldError && /'resolution' and 'duration_seconds'/.test(err.message));
  assert.equal(parseGenerateFields(raw, { veoModel: 'veo-3.0-generate-001' }).model, 'veo3.1');
  assert.equal(parseGenerateFields({ ...raw, duration_seconds: '8' }).model, 'veo3.1');
});
