import { argon2, randomBytes, timingSafeEqual, type Argon2Parameters } from 'node:crypto';

/**
 * Passwords are hashed with argon2id at OWASP's minimum (19 MiB, 2 passes, one lane) and
 * stored as PHC strings, which carry their own parameters: raising them later leaves old
 * hashes verifiable.
 */
export interface Argon2Cost {
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
}

export const OWASP_ARGON2ID: Argon2Cost = Object.freeze({ memoryKiB: 19 * 1024, passes: 2, parallelism: 1 });

const TAG_BYTES = 32;
const SALT_BYTES = 16;
const VERSION = 19;
const PHC = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function hashPassword(password: string, cost: Argon2Cost = OWASP_ARGON2ID): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const tag = await derive(password, salt, cost, TAG_BYTES);
  return `$argon2id$v=${VERSION}$m=${cost.memoryKiB},t=${cost.passes},p=${cost.parallelism}$${b64(salt)}$${b64(tag)}`;
}

/** False for a wrong password and for anything that is not an argon2id PHC string. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m || Number(m[1]) !== VERSION) return false;
  const cost = { memoryKiB: Number(m[2]), passes: Number(m[3]), parallelism: Number(m[4]) };
  const salt = Buffer.from(m[5]!, 'base64');
  const expected = Buffer.from(m[6]!, 'base64');
  const tag = await derive(password, salt, cost, expected.length);
  return timingSafeEqual(tag, expected);
}

/**
 * A hash of no one's password, made once: verifying against it for an unknown email costs
 * what a real check costs, so the answer's timing does not tell which emails have accounts.
 */
let dummy: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}

function derive(password: string, salt: Buffer, cost: Argon2Cost, tagLength: number): Promise<Buffer> {
  const parameters: Argon2Parameters = {
    message: Buffer.from(password.normalize('NFC'), 'utf8'),
    nonce: salt,
    memory: cost.memoryKiB,
    passes: cost.passes,
    parallelism: cost.parallelism,
    tagLength,
  };
  return new Promise((resolve, reject) => {
    argon2('argon2id', parameters, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// PHC strings use standard base64 without padding.
function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
