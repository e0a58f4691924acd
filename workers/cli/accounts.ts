import { createAccount, listAccounts } from '../../infra/db/accounts.js';
import { createApiKey } from '../../infra/db/api-keys.js';
import { creditBalance, cycleStart } from '../../infra/db/credits.js';
import { setPassword, signInLink } from './account-sign-in.js';
import { isoOrNull, requiredCount, requiredEmail, table, type CommandGroup } from './command.js';

export const accounts: CommandGroup = {
  name: 'accounts',
  summary: 'Create and list accounts, and let their owners sign in',
  commands: [
    {
      name: 'create',
      summary: 'Create an account and its first API key',
      usage: '--email EMAIL --credits N',
      options: { email: { type: 'string' }, credits: { type: 'string' } },
      prepare(values) {
        const email = requiredEmail(values, 'email');
        const monthlyCredits = requiredCount(values, 'credits', 0);
        return async ({ db, report }) => {
          // Together or not at all: an account without a key is unusable.
          const { account, key } = await db.transaction().execute(async (trx) => {
            const account = await createAccount(trx, { email, monthlyCredits });
            return { account, key: await createApiKey(trx, account.id, 'default') };
          });
          report(
            `Created account ${account.email} (${account.id}) with ${account.monthly_credits} credits a month.\n` +
              `Its API key, shown only this once, so store it now:\n\n  ${key.key}\n`,
            { account_id: account.id, api_key: key.key },
          );
        };
      },
    },
    {
      name: 'list',
      summary: 'List accounts and their credits left this cycle',
      usage: '',
      options: {},
      prepare() {
        return async ({ db, report }) => {
          const now = new Date();
          const rows = await listAccounts(db);
          const withBalance = await Promise.all(rows.map(async (a) => ({ ...a, remaining: await creditBalance(db, a.id, now) })));
          const human =
            withBalance.length === 0
              ? 'No accounts yet. Create one with: vivid accounts create --email EMAIL --credits N'
              : table(
                  ['ID', 'EMAIL', 'MONTHLY', `LEFT SINCE ${cycleStart(now)}`, 'CREATED'],
                  withBalance.map((a) => [a.id, a.email, String(a.monthly_credits), String(a.remaining), a.created_at.toISOString()]),
                );
          report(human, {
            accounts: withBalance.map((a) => ({
              id: a.id,
              email: a.email,
              monthly_credits: a.monthly_credits,
              credits_remaining: a.remaining,
              created_at: isoOrNull(a.created_at),
            })),
          });
        };
      },
    },
    setPassword,
    signInLink,
  ],
};
