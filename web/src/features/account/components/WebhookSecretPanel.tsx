import { useState } from 'react';
import { Button } from '../../../components/ui/Button';
import { ErrorMessage } from '../../../components/ui/Feedback';
import { copyText } from '../../../lib/clipboard';
import { formatDateTime } from '../../../lib/format';
import { getWebhookSecret, rotateWebhookSecret, type WebhookSecret } from '../api/account';

/** Reveal, copy and rotate the secret that signs this account's webhook deliveries. */
export function WebhookSecretPanel() {
  const [secret, setSecret] = useState<WebhookSecret | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'show' | 'rotate' | null>(null);
  const [copied, setCopied] = useState(false);

  const run = async (what: 'show' | 'rotate', call: () => Promise<WebhookSecret>) => {
    setBusy(what);
    setError(null);
    setCopied(false);
    try {
      setSecret(await call());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const rotate = () => {
    if (!window.confirm('Rotate the webhook secret? Deliveries are signed with the new one at once; receivers checking the old one will refuse them until you update them.')) return;
    void run('rotate', rotateWebhookSecret);
  };

  const copy = async () => {
    if (secret) setCopied(await copyText(secret.secret, 'secret', setError));
  };

  return (
    <section className="card" aria-labelledby="webhook-title">
      <h2 id="webhook-title">Webhook signing secret</h2>
      <p className="muted">
        Jobs sent with a <code>webhook_url</code> are delivered signed with this secret (Standard Webhooks: <code>webhook-id</code>, <code>webhook-timestamp</code>,{' '}
        <code>webhook-signature</code>). Check the signature before trusting a delivery.
      </p>
      {secret && (
        <>
          <div className="key-copy">
            <code data-testid="webhook-secret" className="mono">
              {secret.secret}
            </code>
          </div>
          <p className="muted">In use since {formatDateTime(secret.created_at)}.</p>
        </>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        {secret ? (
          <Button variant="secondary" onClick={() => void copy()}>
            {copied ? 'Copied' : 'Copy secret'}
          </Button>
        ) : (
          <Button variant="secondary" busy={busy === 'show'} onClick={() => void run('show', getWebhookSecret)}>
            Show secret
          </Button>
        )}
        <Button variant="danger" busy={busy === 'rotate'} onClick={rotate}>
          Rotate secret
        </Button>
      </div>
    </section>
  );
}
