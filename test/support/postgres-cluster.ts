import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findFreePort } from '../../infra/net/free-port.js';

const run = promisify(execFile);

/** A PostgreSQL cluster of the test's own, which it may stop and restart: never the shared one at 5432. */
export interface PostgresCluster {
  readonly port: number;
  /** A connection URL for `database` (created by createDatabase). */
  url(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Stops at once (no clean shutdown, as a crash would) and starts again on the same port. */
  restart(downMs?: number): Promise<void>;
  /** Stops at once, as a crash would; `up()` starts it again. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('No PostgreSQL server is installed under /usr/lib/postgresql.');
  return path.join('/usr/lib/postgresql', versions[0]!, 'bin');
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBin();
  const dir = await mkdtemp(path.join(tmpdir(), 'vivid-pg-cluster-'));
  const dataDir = path.join(dir, 'data');
  const port = await findFreePort();
  // The server refuses to run as root; the machine's postgres user owns the cluster, as Debian's own does.
  const asRoot = process.getuid?.() === 0;
  const { stdout: ids } = asRoot ? await run('id', ['-u', 'postgres']) : { stdout: '' };
  const { stdout: gids } = asRoot ? await run('id', ['-g', 'postgres']) : { stdout: '' };
  if (asRoot) await chown(dir, Number(ids.trim()), Number(gids.trim()));
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  await as(path.join(bin, 'initdb'), ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`;
  const start = () => as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  const stopNow = () => as(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
  await start();
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
    },
    async restart(downMs = 1000) {
      await stopNow();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async down() {
      await stopNow();
    },
    async up() {
      await start();
    },
    async stop() {
      await stopNow();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
