import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/Button';
import { EmptyState, ErrorMessage, Loading } from '../../../components/ui/Feedback';
import { TextField } from '../../../components/ui/Field';
import { copyText } from '../../../lib/clipboard';
import { formatDateTime } from '../../../lib/format';
import { createKey, listKeys, revokeKey, type KeyRow } from '../api/account';

/** Create (shown once), list and revoke the account's API keys. */
export function ApiKeysPanel() {
  const [keys, setKeys] = useState<KeyRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);

  const load = useCallback(() => listKeys().then(setKeys, setError), []);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setCreating(true);
    setError(null);
    setCopied(false);
    try {
      const k = await createKey(name.trim());
      setCreated({ name: k.name, key: k.key });
      setName('');
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (k: KeyRow) => {
    if (!window.confirm(`Revoke the key “${k.name}” (${k.prefix}…)? Programs using it stop working within seconds.`)) return;
    setRevoking(k.id);
    setError(null);
    try {
      await revokeKey(k.id);
      await load();
    } catch (err) {
      setError(err);
    } finally {
      setRevoking(null);
    }
  };

  const copy = async () => {
    if (created) setCopied(await copyText(created.key, 'key', setError));
  };

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <p className="muted">
        Send a key in the <code>X-API-Key</code> header to use the API from your own programs.
      </p>
      <form onSubmit={create} className="inline-form">
        <TextField label="New key name" required maxLength={100} placeholder="e.g. laptop script" value={name} onChange={(e) => setName(e.target.value)} />
        <Button type="submit" busy={creating}>
          Create key
        </Button>
      </form>
      {created && (
        <div className="new-key" role="status">
          <p>
            <strong>Your new key “{created.name}”.</strong> Copy it now: it is shown only once.
          </p>
          <div className="key-copy">
            <code data-testid="new-key" className="mono">{created.key}</code>
            <Button variant="secondary" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy key'}
            </Button>
          </div>
        </div>
      )}
      <ErrorMessage error={error} />
      {!keys && !error && <Loading label="Loading keys…" />}
      {keys && keys.length === 0 && <EmptyState title="No API keys yet." />}
      {keys && keys.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Active API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col" className="wide-only">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono">{k.prefix}…</td>
                  <td className="wide-only">{formatDateTime(k.created_at)}</td>
                  <td>{k.last_used_at ? formatDateTime(k.last_used_at) : 'Never'}</td>
                  <td>
                    <Button variant="danger" busy={revoking === k.id} onClick={() => void revoke(k)} aria-label={`Revoke key ${k.name}`}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
