/**
 * bench:tiles — vector-tile latency and throughput on a real PostGIS (DATABASE_URL), with the shared
 * generated 200,000 parcels and 20,000 amenities.
 *
 *  1. uncached server latency per tile (z8–z16 around cluster centres) against the raw ST_AsMVT
 *     query for the same tile, measured in the same run, interleaved → p50 ratio (goal ≤ 1.2);
 *  2. cached throughput with autocannon on loopback (goal ≥ 5,000 tiles/s on 2 cores), sending
 *     the Accept-Encoding a browser sends (MapLibre's fetches carry the browser's), and once more
 *     with gzip only;
 *  3. the size of every z ≤ 10 tile over Dazhou (goal < 500 KB, decoded).
 *
 * Final line: RESULT tiles ratio=<server/raw p50> cached_rps=<n> cached_rps_gzip=<n> max_lowzoom_kb=<n>
 * Results: bench/results/tiles.json. Not part of CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import autocannon from 'autocannon';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { lonLatToTile } from '../tiles/tile-math.ts';
import { benchCentres, benchParcels, BENCH_AMENITIES, BENCH_PARCELS } from './bench-data.ts';
import { insertBenchAmenities, startBenchServer } from './bench-server.ts';

const SCHEMA = 'bench_tiles';
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:tiles needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:tiles');
  process.exit(2);
}

/** What Chrome and Firefox send with every fetch, MapLibre's tile requests included. */
const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

/**
 * autocannon 9 appends every response body to a JS string (for `expectBody`/`verifyBody`, which
 * this bench does not use). Decoding binary tiles as UTF-8 took a third of autocannon's CPU, and
 * with it autocannon stopped near 1,400 tiles/s whatever the server did, so the bench measured
 * autocannon. Skipping that bookkeeping still reads, frames and counts every byte of every answer.
 */
const skipBodyStrings = (client: { pipelinedRequests: { addBody: (data: Buffer) => void } }) => {
  client.pipelinedRequests.addBody = () => undefined;
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function load(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT (SELECT count(*) FROM carriers) c, (SELECT count(*) FROM amenities) a`);
  if (Number(rows[0].c) === BENCH_PARCELS && Number(rows[0].a) === BENCH_AMENITIES) {
    console.log('bench data already loaded');
    return;
  }
  await pool.query('TRUNCATE carriers, amenities CASCADE');
  const t0 = performance.now();
  let batch: unknown[] = [];
  const statusOf: Record<string, string> = { 可招商: 'available', 洽谈中: 'reserved', 已入驻: 'occupied' };
  const flush = async () => {
    await pool.query(
      `INSERT INTO carriers (code, kind, name, status, review_state, land_use, price, price_unit, geom)
       SELECT r.code, 'land', r.name, r.status, 'published', r.land_use, r.price, '万元/亩', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326))
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, status text, land_use text, price numeric, geom jsonb)`,
      [JSON.stringify(batch)]);
    batch = [];
  };
  for (const f of benchParcels()) {
    const p = f.properties!;
    batch.push({ code: p.DKBH, name: p.DKMC, status: statusOf[p.ZT], land_use: ['M1', 'M2', 'W1', 'B1'][['一类工业用地', '二类工业用地', '物流仓储用地', '商业用地'].indexOf(p.YDXZ)], price: p.JG, geom: f.geometry });
    if (batch.length === 5000) await flush();
  }
  if (batch.length) await flush();
  await insertBenchAmenities(pool);
  await pool.query('TRUNCATE feature_changes');
  await pool.query('ANALYZE carriers; ANALYZE amenities');
  console.log(`loaded ${BENCH_PARCELS} parcels and ${BENCH_AMENITIES} amenities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}


/** The reference: the plain ST_AsMVT query for the same tile and layer. */
const RAW = `
SELECT ST_AsMVT(q, 'land', 4096, 'geom', 'id') AS t FROM (
  SELECT c.id, c.name, c.status, ST_AsMVTGeom(ST_Transform(c.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  FROM carriers c
  WHERE c.kind = 'land' AND c.review_state = 'published'
    AND c.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), 4326)
) q WHERE q.geom IS NOT NULL`;

async function main() {
  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false' });
  const db = await openDatabase(config);
  await migrate(db.pool);
  await load(db.pool);

  const tiles: { z: number; x: number; y: number }[] = [];
  for (const [lon, lat] of benchCentres().slice(0, 12)) {
    for (let z = 8; z <= 16; z++) {
      const [x, y] = lonLatToTile(lon, lat, z);
      tiles.push({ z, x: Math.floor(x), y: Math.floor(y) });
    }
  }

  const common = { DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'bench-admin-pw', DATABASE_URL: url!, DATA_DIR: '/tmp/bench-tiles-data' };
  const uncached = await startBenchServer({ ...common, TILE_CACHE_MB: '0' });
  const server: number[] = [];
  const raw: number[] = [];
  try {
    for (const t of tiles) await fetch(`${uncached.url}/tiles/land/${t.z}/${t.x}/${t.y}.mvt`); // warm connections and plans
    for (let rep = 0; rep < 5; rep++) {
      for (const t of tiles) {
        let a = performance.now();
        const res = await fetch(`${uncached.url}/tiles/land/${t.z}/${t.x}/${t.y}.mvt`);
        await res.arrayBuffer();
        server.push(performance.now() - a);
        a = performance.now();
        await db.pool.query(RAW, [t.z, t.x, t.y]);
        raw.push(performance.now() - a);
      }
    }
  } finally {
    uncached.child.kill('SIGTERM');
  }

  const cached = await startBenchServer({ ...common, TILE_CACHE_MB: '512' });
  const throughput: Record<string, { rps: number; kb_per_tile: number; non2xx: number; errors: number }> = {};
  let maxLowZoomKb = 0;
  const lowZoomSizes: Record<string, number> = {};
  try {
    for (const t of tiles) await fetch(`${cached.url}/tiles/land/${t.z}/${t.x}/${t.y}.mvt`);
    for (const acceptEncoding of [BROWSER_ACCEPT_ENCODING, 'gzip']) {
      const result = await autocannon({
        url: cached.url,
        connections: 32,
        duration: 10,
        headers: { 'accept-encoding': acceptEncoding },
        setupClient: skipBodyStrings,
        requests: tiles.map((t) => ({ method: 'GET', path: `/tiles/land/${t.z}/${t.x}/${t.y}.mvt` })),
      });
      throughput[acceptEncoding] = {
        rps: Math.round(result.requests.average),
        kb_per_tile: Math.round((result.throughput.average / result.requests.average / 1024) * 10) / 10,
        non2xx: result.non2xx,
        errors: result.errors,
      };
      console.log(`cached, Accept-Encoding: ${acceptEncoding}: ${JSON.stringify(throughput[acceptEncoding])}`);
    }
    for (let z = 6; z <= 10; z++) {
      const a = lonLatToTile(106.6, 32.4, z);
      const b = lonLatToTile(108.6, 30.3, z);
      for (let x = Math.floor(a[0]); x <= Math.floor(b[0]); x++) {
        for (let y = Math.floor(a[1]); y <= Math.floor(b[1]); y++) {
          const res = await fetch(`${cached.url}/tiles/land,amenities/${z}/${x}/${y}.mvt`);
          const kb = (await res.arrayBuffer()).byteLength / 1024;
          lowZoomSizes[`${z}/${x}/${y}`] = Math.round(kb * 10) / 10;
          maxLowZoomKb = Math.max(maxLowZoomKb, kb);
        }
      }
    }
  } finally {
    cached.child.kill('SIGTERM');
  }
  await db.close();

  const ratio = pct(server, 50) / pct(raw, 50);
  const cachedRps = throughput[BROWSER_ACCEPT_ENCODING].rps;
  const cachedRpsGzip = throughput.gzip.rps;
  const out = {
    at: new Date().toISOString(), parcels: BENCH_PARCELS, amenities: BENCH_AMENITIES, tiles: tiles.length,
    server_ms: { p50: pct(server, 50), p95: pct(server, 95) }, raw_ms: { p50: pct(raw, 50), p95: pct(raw, 95) },
    ratio, cached_rps: cachedRps, cached_rps_gzip: cachedRpsGzip, cached: throughput, max_lowzoom_kb: Math.round(maxLowZoomKb * 10) / 10, lowzoom_tile_kb: lowZoomSizes,
  };
  fs.mkdirSync(path.join(ROOT_DIR, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT_DIR, 'bench', 'results', 'tiles.json'), JSON.stringify(out, null, 2));
  console.log(`server p50 ${out.server_ms.p50.toFixed(2)} ms, raw ST_AsMVT p50 ${out.raw_ms.p50.toFixed(2)} ms`);
  console.log(`RESULT tiles ratio=${ratio.toFixed(2)} cached_rps=${cachedRps} cached_rps_gzip=${cachedRpsGzip} max_lowzoom_kb=${out.max_lowzoom_kb}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
