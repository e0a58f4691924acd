import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../../infra/config.js';
import { createLogger } from '../../infra/log/logger.js';
import { findFreePort } from '../../infra/net/free-port.js';
import { LocalDiskStorage } from '../../infra/storage/local-storage.js';
import { MediaUrlSigner } from '../../infra/storage/url-signing.js';
import { startApiServer, type RunningApi } from '../../workers/api-server.js';
import type { Runtime } from '../../workers/runtime.js';
import type { TestDatabase } from './databases.js';

export interface WebApi extends RunningApi {
  readonly config: Config;
}

/**
 * The product's API server on a given database, for tests of the routes that never reach
 * Temporal (accounts, sessions, keys): its Temporal connection is lazy and never used, so
 * no dev server is needed. Two of these on one database are two API processes.
 */
export async function startWebApi(database: TestDatabase, env: Record<string, string> = {}): Promise<WebApi> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vivid-web-api-'));
  const port = await findFreePort();
  const config = loadConfig({ VIVID_DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '0', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
  const signer = new MediaUrlSigner({ secret: randomBytes(32).toString('hex'), publicUrl: config.http.publicUrl });
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const runtime: Runtime = {
    database: { db: database.db, embedded: false, close: async () => {} },
    storage: new LocalDiskStorage({ root: path.join(dataDir, 'objects'), signer }),
    mediaSigner: signer,
    client: new Client({ connection }),
    workerConnection: undefined as never,
    close: async () => {},
  };
  const api = await startApiServer(config, runtime, createLogger({ level: 'error', component: 'api' }), { host: '127.0.0.1', port, publicUrl: config.http.publicUrl });
  return {
    config,
    app: api.app,
    url: api.url,
    async close() {
      await api.close();
      await connection.close().catch(() => {});
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
