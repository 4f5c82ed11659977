/**
 * bench:select — latency of POST /api/site-selection over HTTP with the shared generated data, and
 * in the same run, brief by brief, two in-process references on their own connections (so they
 * pay no HTTP): the SQL ranking alone (the server's SelectionService without candidate table and
 * cache: what a request costs while the table is read again after a change) and the query path
 * before ranking moved into SQL (bench/select-reference/reference.ts).
 *
 * - Default: a real PostGIS (DATABASE_URL), 200,000 parcels and 20,000 amenities (schema
 *   `bench_select`; drop it to reload). Waits until the server's worker has stored every
 *   carrier's nearest amenities.
 * - `--embedded`: the embedded default (PGlite + PostGIS, no DATABASE_URL) at about ten times the
 *   demo's size: the first 26,000 parcels and 2,000 amenities of the same generator, spread over
 *   the same 40 clusters (data directory /tmp/bench-select-embedded; delete it to reload). Waits
 *   for the server's worker too (after a fresh load ≈ 26,000 × 16 probes at ~1 ms: minutes).
 *
 * The parcels' raw survey fields are mapped like bench:tiles maps them (DKBH code, DKMC name, YDXZ
 * land use, JG price in 万元/亩, ZT status) plus RJL → plot-ratio range; power, water, gas, allowed
 * industries and 标准地 thresholds are derived deterministically from the id and the area. The
 * server runs as a child process (as `npm start` would) so the client does not share its event
 * loop. 20 representative briefs (select-briefs.ts: attribute filters, 2–3 distance criteria,
 * maximum distances, a drawn area, a point and radius), 2 warm-up rounds and until the server
 * answers from its candidate table (at most 3 minutes), then 5 measured rounds
 * in which every brief goes to the server with `Cache-Control: no-cache` (no candidates cached for
 * earlier briefs: answered from the candidate table when it is current, else in SQL; the answering
 * path is counted), then to the two references. Every answer of the first measured round must
 * equal the old path's (ranking, scores, explanations, GeoJSON), the server's and the SQL
 * ranking's alike. Then the cache: each brief asked again (which fills the cache: timed as the
 * fill), then 5 (3 embedded) variants that change only weights or the page, timed as cached, each
 * checked against the same variant asked fresh.
 *
 * Final line: RESULT select p50_ms=<n> p95_ms=<n> sql_p50_ms=<n> sql_p95_ms=<n> ref_p50_ms=<n>
 * ref_p95_ms=<n> cached_p50_ms=<n> cached_p95_ms=<n> same=<k>/20. Results: bench/results/select.json
 * (select-embedded.json). Goals: p95 ≤ 100 ms and p50 ≤ 40 ms on PostgreSQL, p95 ≤ 500 ms
 * embedded. Query plans of the same briefs: bench/select-explain.ts. Not part of CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { socketInfoPath } from '../core/db/embedded.ts';
import { migrate } from '../core/db/migrate.ts';
import { benchAmenities, benchParcels, BENCH_AMENITIES, BENCH_PARCELS } from './bench-data.ts';
import { briefs } from './select-briefs.ts';
import { startBenchServer } from './bench-server.ts';
import { ReferenceSelectionRepository, ReferenceSelectionService } from './select-reference/reference.ts';
import { SelectionRepository } from '../server/selection/selection.repository.ts';
import { SelectionService } from '../server/selection/selection.service.ts';
import { CANDIDATE_CACHE_DEFAULTS } from '../server/selection/selection.cache.ts';
import { CANDIDATE_TABLE_DEFAULTS } from '../server/selection/selection.table.ts';

const EMBEDDED = process.argv.includes('--embedded');
const SCHEMA = EMBEDDED ? 'app' : 'bench_select';
const PARCELS = EMBEDDED ? 26_000 : BENCH_PARCELS;
const AMENITIES = EMBEDDED ? 2_000 : BENCH_AMENITIES;
const EMBEDDED_DIR = '/tmp/bench-select-embedded';
/** Weight/page variants per brief in the cache phase. */
const VARIANTS = EMBEDDED ? 3 : 5;
const ADMIN_PASSWORD = 'bench-admin-pw';
const url = process.env.DATABASE_URL;
if (!url && !EMBEDDED) {
  console.error('bench:select needs a real PostGIS: DATABASE_URL=postgres://… npm run bench:select (or --embedded)');
  process.exit(2);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const INDUSTRIES = ['电子信息', '新材料', '智能制造', '生物医药', '现代物流', '食品加工'];

async function load(pool: pg.Pool) {
  const { rows } = await pool.query(`SELECT (SELECT count(*) FROM carriers) c, (SELECT count(*) FROM amenities) a`);
  if (Number(rows[0].c) === PARCELS && Number(rows[0].a) === AMENITIES) {
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
  for (const f of benchParcels(PARCELS)) {
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
  const am: unknown[] = [];
  for (const f of benchAmenities(AMENITIES)) am.push({ code: f.properties!.code, kind: f.properties!.kind, name: f.properties!.name, geom: f.geometry });
  await pool.query(
    `INSERT INTO amenities (code, kind, name, review_state, geom)
     SELECT r.code, r.kind, r.name, 'published', ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326)
     FROM jsonb_to_recordset($1::jsonb) AS r(code text, kind text, name text, geom jsonb)`, [JSON.stringify(am)]);
  await pool.query('TRUNCATE feature_changes');
  await pool.query('VACUUM ANALYZE carriers');
  await pool.query('VACUUM ANALYZE amenities');
  console.log(`loaded ${PARCELS} parcels and ${AMENITIES} amenities in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}


/**
 * Wait until the server's worker has stored every carrier's nearest amenities (migration 007), so
 * the briefs measure the stored path; after a fresh load that is 200k × 16 KNN probes.
 */
async function waitForNearest(dbUrl: string) {
  const pool = new pg.Pool({ connectionString: dbUrl, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
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

/** A variant of a brief that changes only weights (moving 5·(r+1) points) or, with one criterion, the page. */
function variant(brief: Record<string, unknown>, r: number): Record<string, unknown> {
  const weights = { ...(brief.weights as Record<string, number>) };
  const names = Object.keys(weights).sort((a, b) => weights[b] - weights[a] || a.localeCompare(b));
  if (names.length < 2) return { ...brief, offset: 50 * (r + 1) };
  const move = Math.min(5 * (r + 1), weights[names[0]]);
  weights[names[0]] -= move;
  weights[names[names.length - 1]] += move;
  return { ...brief, weights };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

async function main() {
  let dbUrl = url!;
  let serverEnv: Record<string, string>;
  let server: Awaited<ReturnType<typeof startBenchServer>>;
  if (EMBEDDED) {
    fs.mkdirSync(EMBEDDED_DIR, { recursive: true });
    serverEnv = { DATABASE_URL: '', DATA_DIR: EMBEDDED_DIR, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1',
      ADMIN_PASSWORD, TILE_CACHE_MB: '0', DB_STATEMENT_TIMEOUT_MS: '600000' };
    server = await startBenchServer(serverEnv);
    dbUrl = JSON.parse(fs.readFileSync(socketInfoPath(EMBEDDED_DIR), 'utf8')).url;
    const pool = new pg.Pool({ connectionString: dbUrl, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
    await load(pool);
    await pool.end();
    await waitForNearest(dbUrl);
  } else {
    const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DB_STATEMENT_TIMEOUT_MS: '600000' });
    const db = await openDatabase(config);
    await migrate(db.pool);
    await load(db.pool);
    await db.close();
    serverEnv = { DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD, DATABASE_URL: url!,
      DATA_DIR: '/tmp/bench-select-data', TILE_CACHE_MB: '0' };
    server = await startBenchServer(serverEnv);
    await waitForNearest(url!);
  }
  // The reference runs in this process on its own connection, like the server's pool would.
  const refPool = new pg.Pool({ connectionString: dbUrl, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
  const reference = new ReferenceSelectionService(new ReferenceSelectionRepository(refPool));
  // The SQL ranking alone (no candidate table, no cache), in-process like the reference: what a
  // request costs while the table is being read again after a change.
  const sqlPool = new pg.Pool({ connectionString: dbUrl, max: 1, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
  const sqlOnly = new SelectionService(new SelectionRepository(sqlPool), { ...CANDIDATE_CACHE_DEFAULTS, ttlMs: 0 }, { ...CANDIDATE_TABLE_DEFAULTS, maxCarriers: 0 });

  const latencies: number[] = [];
  const refLatencies: number[] = [];
  const sqlLatencies: number[] = [];
  const sources: Record<string, number> = {};
  const cachedLatencies: number[] = [];
  const fillLatencies: number[] = [];
  const perBrief: { brief: number; matched: number; p50_ms: number; max_ms: number; sql_p50_ms: number; ref_p50_ms: number; cached_p50_ms: number; same: boolean }[] = [];
  let same = 0;
  let cachedSame = 0;
  let cachedChecked = 0;
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const run = async (brief: unknown, fresh = true) => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/site-selection`, {
        method: 'POST', headers: { 'content-type': 'application/json', cookie, ...(fresh ? { 'cache-control': 'no-cache' } : {}) }, body: JSON.stringify(brief),
      });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`brief failed: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, matched: body.numberMatched as number, body, source: res.headers.get('x-selection-source') };
    };
    const runReference = async (brief: unknown) => {
      const t = performance.now();
      const text = JSON.stringify(await reference.select(brief));
      return { ms: performance.now() - t, body: JSON.parse(text) };
    };
    const runSql = async (brief: unknown) => {
      const t = performance.now();
      const text = JSON.stringify(await sqlOnly.select(brief));
      return { ms: performance.now() - t, body: JSON.parse(text) };
    };
    const all = briefs();
    for (let round = 0; round < 2; round++) for (const b of all) { await run(b); await runReference(b); await runSql(b); }
    // Steady state: the server reads its candidate table once, in the background, after its first
    // brief (~30 s for 200,000 carriers on a loaded machine); measure once it answers from it.
    for (let waited = 0; waited < 180 && (await run(all[0])).source !== 'table'; waited++) await new Promise((r) => setTimeout(r, 1000));
    const samples: number[][] = all.map(() => []);
    const refSamples: number[][] = all.map(() => []);
    const sqlSamples: number[][] = all.map(() => []);
    const cachedSamples: number[][] = all.map(() => []);
    const matched: number[] = all.map(() => 0);
    const equal: boolean[] = all.map(() => false);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < all.length; i++) {
        const r = await run(all[i]);
        const ref = await runReference(all[i]);
        const sql = await runSql(all[i]);
        sources[r.source ?? '?'] = (sources[r.source ?? '?'] ?? 0) + 1;
        samples[i].push(r.ms);
        sqlSamples[i].push(sql.ms);
        sqlLatencies.push(sql.ms);
        refSamples[i].push(ref.ms);
        matched[i] = r.matched;
        latencies.push(r.ms);
        refLatencies.push(ref.ms);
        if (round === 0) {
          equal[i] = isDeepStrictEqual(r.body, ref.body) && isDeepStrictEqual(sql.body, ref.body);
          if (equal[i]) same++;
          else console.log(`brief ${i + 1}: answer differs from the reference:\n new ${JSON.stringify(r.body).slice(0, 600)}\n sql ${JSON.stringify(sql.body).slice(0, 600)}\n ref ${JSON.stringify(ref.body).slice(0, 600)}`);
        }
      }
    }
    // Weights or page changed on constraints just asked: the candidate cache.
    for (let i = 0; i < all.length; i++) {
      // Asked (fresh) above, so this second ask fills the cache; the variants are ranked from it.
      fillLatencies.push((await run(all[i], false)).ms);
      for (let r = 0; r < VARIANTS; r++) {
        const v = variant(all[i], r);
        const cached = await run(v, false);
        if (cached.source !== 'cache') throw new Error(`brief ${i + 1} variant ${r} was answered by ${cached.source}, not the cache`);
        cachedLatencies.push(cached.ms);
        cachedSamples[i].push(cached.ms);
        const fresh = await run(v);
        cachedChecked++;
        if (isDeepStrictEqual(cached.body, fresh.body)) cachedSame++;
        else console.log(`brief ${i + 1} variant ${r}: cached answer differs from the fresh one`);
      }
    }
    all.forEach((_, i) => {
      perBrief.push({
        brief: i + 1, matched: matched[i], p50_ms: round1(pct(samples[i], 50)), max_ms: round1(Math.max(...samples[i])),
        sql_p50_ms: round1(pct(sqlSamples[i], 50)), ref_p50_ms: round1(pct(refSamples[i], 50)), cached_p50_ms: round1(pct(cachedSamples[i], 50)), same: equal[i],
      });
      console.log(`brief ${String(i + 1).padStart(2)}: ${String(matched[i]).padStart(6)} matches, p50 ${pct(samples[i], 50).toFixed(1)} ms`
        + ` (SQL ranking ${pct(sqlSamples[i], 50).toFixed(1)} ms, reference ${pct(refSamples[i], 50).toFixed(1)} ms, cached ${pct(cachedSamples[i], 50).toFixed(1)} ms)${equal[i] ? '' : ' ANSWER DIFFERS'}`);
    });
  } finally {
    server.child.kill('SIGTERM');
    await refPool.end();
    await sqlPool.end();
  }

  const out = {
    at: new Date().toISOString(), engine: EMBEDDED ? 'embedded' : 'postgres', parcels: PARCELS, amenities: AMENITIES,
    briefs: perBrief.length, samples: latencies.length,
    p50_ms: round1(pct(latencies, 50)), p95_ms: round1(pct(latencies, 95)), sources,
    sql_p50_ms: round1(pct(sqlLatencies, 50)), sql_p95_ms: round1(pct(sqlLatencies, 95)),
    ref_p50_ms: round1(pct(refLatencies, 50)), ref_p95_ms: round1(pct(refLatencies, 95)),
    cached_p50_ms: round1(pct(cachedLatencies, 50)), cached_p95_ms: round1(pct(cachedLatencies, 95)),
    cache_fill_p50_ms: round1(pct(fillLatencies, 50)),
    same_answers: same, cached_same: `${cachedSame}/${cachedChecked}`,
    load_average: (await import('node:os')).loadavg().map(round1), per_brief: perBrief,
  };
  fs.mkdirSync(path.join(ROOT_DIR, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT_DIR, 'bench', 'results', EMBEDDED ? 'select-embedded.json' : 'select.json'), JSON.stringify(out, null, 2));
  console.log(`cache: fill p50 ${out.cache_fill_p50_ms} ms; cached answers equal to fresh ones: ${out.cached_same}; load average ${out.load_average.join(' ')}`);
  console.log(`answered by: ${Object.entries(sources).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`RESULT select${EMBEDDED ? '_embedded' : ''} p50_ms=${out.p50_ms} p95_ms=${out.p95_ms} sql_p50_ms=${out.sql_p50_ms} sql_p95_ms=${out.sql_p95_ms} ref_p50_ms=${out.ref_p50_ms} ref_p95_ms=${out.ref_p95_ms}`
    + ` cached_p50_ms=${out.cached_p50_ms} cached_p95_ms=${out.cached_p95_ms} same=${same}/${perBrief.length}`);
  if (same !== perBrief.length || cachedSame !== cachedChecked) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
