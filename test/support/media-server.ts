import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { errorHandler } from '../../api/errors.js';
import { requestContext } from '../../api/request-id.js';
import { mediaRoutes } from '../../api/routes/media.js';
import { createLogger } from '../../infra/log/logger.js';
import type { ObjectStorage } from '../../infra/storage/object-storage.js';
import type { MediaUrlSigner } from '../../infra/storage/url-signing.js';

export interface MediaServer {
  readonly publicUrl: string;
  close(): Promise<void>;
}

/**
 * A Koa app serving only the media routes (behind the API's error handling) on a free port. `build` receives the server's real
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
  // As in the API: refusals leave through the error handler, with a code and the request's id.
  const log = createLogger({ level: 'error', component: 'media', write: () => {} });
  app.use(requestContext({ log }));
  app.use(errorHandler({ log }));
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
