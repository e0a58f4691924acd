import { KEY_OR_SESSION, OPEN, paramRef, SESSION_ONLY } from './components.js';
import { emptyResponse, jsonBody, jsonResponse, operation, RATE_LIMITED } from './operations.js';

const idParameter = (what: string) => ({ name: 'id', in: 'path', required: true, description: `The ${what}'s id.`, schema: { type: 'string' } });

/** Usage and API keys (`/api/v1`, behind the key-or-session check). */
export function accountPaths() {
  return {
    '/api/v1/usage': {
      get: operation({
        operationId: 'getUsage',
        summary: 'Credits and limits',
        description: 'The monthly allowance is restored on the 1st of each month, UTC (`cycle_resets_on`).',
        tags: ['Account'],
        security: KEY_OR_SESSION,
        responses: { '200': jsonResponse('The account\'s usage.', 'Usage', ...RATE_LIMITED) },
        errors: [401, 404, 429, 503],
      }),
    },
    '/api/v1/usage/daily': {
      get: operation({
        operationId: 'getDailyUsage',
        summary: 'Credits spent per day and model this cycle',
        tags: ['Account'],
        security: KEY_OR_SESSION,
        responses: { '200': jsonResponse('Spending by day.', 'DailyUsage', ...RATE_LIMITED) },
        errors: [401, 429, 503],
      }),
    },
    '/api/v1/keys': {
      get: operation({
        operationId: 'listKeys',
        summary: 'The account\'s API keys',
        description: 'Signed-in sessions only: a request with an API key gets 403, so a leaked key cannot mint more.',
        tags: ['Account'],
        security: SESSION_ONLY,
        responses: { '200': jsonResponse('Keys not revoked.', 'ApiKeyList', ...RATE_LIMITED) },
        errors: [401, 403, 429, 503],
      }),
      post: operation({
        operationId: 'createKey',
        summary: 'Make an API key',
        tags: ['Account'],
        security: SESSION_ONLY,
        parameters: [paramRef('WebClient')],
        requestBody: jsonBody('CreateKey'),
        responses: { '201': jsonResponse('The key, shown this once.', 'CreatedApiKey', ...RATE_LIMITED) },
        errors: [400, 401, 403, 413, 415, 429, 503],
      }),
    },
    '/api/v1/keys/{id}': {
      delete: operation({
        operationId: 'revokeKey',
        summary: 'Revoke an API key',
        description: 'It stops working within 5 s.',
        tags: ['Account'],
        security: SESSION_ONLY,
        parameters: [idParameter('key'), paramRef('WebClient')],
        responses: { '204': emptyResponse('Revoked.', ...RATE_LIMITED) },
        errors: [401, 403, 404, 429, 503],
      }),
    },
    '/api/v1/webhook-secret': {
      get: operation({
        operationId: 'getWebhookSecret',
        summary: "The account's webhook signing secret",
        description: 'Made on first ask. Sessions only: whoever holds it can forge deliveries. The same secret `vivid webhooks secret` shows.',
        tags: ['Account'],
        security: SESSION_ONLY,
        responses: { '200': jsonResponse('The secret.', 'WebhookSecret', ...RATE_LIMITED) },
        errors: [401, 403, 429, 503],
      }),
    },
    '/api/v1/webhook-secret/rotate': {
      post: operation({
        operationId: 'rotateWebhookSecret',
        summary: 'Replace the webhook signing secret',
        description: 'Deliveries from now on are signed with the new one.',
        tags: ['Account'],
        security: SESSION_ONLY,
        parameters: [paramRef('WebClient')],
        responses: { '200': jsonResponse('The new secret.', 'WebhookSecret', ...RATE_LIMITED) },
        errors: [401, 403, 429, 503],
      }),
    },
  };
}

/** Signing up and in, the session and its password, signed-in browsers (`/api/v1/auth`, for the web app). */
export function authPaths() {
  const post = (operationId: string, summary: string, extra: Partial<Parameters<typeof operation>[0]>) => ({
    post: operation({ operationId, summary, tags: ['Sign-in'], security: OPEN, parameters: [paramRef('WebClient')], responses: {}, ...extra }),
  });
  return {
    '/api/v1/auth/config': {
      get: operation({
        operationId: 'getAuthConfig',
        summary: 'Whether sign-up is open',
        tags: ['Sign-in'],
        security: OPEN,
        responses: { '200': jsonResponse('The server\'s sign-up setting.', 'AuthConfig') },
      }),
    },
    '/api/v1/auth/signup': post('signUp', 'Make an account and sign in', {
      description: 'A taken email gets the same 400 as any other refusal, so answers never tell whether an email has an account.',
      requestBody: jsonBody('SignUp'),
      responses: { '201': jsonResponse('Signed up; the session cookie is set.', 'SignedIn') },
      errors: [400, 403, 413, 415, 503],
    }),
    '/api/v1/auth/signin': post('signIn', 'Sign in with email and password', {
      description: 'Failed sign-ins slow down from the fourth in a row for an email, then 429 with `Retry-After`.',
      requestBody: jsonBody('SignIn'),
      responses: { '200': jsonResponse('Signed in; the session cookie is set.', 'SignedIn') },
      errors: [400, 401, 403, 413, 415, 429, 503],
    }),
    '/api/v1/auth/signin-link': post('signInWithLink', 'Sign in with a one-time link', {
      description: 'The token of a link made by `vivid accounts sign-in-link`; each works once.',
      requestBody: jsonBody('SignInLink'),
      responses: { '200': jsonResponse('Signed in; the session cookie is set.', 'SignedIn') },
      errors: [400, 401, 403, 413, 415, 503],
    }),
    '/api/v1/auth/signout': post('signOut', 'End this session', {
      responses: { '204': emptyResponse('Signed out; the cookie is cleared.') },
      errors: [403, 503],
    }),
    '/api/v1/auth/session': {
      get: operation({
        operationId: 'getSession',
        summary: 'The signed-in account',
        tags: ['Sign-in'],
        security: SESSION_ONLY,
        responses: { '200': jsonResponse('The account.', 'CurrentSession') },
        errors: [401, 503],
      }),
    },
    '/api/v1/auth/password': post('changePassword', 'Set or change the password', {
      description: 'Needs the current password when the account has one. Ends every other session.',
      security: SESSION_ONLY,
      requestBody: jsonBody('PasswordChange'),
      responses: { '204': emptyResponse('Changed.') },
      errors: [400, 401, 403, 413, 415, 429, 503],
    }),
    '/api/v1/auth/sessions': {
      get: operation({
        operationId: 'listSessions',
        summary: 'The account\'s signed-in browsers',
        tags: ['Sign-in'],
        security: SESSION_ONLY,
        responses: { '200': jsonResponse('Sessions.', 'SessionList') },
        errors: [401, 503],
      }),
    },
    '/api/v1/auth/sessions/revoke-others': post('revokeOtherSessions', 'End every other session', {
      security: SESSION_ONLY,
      responses: { '204': emptyResponse('Ended.') },
      errors: [401, 403, 503],
    }),
    '/api/v1/auth/sessions/{id}': {
      delete: operation({
        operationId: 'revokeSession',
        summary: 'End one session',
        tags: ['Sign-in'],
        security: SESSION_ONLY,
        parameters: [idParameter('session'), paramRef('WebClient')],
        responses: { '204': emptyResponse('Ended (this one too: the cookie is then cleared).') },
        errors: [401, 403, 404, 503],
      }),
    },
  };
}
