import { createHash } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import multer from '@koa/multer';
import type { StorageEngine } from 'multer';
import type { Context } from 'koa';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import { ApiError, badRequest } from '../errors.js';
import { PROBE_BYTES } from './image-probe.js';

export interface ReceivedUpload {
  /** The text fields, as sent. */
  readonly fields: Record<string, unknown>;
  /** Absent when the request carried no `image` file. */
  readonly image?: { readonly key: string; readonly size: number; readonly head: Buffer; readonly sha256?: string };
}

const multerMessages: Record<string, (field?: string) => string> = {
  LIMIT_FILE_SIZE: () => '', // replaced below: it needs the limit
  LIMIT_UNEXPECTED_FILE: (field) => (field === 'image' ? 'Send one image only.' : `Unexpected file field '${field}': send the image as 'image'.`),
  LIMIT_FIELD_VALUE: (field) => `Parameter '${field}' is too long.`,
  LIMIT_FIELD_COUNT: () => 'Too many parameters.',
  LIMIT_PART_COUNT: () => 'Too many parts in the form.',
  LIMIT_FIELD_KEY: () => 'A parameter name is too long.',
  LIMIT_FILE_COUNT: () => 'Send one image only.',
  MISSING_FIELD_NAME: () => 'A form part has no name: give every part a Content-Disposition name.',
};

/**
 * Parses a multipart body, streaming the `image` part straight into storage under `key` as it
 * arrives, so no upload is ever held whole in memory. Keeps the first bytes for probing.
 */
export async function receiveImage(ctx: Context, options: { storage: ObjectStorage; key: string; maxBytes: number; hash?: boolean }): Promise<ReceivedUpload> {
  const { storage, key, maxBytes } = options;
  let sha256: string | undefined;
  const engine: StorageEngine = {
    _handleFile(_req, file, callback) {
      const head: Buffer[] = [];
      let headLength = 0;
      let size = 0;
      // Only a request that may be retried needs the bytes' digest.
      const hash = options.hash ? createHash('sha256') : undefined;
      const tap = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          hash?.update(chunk);
          if (headLength < PROBE_BYTES) {
            const part = chunk.subarray(0, PROBE_BYTES - headLength);
            head.push(part);
            headLength += part.length;
          }
          done(null, chunk);
        },
      });
      // pipeline, not pipe: a part cut off mid-file (an aborted or truncated request) must end the
      // write with an error, or the storage write waits forever and its temp file stays behind.
      pipeline(file.stream, tap, () => {});
      storage.put(key, tap).then(
        () => {
          sha256 = hash?.digest('hex');
          callback(undefined, { size, path: key, buffer: Buffer.concat(head) });
        },
        (err: unknown) => callback(err),
      );
    },
    _removeFile(_req, _file, callback) {
      storage.delete(key).then(() => callback(null), (err: Error) => callback(err));
    },
  };
  const upload = multer({
    // @koa/multer hands options to multer 2, whose engine type @types/koa__multer predates.
    storage: engine as unknown as multer.StorageEngine,
    // `files` above one lets multer name a stray file field instead of only counting it.
    limits: { fileSize: maxBytes, files: 5, fields: 40, fieldSize: 64 * 1024, parts: 50 },
  }).single('image');

  try {
    await upload(ctx, async () => {});
  } catch (err) {
    await storage.delete(key).catch(() => {});
    const code = (err as { code?: string }).code;
    if (code === 'LIMIT_FILE_SIZE') throw new ApiError(413, `Invalid parameter 'image': the file exceeds ${Math.floor(maxBytes / (1024 * 1024))} MiB.`, { param: 'image' });
    const message = code ? multerMessages[code] : undefined;
    if (message) {
      const field = (err as { field?: string }).field;
      // A second image names no parameter in its words, yet it is about `image`.
      throw badRequest(message(field), code === 'LIMIT_FILE_COUNT' || (code === 'LIMIT_UNEXPECTED_FILE' && field === 'image') ? 'image' : undefined);
    }
    if (err instanceof Error && /multipart|boundary|Unexpected end of (form|file)|Malformed part header/i.test(err.message)) {
      throw badRequest(`Malformed multipart body: ${err.message}`);
    }
    throw err;
  }
  const fields = { ...((ctx.request as { body?: Record<string, unknown> }).body ?? {}) };
  const file = ctx.file;
  if (!file) return { fields };
  return { fields, image: { key, size: file.size, head: file.buffer, ...(sha256 ? { sha256 } : {}) } };
}
