import { useState, type ReactNode } from 'react';
import { signOut } from '../features/auth/api/auth';
import { useAuth } from '../lib/auth';
import { Link, navigate, useLocation } from '../lib/router';

const NAV = [
  { href: '/', label: 'Studio', match: (p: string) => p === '/' || p === '/studio' },
  { href: '/history', label: 'History', match: (p: string) => p.startsWith('/history') },
  { href: '/account', label: 'Account', match: (p: string) => p === '/account' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { session, signedOut } = useAuth();
  const { path } = useLocation();
  const [signingOut, setSigningOut] = useState(false);

  const doSignOut = async () => {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      setSigningOut(false);
      signedOut();
      navigate('/sign-in', { replace: true });
    }
  };

  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">▶</span> Vivid Flow
        </Link>
        {session.status === 'signed-in' && (
          <nav aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={n.match(path) ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              ))}
              <li>
                <button type="button" className="linklike" onClick={() => void doSignOut()} disabled={signingOut}>
                  Sign out
                </button>
              </li>
            </ul>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
