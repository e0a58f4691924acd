import { Histogram, type Registry } from 'prom-client';

/** Seconds per denoising step, by the render's shorter side (480, 720…): what ETAs and GPU sizing rest on. */
export function wanStepMetrics(registry: Registry): (seconds: number, size: { readonly width: number; readonly height: number }) => void {
  const step = new Histogram({
    name: 'vivid_wan_step_seconds',
    help: 'Wan 2.1 denoising step time by the shorter side of the video in pixels.',
    labelNames: ['resolution'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  });
  return (seconds, { width, height }) => step.observe({ resolution: String(Math.min(width, height)) }, seconds);
}
