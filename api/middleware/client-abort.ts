import type { Context, Middleware } from 'koa';
import type { Logger } from '../../infra/log/logger.js';
import { ApiError } from '../errors.js';
import { requestLog } from '../request-id.js';

/** Whether the client closed the connection before its request had arrived whole (an upload cut off). */
export function clientAborted(ctx: Context): boolean {
  return !ctx.req.complete && (ctx.req.destroyed || ctx.req.socket.destroyed);
}

/**
 * A request its client abandoned mid-body is nobody's fault here: whatever broke on the way (the
 * multipart parser's "Request aborted", a storage write cut short) is logged once, at info, as a
 * client abort, not as an unhandled error, and what is answered goes nowhere.
 */
export function clientAbort(log: Logger): Middleware {
  return async function noteClientAbort(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (!clientAborted(ctx)) throw err;
      requestLog(ctx, log).info('client aborted the request', { method: ctx.method, path: ctx.path, reason: err instanceof Error ? err.message : String(err) });
      throw new ApiError(400, 'The request did not arrive whole: the client closed the connection.');
    }
  };
}
