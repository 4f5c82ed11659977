/**
 * bench:stats — latency of the dashboard's /api/stats endpoints over HTTP at 200,000 carriers on a
 * real PostGIS (DATABASE_URL; schema `bench_stats`, drop it to reload), against a reference in the
 * same run: the existing summary endpoint (`/api/stats/summary`, one GROUP BY over every carrier,
 * no filters) and the naive way a page would get the status figures without the new endpoint —
 * one `count`/`sum` query per county × type × status (7 × 3 × 3 = 63 queries, in-process over pg).
 *
 * Data: the shared generator's 200,000 parcel polygons (bench/bench-data.ts) as carriers of 40
 * parks (one per cluster centre, in the county that holds it), 70 % land, 20 % factories, 10 %
 * offices; 90 % published, 7 % verified, 3 % draft; created over the last 24 months; 5 % with a
 * status change in the history over the last 12 months (written as the history trigger would),
 * 20,000 survey photos linked to carriers, 2,000 enquiries with events. The server runs as a child
 * process with the stored-distance worker off (NEAREST_REFRESH_MS=0).
 *
 * Each endpoint is asked with 4 filter sets (none; a county; a county + land; available + a
 * 24-month period), signed in as the admin (who counts rows in progress too), 2 warm-up rounds, then
 * 5 measured rounds. The server caches answers while the data is unchanged (server/stats/stats.cache.ts),
 * so every ask is measured twice:
 * - uncached: right after a real edit committed through SQL (one carrier's status toggled between
 *   available and reserved, with its history entry, so the change log moves on, the cache misses and
 *   the rollups of migration 022 were just folded — a leader's first look after an edit; an even
 *   number of toggles leaves the data as loaded, the history grows by one entry per toggle);
 * - cached: the same ask again at once (a cache hit, which still reads the change-log version).
 * The edit's own time (UPDATE + commit, with every trigger) is reported as `edit_p50_ms`/`edit_p95_ms`.
 * Final line (load: /proc/loadavg at the end; `load_start` at the start of the measured rounds):
 * RESULT stats uncached_p50_ms=<n> uncached_p95_ms=<n> uncached_worst=<endpoint>:<p95> cached_p50_ms=<n> cached_p95_ms=<n>
 *        cached_worst=<endpoint>:<p95> edit_p50_ms=<n> edit_p95_ms=<n> summary_p95_ms=<n> naive_p95_ms=<n> load=<1 min> load_start=<1 min>
 * and one `ENDPOINT <name> uncached_p50/p95 cached_p50/p95` line per endpoint.
 * Goal (issue 14): every endpoint's p95 ≤ 100 ms, uncached too. Not part of CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { benchCentres, benchParcels, BENCH_PARCELS } from './bench-data.ts';
import { startBenchServer } from './bench-server.ts';

const SCHEMA = 'bench_stats';
const ADMIN_PASSWORD = 'bench-admin-pw';
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:stats needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:stats');
  process.exit(2);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round1 = (x: number) => Math.round(x * 10) / 10;

async function load(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT count(*)::int AS c FROM carriers`);
  if (rows[0].c === BENCH_PARCELS) {
    console.log('bench data already loaded');
    return;
  }
  const t0 = performance.now();
  await pool.query('TRUNCATE carriers, parks, admin_areas, enquiries, photos, feature_history CASCADE');
  // feature_history is append-only by trigger; TRUNCATE does not fire row triggers.
  const counties = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'server/demo/dazhou-counties.geojson'), 'utf8'));
  await pool.query(`INSERT INTO admin_areas (adcode, name_zh, name_en, level, source, geom)
    VALUES ('511700', '达州市', 'Dazhou', 'city', 'bench', ST_Multi(ST_Buffer(ST_MakeEnvelope(106.6, 30.3, 108.6, 32.4, 4326), 0)))`);
  for (const f of counties.features) {
    await pool.query(`INSERT INTO admin_areas (adcode, name_zh, name_en, level, parent_adcode, source, geom)
      VALUES ($1, $2, $3, 'county', '511700', 'bench', ST_Multi(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326))))`,
      [f.properties.adcode, f.properties.name_zh, f.properties.name_en, JSON.stringify(f.geometry)]);
  }
  // One park per cluster centre, in the county nearest to it.
  const centres = benchCentres();
  for (let i = 0; i < centres.length; i++) {
    const [lon, lat] = centres[i];
    await pool.query(`INSERT INTO parks (code, name_zh, name_en, county_adcode, park_level, review_state, geom)
      SELECT $1, $2, $3, (SELECT adcode FROM admin_areas WHERE level = 'county' ORDER BY geom <-> ST_SetSRID(ST_MakePoint($4, $5), 4326) LIMIT 1),
             'county', CASE WHEN $6 % 10 = 9 THEN 'draft' ELSE 'published' END,
             ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint($4, $5), 4326), 0.05, 8))`,
      [`BP${i}`, `测试园区${i}`, `Bench park ${i}`, lon, lat, i]);
  }
  let batch: unknown[] = [];
  const statusOf: Record<string, string> = { 可招商: 'available', 洽谈中: 'reserved', 已入驻: 'occupied' };
  const landUseOf: Record<string, string> = { 一类工业用地: 'M1', 二类工业用地: 'M2', 物流仓储用地: 'W1', 商业用地: 'B1' };
  const flush = async () => {
    await pool.query(
      `INSERT INTO carriers (code, kind, name, park_id, county_adcode, status, review_state, land_use, price, price_unit,
                             floor_area_m2, investment_intensity_wan_per_mu, created_at, geom)
       SELECT r.code, r.kind, r.name, p.id, p.county_adcode, r.status, r.review, CASE WHEN r.kind = 'land' THEN r.land_use END,
              r.price, CASE r.kind WHEN 'land' THEN '万元/亩' WHEN 'factory' THEN '元/m²·月' ELSE '元/m²' END,
              CASE WHEN r.kind <> 'land' THEN 2000 + r.i % 9000 END, CASE WHEN r.kind = 'land' AND r.i % 7 <> 0 THEN 150 + (r.i % 26) * 10 END,
              now() - (r.i % 730) * interval '1 day', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326))
       FROM jsonb_to_recordset($1::jsonb) AS r(i int, code text, kind text, name text, park text, status text, review text, land_use text, price numeric, geom jsonb)
       JOIN parks p ON p.code = r.park`,
      [JSON.stringify(batch)]);
    batch = [];
  };
  let i = 0;
  for (const f of benchParcels(BENCH_PARCELS)) {
    const p = f.properties!;
    const kind = i % 10 < 7 ? 'land' : i % 10 < 9 ? 'factory' : 'office';
    batch.push({
      i, code: p.DKBH, name: p.DKMC, kind, park: `BP${i % centres.length}`, status: statusOf[p.ZT], land_use: landUseOf[p.YDXZ],
      review: i % 100 < 90 ? 'published' : i % 100 < 97 ? 'verified' : 'draft', price: kind === 'land' ? p.JG : 10 + (i % 40), geom: f.geometry,
    });
    i++;
    if (batch.length === 5000) await flush();
  }
  if (batch.length) await flush();
  // 5 % with a status change within the last 12 months: the row's status before it was 'reserved'.
  await pool.query(`INSERT INTO feature_history (layer, feature_id, action, applied, actor_name, at, before, after)
    SELECT carrier_layer(kind), id::text, 'edit', true, 'bench', now() - (id % 365) * interval '1 day',
           jsonb_build_object('status', 'reserved'), jsonb_build_object('status', status)
    FROM carriers WHERE id % 20 = 0 AND status <> 'reserved'`);
  await pool.query(`INSERT INTO photos (sha256, file_name, taken_at, review_state, carrier_id, geom)
    SELECT 'bench-' || c.id, 'p' || c.id || '.jpg', to_char(now() - (c.id % 500) * interval '1 day', 'YYYY:MM:DD HH24:MI:SS'),
           CASE WHEN c.id % 10 = 0 THEN 'draft' ELSE 'published' END, c.id, ST_Centroid(c.geom)
    FROM carriers c WHERE c.id % 10 = 3`);
  await pool.query(`INSERT INTO enquiries (reference, company, contact_person, phone, park_id, status, client_hash, created_at)
    SELECT 'DZ-' || to_char(now(), 'YYMMDD') || '-' || lpad(upper(to_hex(g)), 6, '0'), '企业' || g, '联系人', '0818-5550000',
           (SELECT id FROM parks ORDER BY id OFFSET g % 40 LIMIT 1),
           (ARRAY['new', 'contacted', 'site_visit', 'signed', 'closed'])[1 + g % 5], 'bench', now() - (g % 600) * interval '1 day'
    FROM generate_series(1, 2000) g`);
  await pool.query(`INSERT INTO enquiry_events (enquiry_id, kind, from_status, to_status)
    SELECT id, 'status', 'new', 'site_visit' FROM enquiries WHERE id % 3 = 0`);
  await pool.query('TRUNCATE feature_changes');
  for (const t of ['carriers', 'parks', 'photos', 'feature_history', 'enquiries', 'enquiry_events']) await pool.query(`VACUUM ANALYZE ${t}`);
  console.log(`loaded ${BENCH_PARCELS} carriers, 40 parks, photos, history and enquiries in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const ENDPOINTS = ['status', 'available', 'land', 'prices', 'parks', 'inventory', 'freshness', 'counties', 'enquiries', 'options'];

async function main() {
  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DB_STATEMENT_TIMEOUT_MS: '600000' });
  const db = await openDatabase(config);
  await migrate(db.pool);
  await load(db.pool);
  await db.close();
  const server = await startBenchServer({
    DATABASE_URL: url!, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD, NEAREST_REFRESH_MS: '0', TILE_SYNC_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '120000',
  });
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const county = (await pool.query(`SELECT county_adcode FROM carriers GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows[0].county_adcode;
    const today = new Date().toISOString().slice(0, 10);
    const twoYears = `${Number(today.slice(0, 4)) - 2}${today.slice(4, 7)}-01`;
    const filters = ['', `county=${county}`, `county=${county}&type=land`, `status=available&from=${twoYears}&to=${today}`];
    const get = async (p: string) => {
      const t = performance.now();
      const res = await fetch(`${server.url}${p}`, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${p}: ${res.status} ${body.slice(0, 300)}`);
      return performance.now() - t;
    };
    const naive = async () => {
      const t = performance.now();
      const cs = (await pool.query(`SELECT adcode FROM admin_areas WHERE level = 'county'`)).rows.map((r) => r.adcode);
      for (const c of cs) for (const k of ['land', 'factory', 'office']) for (const s of ['available', 'reserved', 'occupied']) {
        await pool.query(`SELECT count(*), sum(area_m2), sum(floor_area_m2) FROM carriers WHERE county_adcode = $1 AND kind = $2 AND status = $3`, [c, k, s]);
      }
      return performance.now() - t;
    };
    // The carrier whose status the edits toggle (available <-> reserved; an even number of toggles).
    const toggled = (await pool.query(`SELECT id FROM carriers WHERE status IN ('available', 'reserved') ORDER BY id LIMIT 1`)).rows[0].id;
    let toggles = 0;
    const edit = async () => {
      toggles++;
      const t = performance.now();
      await pool.query(`UPDATE carriers SET status = CASE status WHEN 'available' THEN 'reserved' ELSE 'available' END WHERE id = $1`, [toggled]);
      return performance.now() - t;
    };
    const uncached: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
    const cached: Record<string, number[]> = Object.fromEntries(ENDPOINTS.map((e) => [e, []]));
    const edits: number[] = [];
    const summary: number[] = [];
    const naiveMs: number[] = [];
    let loadStart = '';
    for (let round = 0; round < 7; round++) {
      if (round === 2) loadStart = fs.readFileSync('/proc/loadavg', 'utf8').trim();
      for (const e of ENDPOINTS) for (const f of filters) {
        const ed = await edit();
        const u = await get(`/api/stats/${e}?${f}`);
        const c = await get(`/api/stats/${e}?${f}`);
        if (round >= 2) { uncached[e].push(u); cached[e].push(c); edits.push(ed); }
      }
      const s = await get('/api/stats/summary');
      const n = await naive();
      if (round >= 2) { summary.push(s); naiveMs.push(n); }
    }
    if (toggles % 2) await edit();
    const rows = ENDPOINTS.map((e) => ({
      endpoint: e, uncached_p50: round1(pct(uncached[e], 50)), uncached_p95: round1(pct(uncached[e], 95)),
      cached_p50: round1(pct(cached[e], 50)), cached_p95: round1(pct(cached[e], 95)),
    }));
    console.table(rows);
    const worst = (k: 'uncached_p95' | 'cached_p95') => rows.reduce((a, b) => (b[k] > a[k] ? b : a));
    const allU = Object.values(uncached).flat();
    const allC = Object.values(cached).flat();
    const load = fs.readFileSync('/proc/loadavg', 'utf8').trim();
    const result = {
      parcels: BENCH_PARCELS,
      uncached_p50_ms: round1(pct(allU, 50)), uncached_p95_ms: round1(pct(allU, 95)), uncached_worst: `${worst('uncached_p95').endpoint}:${worst('uncached_p95').uncached_p95}`,
      cached_p50_ms: round1(pct(allC, 50)), cached_p95_ms: round1(pct(allC, 95)), cached_worst: `${worst('cached_p95').endpoint}:${worst('cached_p95').cached_p95}`,
      edit_p50_ms: round1(pct(edits, 50)), edit_p95_ms: round1(pct(edits, 95)),
      summary_p95_ms: round1(pct(summary, 95)), naive_p95_ms: round1(pct(naiveMs, 95)), endpoints: rows, at: new Date().toISOString(),
      load, load_start: loadStart,
    };
    fs.mkdirSync(path.join(ROOT_DIR, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(path.join(ROOT_DIR, 'bench', 'results', 'stats.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(`machine load: start of measured rounds ${loadStart}, end ${load}`);
    for (const r of rows) console.log(`ENDPOINT ${r.endpoint} uncached_p50_ms=${r.uncached_p50} uncached_p95_ms=${r.uncached_p95} cached_p50_ms=${r.cached_p50} cached_p95_ms=${r.cached_p95}`);
    console.log(`RESULT stats uncached_p50_ms=${result.uncached_p50_ms} uncached_p95_ms=${result.uncached_p95_ms} uncached_worst=${result.uncached_worst}`
      + ` cached_p50_ms=${result.cached_p50_ms} cached_p95_ms=${result.cached_p95_ms} cached_worst=${result.cached_worst}`
      + ` edit_p50_ms=${result.edit_p50_ms} edit_p95_ms=${result.edit_p95_ms} summary_p95_ms=${result.summary_p95_ms} naive_p95_ms=${result.naive_p95_ms}`
      + ` load=${load.split(' ')[0]} load_start=${loadStart.split(' ')[0]}`);
  } finally {
    await pool.end();
    server.child.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
