import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite database over the Postgres wire protocol to many connections.
 *
 * PGlite has a single backend session, so connections must take turns by whole exchanges, not
 * by single messages: the extended-query messages of one query (Parse, Bind, Describe, Execute,
 * Sync) share the session's unnamed statement and portal, and a transaction spans several
 * exchanges. A connection therefore holds the session from its first message until a Sync or
 * simple Query leaves the session outside a transaction. (pglite-socket 0.2 interleaves
 * connections message by message, which lets one connection's Bind meet another's Parse.)
 */
export class PgliteWireServer {
  readonly #db: PGlite;
  readonly #session = new FifoLock();
  readonly #connections = new Set<net.Socket>();
  #server: net.Server | undefined;

  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Resolves with the port it listens on. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    await this.#db.waitReady;
    const server = net.createServer((socket) => this.#serve(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async close(): Promise<void> {
    for (const socket of this.#connections) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.#connections.add(socket);
    const connection = new Connection(socket, this.#db, this.#session);
    let pump = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      connection.receive(chunk);
      pump = pump.then(() => connection.drain()).catch(() => {
        socket.destroy();
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#connections.delete(socket);
      pump = pump.then(() => connection.abandon()).catch(() => {});
    });
  }
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

class Connection {
  #buffer: Buffer = Buffer.alloc(0);
  #started = false;
  #release: (() => void) | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly session: FifoLock,
  ) {}

  receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
  }

  /** Runs every complete message received so far, in order. */
  async drain(): Promise<void> {
    for (;;) {
      const message = this.#next();
      if (!message) return;
      await this.#handle(message);
    }
  }

  /** The client went away: undo its open transaction and give the session back. */
  async abandon(): Promise<void> {
    if (!this.#release) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.#releaseSession();
    }
  }

  #next(): { type: string | null; bytes: Buffer } | null {
    const b = this.#buffer;
    // Before start-up, messages carry no type byte: int32 length, then a request code.
    const headerLength = this.#started ? 5 : 4;
    if (b.length < headerLength) return null;
    const length = this.#started ? 1 + b.readInt32BE(1) : b.readInt32BE(0);
    if (b.length < length) return null;
    const bytes = b.subarray(0, length);
    this.#buffer = b.subarray(length);
    return { type: this.#started ? String.fromCharCode(bytes[0]!) : null, bytes };
  }

  async #handle({ type, bytes }: { type: string | null; bytes: Buffer }): Promise<void> {
    if (type === null) {
      const code = bytes.length >= 8 ? bytes.readInt32BE(4) : 0;
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // no encryption on a loopback socket
        return;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end();
        return;
      }
      this.#started = true;
      await this.#exchange(bytes, true);
      return;
    }
    if (type === 'X') {
      await this.abandon();
      this.socket.end();
      return;
    }
    // Sync ends an extended-query exchange; a simple Query is an exchange of its own.
    await this.#exchange(bytes, type === 'S' || type === 'Q');
  }

  async #exchange(bytes: Buffer, endsExchange: boolean): Promise<void> {
    this.#release ??= await this.session.acquire();
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(new Uint8Array(bytes), {
          onRawData: (data) => {
            if (this.socket.writable) this.socket.write(data);
          },
        }),
      );
    } finally {
      if (endsExchange && !this.db.isInTransaction()) this.#releaseSession();
    }
  }

  #releaseSession(): void {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}

/** Hands out a single turn at a time, in the order asked for. */
class FifoLock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    return previous.then(() => release);
  }
}
