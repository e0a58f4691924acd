import { parseGenerateFields } from '../../api/schemas/generate.js';
import type { VeoParams, WanParams } from '../../workflows/messages.js';

/** Engine parameters as a request with only a prompt would give them (the contract's defaults), changed where a test says. */
export function wanParams(overrides: Partial<WanParams> = {}): WanParams {
  const request = parseGenerateFields({ prompt: 'A lighthouse in a storm', model: 'wan2.1' });
  if (request.model !== 'wan2.1') throw new Error('unreachable');
  return { ...request.params, ...overrides };
}

export function veoParams(overrides: Partial<VeoParams> = {}): VeoParams {
  const request = parseGenerateFields({ prompt: 'A lighthouse in a storm', model: 'veo3.1' });
  if (request.model !== 'veo3.1') throw new Error('unreachable');
  return { ...request.params, ...overrides };
}
