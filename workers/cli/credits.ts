import { grantCredits, nextCycleStart } from '../../infra/db/credits.js';
import { optionalString, requiredCount, requiredString, resolveAccount, type CommandGroup } from './command.js';

export const credits: CommandGroup = {
  name: 'credits',
  summary: "Adjust an account's credits",
  commands: [
    {
      name: 'grant',
      summary: 'Add credits to the current monthly cycle',
      usage: '--account ID_OR_EMAIL --amount N [--note TEXT]',
      options: { account: { type: 'string' }, amount: { type: 'string' }, note: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        const amount = requiredCount(values, 'amount', 1);
        const note = optionalString(values, 'note');
        return async ({ db, report }) => {
          const now = new Date();
          const account = await resolveAccount(db, accountRef);
          const balance = await grantCredits(db, account.id, amount, note, now);
          const until = nextCycleStart(now).toISOString().slice(0, 10);
          report(`Granted ${amount} credits to ${account.email}, usable until ${until}. Credits left this cycle: ${balance}.`, {
            account_id: account.id,
            granted: amount,
            balance,
          });
        };
      },
    },
  ],
};
