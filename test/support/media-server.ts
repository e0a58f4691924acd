import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { mediaRoutes } from '../../api/routes/media.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import type { MediaUrlSigner } from '../../infra/storage/url-signing.js';

export interface MediaServer {
  readonly publicUrl: string;
  close(): Promise<void>;
}

/**
 * A Koa app serving only the media routes on a free port. `build` receives the server's real
 * URL, because the signer (and a local storage holding it) must know it before the app exists.
 */
export async function startMediaServer(
  build: (publicUrl: string) => { storage: ObjectStorage; signer: MediaUrlSigner },
): Promise<MediaServer> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = new Koa();
  app.silent = true;
  app.use(mediaRoutes(build(publicUrl)).routes());
  server.on('request', app.callback());
  return {
    publicUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
