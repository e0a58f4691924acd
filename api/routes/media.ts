import Router from '@koa/router';
import { InvalidObjectKeyError } from '../../infra/storage/object-key.js';
import { ObjectNotFoundError, type ObjectStorage } from '../../infra/storage/object-storage.js';
import type { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { ApiError, notFound } from '../errors.js';

type ByteRange = { start: number; end: number };

/**
 * Serves locally stored objects behind signed links. Range support is not optional:
 * browsers' <video> elements seek, and Safari will not play a video served without it.
 */
export function mediaRoutes({ storage, signer }: { storage: ObjectStorage; signer: MediaUrlSigner }): Router {
  const router = new Router();

  router.get('/media/*key', async (ctx) => {
    const key = ctx.params['key'] ?? '';
    const check = signer.verify(key, single(ctx.query['expires']), single(ctx.query['signature']));
    if (check === 'expired') throw new ApiError(403, 'This link has expired');
    if (check !== 'ok') throw new ApiError(403, 'This link is invalid: its signature is missing or wrong');

    // A link signed for something that is not an object key (a path out of the root, a sidecar) names no media.
    const info = await storage.stat(key).catch((error: unknown) => {
      if (error instanceof InvalidObjectKeyError) return null;
      throw error;
    });
    if (!info) throw notFound('No such media');

    const range = parseRange(ctx.get('Range'), info.size);
    if (range === 'unsatisfiable') {
      throw new ApiError(416, `The requested range is outside the ${info.size}-byte file`, { headers: { 'Content-Range': `bytes */${info.size}` } });
    }

    let body;
    try {
      // HEAD gets the headers without opening the object.
      body = ctx.method === 'HEAD' ? '' : await storage.get(key, range ?? undefined);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw notFound('No such media');
      throw error;
    }
    // Headers after the body: assigning a body makes Koa reset its type and length.
    ctx.body = body;
    ctx.status = range ? 206 : 200;
    ctx.set('Content-Type', info.contentType ?? 'application/octet-stream');
    ctx.set('Accept-Ranges', 'bytes');
    ctx.length = range ? range.end - range.start + 1 : info.size;
    if (range) ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
    // Uploaded bytes come back from our own origin: never let a browser run them as a page.
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', 'sandbox');
  });

  return router;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/**
 * The one range in a `Range: bytes=…` header; null to send the whole object. Headers we
 * don't understand, and multi-range requests, are answered in full, as RFC 9110 allows.
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
