/** Formatting of the bench's table lines. */
import type { LoadResult } from './load.js';

export interface RssResult {
  readonly idleKiB: number;
  readonly peakKiB: number;
  readonly accepted: number;
  readonly total: number;
  readonly seconds: number;
  readonly samples: number;
}

export function verdict(meets: boolean): string {
  return meets ? 'meets target' : 'below target';
}

function ms(value: number): string {
  const text = Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(2) : value.toFixed(1);
  return `${text.padStart(6)} ms`;
}

export function formatLoad(r: LoadResult): string {
  const errors = r.errors > 0 ? `  ${r.errors} errors (first: ${r.firstError})` : '';
  return `${r.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50Ms)}  p99 ${ms(r.p99Ms)}${errors}`;
}

export function formatRss(label: string, r: RssResult, targetMiB: number): string {
  const mib = (kib: number): string => (kib / 1024).toFixed(0);
  const rise = (r.peakKiB - r.idleKiB) / 1024;
  return (
    `${label}  RSS idle ${mib(r.idleKiB)} MiB → peak ${mib(r.peakKiB)} MiB: rise ${rise.toFixed(0)} MiB` +
    ` (${r.accepted}/${r.total} accepted in ${r.seconds.toFixed(1)} s, ${r.samples} samples)` +
    `  (target < ${targetMiB} MiB)  ${verdict(rise < targetMiB && r.accepted === r.total)}`
  );
}
