import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage, Notice } from '../../../components/ui/Feedback';
import { TextField } from '../../../components/ui/Field';
import { changePassword } from '../api/account';

export function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await changePassword(current, next);
      setDone(true);
      setCurrent('');
      setNext('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack-sm" aria-labelledby="password-title">
      <h3 id="password-title">Change password</h3>
      <TextField label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      <TextField label="New password" type="password" autoComplete="new-password" required minLength={10} hint="At least 10 characters." value={next} onChange={(e) => setNext(e.target.value)} />
      <ErrorMessage error={error} />
      {done && <Notice tone="success">Password changed.</Notice>}
      <Button type="submit" variant="secondary" busy={busy}>
        Change password
      </Button>
    </form>
  );
}
