import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../infra/config.js';
import { DEFAULT_MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MODELS, VEO_DEFAULTS, VEO_DURATIONS, VEO_PERSON_GENERATION, VEO_RESOLUTIONS, WAN_DEFAULT_SEED, WAN_LIMITS, WAN_MAX_PIXELS } from '../../api/schemas/generate-limits.js';
import { FieldError, generateFieldsSchema, parseGenerateFields } from '../../api/schemas/generate.js';

// The web UI offers these values; the server's schema must accept exactly the same ones.
const accepts = (raw: Record<string, string>) => {
  try {
    parseGenerateFields({ prompt: 'p', ...raw });
    return true;
  } catch (err) {
    if (err instanceof FieldError) return false;
    throw err;
  }
};

describe('generate limits shared with the web UI', () => {
  it('has the schema defaults', () => {
    const parsed = generateFieldsSchema.parse({ prompt: 'p' });
    for (const [name, limit] of Object.entries(WAN_LIMITS)) assert.equal(parsed[name as keyof typeof parsed], limit.default, name);
    for (const [name, value] of Object.entries(VEO_DEFAULTS)) assert.equal(parsed[name as keyof typeof parsed], value, name);
    assert.equal(parsed.model, MODELS[0]);
    const wan = parseGenerateFields({ prompt: 'p' });
    assert.equal(wan.model === 'wan2.1' && wan.params.seed, WAN_DEFAULT_SEED);
  });

  it('has the schema bounds for every Wan number', () => {
    for (const [name, { min, max, step }] of Object.entries(WAN_LIMITS)) {
      // Width and height are also bounded by their product, so each is probed with the other at its smallest.
      const other: Record<string, string> = name === 'width' ? { height: '16' } : name === 'height' ? { width: '16' } : {};
      assert.equal(accepts({ ...other, [name]: String(min) }), true, `${name}=${min}`);
      assert.equal(accepts({ ...other, [name]: String(max) }), true, `${name}=${max}`);
      assert.equal(accepts({ ...other, [name]: String(min - step) }), false, `${name}=${min - step}`);
      assert.equal(accepts({ ...other, [name]: String(max + step) }), false, `${name}=${max + step}`);
      if (step > 1 && Number.isInteger(step)) assert.equal(accepts({ ...other, [name]: String(min + 1) }), false, `${name}=${min + 1}`);
    }
    assert.equal(accepts({ width: '1280', height: '720' }), true);
    assert.equal(accepts({ width: '1296', height: String(Math.ceil(WAN_MAX_PIXELS / 1296 / 16) * 16) }), false);
  });

  it('has the schema choices for Veo', () => {
    for (const d of VEO_DURATIONS) assert.equal(accepts({ model: 'veo3.1', duration_seconds: String(d), resolution: '720p' }), true);
    assert.equal(accepts({ model: 'veo3.1', duration_seconds: '5' }), false);
    for (const r of VEO_RESOLUTIONS) assert.equal(accepts({ model: 'veo3.1', resolution: r, duration_seconds: '8' }), true, r);
    for (const p of VEO_PERSON_GENERATION) assert.equal(accepts({ model: 'veo3.1', person_generation: p }), true, p);
    assert.equal(accepts({ model: 'veo3.1', person_generation: 'everyone' }), false);
  });

  it('has the prompt length and the image size limit of the default configuration', () => {
    assert.equal(accepts({ prompt: 'x'.repeat(MAX_PROMPT_CHARS) }), true);
    assert.equal(accepts({ prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }), false);
    assert.equal(loadConfig({}).maxImageBytes, DEFAULT_MAX_IMAGE_BYTES);
  });
});
