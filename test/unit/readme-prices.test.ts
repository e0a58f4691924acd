import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { parseGenerateFields } from '../../api/schemas/generate.js';
import { jobCost, VEO_CREDITS_PER_SECOND } from '../../workflows/pricing.js';

/**
 * README's credits section against the price table in workflows/pricing.ts: its worked prices
 * are what jobCost charges for those requests (defaults filled in by the /generate schema).
 */
const EXAMPLES: [string, Record<string, string>][] = [
  ['`wan2.1`, the defaults (1280×720, 81 frames, 30 steps)', {}],
  ['`wan2.1`, 832×480, 81 frames, 30 steps', { width: '832', height: '480' }],
  ['`wan2.1`, 1280×720, 161 frames, 50 steps', { length: '161', steps: '50' }],
  ['`wan2.1`, 320×176, 17 frames, 4 steps', { width: '320', height: '176', length: '17', steps: '4' }],
  ['`veo3.1`, the defaults (4 s, no audio)', { model: 'veo3.1' }],
  ['`veo3.1`, 8 s', { model: 'veo3.1', duration_seconds: '8' }],
  ['`veo3.1`, 8 s with audio', { model: 'veo3.1', duration_seconds: '8', generate_audio: 'true' }],
];

function priceTable(): string {
  const rows = EXAMPLES.map(([label, fields]) => `| ${label} | ${jobCost(parseGenerateFields({ prompt: 'p', ...fields }))} |`);
  return ['| Job | Credits |', '| --- | --- |', ...rows].join('\n');
}

test("README's credits section states the prices workflows/pricing.ts charges", async () => {
  const readme = await readFile(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Credits'), readme.indexOf('\n### ', readme.indexOf('### Credits') + 1));
  assert.ok(section.includes(priceTable()), `README's "### Credits" should hold this table, as jobCost computes it:\n\n${priceTable()}\n`);
  const defaults = (fields: Record<string, string>) => jobCost(parseGenerateFields({ prompt: 'p', ...fields }));
  // Prose wraps: any run of white space matches one space.
  const prose = section.replace(/\s+/g, ' ');
  assert.ok(prose.includes(`(the defaults cost ${defaults({})})`), 'the Wan defaults');
  assert.ok(prose.includes(`${VEO_CREDITS_PER_SECOND} credits a second, ${2 * VEO_CREDITS_PER_SECOND} with audio (the defaults cost ${defaults({ model: 'veo3.1' })})`), 'the Veo rate');
});
