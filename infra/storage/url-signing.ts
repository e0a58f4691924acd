import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type SignatureCheck = 'ok' | 'expired' | 'invalid';

/**
 * Signs `/media/<key>` links served by this API (local storage), so a link can be handed
 * to a browser without any session, and stops working after its expiry.
 */
export class MediaUrlSigner {
  readonly #secret: string;
  readonly #publicUrl: string;

  constructor({ secret, publicUrl }: { secret: string; publicUrl: string }) {
    if (secret.length === 0) throw new Error('MediaUrlSigner needs a non-empty secret');
    this.#secret = secret;
    this.#publicUrl = publicUrl.replace(/\/+$/, '');
  }

  sign(key: string, ttlSeconds: number, now = Date.now()): string {
    const expires = String(Math.floor(now / 1000) + Math.ceil(ttlSeconds));
    const encodedKey = key.split('/').map(encodeURIComponent).join('/');
    return `${this.#publicUrl}/media/${encodedKey}?expires=${expires}&signature=${this.#mac(key, expires)}`;
  }

  verify(key: string, expires: string | undefined, signature: string | undefined, now = Date.now()): SignatureCheck {
    if (!expires || !signature || !/^\d{1,15}$/.test(expires) || !/^[0-9a-f]{64}$/i.test(signature)) return 'invalid';
    const expected = Buffer.from(this.#mac(key, expires), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
    // Checked after the MAC so that a forged expiry reads as invalid, not expired.
    return Number(expires) * 1000 <= now ? 'expired' : 'ok';
  }

  #mac(key: string, expires: string): string {
    // `expires` is digits only, so the newline cannot be smuggled in to make two keys collide.
    return createHmac('sha256', this.#secret).update(`${key}\n${expires}`).digest('hex');
  }
}

const SECRET_FILE = 'url-signing.key';
const MIN_SECRET_LENGTH = 32;

/**
 * The configured secret, else one generated on first start and kept in the data directory,
 * so links stay valid across restarts and every process on this machine signs alike.
 */
export async function loadOrCreateSigningSecret(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const file = path.join(dataDir, SECRET_FILE);
  await mkdir(dataDir, { recursive: true });
  try {
    // `wx` makes exactly one of several processes starting together the author of the key.
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(file);
}

async function readSecret(file: string): Promise<string> {
  // The author may have created the file but not yet written it; give it a moment.
  for (let attempt = 0; ; attempt++) {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret.length >= MIN_SECRET_LENGTH) return secret;
    if (attempt >= 20) {
      throw new Error(`${file} holds no usable secret (needs at least ${MIN_SECRET_LENGTH} characters); delete it to have a new one generated`);
    }
    await sleep(50);
  }
}
