import { useEffect, type ReactNode } from 'react';
import { Loading, ErrorMessage } from '../components/ui/Feedback';
import { useAuth } from '../lib/auth';
import { navigate, useLocation } from '../lib/router';
import { AccountRoute } from './routes/account';
import { LinkSignInRoute, SignInRoute, SignUpRoute } from './routes/auth';
import { HistoryRoute, JobRoute } from './routes/history';
import { NotFoundRoute } from './routes/not-found';
import { StudioRoute } from './routes/studio';

const PUBLIC = new Set(['/sign-in', '/sign-up', '/sign-in/link']);

/** Path → page; signed-out visitors see the sign-in pages, signed-in ones never do. */
export function AppRouter() {
  const { session } = useAuth();
  const { path, search } = useLocation();
  const isPublic = PUBLIC.has(path);

  useEffect(() => {
    if (session.status === 'signed-out' && !isPublic) {
      const next = path === '/' && !search.size ? '' : `?next=${encodeURIComponent(path + (search.size ? `?${search}` : ''))}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
    if (session.status === 'signed-in' && isPublic) {
      const next = search.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [session.status, isPublic, path, search]);

  if (session.status === 'loading') return <Loading label="Loading Vivid Flow…" />;
  if (session.status === 'signed-out') {
    const page = path === '/sign-up' ? <SignUpRoute /> : path === '/sign-in/link' ? <LinkSignInRoute /> : <SignInRoute />;
    return (
      <>
        {session.error && <ErrorMessage error={session.error} title="Could not reach the server:" />}
        {page}
      </>
    );
  }
  if (isPublic) return <Loading />;
  return route(path);
}

function route(path: string): ReactNode {
  if (path === '/' || path === '/studio') return <StudioRoute />;
  if (path === '/history') return <HistoryRoute />;
  const job = /^\/history\/([^/]+)$/.exec(path);
  if (job) return <JobRoute key={job[1]} id={decodeURIComponent(job[1]!)} />;
  if (path === '/account') return <AccountRoute />;
  return <NotFoundRoute />;
}
