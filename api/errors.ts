import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { isDependencyUnavailable } from './dependency-errors.js';

/** An error whose message is meant for the client, with the status it maps to. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);

/**
 * Outermost middleware: every failure leaves as JSON `{"error": "..."}`. Client mistakes keep
 * their message; anything unexpected is logged and becomes a 500 that reveals nothing internal.
 */
export function errorHandler(log: (message: string, err: unknown) => void): Middleware {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      // Koa and the router end some requests with a status and no body (unknown path, wrong method).
      if (ctx.status >= 400 && ctx.body == null) {
        const status = ctx.status;
        ctx.body = { error: bodilessErrorMessage(ctx) };
        ctx.status = status;
      }
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status >= 500) log(`${err.status} on ${ctx.method} ${ctx.path}`, err.cause ?? err);
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.body = { error: err.message };
        return;
      }
      // Koa's own client errors (bad JSON, ctx.throw) carry `expose` and a 4xx status.
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: boolean }).expose) {
        ctx.status = status;
        ctx.body = { error: (err as Error).message };
        return;
      }
      if (isDependencyUnavailable(err)) {
        log(`503 on ${ctx.method} ${ctx.path}: a dependency is unavailable`, err);
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = { error: 'The service is briefly unavailable (a database or queue is restarting). Try again shortly.' };
        return;
      }
      log(`unhandled error on ${ctx.method} ${ctx.path}`, err);
      ctx.status = 500;
      ctx.body = { error: 'An unexpected error occurred on our end.' };
    }
  };
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
