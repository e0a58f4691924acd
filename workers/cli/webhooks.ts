import type { Kysely } from 'kysely';
import type { Database } from '../../infra/db/types.js';
import { ensureWebhookSecret, rotateWebhookSecret } from '../../infra/db/webhook-secrets.js';
import { requiredString, resolveAccount, type Command, type CommandGroup } from './command.js';

/** A command that takes an account, gets its secret one way or another, and prints it. */
function secretCommand(name: string, summary: string, secretOf: (db: Kysely<Database>, accountId: string) => Promise<string>, describe: (email: string) => string): Command {
  return {
    name,
    summary,
    usage: '--account ID_OR_EMAIL',
    options: { account: { type: 'string' } },
    prepare(values) {
      const accountRef = requiredString(values, 'account');
      return async ({ db, report }) => {
        const account = await resolveAccount(db, accountRef);
        const secret = await secretOf(db, account.id);
        report(`${describe(account.email)}:\n\n  ${secret}\n\nReceivers verify webhook-signature with it (Standard Webhooks, e.g. the standardwebhooks package).`, {
          account_id: account.id,
          webhook_secret: secret,
        });
      };
    },
  };
}

export const webhooks: CommandGroup = {
  name: 'webhooks',
  summary: "Show and rotate an account's webhook signing secret",
  commands: [
    secretCommand('secret', "Show the account's webhook signing secret (made on first use)", ensureWebhookSecret, (email) => `Webhook signing secret of ${email}`),
    secretCommand(
      'rotate',
      'Replace the webhook signing secret; deliveries from now on, retries included, are signed with the new one',
      rotateWebhookSecret,
      (email) => `New webhook signing secret of ${email} (the old one no longer signs anything)`,
    ),
  ],
};
