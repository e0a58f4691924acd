import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage } from '../../../components/ui/Feedback';
import { TextField } from '../../../components/ui/Field';
import { useAuth } from '../../../lib/auth';
import { Link } from '../../../lib/router';
import { getAuthConfig, signIn, signUp } from '../api/auth';

const MIN_PASSWORD = 10;

/** Sign in, or sign up while the server's sign-up is open. */
export function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { signedIn } = useAuth();
  const [signup, setSignup] = useState<'open' | 'closed' | 'unknown'>('unknown');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    getAuthConfig().then(
      (c) => setSignup(c.signup),
      () => setSignup('closed'),
    );
  }, []);

  const signingUp = mode === 'sign-up' && signup === 'open';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const { account } = signingUp ? await signUp(email, password) : await signIn(email, password);
      signedIn(account);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth-card card">
      <h1>{signingUp ? 'Create your account' : 'Sign in to Vivid Flow'}</h1>
      {mode === 'sign-up' && signup === 'closed' && <p>Sign-up is closed on this server: ask its operator for an account, then sign in.</p>}
      <form onSubmit={submit} noValidate={false}>
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete={signingUp ? 'new-password' : 'current-password'}
          required
          minLength={signingUp ? MIN_PASSWORD : undefined}
          hint={signingUp ? `At least ${MIN_PASSWORD} characters.` : undefined}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={error} />
        <Button type="submit" busy={busy}>
          {signingUp ? 'Create account' : 'Sign in'}
        </Button>
      </form>
      {signup === 'open' && (
        <p className="auth-switch">
          {signingUp ? (
            <>
              Already have an account? <Link href="/sign-in">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link href="/sign-up">Create an account</Link>
            </>
          )}
        </p>
      )}
    </div>
  );
}
