import { useEffect, useRef, useState } from 'react';
import { ErrorMessage, Loading } from '../../../components/ui/Feedback';
import { useAuth } from '../../../lib/auth';
import { Link } from '../../../lib/router';
import { signInWithLink } from '../api/auth';

/** `/sign-in/link#token=…`: the token stays in the fragment, so it never reaches a server log. */
export function LinkSignIn() {
  const { signedIn } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
    // Drop the token from the address bar and history before anything else happens.
    window.history.replaceState(null, '', window.location.pathname);
    if (!token) {
      setError(new Error('This sign-in link has no token. Ask your operator for a new link.'));
      return;
    }
    signInWithLink(token).then(({ account }) => signedIn(account), setError);
  }, [signedIn]);

  return (
    <div className="auth-card card">
      <h1>Signing you in</h1>
      {error ? (
        <>
          <ErrorMessage error={error} />
          <p>
            <Link href="/sign-in">Sign in with your password</Link>
          </p>
        </>
      ) : (
        <Loading label="Checking your sign-in link…" />
      )}
    </div>
  );
}
