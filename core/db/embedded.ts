/**
 * Embedded PostgreSQL + PostGIS: PGlite (WASM Postgres) with the PostGIS extension, served on a
 * loopback port (pglite-socket's connection handlers behind our own queue, `pglite-wire.ts`) so the
 * rest of the server talks `pg` exactly as it does to a real server. This and `pglite-wire.ts` are
 * the only files that import PGlite.
 *
 * PGlite is one backend in one process: the data directory must not be opened twice. The port of
 * the running socket is written to `<dataDir>/embedded-db.json` so command-line tools can connect
 * through it instead of opening the directory.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { serveWire } from './pglite-wire.ts';

/** A running embedded database and how to reach it. */
export interface EmbeddedDatabase {
  /** `postgres://` URL of the loopback socket. */
  url: string;
  /** Stop the socket and close the database (flushes to the data directory). */
  stop(): Promise<void>;
}

/** Where the running embedded database advertises its socket. */
export function socketInfoPath(dataDir: string): string {
  return path.join(dataDir, 'embedded-db.json');
}

/**
 * Start PGlite with PostGIS on `<dataDir>/pg` and serve it on `127.0.0.1:<port>` (0 = any).
 * @param maxConnections connections the multiplexer accepts; the pool must not exceed it.
 */
export async function startEmbedded(dataDir: string, port: number, maxConnections: number): Promise<EmbeddedDatabase> {
  const pgDir = path.join(dataDir, 'pg');
  await fs.mkdir(pgDir, { recursive: true });
  const db = await PGlite.create({ dataDir: pgDir, extensions: { postgis } });
  const server = await serveWire(db, port, maxConnections);
  const boundPort = server.port;
  const url = `postgres://postgres@127.0.0.1:${boundPort}/postgres`;
  const infoPath = socketInfoPath(dataDir);
  await fs.writeFile(infoPath, JSON.stringify({ url, pid: process.pid, startedAt: new Date().toISOString() }));
  return {
    url,
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
