import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { badRequest } from './errors.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const MAX_KEY_LENGTH = 255;

/** The request's `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header), if it sent one. */
export function readIdempotencyKey(ctx: Context): string | undefined {
  const raw = ctx.get(IDEMPOTENCY_HEADER);
  if (raw === '') return ctx.headers['idempotency-key'] === undefined ? undefined : invalid('it is empty');
  if (raw.length > MAX_KEY_LENGTH) invalid(`it is ${raw.length} characters long; at most ${MAX_KEY_LENGTH} are allowed`);
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(raw)) invalid('use printable ASCII characters only');
  return raw;
}

function invalid(reason: string): never {
  throw badRequest(`Invalid header '${IDEMPOTENCY_HEADER}': ${reason}.`);
}

/**
 * What makes two requests "the same": every text field as sent (order of names ignored) and the
 * image's bytes, by their SHA-256 computed while the upload streamed to storage.
 */
export function requestFingerprint(fields: Record<string, unknown>, imageSha256: string | undefined): string {
  const canonical = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name]]);
  return createHash('sha256').update(JSON.stringify({ fields: canonical, image: imageSha256 ?? null })).digest('hex');
}
