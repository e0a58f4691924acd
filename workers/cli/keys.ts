import { createApiKey, listApiKeys, revokeApiKey } from '../../infra/db/api-keys.js';
import { CommandError, isoOrNull, optionalString, requiredString, resolveAccount, table, type CommandGroup } from './command.js';

export const keys: CommandGroup = {
  name: 'keys',
  summary: "Manage an account's API keys",
  commands: [
    {
      name: 'create',
      summary: 'Create another API key for an account',
      usage: '--account ID_OR_EMAIL [--name NAME]',
      options: { account: { type: 'string' }, name: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        const name = optionalString(values, 'name');
        return async ({ db, report }) => {
          const account = await resolveAccount(db, accountRef);
          const key = await createApiKey(db, account.id, name);
          report(`Created API key ${key.id} for ${account.email}. Shown only this once, so store it now:\n\n  ${key.key}\n`, {
            account_id: account.id,
            key_id: key.id,
            api_key: key.key,
            prefix: key.prefix,
            name,
          });
        };
      },
    },
    {
      name: 'list',
      summary: "List an account's API keys, revoked ones included",
      usage: '--account ID_OR_EMAIL',
      options: { account: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        return async ({ db, report }) => {
          const account = await resolveAccount(db, accountRef);
          const rows = await listApiKeys(db, account.id);
          const human =
            rows.length === 0
              ? `${account.email} has no API keys.`
              : table(
                  ['ID', 'PREFIX', 'NAME', 'CREATED', 'STATUS'],
                  rows.map((k) => [k.id, k.prefix, k.name ?? '', k.created_at.toISOString(), k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : 'active']),
                );
          report(human, {
            keys: rows.map((k) => ({
              id: k.id,
              prefix: k.prefix,
              name: k.name,
              created_at: isoOrNull(k.created_at),
              revoked_at: isoOrNull(k.revoked_at),
            })),
          });
        };
      },
    },
    {
      name: 'revoke',
      summary: 'Revoke an API key; requests with it fail from then on',
      usage: '--account ID_OR_EMAIL --key KEY_ID_OR_PREFIX',
      options: { account: { type: 'string' }, key: { type: 'string' } },
      prepare(values) {
        const accountRef = requiredString(values, 'account');
        const keyRef = requiredString(values, 'key');
        return async ({ db, report }) => {
          const account = await resolveAccount(db, accountRef);
          // `keys list` shows both the id and the prefix; either names the key.
          const matches = (await listApiKeys(db, account.id)).filter((k) => k.id === keyRef.toLowerCase() || k.prefix === keyRef);
          const [key, ...others] = matches;
          if (!key) throw new CommandError(`${account.email} has no API key ${keyRef}`);
          if (others.length > 0) throw new CommandError(`Several keys of ${account.email} start with ${keyRef}: name one by its id`);
          const revoked = await revokeApiKey(db, account.id, key.id);
          report(revoked ? `Revoked API key ${key.id} (${key.prefix}…) of ${account.email}.` : `API key ${key.id} (${key.prefix}…) was already revoked.`, {
            account_id: account.id,
            key_id: key.id,
            revoked,
          });
        };
      },
    },
  ],
};
