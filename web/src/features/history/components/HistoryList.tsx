import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '../../../components/ui/Button';
import { EmptyState, ErrorMessage, Loading } from '../../../components/ui/Feedback';
import { SelectField } from '../../../components/ui/Field';
import { Link } from '../../../lib/router';
import { listHistory, type HistoryFilters, type HistoryItem } from '../api/history';
import { JobCard } from './JobCard';

const REFRESH_MS = 3000;
const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'PROCESSING', label: 'Processing' },
  { value: 'COMPLETED', label: 'Completed' },
  { value: 'FAILED', label: 'Failed' },
];
const MODEL_OPTIONS = [
  { value: '', label: 'Any model' },
  { value: 'wan2.1', label: 'Wan 2.1' },
  { value: 'veo3.1', label: 'Veo 3.1' },
];

/** The account's jobs, newest first; the next page loads as the end of the grid scrolls into view. */
export function HistoryList() {
  const [filters, setFilters] = useState<HistoryFilters>({});
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const mine = generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await listHistory(filters, cursor);
        if (mine !== generation.current) return;
        setItems((prev) => (cursor ? [...prev, ...page.items.filter((j) => !prev.some((p) => p.id === j.id))] : page.items));
        setNext(page.next);
        setDone(!page.next);
      } catch (err) {
        if (mine === generation.current) setError(err);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [filters],
  );

  useEffect(() => {
    generation.current++;
    setItems([]);
    setNext(null);
    setDone(false);
    void load(null);
  }, [load]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || done || loading || error || !next) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void load(next);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [next, done, loading, error, load]);

  // While a job on screen is still rendering, refresh the first page now and then to show it finish.
  const rendering = items.some((j) => j.status === 'PROCESSING');
  useEffect(() => {
    if (!rendering) return;
    const mine = generation.current;
    const t = setInterval(() => {
      listHistory(filters, null).then(
        (page) => mine === generation.current && setItems((prev) => prev.map((j) => page.items.find((p) => p.id === j.id) ?? j)),
        () => {},
      );
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [rendering, filters]);

  const filtered = Boolean(filters.status || filters.model);
  return (
    <section aria-labelledby="history-title">
      <div className="page-head">
        <h1 id="history-title">History</h1>
        <div className="filters">
          <SelectField label="Status" value={filters.status ?? ''} onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value || undefined }))} options={STATUS_OPTIONS} />
          <SelectField label="Model" value={filters.model ?? ''} onChange={(e) => setFilters((f) => ({ ...f, model: e.target.value || undefined }))} options={MODEL_OPTIONS} />
        </div>
      </div>
      {items.length > 0 && (
        <ul className="job-grid" aria-label="Jobs">
          {items.map((job) => (
            <JobCard key={job.id} job={job} />
          ))}
        </ul>
      )}
      {!loading && !error && items.length === 0 && (
        <EmptyState title={filtered ? 'No jobs match these filters.' : 'No videos yet.'}>
          {!filtered && (
            <p>
              <Link href="/">Make your first one in the Studio</Link>.
            </p>
          )}
        </EmptyState>
      )}
      <ErrorMessage error={error} />
      {error ? (
        <Button variant="secondary" onClick={() => void load(next)}>
          Try again
        </Button>
      ) : null}
      {loading && <Loading label="Loading jobs…" />}
      <div ref={sentinel} className="sentinel" />
      {!loading && !error && next && (
        <Button variant="secondary" onClick={() => void load(next)}>
          Load more
        </Button>
      )}
    </section>
  );
}
