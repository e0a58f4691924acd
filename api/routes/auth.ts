import Router from '@koa/router';
import type { Kysely } from 'kysely';
import { createAccount, DuplicateEmailError, findAccount, normalizeEmail } from '../../infra/db/accounts.js';
import { findCredentialsByEmail, findPasswordHash, setPasswordHash } from '../../infra/db/passwords.js';
import { revokeOtherSessions, revokeSession } from '../../infra/db/sessions.js';
import { consumeSignInLink } from '../../infra/db/sign-in-links.js';
import type { AccountsConfig } from '../../infra/config.js';
import type { Database } from '../../infra/db/types.js';
import { hashPassword, prepareDummyHash, verifyAgainstDummy, verifyPassword } from '../../infra/auth/password-hash.js';
import { clearSessionCookie } from '../auth/session-cookie.js';
import { DEFAULT_SIGN_IN_THROTTLE, signInThrottle } from '../auth/sign-in-throttle.js';
import { startSession } from '../auth/start-session.js';
import { requireSession, type WebSessionState } from '../auth/web-session.js';
import { readJson } from '../body/read-json.js';
import { ApiError, badRequest } from '../errors.js';
import type { AuthConfigBody, CurrentSessionBody, SignedInBody } from '../schemas/account.js';
import { passwordChangeSchema, signInLinkSchema, signInSchema, signUpSchema } from '../schemas/auth.js';

export interface AuthDeps {
  readonly db: Kysely<Database>;
  readonly settings: AccountsConfig;
}

const WRONG_CREDENTIALS = 'Wrong email or password.';
/**
 * Chosen so that it does not confirm an account: it reads the same for an email that has
 * one and for any other reason sign-up might be refused.
 */
export const SIGNUP_REFUSED = 'Could not sign up with this email. If you have signed up before, sign in instead or ask the operator for a sign-in link.';

/** Signing up and in, out, and the signed-in browser's own account and password: `/auth/...`, behind loadWebSession. */
export function authRoutes(deps: AuthDeps): Router<WebSessionState> {
  const { db, settings } = deps;
  const router = new Router<WebSessionState>({ prefix: '/auth' });
  const throttle = signInThrottle(db, { ...DEFAULT_SIGN_IN_THROTTLE, ...settings.signInLimits });
  void prepareDummyHash();

  router.get('/config', (ctx) => {
    ctx.body = { signup: settings.signup } satisfies AuthConfigBody;
  });

  router.post('/signup', async (ctx) => {
    if (settings.signup === 'closed') throw new ApiError(403, 'Sign-up is closed on this server: ask its operator for an account.');
    const body = await readJson(ctx, signUpSchema);
    // Hashed before the email is looked at, so a taken email answers no faster than a new one.
    const passwordHash = await hashPassword(body.password);
    let account;
    try {
      account = await db.transaction().execute(async (trx) => {
        const created = await createAccount(trx, { email: body.email, monthlyCredits: settings.signupMonthlyCredits });
        await setPasswordHash(trx, created.id, passwordHash);
        return created;
      });
    } catch (err) {
      if (err instanceof DuplicateEmailError) throw badRequest(SIGNUP_REFUSED, 'email');
      throw err;
    }
    await startSession(ctx, db, account.id, settings.sessionTtlSeconds);
    ctx.status = 201;
    ctx.body = { account: { id: account.id, email: account.email } } satisfies SignedInBody;
  });

  router.post('/signin', async (ctx) => {
    const body = await readJson(ctx, signInSchema);
    const subjects = { email: normalizeEmail(body.email), ip: ctx.ip };
    await throttle.assertAllowed(subjects);
    const account = await findCredentialsByEmail(db, subjects.email);
    const ok = account?.password_hash ? await verifyPassword(body.password, account.password_hash) : await verifyAgainstDummy(body.password);
    if (!account || !ok) {
      await throttle.failed(subjects);
      throw new ApiError(401, WRONG_CREDENTIALS);
    }
    await throttle.succeeded(subjects);
    await startSession(ctx, db, account.id, settings.sessionTtlSeconds);
    ctx.body = { account: { id: account.id, email: account.email } } satisfies SignedInBody;
  });

  router.post('/signin-link', async (ctx) => {
    const body = await readJson(ctx, signInLinkSchema);
    const accountId = await consumeSignInLink(db, body.token);
    const account = accountId ? await findAccount(db, accountId) : undefined;
    if (!account) throw new ApiError(401, 'This sign-in link is not valid: it may have expired or been used already. Ask the operator for a new one.');
    await startSession(ctx, db, account.id, settings.sessionTtlSeconds);
    ctx.body = { account: { id: account.id, email: account.email } } satisfies SignedInBody;
  });

  router.post('/signout', async (ctx) => {
    const { accountId, sessionId } = ctx.state;
    if (accountId && sessionId) await revokeSession(db, accountId, sessionId);
    clearSessionCookie(ctx);
    ctx.status = 204;
  });

  router.get('/session', async (ctx) => {
    const { accountId } = requireSession(ctx);
    const account = await findAccount(db, accountId);
    if (!account) throw new ApiError(401, 'Not signed in.');
    ctx.body = { account: { id: account.id, email: account.email, created_at: account.created_at.toISOString() } } satisfies CurrentSessionBody;
  });

  router.post('/password', async (ctx) => {
    const { accountId, sessionId } = requireSession(ctx);
    const body = await readJson(ctx, passwordChangeSchema);
    const account = await findAccount(db, accountId);
    if (!account) throw new ApiError(401, 'Not signed in.');
    // A stolen session must not become a way to guess the password: the sign-in counters apply.
    const subjects = { email: account.email, ip: ctx.ip };
    await throttle.assertAllowed(subjects);
    const current = await findPasswordHash(db, accountId);
    // An account that signed in by link and never had a password may set one without a current one.
    if (current !== null) {
      if (body.current_password === undefined) throw badRequest("Missing required parameter 'current_password'.");
      if (!(await verifyPassword(body.current_password, current))) {
        await throttle.failed(subjects);
        throw badRequest("Invalid parameter 'current_password': it is not this account's password.");
      }
    }
    await setPasswordHash(db, accountId, await hashPassword(body.new_password));
    // Whoever else knew the old password is signed out everywhere but here.
    await revokeOtherSessions(db, accountId, sessionId);
    ctx.status = 204;
  });

  return router;
}
