import { readFile } from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import type { TemporalConnectionConfig } from '../config.js';

/** What both `Connection.connect` and `NativeConnection.connect` take to reach a cluster. */
export interface TemporalConnectOptions {
  readonly address: string;
  readonly tls?: TLSConfig | boolean;
  readonly apiKey?: string;
}

/**
 * A self-hosted frontend in a private network (plain), Temporal Cloud with an API key (TLS), or
 * mTLS with a client certificate read from files (Secret Manager mounts them).
 */
export async function temporalConnectOptions(address: string, connection: TemporalConnectionConfig): Promise<TemporalConnectOptions> {
  if (!connection.tls) return { address };
  const tls: TLSConfig | true =
    connection.clientCertFile && connection.clientKeyFile
      ? { clientCertPair: { crt: await readFile(connection.clientCertFile), key: await readFile(connection.clientKeyFile) } }
      : true;
  return { address, tls, ...(connection.apiKey ? { apiKey: connection.apiKey } : {}) };
}
