import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, afterEach, describe, test } from 'node:test';
import pg from 'pg';
import { createAccount, findAccount } from '../../infra/db/accounts.js';
import { findAccountIdByApiKey } from '../../infra/db/api-keys.js';
import { openDatabase } from '../../infra/db/database.js';
import { EmbeddedPostgresLockedError, openEmbeddedPostgres } from '../../infra/db/embedded-postgres.js';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const projectNode = path.join(projectRoot, 'node_modules/.bin/node');

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vivid-embedded-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function readLock(dir: string): Promise<{ pid: number; port: number | null }> {
  return JSON.parse(await readFile(path.join(dir, 'pglite.lock'), 'utf8'));
}

/** A pid that certainly belonged to no running process a moment ago. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  assert.ok(child.pid);
  return child.pid;
}

describe('embedded Postgres', () => {
  test('the first opener owns the files; a second opener becomes its client', async () => {
    const dir = await dataDir();
    const owner = await openEmbeddedPostgres(dir);
    cleanups.push(() => owner.close());
    assert.equal(owner.owned, true);
    assert.match(owner.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const lock = await readLock(dir);
    assert.equal(lock.pid, process.pid);
    assert.equal(owner.url, `postgres://postgres@127.0.0.1:${lock.port}/postgres`);

    await query(owner.url, 'create table notes (body text)');
    await query(owner.url, 'insert into notes values ($1)', ['from the owner']);

    const client = await openEmbeddedPostgres(dir);
    assert.equal(client.owned, false);
    assert.equal(client.url, owner.url);
    assert.deepEqual(await query(client.url, 'select body from notes'), [{ body: 'from the owner' }]);
    await client.close();
    assert.deepEqual(await query(owner.url, 'select count(*)::int as n from notes'), [{ n: 1 }], 'a client closing leaves the owner serving');
  });

  test('closing the owner releases the lock, and the data outlives it', async () => {
    const dir = await dataDir();
    const first = await openEmbeddedPostgres(dir);
    await query(first.url, 'create table notes (body text)');
    await query(first.url, "insert into notes values ('kept')");
    await first.close();
    await first.close();
    await assert.rejects(readFile(path.join(dir, 'pglite.lock')), { code: 'ENOENT' });
    await assert.rejects(query(first.url, 'select 1'));

    const second = await openEmbeddedPostgres(dir);
    cleanups.push(() => second.close());
    assert.equal(second.owned, true);
    assert.deepEqual(await query(second.url, 'select body from notes'), [{ body: 'kept' }]);
  });

  test('another process goes through the owner: the CLI creates an account the owner sees', async () => {
    const dir = await dataDir();
    const owner = await openDatabase({ databaseUrl: undefined, databasePoolSize: 5, dataDir: dir });
    cleanups.push(() => owner.close());
    const email = `${randomUUID()}@example.com`;

    const env: NodeJS.ProcessEnv = { ...process.env, VIVID_DATA_DIR: dir };
    delete env.DATABASE_URL;
    const { stdout } = await run(projectNode, ['--import', 'tsx', 'workers/cli/main.ts', 'accounts', 'create', '--email', email, '--credits', '7', '--json'], { env, cwd: projectRoot });
    const created = JSON.parse(stdout) as { account_id: string; api_key: string };

    const account = await findAccount(owner.db, created.account_id);
    assert.equal(account?.email, email);
    assert.equal(account?.monthly_credits, 7);
    assert.equal(await findAccountIdByApiKey(owner.db, created.api_key), created.account_id);
    assert.equal((await readLock(dir)).pid, process.pid, 'the CLI must not have taken the files over');

    // And the other way round: the owner's writes are what the CLI reads.
    await createAccount(owner.db, { email: `owner-${email}`, monthlyCredits: 1 });
    const listed = JSON.parse((await run(projectNode, ['--import', 'tsx', 'workers/cli/main.ts', 'accounts', 'list', '--json'], { env, cwd: projectRoot })).stdout) as {
      accounts: { email: string }[];
    };
    assert.deepEqual(listed.accounts.map((a) => a.email).sort(), [email, `owner-${email}`].sort());
  });

  test("a dead owner's lock is taken over", async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: await deadPid(), port: 1 }));
    const db = await openEmbeddedPostgres(dir, { waitMs: 2_000 });
    cleanups.push(() => db.close());
    assert.equal(db.owned, true);
    assert.equal((await readLock(dir)).pid, process.pid);
  });

  test('a lock whose pid now belongs to a different process (pid reuse) is taken over', { skip: process.platform !== 'linux' }, async () => {
    const dir = await dataDir();
    // Our own pid is alive, but its start time says it is not the process that wrote the lock.
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: process.pid, port: 1, started: '1' }));
    const db = await openEmbeddedPostgres(dir, { waitMs: 2_000 });
    cleanups.push(() => db.close());
    assert.equal(db.owned, true);
  });

  test('a lock left empty by a crash long ago is taken over', async () => {
    const dir = await dataDir();
    const lockPath = path.join(dir, 'pglite.lock');
    await writeFile(lockPath, '');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, longAgo, longAgo);
    const db = await openEmbeddedPostgres(dir, { waitMs: 2_000 });
    cleanups.push(() => db.close());
    assert.equal(db.owned, true);
  });

  test('an opener waits for an owner that is still starting', async () => {
    const dir = await dataDir();
    const owner = await openEmbeddedPostgres(dir);
    cleanups.push(() => owner.close());
    const lockPath = path.join(dir, 'pglite.lock');
    const ready = await readFile(lockPath, 'utf8');
    // Back to how the lock looks before the owner's server listens.
    await writeFile(lockPath, JSON.stringify({ ...JSON.parse(ready), port: null }));

    const started = Date.now();
    const waiting = openEmbeddedPostgres(dir, { waitMs: 10_000 });
    setTimeout(() => void writeFile(lockPath, ready), 400);
    const client = await waiting;
    assert.equal(client.owned, false);
    assert.equal(client.url, owner.url);
    assert.ok(Date.now() - started >= 350, 'it cannot have connected before the port was known');
  });

  test('a long-lived opener waits for the owner to leave and takes the files over', async () => {
    const dir = await dataDir();
    const shortLived = await openEmbeddedPostgres(dir);
    await query(shortLived.url, 'create table notes (body text)');
    const waiting = openEmbeddedPostgres(dir, { waitForOwnership: true, waitMs: 10_000 });
    setTimeout(() => void shortLived.close(), 300);
    const longLived = await waiting;
    cleanups.push(() => longLived.close());
    assert.equal(longLived.owned, true);
    assert.notEqual(longLived.url, shortLived.url);
    assert.deepEqual(await query(longLived.url, 'select count(*)::int as n from notes'), [{ n: 0 }]);
  });

  test('a long-lived opener gives up on an owner that stays, naming it', async () => {
    const dir = await dataDir();
    const owner = await openEmbeddedPostgres(dir);
    cleanups.push(() => owner.close());
    await assert.rejects(openEmbeddedPostgres(dir, { waitForOwnership: true, waitMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof EmbeddedPostgresLockedError);
      assert.match(err.message, new RegExp(`still owned by process ${process.pid}\\b`));
      return true;
    });
  });

  test('an owner that never finishes starting fails the opener with its pid', async () => {
    const dir = await dataDir();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    cleanups.push(async () => void sleeper.kill());
    assert.ok(sleeper.pid);
    await writeFile(path.join(dir, 'pglite.lock'), JSON.stringify({ pid: sleeper.pid, port: null }));
    await assert.rejects(openEmbeddedPostgres(dir, { waitMs: 300 }), (err: unknown) => {
      assert.ok(err instanceof EmbeddedPostgresLockedError);
      assert.match(err.message, new RegExp(`process ${sleeper.pid}\\b`));
      assert.match(err.message, /has not started its database server/);
      return true;
    });
  });
});
