import type { DailySpend } from '../api/account';

const MODEL_CLASS: Record<string, string> = { 'wan2.1': 'bar-wan', 'veo3.1': 'bar-veo' };

/** Credits per day over the cycle, stacked by model, drawn as plain SVG. */
export function SpendingChart({ days, from, to }: { days: readonly DailySpend[]; from: Date; to: Date }) {
  const dates: string[] = [];
  for (let d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate())); d < to; d = new Date(d.getTime() + 86_400_000)) dates.push(d.toISOString().slice(0, 10));
  const models = [...new Set(days.map((d) => d.model))].sort();
  const byDate = new Map<string, Map<string, number>>();
  for (const d of days) {
    const m = byDate.get(d.date) ?? new Map<string, number>();
    m.set(d.model, (m.get(d.model) ?? 0) + d.credits);
    byDate.set(d.date, m);
  }
  for (const d of byDate.keys()) if (!dates.includes(d)) dates.push(d);
  dates.sort();
  const totals = dates.map((d) => [...(byDate.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);

  const W = 600;
  const H = 160;
  const pad = { l: 36, r: 8, t: 8, b: 22 };
  const bw = (W - pad.l - pad.r) / Math.max(1, dates.length);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);

  const summary = `${total} ${total === 1 ? 'credit' : 'credits'} spent this cycle` + (models.length ? `: ${models.map((m) => `${m} ${days.filter((d) => d.model === m).reduce((a, d) => a + d.credits, 0)}`).join(', ')}` : '');
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Credits per day by model. ${summary}.`} preserveAspectRatio="none">
        <line x1={pad.l} x2={W - pad.r} y1={y(0)} y2={y(0)} className="axis" />
        <line x1={pad.l} x2={W - pad.r} y1={y(max)} y2={y(max)} className="grid" />
        <text x={pad.l - 4} y={y(max) + 4} className="tick" textAnchor="end">
          {max}
        </text>
        <text x={pad.l - 4} y={y(0)} className="tick" textAnchor="end">
          0
        </text>
        {dates.map((date, i) => {
          let base = 0;
          const parts = models.map((m) => {
            const v = byDate.get(date)?.get(m) ?? 0;
            const rect = v > 0 ? <rect key={m} x={pad.l + i * bw + bw * 0.15} width={bw * 0.7} y={y(base + v)} height={y(base) - y(base + v)} className={MODEL_CLASS[m] ?? 'bar-other'}><title>{`${date}: ${v} credits on ${m}`}</title></rect> : null;
            base += v;
            return rect;
          });
          // Weekly ticks, and the last day unless it would crowd the tick before it.
          const label = i === 0 || (dates.length > 10 && i % 7 === 0) || (i === dates.length - 1 && (dates.length <= 10 || i % 7 >= 3));
          return (
            <g key={date}>
              {parts}
              {label && (
                <text x={pad.l + i * bw + bw / 2} y={H - 6} className="tick" textAnchor="middle">
                  {date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="muted">{summary}.</span>{' '}
        {models.map((m) => (
          <span key={m} className="legend">
            <span className={`swatch ${MODEL_CLASS[m] ?? 'bar-other'}`} aria-hidden="true" /> {m}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
