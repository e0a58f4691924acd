import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { withFields, type Logger } from '../infra/log/logger.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a proxy or client may set: short, and nothing that could break a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

interface RequestState {
  requestId?: string;
  log?: Logger;
}

/** The incoming X-Request-Id when it is sane, else a fresh one. */
export function acceptRequestId(incoming: string | undefined): string {
  return incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Gives every request an id, answers it in `X-Request-Id` (on errors too: it is set before
 * anything can fail) and a logger whose lines carry it as `requestId`.
 */
export function requestContext(options: { log: Logger }): Middleware {
  return async function identifyRequest(ctx, next) {
    const requestId = acceptRequestId(ctx.get(REQUEST_ID_HEADER) || undefined);
    const state = ctx.state as RequestState;
    state.requestId = requestId;
    state.log = withFields(options.log, { requestId });
    ctx.set(REQUEST_ID_HEADER, requestId);
    await next();
  };
}

/** The request's id; undefined only outside requestContext (a bare app in a unit test). */
export function requestIdOf(ctx: Context): string | undefined {
  return (ctx.state as RequestState).requestId;
}

/** The request's logger, each line carrying its id; `fallback` outside requestContext. */
export function requestLog(ctx: Context, fallback: Logger): Logger {
  return (ctx.state as RequestState).log ?? fallback;
}
