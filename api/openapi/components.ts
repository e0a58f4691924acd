import { errorBodySchema } from '../error-codes.js';
import { responseSchema, type JsonSchema } from './json-schema.js';
import { MAX_WAIT_SECONDS } from '../prefer-wait.js';

/**
 * The parts every path shares: security schemes, headers, parameters and the error answers.
 * Errors are one schema (`{error, code?, param?, request_id?}`) under a response per status.
 */
export const securitySchemes = {
  ApiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key (Account page of the web app, or `vivid keys create`). Every route that takes it also takes the session cookie.',
  },
  SessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'vivid_session',
    description:
      'The web app\'s session, set by `/auth/signin`, `/auth/signup` or `/auth/signin-link` (named `__Host-vivid_session` over HTTPS). ' +
      'A state-changing request signed in by cookie must send `X-Vivid-Client: web` from the API\'s own origin, else 403. API keys are managed with it only.',
  },
} as const;

/** Routes that take either credential. */
type Requirement = Record<string, never[]>;
export const KEY_OR_SESSION: Requirement[] = [{ ApiKey: [] }, { SessionCookie: [] }];
export const SESSION_ONLY: Requirement[] = [{ SessionCookie: [] }];
/** No credential needed; a session, when the browser has one, is used. */
export const OPEN: Requirement[] = [];

const header = (description: string, schema: JsonSchema = { type: 'string' }) => ({ description, schema });

export const headers = {
  'X-Request-Id': header("The request's id: the one sent, when sane, else one the API made. Log lines of the request carry it."),
  RateLimit: header('What is left of each quota and the seconds until it resets, e.g. `"requests";r=599;t=42` (draft-ietf-httpapi-ratelimit-headers). Absent when the limit is off.'),
  'RateLimit-Policy': header('The quotas in force, e.g. `"requests";q=600;w=60` (per API key a minute); `/generate` adds `"jobs";q=20;qu="concurrent-requests"`.'),
  'Retry-After': header('Seconds to wait before trying again.', { type: 'integer', minimum: 1 }),
  'X-Next-Cursor': header('The cursor of the next page; absent on the last page.'),
  Link: header('`</api/v1/history?…&cursor=…>; rel="next"`: the next page with the same filters; absent on the last page.'),
  'Idempotent-Replayed': header('`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.', { type: 'string', enum: ['true'] }),
  'Preference-Applied': header('`wait=N` (RFC 7240) when the request waited on a running job: N is the seconds it would have waited at most, after the cap.', { type: 'string', pattern: '^wait=[0-9]+$' }),
} as const;

type HeaderName = keyof typeof headers;
export const headerRefs = (...names: HeaderName[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));

export const parameters = {
  JobId: { name: 'job_id', in: 'path', required: true, description: 'A job id, as `/generate` returned it. Another account\'s job reads as absent (404).', schema: { type: 'string', format: 'uuid' } },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'At most 255 printable ASCII characters, kept 24 hours per account: a retry of the same request (same fields, same image bytes) gets the first 202 again and starts nothing; ' +
      'the same key with another request is 422; a retry while the first is still being accepted is 409.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$' },
  },
  PreferWait: {
    name: 'Prefer',
    in: 'header',
    required: false,
    description:
      `\`wait=N\` (RFC 7240): while the job is PROCESSING, hold the answer until it ends or N seconds pass (at most ${MAX_WAIT_SECONDS}), then answer with where it stands. ` +
      'One request instead of a polling loop; other preferences, and a wait that does not parse, are ignored.',
    schema: { type: 'string', examples: ['wait=30'] },
  },
  WebClient: {
    name: 'X-Vivid-Client',
    in: 'header',
    required: false,
    description: 'Required (`web`) on state-changing requests made with the session cookie, and on every POST under `/auth`: else 403.',
    schema: { type: 'string', enum: ['web'] },
  },
} as const;

export const paramRef = (name: keyof typeof parameters) => ({ $ref: `#/components/parameters/${name}` });

const ERRORS = {
  400: { name: 'BadRequest', description: 'A parameter is missing, unknown, repeated or invalid (the message names it), or the request cannot be read.' },
  401: { name: 'Unauthorized', description: 'No credential, or a wrong, revoked or expired one.' },
  402: { name: 'PaymentRequired', description: 'The balance does not cover the job (`code: insufficient_credits`); nothing was recorded.' },
  403: { name: 'Forbidden', description: 'A cookie request without `X-Vivid-Client: web` or from another origin; key management with an API key; sign-up closed.' },
  404: { name: 'NotFound', description: 'No such resource for this account.' },
  409: { name: 'Conflict', description: 'The resource\'s state refuses the request (a finished job; an `Idempotency-Key` still being accepted, with `Retry-After`).', retry: true },
  413: { name: 'PayloadTooLarge', description: 'The upload or body is over the size limit.' },
  415: { name: 'UnsupportedMediaType', description: 'The body (or the image, by its bytes) is of a type this route does not take.' },
  422: { name: 'UnprocessableContent', description: 'The `Idempotency-Key` was used before for a different request (`code: idempotency_key_reused`).' },
  429: { name: 'TooManyRequests', description: 'A rate limit, the jobs-in-flight limit or the sign-in throttle.', retry: true },
  503: { name: 'ServiceUnavailable', description: 'The database or Temporal is briefly out of reach.', retry: true },
} as const satisfies Record<number, { name: string; description: string; retry?: boolean }>;

export type ErrorStatus = keyof typeof ERRORS;

export const errorResponses = Object.fromEntries(
  Object.values(ERRORS).map((e) => [
    e.name,
    {
      description: e.description,
      // Authenticated routes say where the key stands on every answer, errors included.
      headers: headerRefs('X-Request-Id', ...('retry' in e ? (['Retry-After'] as const) : []), 'RateLimit', 'RateLimit-Policy'),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  ]),
);

/** The error answers a route can give, by status. */
export function errors(...statuses: ErrorStatus[]): Record<string, { $ref: string }> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/${ERRORS[s].name}` }]));
}

export const errorSchema = responseSchema(errorBodySchema);
