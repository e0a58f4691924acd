import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../infra/log/logger.js';
import { isDependencyUnavailable } from './dependency-errors.js';
import { codeForStatus, type ApiErrorCode, type ErrorBody } from './error-codes.js';
import { requestIdOf, requestLog } from './request-id.js';

export interface ApiErrorOptions {
  /** Without one, the status's own code (api/error-codes.ts). */
  readonly code?: ApiErrorCode;
  /** With `invalid_parameter`: the parameter the message names. */
  readonly param?: string;
  readonly headers?: Record<string, string>;
  readonly cause?: unknown;
}

/** An error whose message is meant for the client, with the status and code it maps to. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.code = options.code ?? codeForStatus(status);
    this.param = options.param;
    this.headers = options.headers ?? {};
  }
}

/** "Invalid parameter 'cfg': …", "Parameter 'x' was sent more than once", "Invalid header 'Idempotency-Key': …" */
const NAMED_PARAMETER = /\b(?:parameters?|header|file field) '([^']+)'/i;

/**
 * A 400. A message that names a parameter says which in `param` too (code `invalid_parameter`),
 * so the two never disagree; any other is about the request as a whole (`invalid_request`).
 */
export function badRequest(message: string, param = NAMED_PARAMETER.exec(message)?.[1]): ApiError {
  return param ? new ApiError(400, message, { code: 'invalid_parameter', param }) : new ApiError(400, message);
}

export const notFound = (message: string): ApiError => new ApiError(404, message);

/**
 * Outermost middleware but for the request's id: every failure leaves as JSON `{"error": "...",
 * "code": "...", "request_id": "..."}`. Client mistakes keep their message; anything unexpected
 * is logged and becomes a 500 that reveals nothing internal.
 */
export function errorHandler(options: { log: Logger }): Middleware {
  return async function handleErrors(ctx, next) {
    const log = () => requestLog(ctx, options.log);
    try {
      await next();
      // Koa and the router end some requests with a status and no body (unknown path, wrong method).
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status;
        ctx.body = errorBody(ctx, bodilessErrorMessage(ctx), codeForStatus(status));
        ctx.status = status;
      }
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status >= 500) log().error(`${err.status} on ${ctx.method} ${ctx.path}`, { err: err.cause ?? err });
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = errorBody(ctx, err.message, err.code, err.param);
        return;
      }
      // Koa's own client errors (bad JSON, ctx.throw) carry `expose` and a 4xx status.
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
        ctx.status = status;
        ctx.body = errorBody(ctx, (err as Error).message, codeForStatus(status));
        return;
      }
      if (isDependencyUnavailable(err)) {
        log().error(`503 on ${ctx.method} ${ctx.path}: a dependency is unavailable`, { err });
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = errorBody(ctx, 'The service is briefly unavailable (a database or queue is restarting). Try again shortly.', 'unavailable');
        return;
      }
      log().error(`unhandled error on ${ctx.method} ${ctx.path}`, { err });
      ctx.status = 500;
      ctx.body = errorBody(ctx, 'An unexpected error occurred on our end.', 'internal');
    }
  };
}

function errorBody(ctx: Context, error: string, code: ApiErrorCode, param?: string): ErrorBody {
  const requestId = requestIdOf(ctx);
  return { error, code, ...(param !== undefined ? { param } : {}), ...(requestId ? { request_id: requestId } : {}) };
}

function bodilessErrorMessage(ctx: Context): string {
  switch (ctx.status) {
    case 404:
      return `No such endpoint: ${ctx.method} ${ctx.path}`;
    case 405:
      return `Method ${ctx.method} is not allowed on ${ctx.path}; use ${ctx.response.get('Allow') || 'another method'}.`;
    case 501:
      return `Method ${ctx.method} is not supported.`;
    default:
      return STATUS_CODES[ctx.status] ?? `HTTP ${ctx.status}`;
  }
}
