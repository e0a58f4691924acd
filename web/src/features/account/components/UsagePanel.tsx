import { useEffect, useState } from 'react';
import { EmptyState, ErrorMessage, Loading } from '../../../components/ui/Feedback';
import { formatDate } from '../../../lib/format';
import type { Usage } from '../../../lib/types';
import { getDailySpend, getUsage, type DailySpend } from '../api/account';
import { SpendingChart } from './SpendingChart';

/** Credits left, when they renew, and what this cycle's credits went on. */
export function UsagePanel() {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [days, setDays] = useState<DailySpend[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [chartError, setChartError] = useState<unknown>(null);

  useEffect(() => {
    getUsage().then(setUsage, setError);
    getDailySpend().then(setDays, setChartError);
  }, []);

  const resets = usage ? new Date(usage.cycle_resets_on) : null;
  // A cycle is a calendar month ending at cycle_resets_on.
  const start = resets ? new Date(Date.UTC(resets.getUTCFullYear(), resets.getUTCMonth() - 1, resets.getUTCDate())) : null;
  return (
    <section className="card" aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      <ErrorMessage error={error} />
      {!usage && !error && <Loading label="Loading usage…" />}
      {usage && (
        <dl className="stats">
          <div>
            <dt>Credits remaining</dt>
            <dd data-testid="credits-remaining">{usage.credits_remaining}</dd>
          </div>
          {usage.monthly_credits !== undefined && (
            <div>
              <dt>Monthly credits</dt>
              <dd>{usage.monthly_credits}</dd>
            </div>
          )}
          <div>
            <dt>Renews on</dt>
            <dd>{formatDate(usage.cycle_resets_on)}</dd>
          </div>
        </dl>
      )}
      <h3>Spending this cycle</h3>
      <ErrorMessage error={chartError} title="Spending by day:" />
      {days && start && resets && (days.length === 0 ? <EmptyState title="No credits spent this cycle yet." /> : <SpendingChart days={days} from={start} to={resets} />)}
    </section>
  );
}
