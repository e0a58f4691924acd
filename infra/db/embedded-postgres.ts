import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './pglite-wire-server.js';

/**
 * PGlite is a single-process database: two processes opening the same files corrupt them. The
 * first process to open a data directory becomes its owner and serves it over the Postgres
 * wire protocol on 127.0.0.1; every later opener (the CLI while the stack runs, a second
 * worker) connects to that server instead. `<dataDir>/pglite.lock` records who owns it.
 */
export interface EmbeddedPostgres {
  readonly url: string;
  /** True when this process opened the files and runs the server; false for a client of another owner. */
  readonly owned: boolean;
  close(): Promise<void>;
}

interface Lock {
  pid: number;
  /** Null while the owner is still opening PGlite. */
  port: number | null;
  /** The owner's start time from /proc, so a recycled pid (container restarts) is not mistaken for the owner. */
  started?: string | null;
}

const POLL_MS = 100;
const DRAIN_MS = 5_000;
// Between creating the lock and writing it there are microseconds: an unreadable lock older than this was left by a crash.
const UNREADABLE_LOCK_STALE_MS = 5_000;
// The takeover guard is held for a few file operations; older than this, its holder died.
const GUARD_STALE_MS = 10_000;

export interface EmbeddedPostgresOptions {
  /** How long to wait for an owner that is starting (or, with waitForOwnership, still running). Default 15 s. */
  waitMs?: number;
  /**
   * Never become a client: wait for a live owner to release the files and own them. For
   * long-lived processes (the stack), which must not depend on a short-lived owner such as a
   * CLI run that happened to start first.
   */
  waitForOwnership?: boolean;
}

export class EmbeddedPostgresLockedError extends Error {
  override name = 'EmbeddedPostgresLockedError';
}

export async function openEmbeddedPostgres(dataDir: string, opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const waitMs = opts.waitMs ?? 15_000;
  const lockPath = path.join(dataDir, 'pglite.lock');
  await fs.mkdir(dataDir, { recursive: true });
  const deadline = Date.now() + waitMs;

  for (;;) {
    if (await createLock(lockPath)) return await becomeOwner(dataDir, lockPath);

    const seen = await readLock(lockPath);
    if (seen.kind === 'missing') continue; // the owner just left: race for it again
    if (seen.kind === 'stale') {
      await removeStaleLock(lockPath, seen.raw);
      continue;
    }
    const port = seen.kind === 'live' ? seen.lock.port : null;
    const serving = port !== null && (await acceptsConnections(port));
    if (port !== null && serving && !opts.waitForOwnership) return { url: urlFor(port), owned: false, close: async () => {} };
    if (Date.now() >= deadline) throw lockedError(lockPath, seen, waitMs, serving);
    await sleep(POLL_MS);
  }
}

async function becomeOwner(dataDir: string, lockPath: string): Promise<EmbeddedPostgres> {
  let db: PGlite | undefined;
  let server: PgliteWireServer | undefined;
  try {
    db = await PGlite.create(path.join(dataDir, 'pglite'));
    server = new PgliteWireServer(db);
    const port = await server.listen('127.0.0.1', 0);
    await writeLockAtomically(lockPath, { pid: process.pid, port, started: processStartTime(process.pid) });

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> => (closing ??= shutDown(lockPath, db, server));
    return { url: urlFor(port), owned: true, close };
  } catch (err) {
    await shutDown(lockPath, db, server).catch(() => {});
    throw new Error(`Could not open the embedded database in ${path.join(dataDir, 'pglite')}: ${errorMessage(err)}`, { cause: err });
  }
}

async function shutDown(lockPath: string, db: PGlite | undefined, server: PgliteWireServer | undefined): Promise<void> {
  try {
    // Other processes connected through us (a second CLI run) get a moment to finish first.
    const drainUntil = Date.now() + DRAIN_MS;
    while (server && server.connectionCount > 0 && Date.now() < drainUntil) await sleep(50);
    await server?.close();
    if (db && !db.closed) await db.close();
  } finally {
    // Only after PGlite has closed its files may another process take them over.
    const seen = await readLock(lockPath);
    if (seen.kind !== 'missing' && seen.lock?.pid === process.pid) await fs.rm(lockPath, { force: true });
  }
}

function urlFor(port: number): string {
  // PGlite has one database whatever the URL names; 'postgres' is what it reports as current_database().
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

async function createLock(lockPath: string): Promise<boolean> {
  const lock: Lock = { pid: process.pid, port: null, started: processStartTime(process.pid) };
  try {
    await fs.writeFile(lockPath, JSON.stringify(lock), { flag: 'wx' });
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw err;
  }
}

/** Readers never see a half-written lock once it has a port: rename replaces it in one step. */
async function writeLockAtomically(lockPath: string, lock: Lock): Promise<void> {
  const tmp = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(lock));
  await fs.rename(tmp, lockPath);
}

type SeenLock =
  | { kind: 'missing'; lock?: undefined }
  | { kind: 'live'; lock: Lock; raw: string }
  | { kind: 'stale'; lock?: Lock; raw: string }
  /** Unparseable but recent: its owner is between creating and writing it. */
  | { kind: 'unreadable'; lock?: undefined; raw: string };

async function readLock(lockPath: string): Promise<SeenLock> {
  let raw: string;
  let mtimeMs: number;
  try {
    const [content, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    raw = content;
    mtimeMs = stat.mtimeMs;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return { kind: 'missing' };
    throw err;
  }
  const lock = parseLock(raw);
  if (!lock) return Date.now() - mtimeMs > UNREADABLE_LOCK_STALE_MS ? { kind: 'stale', raw } : { kind: 'unreadable', raw };
  return isOwnerAlive(lock) ? { kind: 'live', lock, raw } : { kind: 'stale', lock, raw };
}

function parseLock(raw: string): Lock | null {
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return null;
    const { pid, port, started } = v as Record<string, unknown>;
    // pid 0 or negative would signal a whole process group in process.kill.
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
    if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535)) return null;
    return { pid, port, started: typeof started === 'string' ? started : null };
  } catch {
    return null;
  }
}

function isOwnerAlive(lock: Lock): boolean {
  try {
    process.kill(lock.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if (!isErrno(err, 'EPERM')) return false;
  }
  if (lock.started) {
    const started = processStartTime(lock.pid);
    if (started !== null && started !== lock.started) return false;
  }
  return true;
}

/** Start time in clock ticks since boot (Linux); null where /proc is unavailable. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Two processes that both find the same stale lock must not both delete it: the slower one
 * would delete the lock the faster one just created. A short-lived guard file serialises the
 * check-and-delete, and the lock is deleted only if it still holds what we judged stale.
 */
async function removeStaleLock(lockPath: string, staleRaw: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  try {
    await fs.writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if (!isErrno(err, 'EEXIST')) throw err;
    const stat = await fs.stat(guard).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > GUARD_STALE_MS) await fs.rm(guard, { force: true });
    else await sleep(POLL_MS);
    return;
  }
  try {
    const current = await fs.readFile(lockPath, 'utf8').catch((err: unknown) => {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    });
    if (current === staleRaw) await fs.rm(lockPath, { force: true });
  } finally {
    await fs.rm(guard, { force: true });
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function lockedError(lockPath: string, seen: SeenLock, waitMs: number, serving: boolean): Error {
  if (seen.kind === 'live' && serving) {
    return new EmbeddedPostgresLockedError(
      `The embedded database is still owned by process ${seen.lock.pid} (${lockPath}) after waiting ${waitMs} ms: ` +
        `is another Vivid Flow stack running on the data directory ${path.dirname(lockPath)}?`,
    );
  }
  if (seen.kind === 'live') {
    const state =
      seen.lock.port === null
        ? 'has not started its database server'
        : `does not answer on port ${seen.lock.port}`;
    return new EmbeddedPostgresLockedError(
      `The embedded database is owned by process ${seen.lock.pid} (${lockPath}), which ${state} after ${waitMs} ms. ` +
        `If process ${seen.lock.pid} is not a Vivid Flow process, delete ${lockPath} and retry.`,
    );
  }
  return new EmbeddedPostgresLockedError(
    `The embedded database lock ${lockPath} stayed unreadable for ${waitMs} ms. If no Vivid Flow process is running, delete it and retry.`,
  );
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
