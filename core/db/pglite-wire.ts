/**
 * The loopback Postgres wire server in front of the embedded PGlite: one TCP listener, one
 * `PGLiteSocketHandler` (from pglite-socket) per connection, and our own {@link ProtocolQueue}
 * deciding which connection's message PGlite runs next.
 *
 * Why not `PGLiteSocketServer`: its queue hands PGlite the next waiting message of *any*
 * connection unless an explicit transaction is open. An extended-protocol query is several
 * messages (Parse, Bind, Describe, Execute … Sync) on the one unnamed statement and portal, so a
 * second connection's Parse could land between another's Parse and Bind: measured with 300
 * concurrent queries (some with 300 KB parameters), one failed with "bind message supplies 2
 * parameters, but prepared statement "" requires 3" and three silently returned another query's
 * rows. This queue keeps PGlite with one connection from its first message until its Sync (or a
 * simple Query), and for the whole of an explicit transaction.
 */
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

/** Frontend messages that continue an extended-protocol exchange until its Sync. */
const CONTINUES = new Set([
  0x50, // P Parse
  0x42, // B Bind
  0x44, // D Describe
  0x45, // E Execute
  0x43, // C Close
  0x48, // H Flush
  0x64, // d CopyData
  0x63, // c CopyDone (the Sync that follows ends it)
  0x66, // f CopyFail
]);

interface Waiting {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: Error) => void;
}

/**
 * Runs connections' protocol messages on PGlite one at a time, keeping an unfinished exchange
 * (or an open transaction) on its connection. Implements the queue interface
 * `PGLiteSocketHandler` expects.
 */
export class ProtocolQueue {
  private waiting: Waiting[] = [];
  private running = false;
  /** The connection whose exchange or transaction is in progress, if any. */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ handlerId, message, onData, resolve, reject });
      void this.run();
    });
  }

  getQueueLength(): number {
    return this.waiting.length;
  }

  /** A connection went away: drop its waiting messages and release PGlite if it held it. */
  clearQueueForHandler(handlerId: number): void {
    this.waiting = this.waiting.filter((w) => {
      if (w.handlerId !== handlerId) return true;
      w.reject(new Error('connection closed'));
      return false;
    });
  }

  /** …and roll back what it left open, then let the others in. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
    this.owner = null;
    void this.run();
  }

  private next(): Waiting | undefined {
    if (this.owner === null) return this.waiting.shift();
    const i = this.waiting.findIndex((w) => w.handlerId === this.owner);
    return i === -1 ? undefined : this.waiting.splice(i, 1)[0];
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let w = this.next(); w; w = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(w!.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                w!.onData(data);
              },
            }),
          );
        } catch (err) {
          this.owner = null;
          w.reject(err as Error);
          continue;
        }
        const type = w.message[0];
        this.owner = CONTINUES.has(type) || this.db.isInTransaction() ? w.handlerId : null;
        w.resolve(bytes);
      }
    } finally {
      this.running = false;
    }
  }
}

/** A listening wire server. */
export interface WireServer {
  /** Bound port on 127.0.0.1. */
  port: number;
  /** Stop accepting, close every connection (rolling back what they left open). */
  stop(): Promise<void>;
}

/**
 * Serve `db` on `127.0.0.1:<port>` (0 = any free port), at most `maxConnections` connections at
 * once (more are refused with a socket close, as a full server would).
 */
export async function serveWire(db: PGlite, port: number, maxConnections: number): Promise<WireServer> {
  const queue = new ProtocolQueue(db);
  const handlers = new Set<PGLiteSocketHandler>();
  const server = net.createServer((socket) => {
    if (handlers.size >= maxConnections) {
      socket.destroy();
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
    handlers.add(handler);
    const done = () => {
      if (!handlers.delete(handler)) return;
      void handler.detach(true).catch(() => undefined);
    };
    handler.addEventListener('close', done);
    handler.addEventListener('error', done);
    socket.once('close', done);
    void handler.attach(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map((h) => h.detach(true).catch(() => undefined)));
      handlers.clear();
      await closed;
    },
  };
}
