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
 *
 * PGlite itself trusts whoever connects, so this front authenticates first: a client must prove it
 * knows the server's password with SCRAM-SHA-256 (as PostgreSQL does with
 * `password_encryption = scram-sha-256`; node-postgres and psql speak it) before its startup
 * message reaches PGlite. A wrong password gets PostgreSQL's FATAL 28P01 and the connection is
 * closed. The listener binds 127.0.0.1 only.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /**
   * End every client connection from the server's side with FATAL 57P01 "terminating connection
   * due to administrator command", as `pg_terminate_backend` does on PostgreSQL (what each left
   * open is rolled back); returns how many were ended.
   */
  terminateConnections(): Promise<number>;
  /** Stop accepting, close every connection (rolling back what they left open). */
  stop(): Promise<void>;
}

/** Protocol version 3.0 in a StartupMessage, and the special request codes sent in its place. */
const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** PBKDF2 rounds of the SCRAM verifier (PostgreSQL's default). */
const SCRAM_ITERATIONS = 4096;
/** A client must finish authenticating within this time (ms). */
const AUTH_TIMEOUT_MS = 10_000;
/** Connections still authenticating at once, beside `maxConnections` authenticated ones. */
const MAX_AUTHENTICATING = 16;

/**
 * Serve `db` on `127.0.0.1:<port>` (0 = any free port) to clients that know `password`, at most
 * `maxConnections` authenticated connections at once (more are refused with a socket close, as a
 * full server would). Connections still authenticating have a budget of their own, so clients
 * without the password cannot take the server pool's places.
 */
export async function serveWire(db: PGlite, port: number, maxConnections: number, password: string): Promise<WireServer> {
  if (!password) throw new Error('the embedded database socket needs a password');
  const queue = new ProtocolQueue(db);
  const verifier = scramVerifier(password);
  const handlers = new Map<PGLiteSocketHandler, net.Socket>();
  const sockets = new Set<net.Socket>();
  let authenticating = 0;
  const server = net.createServer((socket) => {
    // A socket error (a client resetting mid-handshake) must never become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    if (authenticating >= MAX_AUTHENTICATING) {
      socket.destroy();
      return;
    }
    authenticating++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    void authenticate(socket, verifier).then((startup) => {
      authenticating--;
      if (!startup || socket.destroyed) return;
      if (handlers.size >= maxConnections) {
        socket.end(errorResponse('53300', 'sorry, too many clients already'));
        setTimeout(() => socket.destroy(), 1000).unref();
        return;
      }
      const handler = new PGLiteSocketHandler({ queryQueue: queue as never, closeOnDetach: true });
      handlers.set(handler, socket);
      const done = () => {
        sockets.delete(socket);
        if (!handlers.delete(handler)) return;
        void detach(handler, socket);
      };
      handler.addEventListener('close', done);
      handler.addEventListener('error', done);
      socket.once('close', done);
      // The startup message (and anything sent behind it) goes to PGlite first, which answers
      // AuthenticationOk, the parameters and ReadyForQuery.
      socket.unshift(startup);
      void handler.attach(socket).then(() => socket.resume());
    });
  });
  // Detaching strips the socket's listeners (ours included): forget the socket here, and keep an
  // 'error' listener on it so a late reset cannot become an unhandled 'error' event.
  const detach = async (handler: PGLiteSocketHandler, socket: net.Socket) => {
    sockets.delete(socket);
    await handler.detach(true).catch(() => undefined);
    socket.on('error', () => undefined);
    socket.destroy();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    async terminateConnections() {
      const ended = [...handlers];
      handlers.clear();
      await Promise.all(ended.map(async ([handler, socket]) => {
        if (socket.writable) socket.write(errorResponse('57P01', 'terminating connection due to administrator command'));
        await detach(handler, socket);
      }));
      return ended.length;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...handlers].map(([h, s]) => detach(h, s)));
      handlers.clear();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** What the server keeps of a SCRAM-SHA-256 password (RFC 5802 / 7677), never the password itself. */
interface ScramVerifier {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

function scramVerifier(password: string): ScramVerifier {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  return {
    salt,
    storedKey: createHash('sha256').update(hmac(salted, 'Client Key')).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** A backend message: type byte, int32 length (itself included), body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** An Authentication message of `kind` (10 SASL, 11 SASLContinue, 12 SASLFinal) with `data`. */
function authMessage(kind: number, data: Buffer): Buffer {
  const k = Buffer.alloc(4);
  k.writeInt32BE(kind);
  return message('R', Buffer.concat([k, data]));
}

/** A FATAL ErrorResponse with SQLSTATE `code`, as PostgreSQL sends before closing a connection. */
export function errorResponse(code: string, text: string): Buffer {
  const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', code], ['M', text]]
    .map(([f, v]) => Buffer.concat([Buffer.from(f, 'latin1'), Buffer.from(v, 'utf8'), Buffer.alloc(1)]));
  return message('E', Buffer.concat([...fields, Buffer.alloc(1)]));
}

/**
 * Run the start of a connection on the raw socket: answer SSL/GSS requests with "N", read the
 * StartupMessage, then SCRAM-SHA-256. Resolves with the StartupMessage followed by whatever the
 * client sent after it (to hand to PGlite), or null when the client was refused (the socket is
 * then closed).
 */
function authenticate(socket: net.Socket, verifier: ScramVerifier): Promise<Buffer | null> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let startup: Buffer | null = null;
    let user = '';
    let clientFirstBare = '';
    let serverFirst = '';
    let nonce = '';
    let gs2Header = '';
    let finished = false;
    const timer = setTimeout(() => refuse('08P01', 'authentication timed out'), AUTH_TIMEOUT_MS);
    const finish = (result: Buffer | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve(result);
    };
    const refuse = (code: string, text: string) => {
      if (socket.writable) socket.end(errorResponse(code, text));
      setTimeout(() => socket.destroy(), 1000).unref();
      finish(null);
    };
    const onClose = () => finish(null);
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        while (!finished && step()) { /* next message */ }
      } catch {
        refuse('08P01', 'invalid startup or authentication message');
      }
    };
    // One message off the buffer; false when more bytes are needed.
    const step = (): boolean => {
      if (!startup) {
        if (buffer.length < 8) return false;
        const length = buffer.readInt32BE(0);
        const code = buffer.readInt32BE(4);
        if (length < 8 || length > 10_000) throw new Error('bad length');
        if (buffer.length < length) return false;
        const packet = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N'); // no encryption on the loopback socket; the client goes on in clear
          return true;
        }
        if (code === CANCEL_REQUEST) {
          socket.destroy(); // PGlite cannot cancel a running statement
          finish(null);
          return false;
        }
        if (code !== PROTOCOL_3) {
          refuse('0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`);
          return false;
        }
        startup = Buffer.from(packet);
        const params = packet.subarray(8).toString('utf8').split('\0');
        for (let i = 0; i + 1 < params.length; i += 2) if (params[i] === 'user') user = params[i + 1];
        socket.write(authMessage(10, Buffer.from('SCRAM-SHA-256\0\0', 'latin1')));
        return true;
      }
      if (buffer.length < 5) return false;
      const length = buffer.readInt32BE(1);
      if (buffer[0] !== 0x70 /* p */ || length < 4 || length > 10_000) throw new Error('expected a SASL message');
      if (buffer.length < 1 + length) return false;
      const body = buffer.subarray(5, 1 + length);
      buffer = buffer.subarray(1 + length);
      if (!clientFirstBare) {
        // SASLInitialResponse: mechanism name, int32 length, client-first-message.
        const end = body.indexOf(0);
        if (body.subarray(0, end).toString('latin1') !== 'SCRAM-SHA-256') {
          refuse('28000', 'only SCRAM-SHA-256 authentication is supported');
          return false;
        }
        const clientFirst = body.subarray(end + 5).toString('utf8');
        const m = /^([ny],[^,]*,)(.*)$/.exec(clientFirst);
        const clientNonce = m && /(?:^|,)r=([^,]+)/.exec(m[2])?.[1];
        if (!m || !clientNonce) throw new Error('bad client-first-message');
        gs2Header = m[1];
        clientFirstBare = m[2];
        nonce = clientNonce + randomBytes(18).toString('base64');
        serverFirst = `r=${nonce},s=${verifier.salt.toString('base64')},i=${SCRAM_ITERATIONS}`;
        socket.write(authMessage(11, Buffer.from(serverFirst, 'utf8')));
        return true;
      }
      // SASLResponse: client-final-message "c=<gs2 header>,r=<nonce>,p=<proof>".
      const clientFinal = body.toString('utf8');
      const m = /^(c=([^,]*),r=([^,]*)(?:,.*)?),p=([^,]+)$/.exec(clientFinal);
      if (!m) throw new Error('bad client-final-message');
      const authMessageText = `${clientFirstBare},${serverFirst},${m[1]}`;
      const proof = Buffer.from(m[4], 'base64');
      const signature = createHmac('sha256', verifier.storedKey).update(authMessageText).digest();
      const clientKey = proof.length === 32 ? Buffer.from(proof.map((b, i) => b ^ signature[i])) : Buffer.alloc(32);
      const ok = m[3] === nonce && m[2] === Buffer.from(gs2Header, 'utf8').toString('base64')
        && timingSafeEqual(createHash('sha256').update(clientKey).digest(), verifier.storedKey);
      if (!ok) {
        refuse('28P01', `password authentication failed for user "${user}"`);
        return false;
      }
      const serverSignature = createHmac('sha256', verifier.serverKey).update(authMessageText).digest();
      socket.write(authMessage(12, Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8')));
      finish(Buffer.concat([startup, buffer]));
      return false;
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
