import { useCallback, useEffect, useState } from 'react';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage, Loading } from '../../../components/ui/Feedback';
import { formatDateTime } from '../../../lib/format';
import { listSessions, revokeOtherSessions, revokeSession, signOut, type SessionRow } from '../api/account';

/** Where this account is signed in; revoke one, all others, or everywhere. */
export function SessionsPanel({ onSignedOut }: { onSignedOut: () => void }) {
  const [sessions, setSessions] = useState<SessionRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => listSessions().then(setSessions, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const everywhere = () =>
    act('everywhere', async () => {
      if (!window.confirm('Sign out on every device, including this one?')) return;
      await revokeOtherSessions();
      await signOut();
      onSignedOut();
    });

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <ErrorMessage error={error} />
      {!sessions && !error && <Loading label="Loading sessions…" />}
      {sessions && (
        <ul className="rows">
          {sessions.map((s) => (
            <li key={s.id} className="row">
              <div>
                <p>
                  <strong>{describeAgent(s.user_agent)}</strong> {s.current && <span className="badge badge-completed">This device</span>}
                </p>
                <p className="muted">
                  {s.ip ?? 'unknown address'} · signed in {formatDateTime(s.created_at)} · last seen {formatDateTime(s.last_seen_at)}
                </p>
              </div>
              {!s.current && (
                <Button variant="secondary" busy={busy === s.id} onClick={() => void act(s.id, () => revokeSession(s.id))} aria-label={`Revoke the session on ${describeAgent(s.user_agent)} from ${s.ip ?? 'an unknown address'}`}>
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <Button variant="secondary" busy={busy === 'others'} onClick={() => void act('others', revokeOtherSessions)}>
          Sign out everywhere else
        </Button>
        <Button variant="danger" busy={busy === 'everywhere'} onClick={() => void everywhere()}>
          Sign out everywhere
        </Button>
      </div>
    </section>
  );
}

function describeAgent(ua: string | null): string {
  if (!ua) return 'Unknown device';
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : /curl\//.test(ua) ? 'curl' : 'Browser';
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}
