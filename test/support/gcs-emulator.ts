import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort as freePort } from '../../infra/net/free-port.js';
import { spawnAndWait } from './spawn-and-wait.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const emulatorBin = path.join(repoRoot, '.venv/bin/gcp-storage-emulator');

export interface GcsEmulator {
  /** Base URL to pass as `apiEndpoint`, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** An in-memory gcp-storage-emulator on a free port, with `bucket` already created. */
export async function startGcsEmulator({ bucket }: { bucket: string }): Promise<GcsEmulator> {
  const host = '127.0.0.1';
  const port = await freePort();
  const endpoint = `http://${host}:${port}`;
  const service = await spawnAndWait(
    emulatorBin,
    ['start', '--host', host, '--port', String(port), '--in-memory', '--default-bucket', bucket, '--quiet'],
    async () => (await fetch(`${endpoint}/`)).ok,
  );
  return { endpoint, stop: () => service.stop() };
}
