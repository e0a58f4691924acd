import { ensureWebhookSecret, rotateWebhookSecret } from '../../infra/db/webhook-secrets.js';
import { requiredString, resolveAccount, type CommandGroup } from './command.js';

const VERIFY_HINT = 'Receivers verify webhook-signature with it (Standard Webhooks, e.g. the standardwebhooks package).';

export const webhooks: CommandGroup = {
  name: 'webhooks',
  summary: "Show and rotate an account's webhook signing secret",
  commands: [
    {
      name: 'secret',
      summary: "Show the account's webhook signing secret (made on first use)",
      usage: '--account ID_OR_EMAIL',
      options: { account: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        return async ({ db, report }) => {
          const account = await resolveAccount(db, accountRef);
          const secret = await ensureWebhookSecret(db, account.id);
          report(`Webhook signing secret of ${account.email}:\n\n  ${secret}\n\n${VERIFY_HINT}`, { account_id: account.id, webhook_secret: secret });
        };
      },
    },
    {
      name: 'rotate',
      summary: 'Replace the webhook signing secret; deliveries from now on, retries included, are signed with the new one',
      usage: '--account ID_OR_EMAIL',
      options: { account: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        return async ({ db, report }) => {
          const account = await resolveAccount(db, accountRef);
          const secret = await rotateWebhookSecret(db, account.id);
          report(`New webhook signing secret of ${account.email} (the old one no longer signs anything):\n\n  ${secret}\n`, {
            account_id: account.id,
            webhook_secret: secret,
          });
        };
      },
    },
  ],
};
