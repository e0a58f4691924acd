import { Studio } from '../../features/studio/components/Studio';
import { useLocation, useTitle } from '../../lib/router';

export function StudioRoute() {
  useTitle('Studio');
  const { search } = useLocation();
  const from = search.get('from');
  return <Studio key={from ?? 'new'} fromJob={from} />;
}
