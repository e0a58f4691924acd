import { z } from 'zod';
import { JOB_ERROR_CODES } from '../workflows/messages.js';

/**
 * Every `code` an API error body may carry: a stable name a client can switch on, beside the
 * `error` sentence meant for people. The one list: the error handler, the routes and the
 * OpenAPI document all take their codes from here.
 */
export const API_ERROR_CODES = [
  /** 400: a parameter (named in `param`: a form field, query parameter, JSON field or header) is missing, unknown, repeated or wrong. */
  'invalid_parameter',
  /** 400: `POST /generate` without an image file. */
  'missing_image',
  /** 400, 408, 416, 431: the request itself cannot be read or met (malformed multipart, JSON or HTTP; headers too large; a range outside the file). */
  'invalid_request',
  /** 401: no credential, or one that is wrong, expired or revoked. */
  'unauthorized',
  /** 402: the account's balance does not cover the job. */
  'insufficient_credits',
  /** 403: a cookie request from another origin or without the web app's header; key management with a key; sign-up closed. */
  'forbidden',
  /** 404: no such job, key, session or endpoint (another account's reads the same). */
  'not_found',
  /** 405: the path exists, the method does not (see `Allow`). */
  'method_not_allowed',
  /** 409: the resource is in a state that refuses the request (a finished job's cancel; an Idempotency-Key still being accepted). */
  'conflict',
  /** 413: an upload or body over the size limit. */
  'payload_too_large',
  /** 415: an image that is not PNG, JPEG or WebP by its bytes; a JSON route sent something else. */
  'unsupported_media_type',
  /** 422: an Idempotency-Key already used for a different request. */
  'idempotency_key_reused',
  /** 429: a rate limit, the jobs-in-flight limit or the sign-in throttle (see `Retry-After`). */
  'rate_limited',
  /** 500: a fault of ours; the body says nothing more. */
  'internal',
  /** 501: an HTTP method this server does not know. */
  'not_implemented',
  /** 503: the database, Temporal or the job queue is out of reach for the moment (see `Retry-After`). */
  'unavailable',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
export const apiErrorCodeSchema = z.enum(API_ERROR_CODES);

/** The code of an answer that says nothing more specific than its status (Koa's own errors, bodiless answers). */
const BY_STATUS: Readonly<Record<number, ApiErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  402: 'insufficient_credits',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  501: 'not_implemented',
  503: 'unavailable',
};

export function codeForStatus(status: number): ApiErrorCode {
  return BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid_request');
}

/** Every API error body: the contract's `error`, then what Vivid Flow adds. */
export const errorBodySchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, for people; a 400 names the parameter.' }),
    code: apiErrorCodeSchema.optional().meta({ description: 'A stable name for the error, for programs.' }),
    param: z.string().optional().meta({ description: "With `invalid_parameter`: the parameter's name, as the message names it." }),
    request_id: z.string().optional().meta({ description: "The request's `X-Request-Id`, to quote when reporting a problem." }),
  })
  .meta({ description: 'An error. The contract promises `error`; the other fields are what Vivid Flow adds.' });
export type ErrorBody = z.output<typeof errorBodySchema>;

export { JOB_ERROR_CODES, type JobErrorCode } from '../workflows/messages.js';
/** Why a FAILED job failed, beside its `error` in `/status`, history items and webhooks. */
export const jobErrorCodeSchema = z.enum(JOB_ERROR_CODES);
