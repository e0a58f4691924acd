import type { Context } from 'koa';
import type { z } from 'zod';
import { ApiError, badRequest } from '../errors.js';

const MAX_JSON_BYTES = 16 * 1024;
/** Past this, an over-size body is not worth reading to its end: the connection is dropped instead. */
const MAX_DRAINED_BYTES = 1024 * 1024;

/**
 * The small JSON bodies of the account routes, checked against their schema. A field's
 * problem names the field, as the contract's other errors do.
 */
export async function readJson<S extends z.ZodType>(ctx: Context, schema: S): Promise<z.output<S>> {
  if (!ctx.is('application/json')) throw new ApiError(415, 'Send the request body as JSON (Content-Type: application/json).');
  const body = await readSmallBody(ctx);
  if (body === null) throw new ApiError(413, `The request body exceeds ${MAX_JSON_BYTES / 1024} KiB.`);
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.length > 0 ? issue.path.join('.') : undefined;
    throw badRequest(name ? `Invalid parameter '${name}': ${issue.message}.` : `Invalid request body: ${issue.message}.`);
  }
  return parsed.data;
}

/**
 * The body, or null when it is over MAX_JSON_BYTES. An over-size body is still read to its end
 * (and thrown away), so the connection stays in step and can carry the client's next request:
 * a body left unread there would stall that request behind it. One too large even to drain
 * loses its connection.
 */
function readSmallBody(ctx: Context): Promise<Buffer | null> {
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_JSON_BYTES) chunks.push(chunk);
      else if (size > MAX_DRAINED_BYTES) req.socket.destroy();
    });
    req.on('end', () => resolve(size > MAX_JSON_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('The request was cut off.'));
    });
  });
}
