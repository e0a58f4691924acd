import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Storage, type Bucket } from '@google-cloud/storage';
import { assertObjectKey } from './object-key.js';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStorage } from './object-storage.js';

// A multiple of 256 KiB, as GCS requires. Each upload in flight holds one chunk, and the API
// takes many uploads at once (50 concurrent 20 MiB images must stay within ~100 MiB), so this
// trades GCS's recommended 8 MiB throughput for memory.
const UPLOAD_CHUNK_BYTES = 1024 * 1024;

export interface GcsStorageOptions {
  bucket: string;
  /** An emulator's base URL, e.g. `http://127.0.0.1:9023`; unset for real GCS. */
  apiEndpoint?: string | undefined;
  projectId?: string | undefined;
  /** A ready client, e.g. one holding explicit credentials; `apiEndpoint` and `projectId` are then ignored. */
  storage?: Storage;
}

/** Objects in a Google Cloud Storage bucket, so Veo can write its results straight into it. */
export class GcsStorage implements ObjectStorage {
  readonly #bucket: Bucket;

  constructor({ bucket, apiEndpoint, projectId, storage }: GcsStorageOptions) {
    const client = storage ?? new Storage({ ...(apiEndpoint ? { apiEndpoint } : {}), ...(projectId ? { projectId } : {}) });
    this.#bucket = client.bucket(bucket);
  }

  async put(key: string, body: Readable | Buffer, options: { contentType?: string } = {}): Promise<ObjectInfo> {
    const file = this.#file(key);
    const upload = file.createWriteStream({
      // Resumable, as GCS recommends for large media, and in fixed-size chunks: when the source
      // stream fails, the single-request modes (multipart, or resumable without chunkSize) leave
      // their HTTP request open forever, because the client never aborts it; a chunk is only sent
      // once fully buffered, so nothing hangs. Costs up to one chunk of memory per upload.
      resumable: true,
      chunkSize: UPLOAD_CHUNK_BYTES,
      // Compression would make stored sizes and byte ranges disagree with what clients see.
      gzip: false,
      // A fresh object each call: the client writes detected values back into it.
      metadata: options.contentType ? { contentType: options.contentType } : {},
    });
    await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, upload);
    return { size: Number(file.metadata.size ?? 0), contentType: file.metadata.contentType };
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    if (range && (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start)) {
      throw new RangeError(`Invalid byte range ${range.start}-${range.end}`);
    }
    const stream = this.#file(key).createReadStream(range ? { start: range.start, end: range.end } : {});
    // The request only starts once someone reads; start it now so a missing object rejects here
    // rather than surfacing as a stream error after the caller has committed to a response.
    await new Promise<void>((resolve, reject) => {
      const onError = (error: unknown) => {
        stream.off('response', onResponse);
        reject(isNotFound(error) ? new ObjectNotFoundError(key) : error);
      };
      const onResponse = (response: IncomingMessage) => {
        if ((response.statusCode ?? 500) >= 300) return; // the error event follows
        stream.off('error', onError);
        resolve();
      };
      stream.once('error', onError);
      stream.on('response', onResponse);
      stream.read(0);
    });
    return stream;
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const [metadata] = await this.#file(key).getMetadata();
      return { size: Number(metadata.size ?? 0), contentType: metadata.contentType };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.#file(key).delete({ ignoreNotFound: true });
  }

  /**
   * A V4 signed URL. Signing needs a private key: a service-account key file, or on GCP the
   * IAM signBlob API (the runtime account needs roles/iam.serviceAccountTokenCreator on itself).
   */
  async signedUrl(key: string, ttlSeconds: number): Promise<string> {
    const [url] = await this.#file(key).getSignedUrl({
      version: 'v4',
      action: 'read',
      expires: Date.now() + ttlSeconds * 1000,
    });
    return url;
  }

  /** Keys are checked here as on local disk, so a key behaves the same on either storage. */
  #file(key: string) {
    assertObjectKey(key);
    return this.#bucket.file(key);
  }

  gcsUri(key: string): string {
    return `gs://${this.#bucket.name}/${key}`;
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 404;
}
