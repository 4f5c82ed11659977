/**
 * Embedded PostgreSQL + PostGIS: PGlite (WASM Postgres) with the PostGIS extension, served on a
 * loopback port (pglite-socket's connection handlers behind our own queue, `pglite-wire.ts`) so the
 * rest of the server talks `pg` exactly as it does to a real server. This and `pglite-wire.ts` are
 * the only files that import PGlite.
 *
 * PGlite is one backend in one process: the data directory must not be opened twice. The URL of
 * the running socket (port and password) is written to `<dataDir>/embedded-db.json` (mode 0600) so
 * command-line tools of the same user can connect through it instead of opening the directory.
 * The socket listens on 127.0.0.1 only and asks for the password (SCRAM-SHA-256) that was
 * generated at first start and is kept in `<dataDir>/embedded-db.password` (mode 0600); the data
 * directory is 0700.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { serveWire } from './pglite-wire.ts';

/** A running embedded database and how to reach it. */
export interface EmbeddedDatabase {
  /** `postgres://` URL of the loopback socket, with its password. */
  url: string;
  /** End every client connection from the server's side (see `WireServer.terminateConnections`). */
  terminateConnections(): Promise<number>;
  /** Stop the socket and close the database (flushes to the data directory). */
  stop(): Promise<void>;
}

/** Where the running embedded database advertises its socket (URL with the password; mode 0600). */
export function socketInfoPath(dataDir: string): string {
  return path.join(dataDir, 'embedded-db.json');
}

/** The socket's password, generated at first start and kept (mode 0600) across restarts. */
export function passwordPath(dataDir: string): string {
  return path.join(dataDir, 'embedded-db.password');
}

/**
 * Keep the data directory private to the server's user: the directory 0700, the files directly in
 * it 0600 (a data directory from an older version may have been world-readable). What is created
 * later inherits this through the directory and the process umask (`server/main.ts`).
 */
export async function securePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile()) await fs.chmod(p, 0o600);
    else if (entry.isDirectory()) await fs.chmod(p, 0o700);
  }
}

/** Read the socket password, or generate and store one (0600) on first start. */
async function socketPassword(dataDir: string): Promise<string> {
  const file = passwordPath(dataDir);
  const existing = await fs.readFile(file, 'utf8').then((s) => s.trim(), () => '');
  if (existing) return existing;
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, password + '\n', { mode: 0o600, flag: 'w' });
  await fs.chmod(file, 0o600);
  return password;
}

/**
 * Start PGlite with PostGIS on `<dataDir>/pg` and serve it on `127.0.0.1:<port>` (0 = any), to
 * clients with the password of `<dataDir>/embedded-db.password`.
 * @param maxConnections connections the multiplexer accepts; the pool must not exceed it.
 */
export async function startEmbedded(dataDir: string, port: number, maxConnections: number): Promise<EmbeddedDatabase> {
  await securePrivateDir(dataDir);
  const pgDir = path.join(dataDir, 'pg');
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  const password = await socketPassword(dataDir);
  const db = await PGlite.create({ dataDir: pgDir, extensions: { postgis } });
  const server = await serveWire(db, port, maxConnections, password);
  const boundPort = server.port;
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${boundPort}/postgres`;
  const infoPath = socketInfoPath(dataDir);
  await fs.writeFile(infoPath, JSON.stringify({ url, pid: process.pid, startedAt: new Date().toISOString() }), { mode: 0o600 });
  await fs.chmod(infoPath, 0o600);
  return {
    url,
    terminateConnections: () => server.terminateConnections(),
    async stop() {
      await fs.rm(infoPath, { force: true });
      await server.stop();
      // The socket handlers detach on setImmediate after their sockets close and still touch the
      // database then; closing it first crashes the process.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await db.close();
    },
  };
}
