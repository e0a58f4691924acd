import { useCallback, useEffect, useState } from 'react';
import { DevModelBadge, StatusBadge } from '../../../components/StatusBadge';
import { JobVideo } from '../../../components/JobVideo';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage, Loading, Notice } from '../../../components/ui/Feedback';
import { formatCredits, formatDateTime } from '../../../lib/format';
import { Link } from '../../../lib/router';
import type { JobDetailBody } from '../../../lib/types';
import { cancelJob, getJobDetail } from '../api/history';

const POLL_MS = 2000;

/** One job: its video, parameters, download, cancel while it runs, and its settings for the studio. */
export function JobDetail({ id, onUseSettings }: { id: string; onUseSettings: (id: string) => void }) {
  const [job, setJob] = useState<JobDetailBody | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const [cancelNote, setCancelNote] = useState<string | null>(null);

  const load = useCallback(() => getJobDetail(id).then((j) => (setJob(j), setError(null)), setError), [id]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (job?.status !== 'PROCESSING') return;
    const t = setTimeout(() => void load(), POLL_MS);
    return () => clearTimeout(t);
  }, [job, load]);

  const cancel = async () => {
    if (!window.confirm('Cancel this job? Its reserved credits are returned.')) return;
    setCancelling(true);
    setCancelError(null);
    try {
      const r = await cancelJob(id);
      setCancelNote(r.message);
      await load();
    } catch (err) {
      setCancelError(err);
    } finally {
      setCancelling(false);
    }
  };

  if (error && !job)
    return (
      <section>
        <h1>Job</h1>
        <ErrorMessage error={error} />
        <p>
          <Link href="/history">Back to history</Link>
        </p>
      </section>
    );
  if (!job) return <Loading label="Loading the job…" />;

  const params = Object.entries(job.params ?? {}).filter(([k]) => k !== 'prompt');
  return (
    <section className="job-detail" aria-labelledby="job-title">
      <p>
        <Link href="/history">← History</Link>
      </p>
      <div className="job-head">
        <h1 id="job-title">Job</h1>
        <StatusBadge status={job.status} />
        <DevModelBadge notes={job.notes} />
      </div>
      <div className="detail-grid">
        <div>
          {job.status === 'COMPLETED' && job.video_url ? (
            <JobVideo videoUrl={job.video_url} posterUrl={job.poster_url} label={`Video: ${job.prompt ?? job.job_id}`} />
          ) : job.status === 'PROCESSING' ? (
            <div className="card progress-block" aria-live="polite">
              <p>
                {job.stage ?? 'Processing'}
                {job.progress !== undefined && <> · {Math.round(job.progress * 100)}%</>}
              </p>
              <progress max={100} value={job.progress !== undefined ? Math.round(job.progress * 100) : undefined} aria-label="Progress" />
              {job.preview_url && <img className="live-preview" src={job.preview_url} alt="Latest preview frame" />}
            </div>
          ) : (
            <ErrorMessage error={job.error ?? `The job ended ${job.status}.`} title="The job did not finish:" />
          )}
        </div>
        <div className="card">
          <dl className="facts">
            <Fact name="Prompt" value={job.prompt} />
            <Fact name="Model" value={job.model} />
            {job.created_at && <Fact name="Created" value={formatDateTime(job.created_at)} />}
            {typeof (job.credits_charged ?? job.cost) === 'number' && <Fact name="Cost" value={formatCredits((job.credits_charged ?? job.cost) as number)} />}
            <Fact name="Job id" value={job.job_id} mono />
            {params.map(([k, v]) => (
              <Fact key={k} name={k} value={v} mono />
            ))}
          </dl>
          <div className="actions">
            <Button onClick={() => onUseSettings(job.job_id)}>Use these settings again</Button>
            {job.status === 'PROCESSING' && (
              <Button variant="danger" busy={cancelling} onClick={() => void cancel()}>
                Cancel job
              </Button>
            )}
          </div>
          {cancelNote && <Notice tone="success">{cancelNote}</Notice>}
          <ErrorMessage error={cancelError} />
        </div>
      </div>
    </section>
  );
}

function Fact({ name, value, mono = false }: { name: string; value: unknown; mono?: boolean }) {
  return (
    <div className="fact-row">
      <dt>{name}</dt>
      <dd className={mono ? 'mono' : undefined}>{value === null || value === undefined || value === '' ? '—' : String(value)}</dd>
    </div>
  );
}
