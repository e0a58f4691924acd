import type http from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulCloser {
  /** Aborted the moment closing begins: handlers holding a request open (long polls) answer then. */
  readonly closing: AbortSignal;
  /**
   * Stops accepting connections and ends the open ones as soon as each has nothing in progress.
   * Connections still busy after `graceMs` are cut; resolves with what each cut one was doing.
   */
  close(graceMs: number): Promise<string[]>;
}

/**
 * Node's `server.close()` waits for every connection to end, but ends only those idle at that
 * instant: a keep-alive connection whose request finishes a moment later, or a socket a browser
 * opened ahead of need and never used, holds the server open until its peer goes away. This closes
 * each one as soon as it is done, and caps the wait.
 */
export function gracefulCloser(server: http.Server): GracefulCloser {
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const inFlight = new Map<Socket, { req: http.IncomingMessage; res: http.ServerResponse }>();

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.set(req.socket, { req, res });
    if (closing.signal.aborted) res.setHeader('Connection', 'close');
    const done = (): void => {
      if (inFlight.get(req.socket)?.res === res) inFlight.delete(req.socket);
    };
    res.once('finish', () => {
      done();
      if (closing.signal.aborted) req.socket.end();
    });
    res.once('close', done);
  });

  return {
    closing: closing.signal,
    close: (graceMs) =>
      new Promise<string[]>((resolve) => {
        const cut: string[] = [];
        const timer = setTimeout(() => {
          for (const socket of sockets) {
            const open = inFlight.get(socket);
            cut.push(open ? `${open.req.method} ${open.req.url?.split('?')[0]}` : 'a request still arriving');
            socket.destroy();
          }
        }, graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve(cut);
        });
        closing.abort();
        for (const socket of sockets) {
          const res = inFlight.get(socket)?.res;
          // A response not yet begun tells its client not to reuse the connection; one under way ends it when it finishes.
          if (res && !res.headersSent) res.setHeader('Connection', 'close');
          // Connected and never sent a byte: Node counts it active (its headers timeout runs), so closing idle ones spares it.
          else if (!res && socket.bytesRead === 0) socket.destroy();
        }
        // Between requests on a keep-alive connection.
        server.closeIdleConnections();
      }),
  };
}
