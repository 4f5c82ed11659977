/**
 * Fault: the database ends the server's connections while mixed traffic runs (features, tiles,
 * site selection, the imports list) and the nearest-amenity worker is busy. The server must not
 * crash (a pg client without an 'error' listener used to take the process down: "Unhandled
 * 'error' event", 57P01), every request must finish with 2xx or 503 (never hang), and the server,
 * its health check and the worker must recover on their own.
 *
 * The test starts a server of its own, in this worker (its own schema or data directory), so the
 * connections it ends are only that server's and a crash shows up here as a failed run:
 * - PostgreSQL: `pg_terminate_backend` on the backends of the server's pool, found by its
 *   `application_name` (ending every backend of the database would also hit other test runs
 *   sharing the server).
 * - Embedded: PGlite is one backend inside the server process, so there is no backend to
 *   terminate; the equivalent is the wire server ending every client connection from its side,
 *   with the same FATAL 57P01 message PostgreSQL sends (`Database.terminateConnections`).
 *
 * On PostgreSQL the server reaches the database through a TCP relay of this test, so the test can
 * also take the database away altogether (the relay stops listening and cuts every connection)
 * and bring it back. The embedded database lives inside the server process: it cannot go away
 * without the server, so that case is PostgreSQL only.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.ts';
import { start, type Running } from '../server/main.ts';

const DATABASE_URL = process.env.DATABASE_URL ?? '';
const SCHEMA = `app_fault_${process.pid}`;
const ADMIN = { username: 'admin', password: 'fault-test-admin-password' };
/** No request may take longer than this (statement timeout and connect timeout are far below it). */
const REQUEST_BOUND_MS = 20_000;

let running: Running;
let dataDir: string;
let cookie = '';
let admin: pg.Client | undefined;
/** What the server logged (printed when a test fails). */
const logs: string[] = [];

/** A TCP relay to the PostgreSQL server: `down()` makes the database unreachable, `up()` brings it back. */
class Relay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly host: string, private readonly targetPort: number) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      const end = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', end);
        s.on('close', end);
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
let relay: Relay | undefined;

async function call(pathname: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set('cookie', cookie);
  if (typeof init.body === 'string') headers.set('content-type', 'application/json');
  const res = await fetch(running.url + pathname, { ...init, headers, signal: AbortSignal.timeout(REQUEST_BOUND_MS) });
  return { status: res.status, body: await res.text() };
}

/** End the server's database connections from the database's side; returns how many. */
async function terminate(): Promise<number> {
  if (running.db.engine === 'embedded') return running.db.terminateConnections!();
  const { rows } = await admin!.query(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
       FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [running.db.applicationName],
  );
  return rows[0].n;
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dz-fault-'));
  let url = DATABASE_URL;
  if (DATABASE_URL) {
    const target = new URL(DATABASE_URL);
    relay = new Relay(target.hostname, Number(target.port || 5432));
    await relay.up();
    target.hostname = '127.0.0.1';
    target.port = String(relay.port);
    url = target.toString();
  }
  running = await start(loadConfig({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    DB_SCHEMA: SCHEMA,
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_USER: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    SEED_DEMO: 'false',
    NEAREST_REFRESH_MS: '100',
    NEAREST_BATCH: '100',
    TILE_SYNC_MS: '100',
    TILE_CACHE_MB: '0',
    DB_CONNECT_TIMEOUT_MS: '3000',
  }), (m) => logs.push(`${new Date().toISOString().slice(11, 23)} ${m}`));
  if (DATABASE_URL) {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    admin.on('error', () => undefined);
    await admin.connect();
  }
  // A small city: one county, 400 published parcels on a grid, 64 amenities of every kind.
  await running.db.pool.query(`
    INSERT INTO admin_areas (adcode, name_zh, name_en, level, source, geom)
    VALUES ('511799', '测试县', 'Test County', 'county', 'fault test',
            ST_Multi(ST_MakeEnvelope(107.0, 31.0, 107.6, 31.6, 4326)));
    INSERT INTO carriers (code, kind, name, county_adcode, review_state, geom)
    SELECT 'F' || g, (ARRAY['land', 'factory', 'office'])[1 + g % 3], '地块 ' || g, '511799', 'published',
           ST_Multi(ST_MakeEnvelope(107.0 + (g % 40) * 0.01, 31.0 + (g / 40) * 0.01,
                                    107.0 + (g % 40) * 0.01 + 0.004, 31.0 + (g / 40) * 0.01 + 0.004, 4326))
    FROM generate_series(0, 399) g;
    INSERT INTO amenities (code, kind, name, county_adcode, review_state, geom)
    SELECT 'A' || g, (amenity_kinds())[1 + g % 16], '设施 ' || g, '511799', 'published',
           ST_SetSRID(ST_MakePoint(107.0 + (g % 13) * 0.03, 31.0 + (g / 13) * 0.025), 4326)
    FROM generate_series(0, 63) g;`);
  const login = await fetch(running.url + '/api/auth/login', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN),
  });
  expect(login.status).toBe(200);
  cookie = login.headers.get('set-cookie')!.split(';')[0];
}, 180_000);

afterAll(async () => {
  if (DATABASE_URL) await running?.db.pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
  await running?.stop();
  await relay?.down();
  await admin?.end().catch(() => undefined);
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

const TRAFFIC: Array<() => Promise<{ status: number; body: string }>> = [
  () => call('/api/layers/land/features?bbox=107.0,31.0,107.3,31.3&limit=200'),
  // z12 tiles over the test county (107.0–107.4 °E, 31.0–31.5 °N).
  () => call(`/tiles/land,factories/12/${3265 + Math.floor(Math.random() * 6)}/${1672 + Math.floor(Math.random() * 6)}.mvt`),
  () => call('/api/site-selection', { method: 'POST', body: JSON.stringify({ limit: 20 }) }),
  () => call('/api/imports'),
  () => call('/api/health'),
];

describe('database connections terminated during mixed traffic', () => {
  it('never crashes or hangs, answers 2xx or 503, and recovers by itself', async () => {
    const statuses: number[] = [];
    const unavailable: string[] = [];
    const unexpected: string[] = [];
    let stop = false;
    const worker = async (n: number) => {
      for (let i = n; !stop; i++) {
        const r = await TRAFFIC[i % TRAFFIC.length]().catch((err) => ({ status: -1, body: String(err) }));
        statuses.push(r.status);
        if (r.status === 503) unavailable.push(r.body);
        else if (r.status < 200 || r.status > 299) unexpected.push(`${r.status} ${r.body.slice(0, 300)}`);
      }
    };
    const traffic = Array.from({ length: 6 }, (_, n) => worker(n));
    let terminated = 0;
    for (let round = 0; round < 8; round++) {
      await new Promise((r) => setTimeout(r, 400));
      terminated += await terminate();
    }
    stop = true;
    await Promise.all(traffic);

    expect(terminated).toBeGreaterThan(0);
    expect(unexpected).toEqual([]);
    expect(statuses.length).toBeGreaterThan(TRAFFIC.length * 3);
    for (const body of unavailable) {
      const err = JSON.parse(body).error;
      expect(err.code).toBe('unavailable');
      expect(err.message).toMatch(/database/i);
    }

    // Recovered without help: health is ok and every kind of request succeeds again.
    let health = await call('/api/health');
    for (let i = 0; i < 100 && health.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await call('/api/health');
    }
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body).status).toBe('ok');
    // Each reader may still be in its back-off (the tile change-log reader waits up to 5 s between
    // tries), so each kind of request gets a bounded time to succeed again, answering 503 meanwhile.
    for (const request of TRAFFIC) {
      let r = await request();
      for (let i = 0; i < 75 && r.status === 503; i++) {
        await new Promise((res) => setTimeout(res, 200));
        r = await request();
      }
      expect(r.status, r.body.slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(r.status, r.body.slice(0, 300)).toBeLessThan(300);
    }
  }, 90_000);

  it.runIf(DATABASE_URL)('the nearest-amenity worker reconnects and finishes its work', async () => {
    // New amenities queue work for the worker; end its connections while it applies them.
    await running.db.pool.query(`
      INSERT INTO amenities (code, kind, name, county_adcode, review_state, geom)
      SELECT 'B' || g, (amenity_kinds())[1 + g % 16], '新设施 ' || g, '511799', 'published',
             ST_SetSRID(ST_MakePoint(107.01 + (g % 11) * 0.03, 31.01 + (g / 11) * 0.03), 4326)
      FROM generate_series(0, 31) g`);
    for (let round = 0; round < 5; round++) {
      await new Promise((r) => setTimeout(r, 150));
      await terminate();
    }
    let pending = -1;
    for (let i = 0; i < 200; i++) {
      const r = await call('/api/health');
      if (r.status === 200) {
        const { rows } = await running.db.pool.query(
          `SELECT (SELECT count(*) FROM amenity_nearest_changes) + (SELECT count(*) FROM carrier_nearest_todo) AS n`);
        pending = Number(rows[0].n);
        if (pending === 0) break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(pending, logs.join('\n')).toBe(0);
    // Every carrier has its stored distances.
    const { rows } = await running.db.pool.query(`SELECT count(DISTINCT carrier_id)::int AS n FROM carrier_nearest`);
    expect(rows[0].n).toBe(400);
  }, 60_000);

  it.runIf(DATABASE_URL)('answers 503 while the database is unreachable, and recovers when it is back', async () => {
    await relay!.down();
    try {
      for (const request of TRAFFIC) {
        const r = await request();
        expect(r.status, r.body.slice(0, 300)).toBe(503);
        const err = JSON.parse(r.body).error;
        expect(err.code).toBe('unavailable');
        expect(err.message).toMatch(/database is unavailable/);
      }
    } finally {
      await relay!.up();
    }
    let health = await call('/api/health');
    for (let i = 0; i < 100 && health.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await call('/api/health');
    }
    expect(health.status).toBe(200);
    // The tile change-log reader waits out its back-off (at most 5 s), then reads again.
    for (const request of TRAFFIC) {
      let r = await request();
      for (let i = 0; i < 60 && r.status === 503; i++) {
        await new Promise((res) => setTimeout(res, 200));
        r = await request();
      }
      expect(r.status, r.body.slice(0, 300)).toBeGreaterThanOrEqual(200);
      expect(r.status, r.body.slice(0, 300)).toBeLessThan(300);
    }
  }, 60_000);
});
