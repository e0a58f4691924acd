import type { Account } from '../../../lib/types';
import { formatDate } from '../../../lib/format';
import { ApiKeysPanel } from './ApiKeysPanel';
import { PasswordForm } from './PasswordForm';
import { SessionsPanel } from './SessionsPanel';
import { UsagePanel } from './UsagePanel';
import { WebhookSecretPanel } from './WebhookSecretPanel';

export function AccountPage({ account, onSignedOut }: { account: Account; onSignedOut: () => void }) {
  return (
    <div className="account">
      <h1>Account</h1>
      <section className="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <dl className="stats">
          <div>
            <dt>Email</dt>
            <dd data-testid="account-email">{account.email}</dd>
          </div>
          {account.created_at && (
            <div>
              <dt>Member since</dt>
              <dd>{formatDate(account.created_at)}</dd>
            </div>
          )}
        </dl>
        <PasswordForm />
      </section>
      <UsagePanel />
      <ApiKeysPanel />
      <WebhookSecretPanel />
      <SessionsPanel onSignedOut={onSignedOut} />
    </div>
  );
}
