import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldError, parseGenerateFields } from '../../api/schemas/generate.js';

test('defaults are the contract defaults', () => {
  assert.deepEqual(parseGenerateFields({ prompt: 'a cat' }), {
    model: 'wan2.1',
    params: { prompt: 'a cat', negativePrompt: '', cfg: 7.5, width: 1280, height: 720, length: 81, steps: 30, seed: 42 },
  });
  assert.deepEqual(parseGenerateFields({ prompt: 'a cat', model: 'veo3.1' }), {
    model: 'veo3.1',
    params: {
      prompt: 'a cat', durationSeconds: 4, resolution: '720p', cameraMotion: null, subjectAnimation: null, environmentalAnimation: null,
      personGeneration: 'allow_adult', generateAudio: false, enhancePrompt: false, negativePrompt: null, seed: null,
    },
  });
});

test('multipart strings become typed values', () => {
  const wan = parseGenerateFields({ prompt: 'p', cfg: ' 12.25 ', width: '832', height: '480', length: '33', steps: '4', seed: '4294967295', negative_prompt: 'blur' });
  assert.deepEqual(wan.params, { prompt: 'p', negativePrompt: 'blur', cfg: 12.25, width: 832, height: 480, length: 33, steps: 4, seed: 4294967295 });
  const veo = parseGenerateFields({ prompt: 'p', model: 'veo3.1', duration_seconds: '6', generate_audio: 'True', enhance_prompt: '0', camera_motion: ' Dolly (In) ', seed: '7' });
  assert.equal(veo.model, 'veo3.1');
  if (veo.model !== 'veo3.1') return;
  assert.equal(veo.params.durationSeconds, 6);
  assert.equal(veo.params.generateAudio, true);
  assert.equal(veo.params.enhancePrompt, false);
  assert.equal(veo.params.cameraMotion, 'Dolly (In)');
  assert.equal(veo.params.seed, 7);
});

test('errors name the parameter', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{}, "Missing required parameter 'prompt'."],
    [{ prompt: 'p', cfg: '1e400' }, "Invalid parameter 'cfg': must be between 1.0 and 20.0."],
    [{ prompt: 'p', cfg: 'NaN' }, "Invalid parameter 'cfg': must be a number."],
    [{ prompt: 'p', steps: '3.5' }, "Invalid parameter 'steps': must be an integer."],
    [{ prompt: 'p', seed: '99999999999999999999999' }, "Invalid parameter 'seed': must be an integer."],
    [{ prompt: 'p', height: '0' }, "Invalid parameter 'height': must be at least 16."],
    [{ prompt: 'p', resolution: '720p' }, "Parameter 'resolution' does not apply to model 'wan2.1'."],
    [{ prompt: 'p', prompt2: 'q' }, "Unknown parameter 'prompt2'."],
    [{ prompt: ['a', 'b'] }, "Parameter 'prompt' was sent more than once."],
  ];
  for (const [raw, message] of cases) {
    assert.throws(() => parseGenerateFields(raw), (err: unknown) => err instanceof FieldError && err.message === message, JSON.stringify(raw));
  }
});
