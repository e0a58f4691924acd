import { formatCredits } from '../../../lib/format';
import { useEffect, useState } from 'react';
import { DevModelBadge, StatusBadge } from '../../../components/StatusBadge';
import { JobVideo } from '../../../components/JobVideo';
import { ErrorMessage } from '../../../components/ui/Feedback';
import { Link } from '../../../lib/router';
import type { JobStatusBody } from '../../../lib/types';
import { getJobStatus } from '../api/studio';

const POLL_MS = 1000;
const STAGES: Record<string, string> = { reserving_credits: 'Reserving credits', queued: 'Waiting for a worker', rendering: 'Rendering', finalizing: 'Saving the video', completed: 'Done', failed: 'Failed', refunding: 'Refunding credits' };

/** Follows one job from submission until its video plays here. */
export function JobProgress({ jobId, cost }: { jobId: string; cost?: number | undefined }) {
  const [job, setJob] = useState<JobStatusBody | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const body = await getJobStatus(jobId, abort.signal);
        setJob(body);
        setError(null);
        if (body.status === 'PROCESSING') timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        if (abort.signal.aborted) return;
        setError(err);
        timer = setTimeout(poll, POLL_MS * 3);
      }
    };
    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [jobId]);

  const pct = job?.progress !== undefined ? Math.round(job.progress * 100) : undefined;
  return (
    <section className="card job-progress" aria-labelledby="job-progress-title" data-job-id={jobId}>
      <div className="job-head">
        <h2 id="job-progress-title">Your video</h2>
        {job && <StatusBadge status={job.status} />}
        {job && <DevModelBadge notes={job.notes} />}
      </div>
      <p className="muted">
        Job <Link href={`/history/${jobId}`}>{jobId}</Link>
        {cost !== undefined && <> · {formatCredits(cost)}</>}
      </p>
      <ErrorMessage error={error} />
      {job?.status === 'PROCESSING' && (
        <div className="progress-block" aria-live="polite">
          <p>
            {STAGES[job.stage ?? ''] ?? (job.stage ? job.stage : 'Starting')}
            {job.queue_position !== undefined && job.queue_position > 0 && <> · position {job.queue_position} in the queue</>}
            {job.eta_seconds !== undefined && <> · about {Math.max(1, Math.round(job.eta_seconds))} s left</>}
          </p>
          <progress max={100} value={pct} aria-label="Progress">
            {pct ?? 0}%
          </progress>
          {pct !== undefined && <span className="muted"> {pct}%</span>}
          {job.preview_url && <img className="live-preview" src={job.preview_url} alt="Latest preview frame" />}
        </div>
      )}
      {!job && !error && <p role="status">Submitted; waiting for the first update…</p>}
      {job?.status === 'COMPLETED' && job.video_url && <JobVideo videoUrl={job.video_url} posterUrl={job.poster_url} label="Generated video" />}
      {job && job.status !== 'PROCESSING' && job.status !== 'COMPLETED' && <ErrorMessage error={job.error ?? `The job ended ${job.status}.`} title="The job did not finish:" />}
    </section>
  );
}
