import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../infra/config.js';
import { openDatabase, type OpenDatabase } from '../infra/db/database.js';
import { createLogger } from '../infra/log/logger.js';
import { createStorage } from '../infra/storage/create-storage.js';
import type { ObjectStorage } from '../infra/storage/object-storage.js';
import { loadOrCreateSigningSecret, MediaUrlSigner } from '../infra/storage/url-signing.js';
import { temporalConnectOptions } from '../infra/temporal/connection-options.js';

/** The shared resources every process of the product opens: database, storage, Temporal. */
export interface Runtime {
  readonly database: OpenDatabase;
  readonly storage: ObjectStorage;
  /** Present for local storage, whose links this API signs and serves. */
  readonly mediaSigner: MediaUrlSigner | undefined;
  readonly client: Client;
  readonly workerConnection: NativeConnection;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, temporalAddress: string): Promise<Runtime> {
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    // The stack owns the embedded database: if a CLI run holds it, wait for it rather than become its client.
    const database = await openDatabase(config, { embedded: { waitForOwnership: true }, log: createLogger({ level: config.logLevel, component: 'database' }) });
    closers.push(() => database.close());

    const secret = await loadOrCreateSigningSecret(config.dataDir, config.urlSigningSecret);
    const signer = new MediaUrlSigner({ secret, publicUrl: config.http.publicUrl });
    const storage = createStorage(config.storage, signer);

    const connectOptions = await temporalConnectOptions(temporalAddress, config.temporal.connection);
    const connection = await Connection.connect(connectOptions);
    closers.push(() => connection.close());
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const workerConnection = await NativeConnection.connect(connectOptions);
    closers.push(() => workerConnection.close());

    return {
      database,
      storage,
      mediaSigner: config.storage.kind === 'local' ? signer : undefined,
      client,
      workerConnection,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
