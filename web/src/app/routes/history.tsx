import { HistoryList } from '../../features/history/components/HistoryList';
import { JobDetail } from '../../features/history/components/JobDetail';
import { navigate, useTitle } from '../../lib/router';

export function HistoryRoute() {
  useTitle('History');
  return <HistoryList />;
}

export function JobRoute({ id }: { id: string }) {
  useTitle('Job');
  // History and Studio never import each other: the studio reads the job from the address.
  return <JobDetail id={id} onUseSettings={(jobId) => navigate(`/?from=${encodeURIComponent(jobId)}`)} />;
}
