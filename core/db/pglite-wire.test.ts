/**
 * The embedded database's wire server under concurrency: many connections sending
 * extended-protocol queries at once (some with large parameters that arrive in several TCP
 * chunks, some slow) each get their own answer, and a transaction on one connection is not seen
 * by another until it commits. A real PGlite behind a real socket, talked to with `pg`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWire, type WireServer } from './pglite-wire.ts';

const PASSWORD = 'wire-test-secret';

describe('embedded wire server', () => {
  let db: PGlite;
  let wire: WireServer;
  let pool: pg.Pool;
  const url = (password = PASSWORD, user = 'postgres') =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${wire.port}/postgres`;

  beforeAll(async () => {
    db = await PGlite.create({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'wire-')) });
    wire = await serveWire(db, 0, 24, PASSWORD);
    pool = new pg.Pool({ connectionString: url(), max: 8 });
    pool.on('error', () => undefined); // idle connections ended by terminateConnections below
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await wire?.stop();
    await db?.close();
  });

  it('answers each of 300 concurrent queries with its own rows, whatever their size and duration', async () => {
    const big = 'y'.repeat(300_000);
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => {
      switch (i % 4) {
        case 0: return pool.query('SELECT $1::int + 1 AS v', [i]).then((r) => [r.rows[0].v, i + 1]);
        case 1: return pool.query('SELECT $1::int * 2 AS v, length($2::text) AS n', [i, big]).then((r) => [r.rows[0].v, i * 2, r.rows[0].n]);
        case 2: return pool.query('SELECT $1::int - 1 AS v, $2::text AS a, $3::text AS b, pg_sleep(0.02)', [i, 'a', 'b']).then((r) => [r.rows[0].v, i - 1]);
        default: return pool.query('SELECT $1::int AS v, count(*) FROM generate_series(1, 100000) g, (SELECT $2::text) x', [i, 'q']).then((r) => [r.rows[0].v, i]);
      }
    }));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    for (const r of results as PromiseFulfilledResult<number[]>[]) {
      expect(r.value[0]).toBe(r.value[1]);
      if (r.value.length === 3) expect(r.value[2]).toBe(300_000);
    }
  }, 120_000);

  it('keeps an open transaction to its connection: others wait, then see the commit', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS wire_t (n int)');
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO wire_t VALUES (1)');
      const reader = pool.query('SELECT count(*)::int AS n FROM wire_t');
      await new Promise((r) => setTimeout(r, 200));
      await writer.query('INSERT INTO wire_t VALUES (2)');
      await writer.query('COMMIT');
      expect((await reader).rows[0].n).toBe(2);
    } finally {
      writer.release();
    }
  }, 60_000);

  it('rolls back what a dropped connection left open, and goes on serving the others', async () => {
    const client = new pg.Client({ connectionString: url() });
    client.on('error', () => undefined); // its own socket is cut below
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO wire_t VALUES (3)');
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM wire_t WHERE n = 3');
    expect(rows[0].n).toBe(0);
  }, 60_000);

  it('refuses a wrong or missing password with FATAL 28P01, and any user name without the password', async () => {
    for (const [user, password] of [['postgres', 'wrong'], ['nobody', 'wrong'], ['postgres', ''], ['nobody', PASSWORD.slice(0, -1)]]) {
      const client = new pg.Client({ connectionString: url(password, user) });
      client.on('error', () => undefined);
      const err = await client.connect().then(() => null, (e: unknown) => e as { code?: string; message: string });
      await client.end().catch(() => undefined);
      expect(err, `${user}:${password}`).not.toBeNull();
      if (password) {
        expect(err!.code).toBe('28P01');
        expect(err!.message).toBe(`password authentication failed for user "${user}"`);
      }
    }
    // A client that talks without authenticating at all gets nothing but the error.
    const raw = await new Promise<Buffer>((resolve) => {
      const socket = net.connect(wire.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
      socket.on('error', () => undefined);
      socket.on('connect', () => socket.write(Buffer.from('Q\0\0\0\x1dSELECT * FROM pg_user;\0', 'latin1')));
    });
    expect(raw.toString('latin1')).not.toContain('postgres');
    expect(raw[0]).toBe(0x45); // ErrorResponse
    // The right password works with any user name (PGlite has one role).
    const ok = new pg.Client({ connectionString: url(PASSWORD, 'nobody') });
    await ok.connect();
    expect((await ok.query('SELECT 41 + 1 AS v')).rows[0].v).toBe(42);
    await ok.end();
  }, 60_000);

  it('ends every connection with 57P01 on terminateConnections; new connections work', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS wire_t (n int)');
    const client = new pg.Client({ connectionString: url() });
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO wire_t VALUES (4)');
    expect(await wire.terminateConnections()).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 100));
    expect((errors[0] as { code?: string }).code).toBe('57P01');
    await expect(client.query('SELECT 1')).rejects.toThrow();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM wire_t WHERE n = 4');
    expect(rows[0].n).toBe(0);
  }, 60_000);
});
