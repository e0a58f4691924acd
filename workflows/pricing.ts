import type { EngineRequest } from './messages.js';

/**
 * Credits a job costs: the one price table. POST /estimate answers with it, and README's
 * credits section is checked against it (test/unit/readme-prices.test.ts). Wan's price follows
 * the GPU time it takes (frames × pixels × steps), one credit for each second of 720p video at
 * 30 steps. Veo's follows what Google bills: per second of video, twice as much with audio.
 */
export const WAN_FPS = 16;
const WAN_REFERENCE_PIXELS = 1280 * 720;
const WAN_REFERENCE_STEPS = 30;
export const VEO_CREDITS_PER_SECOND = 10;

export function jobCost(engine: EngineRequest): number {
  if (engine.model === 'wan2.1') {
    const { length, width, height, steps } = engine.params;
    const work = (length / WAN_FPS) * ((width * height) / WAN_REFERENCE_PIXELS) * (steps / WAN_REFERENCE_STEPS);
    return Math.max(1, Math.ceil(work - 1e-9));
  }
  const { durationSeconds, generateAudio } = engine.params;
  return durationSeconds * VEO_CREDITS_PER_SECOND * (generateAudio ? 2 : 1);
}
