import { randomBytes } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { hashPassword } from '../../infra/auth/password-hash.js';
import { setPasswordHash } from '../../infra/db/passwords.js';
import { revokeOtherSessions } from '../../infra/db/sessions.js';
import { createSignInLink } from '../../infra/db/sign-in-links.js';
import { MIN_PASSWORD_LENGTH } from '../../api/schemas/auth.js';
import { CommandError, requiredCount, requiredString, resolveAccount, UsageError, type Command } from './command.js';

/** For accounts an operator made (sign-up closed): a way for their owner to sign in to the web app. */
export const setPassword: Command = {
  name: 'set-password',
  summary: "Set an account's web sign-in password (generated and printed once, or read from stdin); signs out its sessions",
  usage: '--account ID_OR_EMAIL [--stdin]',
  options: { account: { type: 'string' }, stdin: { type: 'boolean' } },
  prepare(values) {
    const accountRef = requiredString(values, 'account');
    const fromStdin = values.stdin === true;
    return async ({ db, report }) => {
      const account = await resolveAccount(db, accountRef);
      // Never a flag: a password on the command line ends up in shell history and `ps`.
      const password = fromStdin ? (await text(process.stdin)).replace(/\r?\n$/, '') : randomBytes(15).toString('base64url');
      if (password.length < MIN_PASSWORD_LENGTH) throw new CommandError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
      await setPasswordHash(db, account.id, await hashPassword(password));
      const ended = await revokeOtherSessions(db, account.id, null);
      const sessions = ended === 0 ? '' : ` ${ended} signed-in session${ended === 1 ? '' : 's'} ended.`;
      report(
        fromStdin
          ? `Set the password of ${account.email}.${sessions}`
          : `Set the password of ${account.email}.${sessions} Shown only this once, so pass it on now:\n\n  ${password}\n`,
        { account_id: account.id, ...(fromStdin ? {} : { password }), sessions_ended: ended },
      );
    };
  },
};

export const signInLink: Command = {
  name: 'sign-in-link',
  summary: 'Print a one-time link that signs its holder in to the web app as the account',
  usage: '--account ID_OR_EMAIL [--hours N]',
  options: { account: { type: 'string' }, hours: { type: 'string' } },
  prepare(values) {
    const accountRef = requiredString(values, 'account');
    const hours = values.hours === undefined ? 24 : requiredCount(values, 'hours', 1);
    if (hours > 24 * 7) throw new UsageError('--hours must be at most 168 (a week)');
    return async ({ db, report, publicUrl }) => {
      const account = await resolveAccount(db, accountRef);
      const { token, expiresAt } = await createSignInLink(db, account.id, hours * 3600);
      // In the fragment, so the token never reaches a server log or a Referer header; the page posts it.
      const url = `${publicUrl}/sign-in/link#token=${token}`;
      report(`One-time sign-in link for ${account.email}, valid until ${expiresAt.toISOString()}:\n\n  ${url}\n`, {
        account_id: account.id,
        url,
        expires_at: expiresAt.toISOString(),
      });
    };
  },
};
