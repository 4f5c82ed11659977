/**
 * bench:select — latency of POST /api/site-selection over HTTP on a real PostGIS (DATABASE_URL)
 * with the shared generated 200,000 parcels and 20,000 amenities (schema `bench_select`).
 *
 * The parcels' raw survey fields are mapped like bench:tiles maps them (DKBH code, DKMC name, YDXZ
 * land use, JG price in 万元/亩, ZT status) plus RJL → plot-ratio range; power, water, gas, allowed
 * industries and 标准地 thresholds are derived deterministically from the id and the area. The
 * server runs as a child process (as `npm start` would) so the client does not share its event
 * loop. 20 representative briefs (attribute filters, 2–3 distance criteria, maximum distances, a
 * drawn area, a point and radius), 2 warm-up rounds, then 5 measured rounds.
 *
 * Before measuring it waits for the server's worker to store every carrier's nearest amenities.
 * Final line: RESULT select p50_ms=<n> p95_ms=<n>. Results: bench/results/select.json. Goal: p95 ≤
 * 100 ms on 2 cores. Not part of CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { benchCentres, benchParcels, BENCH_AMENITIES, BENCH_PARCELS } from './bench-data.ts';
import { insertBenchAmenities, startBenchServer } from './bench-server.ts';

const SCHEMA = 'bench_select';
const ADMIN_PASSWORD = 'bench-admin-pw';
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:select needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:select');
  process.exit(2);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const INDUSTRIES = ['电子信息', '新材料', '智能制造', '生物医药', '现代物流', '食品加工'];

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
  const landUseOf: Record<string, string> = { 一类工业用地: 'M1', 二类工业用地: 'M2', 物流仓储用地: 'W1', 商业用地: 'B1' };
  const flush = async () => {
    await pool.query(
      `INSERT INTO carriers (code, kind, name, status, review_state, land_use, allowed_industries, price, price_unit,
                             plot_ratio_min, plot_ratio_max, gas, power_kva, water_t_per_day,
                             investment_intensity_wan_per_mu, output_per_mu_wan, geom)
       SELECT r.code, 'land', r.name, r.status, 'published', r.land_use, r.industries, r.price, '万元/亩',
              r.rmin, r.rmax, r.gas,
              -- Capacities scale with the area (亩) and a per-parcel factor from the index: deterministic.
              round(greatest(400, ST_Area(ST_Transform(g.geom, 4545)) / 666.67 * (40 + r.i % 81)) / 50) * 50,
              round(greatest(50, ST_Area(ST_Transform(g.geom, 4545)) / 666.67 * (3 + r.i % 13)) / 10) * 10,
              150 + (r.i % 26) * 10, 200 + (r.i % 41) * 10,
              g.geom
       FROM jsonb_to_recordset($1::jsonb)
         AS r(i int, code text, name text, status text, land_use text, industries text[], price numeric, rmin float8, rmax float8, gas boolean, geom jsonb)
       CROSS JOIN LATERAL (SELECT ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)) AS geom) g`,
      [JSON.stringify(batch)]);
    batch = [];
  };
  let i = 0;
  for (const f of benchParcels()) {
    const p = f.properties!;
    const [rmin, rmax] = String(p.RJL).split('-').map(Number);
    batch.push({
      i, code: p.DKBH, name: p.DKMC, status: statusOf[p.ZT], land_use: landUseOf[p.YDXZ], price: p.JG, rmin, rmax,
      industries: [INDUSTRIES[i % 6], INDUSTRIES[(i * 7 + 3) % 6]].filter((v, k, a) => a.indexOf(v) === k),
      gas: i % 10 < 8, geom: f.geometry,
    });
    i++;
    if (batch.length === 5000) await flush();
  }
  if (batch.length) await flush();
  await insertBenchAmenities(pool);
  await pool.query('TRUNCATE feature_changes');
  await pool.query('VACUUM ANALYZE carriers');
  await pool.query('VACUUM ANALYZE amenities');
  console.log(`loaded ${BENCH_PARCELS} parcels and ${BENCH_AMENITIES} amenities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}


/** A drawn area: an irregular pentagon of ~`km` across around a point. */
function drawn([lon, lat]: [number, number], km: number) {
  const k = km / 2 / 111.32;
  const kx = k / Math.cos((lat * Math.PI) / 180);
  const ring = [[lon - kx, lat], [lon - kx / 3, lat - k], [lon + kx, lat - k / 2], [lon + kx * 0.8, lat + k * 0.7], [lon - kx / 4, lat + k]];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
}

/** 20 representative briefs. */
function briefs(): Record<string, unknown>[] {
  const c = benchCentres();
  return [
    { landUse: ['M1'], areaMu: { min: 20, max: 60 }, priceMax: 30, weights: { price: 50, area: 50 } },
    { landUse: ['M1', 'M2'], areaMu: { min: 30, max: 80 }, gas: true, maxDistanceM: { highway_exit: 3000 }, weights: { distance_highway_exit: 40, distance_school: 30, price: 30 } },
    { within: drawn(c[0], 8), weights: { area: 40, distance_bus_stop: 30, distance_hospital: 30 } },
    { within: drawn(c[5], 5), landUse: ['M2'], weights: { price: 50, distance_logistics: 50 } },
    { near: { lon: c[3][0], lat: c[3][1], radiusM: 3000 }, weights: { distance_restaurant: 50, power: 50 } },
    { near: { lon: c[12][0], lat: c[12][1], radiusM: 2000 }, areaMu: { min: 10 }, weights: { distance_bank: 40, distance_police: 30, area: 30 } },
    { industry: '电子信息', powerKvaMin: 3000, areaMu: { min: 50, max: 100 }, weights: { power: 60, price: 40 } },
    { standardLand: { investmentIntensity: 250, outputPerMu: 300 }, landUse: ['M1'], areaMu: { min: 20, max: 40 }, weights: { investment_intensity: 50, distance_highway_exit: 50 } },
    { plotRatio: { min: 2.8, max: 4 }, landUse: ['B1'], priceMax: 25, weights: { plot_ratio: 50, distance_mall: 50 } },
    { waterTPerDayMin: 500, landUse: ['M2'], areaMu: { min: 40, max: 90 }, maxDistanceM: { logistics: 2000, rail_station: 4000 }, weights: { water: 40, distance_logistics: 30, distance_rail_station: 30 } },
    { areaMu: { min: 100 }, weights: { area: 50, price: 50 }, preferences: { area: { ideal: 80000 } } },
    { landUse: ['W1'], areaMu: { min: 40, max: 60 }, priceMax: 20, weights: { distance_highway_exit: 40, distance_logistics: 30, distance_gas_station: 30 } },
    { within: drawn(c[20], 10), status: ['available', 'reserved'], areaMu: { min: 30 }, weights: { price: 30, distance_school: 35, distance_hospital: 35 } },
    { industry: '生物医药', gas: true, areaMu: { min: 30, max: 50 }, maxDistanceM: { hospital: 2000, school: 2000 }, weights: { distance_hospital: 50, price: 50 } },
    { landUse: ['M1'], areaMu: { min: 45, max: 55 }, weights: { price: 100 }, sort: '-area' },
    { near: { lon: c[30][0], lat: c[30][1], radiusM: 5000 }, landUse: ['M1', 'M2'], areaMu: { min: 20 }, weights: { distance_highway_exit: 50, area: 50 } },
    { powerKvaMin: 5000, waterTPerDayMin: 800, weights: { power: 50, water: 50 } },
    { landUse: ['B1'], areaMu: { min: 5, max: 15 }, maxDistanceM: { bus_stop: 1000 }, weights: { distance_bus_stop: 40, distance_mall: 30, distance_bank: 30 } },
    { within: drawn(c[33], 6), maxDistanceM: { highway_exit: 5000 }, weights: { distance_highway_exit: 100 } },
    { standardLand: { investmentIntensity: 200 }, industry: '智能制造', areaMu: { min: 60 }, priceMax: 35, weights: { output_per_mu: 40, power: 30, distance_logistics: 30 } },
  ];
}

/**
 * Wait until the server's worker has stored every carrier's nearest amenities (migration 007), so
 * the briefs measure the stored path; after a fresh load that is 200k × 16 KNN probes.
 */
async function waitForNearest() {
  const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
  const t0 = performance.now();
  try {
    for (;;) {
      const { rows } = await pool.query(`SELECT (SELECT count(*) FROM carrier_nearest_todo) + (SELECT count(*) FROM amenity_nearest_changes) AS n,
                                                (SELECT count(*) FROM carrier_nearest) AS stored`);
      if (Number(rows[0].n) === 0) break;
      console.log(`waiting for stored nearest amenities: ${rows[0].stored} carriers stored`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
  } finally {
    await pool.end();
  }
  console.log(`nearest amenities stored for every carrier (waited ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DB_STATEMENT_TIMEOUT_MS: '600000' });
  const db = await openDatabase(config);
  await migrate(db.pool);
  await load(db.pool);
  await db.close();

  const server = await startBenchServer({
    DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD, DATABASE_URL: url!,
    DATA_DIR: '/tmp/bench-select-data', TILE_CACHE_MB: '0',
  });
  await waitForNearest();
  const latencies: number[] = [];
  const perBrief: { brief: number; matched: number; p50_ms: number; max_ms: number }[] = [];
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const run = async (brief: unknown) => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/site-selection`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(brief) });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`brief failed: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, matched: body.numberMatched as number };
    };
    const all = briefs();
    for (let round = 0; round < 2; round++) for (const b of all) await run(b);
    const samples: number[][] = all.map(() => []);
    const matched: number[] = all.map(() => 0);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < all.length; i++) {
        const r = await run(all[i]);
        samples[i].push(r.ms);
        matched[i] = r.matched;
        latencies.push(r.ms);
      }
    }
    all.forEach((_, i) => {
      perBrief.push({ brief: i + 1, matched: matched[i], p50_ms: Math.round(pct(samples[i], 50) * 10) / 10, max_ms: Math.round(Math.max(...samples[i]) * 10) / 10 });
      console.log(`brief ${String(i + 1).padStart(2)}: ${String(matched[i]).padStart(6)} matches, p50 ${pct(samples[i], 50).toFixed(1)} ms`);
    });
  } finally {
    server.child.kill('SIGTERM');
  }

  const p50 = pct(latencies, 50);
  const p95 = pct(latencies, 95);
  const out = {
    at: new Date().toISOString(), parcels: BENCH_PARCELS, amenities: BENCH_AMENITIES, briefs: perBrief.length, samples: latencies.length,
    p50_ms: Math.round(p50 * 10) / 10, p95_ms: Math.round(p95 * 10) / 10, per_brief: perBrief,
  };
  fs.mkdirSync(path.join(ROOT_DIR, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT_DIR, 'bench', 'results', 'select.json'), JSON.stringify(out, null, 2));
  console.log(`RESULT select p50_ms=${out.p50_ms} p95_ms=${out.p95_ms}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
