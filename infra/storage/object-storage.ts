import type { Readable } from 'node:stream';

export interface ObjectInfo {
  readonly size: number;
  readonly contentType: string | undefined;
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`No object stored at ${key}`);
  }
}

/**
 * Where images and videos live. Media never travels through Temporal: workflows and
 * activities pass these keys, and each side reads or writes the bytes here.
 * Keys are relative, '/'-separated paths such as `jobs/<job id>/input`.
 */
export interface ObjectStorage {
  /** Streams `body` into `key`, replacing what was there; resolves once the object is durable. */
  put(key: string, body: Readable | Buffer, options?: { contentType?: string }): Promise<ObjectInfo>;
  /** A stream of the object's bytes (a byte range when given, both ends inclusive). Rejects with ObjectNotFoundError. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Null when absent. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; absent objects are not an error. */
  delete(key: string): Promise<void>;
  /** A URL anyone holding it can fetch without further auth until it expires. */
  signedUrl(key: string, ttlSeconds: number): Promise<string>;
  /** `gs://bucket/key` where the storage is GCS, so Google can write results straight into it. */
  gcsUri(key: string): string | undefined;
  /** The object's file where the storage is a local disk, so a reader can open it in place. */
  localPath?(key: string): string;
}
