import { StatusBadge } from '../../../components/StatusBadge';
import { formatCredits, formatDateTime } from '../../../lib/format';
import { Link } from '../../../lib/router';
import type { HistoryItem } from '../api/history';

/** One job in the grid: its poster (or the video's first frame), prompt and facts. */
export function JobCard({ job }: { job: HistoryItem }) {
  return (
    <li className="job-card">
      <Link href={`/history/${job.id}`} className="job-card-link">
        <div className="job-card-media" aria-hidden="true">
          {job.poster_url ? (
            <img src={job.poster_url} alt="" loading="lazy" />
          ) : job.video_url ? (
            <video src={job.video_url} preload="metadata" muted tabIndex={-1} />
          ) : (
            <span className="job-card-placeholder">{job.status === 'PROCESSING' ? 'Rendering…' : 'No video'}</span>
          )}
        </div>
        <div className="job-card-body">
          <p className="job-card-prompt">{job.prompt}</p>
          <p className="job-card-meta">
            <StatusBadge status={job.status} /> <span>{job.model ?? ''}</span>
          </p>
          <p className="job-card-meta muted">
            <time dateTime={job.created_at ?? job.timestamp}>{formatDateTime(job.created_at ?? job.timestamp)}</time>
            {typeof job.credits_charged === 'number' && <> · {formatCredits(job.credits_charged)}</>}
          </p>
        </div>
      </Link>
    </li>
  );
}
