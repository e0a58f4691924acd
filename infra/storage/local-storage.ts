import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertObjectKey, SIDECAR_SUFFIX } from './object-key.js';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStorage } from './object-storage.js';
import type { MediaUrlSigner } from './url-signing.js';


interface Sidecar {
  contentType: string | null;
}

/**
 * Objects as plain files under `root` (`<root>/<key>`), for single-machine installs.
 * Unlike GCS, a key cannot be both an object and a prefix of another (`a` and `a/b`).
 */
export class LocalDiskStorage implements ObjectStorage {
  readonly #root: string;
  readonly #signer: MediaUrlSigner;

  constructor({ root, signer }: { root: string; signer: MediaUrlSigner }) {
    this.#root = path.resolve(root);
    this.#signer = signer;
  }

  async put(key: string, body: Readable | Buffer, options: { contentType?: string } = {}): Promise<ObjectInfo> {
    const file = this.#pathOf(key);
    const contentType = options.contentType;
    // Temp files sit in the target's directory so the final rename never crosses filesystems.
    const dataTemp = tempPathFor(file);
    let sidecarTemp: string | undefined;
    try {
      const size = await writeNewFile(dataTemp, body);
      if (contentType === undefined) {
        // No type to keep: drop a previous object's, so it cannot describe these bytes.
        await unlink(file + SIDECAR_SUFFIX).catch(ignoreMissing);
      } else {
        sidecarTemp = tempPathFor(file + SIDECAR_SUFFIX);
        await writeFile(sidecarTemp, JSON.stringify({ contentType } satisfies Sidecar), { flag: 'wx' });
        // Sidecar first: the object becomes visible with the data rename, its type already in place.
        await rename(sidecarTemp, file + SIDECAR_SUFFIX);
      }
      await rename(dataTemp, file);
      return { size, contentType };
    } catch (error) {
      await Promise.all([dataTemp, sidecarTemp].map((temp) => temp && rm(temp, { force: true })));
      throw error;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.#pathOf(key);
    if (range) assertRange(range);
    // Opening first pins the file: an overwrite (rename) after this point doesn't disturb the read.
    const handle = await open(file, 'r').catch((error: unknown) => {
      throw isMissing(error) ? new ObjectNotFoundError(key) : error;
    });
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const file = this.#pathOf(key);
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      size = info.size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return { size, contentType: await this.#contentType(file) };
  }

  async delete(key: string): Promise<void> {
    const file = this.#pathOf(key);
    // Data first, so the object vanishes in one step; a stray sidecar is overwritten by the next put.
    await rm(file, { force: true });
    await rm(file + SIDECAR_SUFFIX, { force: true });
  }

  async signedUrl(key: string, ttlSeconds: number): Promise<string> {
    this.#pathOf(key);
    return this.#signer.sign(key, ttlSeconds);
  }

  gcsUri(_key: string): undefined {
    return undefined;
  }

  localPath(key: string): string {
    return this.#pathOf(key);
  }

  async #contentType(file: string): Promise<string | undefined> {
    try {
      const sidecar = JSON.parse(await readFile(file + SIDECAR_SUFFIX, 'utf8')) as Partial<Sidecar>;
      return typeof sidecar.contentType === 'string' ? sidecar.contentType : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  #pathOf(key: string): string {
    // Content types live beside each object (SIDECAR_SUFFIX): the filesystem has nowhere else to keep them.
    assertObjectKey(key);
    const file = path.join(this.#root, ...key.split('/'));
    // Belt and braces: the segment checks above should already make this impossible.
    if (!file.startsWith(this.#root + path.sep)) throw new Error(`Invalid storage key ${JSON.stringify(key)}: escapes the storage root`);
    return file;
  }
}

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.partial`);
}

/**
 * Writes `body` to a file that must not exist yet and returns its size. The directory is made
 * only when the open finds it missing: a job's video and poster land in the folder its input
 * made, and each mkdir is a filesystem call of its own. The stream's default high-water mark keeps what waits for the
 * disk small: with many uploads at once, a larger one shows in the process's memory.
 */
async function writeNewFile(file: string, body: Readable | Buffer): Promise<number> {
  const handle = await open(file, 'wx').catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(file), { recursive: true });
    return open(file, 'wx');
  });
  if (Buffer.isBuffer(body)) {
    try {
      await handle.writeFile(body);
    } finally {
      await handle.close();
    }
    return body.length;
  }
  const out = handle.createWriteStream();
  await pipeline(body, out);
  return out.bytesWritten;
}

function assertRange({ start, end }: { start: number; end: number }): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}`);
  }
}

function ignoreMissing(error: unknown): void {
  if (!isMissing(error)) throw error;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // ENOTDIR: a prefix of the key is a file, so the key cannot exist.
  return code === 'ENOENT' || code === 'ENOTDIR';
}
