import type { Context } from 'koa';
import type { z } from 'zod';
import { ApiError, badRequest } from '../errors.js';

const MAX_JSON_BYTES = 16 * 1024;

/**
 * The small JSON bodies of the account routes, checked against their schema. A field's
 * problem names the field, as the contract's other errors do.
 */
export async function readJson<S extends z.ZodType>(ctx: Context, schema: S): Promise<z.output<S>> {
  if (!ctx.is('application/json')) throw new ApiError(415, 'Send the request body as JSON (Content-Type: application/json).');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BYTES) throw new ApiError(413, `The request body exceeds ${MAX_JSON_BYTES / 1024} KiB.`);
    chunks.push(chunk);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
