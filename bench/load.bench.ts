/**
 * bench:load — the server under mixed traffic on a real PostgreSQL + PostGIS (DATABASE_URL): 50
 * connections for 60 s, split over six kinds of request that run at the same time, each kind its
 * own autocannon instance so its latency is measured alone:
 *
 * | kind | connections | request |
 * |---|---|---|
 * | features | 10 | `GET /api/layers/{land,factories,offices}/features?bbox=…&limit=100` around a random carrier |
 * | tiles uncached | 8 | `GET /tiles/land,factories,offices,amenities/{z}/{x}/{y}.mvt`, z 13–17 at a random carrier (mostly misses) |
 * | tiles cached | 12 | the same layers, 40 fixed tiles fetched once before the run |
 * | stats | 6 | `GET /api/stats/summary` |
 * | ogc items | 8 | `GET /ogc/collections/{land,amenities}/items?bbox=…&limit=50` |
 * | selection | 6 | `POST /api/site-selection` as a signed-in officer, 6 briefs in turn |
 *
 * The server runs as a child process (`npm start` with the demo data in schema `bench_load`,
 * created afresh each run). It is warmed up for 10 s at 10 connections first; its resident memory
 * (the whole process tree) is read after the warm-up, at the end of the load and after 15 s of
 * rest. Goals: 0 errors (network errors, timeouts and non-2xx answers), p99 ≤ 1 s for every kind,
 * RSS after rest within 20 % of before. Prints per kind rps, p50/p99 and errors, and
 * `RESULT load rps=… errors=… worst_p99_ms=… rss_before_mb=… rss_after_mb=… rss_ratio=…`;
 * results in bench/results/load.json. Not part of CI.
 *
 * `-- --duration 20` shortens the measured run (seconds).
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { ROOT_DIR } from '../core/config.ts';
import { lonLatToTile } from '../tiles/tile-math.ts';
import { startBenchServer } from './bench-server.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:load needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:load');
  process.exit(2);
}
const SCHEMA = 'bench_load';
const ADMIN_PASSWORD = 'bench-load-admin-pw';
const durationArg = process.argv.indexOf('--duration');
const DURATION = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 60;
const TILE_LAYERS = 'land,factories,offices,amenities';

/** Resident memory (MiB) of a process and all its descendants, from /proc. */
function treeRssMb(pid: number): number {
  let kb = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return Math.round(kb / 102.4) / 10;
}

/** A deterministic PRNG (mulberry32), so every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Kind {
  name: string;
  connections: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The next request's path (and body). */
  next: () => { path: string; body?: string };
}

async function main() {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const server = await startBenchServer({
    DATABASE_URL: url!, DB_SCHEMA: SCHEMA, SEED_DEMO: 'true', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD, DATA_DIR: '/tmp/bench-load-data',
  });
  const base = server.url;
  try {
    const { rows } = await admin.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM ${SCHEMA}.carriers WHERE review_state = 'published' ORDER BY id`);
    if (!rows.length) throw new Error('no published carriers in the demo data');
    const rand = prng(20261203);
    const at = () => rows[Math.floor(rand() * rows.length)];
    const bbox = (d: number) => {
      const p = at();
      return `${(p.lon - d).toFixed(5)},${(p.lat - d).toFixed(5)},${(p.lon + d).toFixed(5)},${(p.lat + d).toFixed(5)}`;
    };
    const tileAt = (p: { lon: number; lat: number }, z: number) => {
      const [x, y] = lonLatToTile(p.lon, p.lat, z);
      return `/tiles/${TILE_LAYERS}/${z}/${Math.floor(x)}/${Math.floor(y)}.mvt`;
    };
    const cachedTiles = Array.from({ length: 40 }, (_, i) => tileAt(rows[(i * 37) % rows.length], 12 + (i % 4)));
    for (const t of cachedTiles) await (await fetch(base + t)).arrayBuffer();

    // An officer account and its session for site selection.
    const login = async (username: string, password: string) => {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
      return res.headers.get('set-cookie')!.split(';')[0];
    };
    const adminCookie = await login('admin', ADMIN_PASSWORD);
    const created = await fetch(`${base}/api/users`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: adminCookie },
      body: JSON.stringify({ username: 'bench-officer', password: 'bench-officer-pw', role: 'officer' }),
    });
    if (created.status !== 201) throw new Error(`creating the officer failed: ${created.status} ${await created.text()}`);
    const officer = await login('bench-officer', 'bench-officer-pw');
    const centre = rows[Math.floor(rows.length / 2)];
    const briefs = [
      { weights: { price: 50, area: 50 } },
      { layers: ['land'], areaMu: { min: 10 }, weights: { area: 60, distance_highway_exit: 40 } },
      { near: { lon: centre.lon, lat: centre.lat, radiusM: 8000 }, weights: { distance_school: 50, price: 50 } },
      { layers: ['factories'], weights: { distance_logistics: 50, area: 50 } },
      { layers: ['offices'], status: ['available'], weights: { distance_bus_stop: 40, distance_mall: 30, price: 30 } },
      { layers: ['land', 'factories'], maxDistanceM: { highway_exit: 20000 }, weights: { distance_highway_exit: 100 } },
    ].map((b) => JSON.stringify(b));

    let briefTurn = 0;
    let cachedTurn = 0;
    const layers3 = ['land', 'factories', 'offices'];
    const kinds: Kind[] = [
      { name: 'features', connections: 10, next: () => ({ path: `/api/layers/${layers3[Math.floor(rand() * 3)]}/features?bbox=${bbox(0.01)}&limit=100` }) },
      { name: 'tiles uncached', connections: 8, next: () => ({ path: tileAt(at(), 13 + Math.floor(rand() * 5)) }) },
      { name: 'tiles cached', connections: 12, next: () => ({ path: cachedTiles[cachedTurn++ % cachedTiles.length] }) },
      { name: 'stats', connections: 6, next: () => ({ path: '/api/stats/summary' }) },
      { name: 'ogc items', connections: 8, next: () => ({ path: `/ogc/collections/${rand() < 0.7 ? 'land' : 'amenities'}/items?bbox=${bbox(0.02)}&limit=50` }) },
      {
        name: 'selection', connections: 6, method: 'POST', headers: { 'content-type': 'application/json', cookie: officer },
        next: () => ({ path: '/api/site-selection', body: briefs[briefTurn++ % briefs.length] }),
      },
    ];

    const run = (kind: Kind, connections: number, duration: number) => autocannon({
      url: base,
      connections,
      duration,
      timeout: 10,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...kind.headers },
      requests: [{
        method: kind.method ?? 'GET',
        setupRequest: (req: Record<string, unknown>) => ({ ...req, ...kind.next() }),
      }],
    });

    console.log(`warm-up: 10 s at 10 connections against ${base}`);
    await Promise.all(kinds.map((k) => run(k, Math.max(1, Math.round(k.connections / 5)), 10)));
    await sleep(3000);
    const rssBefore = treeRssMb(server.child.pid!);
    console.log(`RSS before: ${rssBefore} MiB; measuring ${DURATION} s at ${kinds.reduce((n, k) => n + k.connections, 0)} connections`);
    const results = await Promise.all(kinds.map((k) => run(k, k.connections, DURATION)));
    const rssEnd = treeRssMb(server.child.pid!);
    await sleep(15_000);
    const rssAfter = treeRssMb(server.child.pid!);

    const perKind = kinds.map((k, i) => {
      const r = results[i];
      return {
        kind: k.name, connections: k.connections, requests: r.requests.total, rps: Math.round(r.requests.average),
        p50_ms: r.latency.p50, p99_ms: r.latency.p99, max_ms: r.latency.max,
        errors: r.errors + r.timeouts + r.non2xx, non2xx: r.non2xx, timeouts: r.timeouts,
      };
    });
    for (const k of perKind) {
      console.log(`${k.kind.padEnd(15)} ${String(k.rps).padStart(6)} rps  p50 ${String(k.p50_ms).padStart(5)} ms  p99 ${String(k.p99_ms).padStart(5)} ms  max ${String(k.max_ms).padStart(5)} ms  errors ${k.errors}`);
    }
    const totalRps = perKind.reduce((n, k) => n + k.rps, 0);
    const errors = perKind.reduce((n, k) => n + k.errors, 0);
    const worstP99 = Math.max(...perKind.map((k) => k.p99_ms));
    const ratio = Math.round((rssAfter / rssBefore) * 100) / 100;
    console.log(`RSS: before ${rssBefore} MiB, at the end of the load ${rssEnd} MiB, after 15 s of rest ${rssAfter} MiB (×${ratio})`);
    const goals = { errors: errors === 0, p99: worstP99 <= 1000, rss: ratio <= 1.2 };
    console.log(`goals: 0 errors ${goals.errors ? 'met' : 'NOT met'}, p99 ≤ 1 s ${goals.p99 ? 'met' : 'NOT met'}, RSS within 20 % ${goals.rss ? 'met' : 'NOT met'}`);
    const out = { at: new Date().toISOString(), duration_s: DURATION, carriers: rows.length, per_kind: perKind, rps: totalRps, errors, worst_p99_ms: worstP99, rss_mb: { before: rssBefore, end: rssEnd, after: rssAfter }, rss_ratio: ratio, goals };
    fs.mkdirSync(path.join(ROOT_DIR, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT_DIR, 'bench', 'results', 'load.json'), JSON.stringify(out, null, 2));
    console.log(`RESULT load rps=${totalRps} errors=${errors} worst_p99_ms=${worstP99} rss_before_mb=${rssBefore} rss_after_mb=${rssAfter} rss_ratio=${ratio}`);
  } finally {
    server.child.kill('SIGTERM');
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

await main();
