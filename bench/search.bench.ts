/**
 * bench:search — latency of the public site finder (`GET /api/search`) over HTTP at 200,000
 * parcels on a real PostgreSQL (DATABASE_URL; schema `bench_search`, drop it to reload), against a
 * reference in the same run: the same service in-process with the search index left out, i.e. the
 * stored search documents scanned with LIKE (what a naive ILIKE search over names does, plus pinyin).
 *
 * Data: the 7 Dazhou counties (server/demo/dazhou-counties.geojson), 40 parks around the shared
 * generator's 40 cluster centres (Chinese names, short names, aliases, English names), and the
 * shared generator's 200,000 parcels as carriers of those parks: 60 % land (万元/亩), 25 % standard
 * factories and 15 % offices (half for sale in 元/m², half for rent in 元/m²·月), with names like
 * 高新区A-12号地块 / 高新区标准厂房12号楼, codes, English names for a third, statuses and industries.
 * The finder's narrow table `carrier_search` (documents, keys) is written by the statement triggers of
 * migration 013 during the load (timed). A schema loaded before 013 changed must be dropped to reload.
 *
 * The server answers from the in-memory candidate table (server/search/search.table.ts) once it is
 * loaded — the first request starts the load and SQL answers meanwhile; the bench waits until the
 * answers say `X-Search-Source: table` (the time is reported), as on a server that has been up a
 * while. The reference is SQL (the `find` statement without its index), so `same` compares the
 * table's answers with the statement's. Each query's source is in the per-query results.
 *
 * 28 queries (Chinese, pinyin initials, full pinyin, English, codes, filters, their mixes); 2
 * warm-up rounds, then 5 measured rounds, each query to the server (HTTP, JSON) and to the
 * reference. The first measured round checks every answer's total and page against the
 * reference's. Final line:
 *   RESULT search p50_ms=<n> p95_ms=<n> ref_p50_ms=<n> ref_p95_ms=<n> same=<k>/28 load_s=<n> loadavg=<1,5,15 min>
 * Goal: p95 ≤ 50 ms. Results: bench/results/search.json. Not part of CI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, ROOT_DIR } from '../core/config.ts';
import { openDatabase } from '../core/db/database.ts';
import { migrate } from '../core/db/migrate.ts';
import { SearchRepository, type CarrierFilter, type Sort } from '../server/search/search.repository.ts';
import { SearchService, type SearchQuery } from '../server/search/search.service.ts';
import { benchCentres, benchParcels, BENCH_PARCELS } from './bench-data.ts';
import { startBenchServer } from './bench-server.ts';

const SCHEMA = 'bench_search';
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('bench:search needs a real PostgreSQL + PostGIS: DATABASE_URL=postgres://… npm run bench:search');
  process.exit(2);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round1 = (x: number) => Math.round(x * 10) / 10;

const INDUSTRIES = ['电子信息', '新材料', '智能制造', '生物医药', '现代物流', '食品加工'];
/** Park name patterns: [zh suffix, short suffix, en suffix, short en]. */
const PARK_KINDS: [string, string, string, string][] = [
  ['高新技术产业开发区', '高新区', 'Hi-tech Industrial Development Zone', 'Hi-tech Zone'],
  ['经济开发区', '经开区', 'Economic Development Zone', 'EDZ'],
  ['工业园区', '工业园', 'Industrial Park', 'Industrial Park'],
  ['物流园区', '物流园', 'Logistics Park', 'Logistics Park'],
  ['科技创新园', '科创园', 'Science and Innovation Park', 'Innovation Park'],
];

async function load(pool: pg.Pool): Promise<number | null> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM carriers`);
  if (rows[0].n === BENCH_PARCELS) {
    console.log('bench data already loaded');
    return null;
  }
  await pool.query('TRUNCATE carriers, parks, admin_areas CASCADE');
  const counties = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'server/demo/dazhou-counties.geojson'), 'utf8'));
  await pool.query(
    `INSERT INTO admin_areas (adcode, name_zh, name_en, level, source, geom)
     SELECT f->'properties'->>'adcode', f->'properties'->>'name_zh', f->'properties'->>'name_en', 'county', 'bench',
            ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4326)), 3))
     FROM jsonb_array_elements($1::jsonb->'features') f`, [JSON.stringify(counties)]);
  // 40 parks: a 2.5 km disc around each centre, in the county nearest to it.
  const parks = benchCentres().map(([lon, lat], i) => ({ i, lon, lat, kind: PARK_KINDS[i % PARK_KINDS.length], n: Math.floor(i / PARK_KINDS.length) + 1 }));
  await pool.query(
    `INSERT INTO parks (code, name_zh, name_en, short_name_zh, short_name_en, aliases, county_adcode, park_level, leading_industries, review_state, geom)
     SELECT 'BP' || lpad(r.i::text, 2, '0'),
            a.name_zh || CASE WHEN r.n > 1 THEN '第' || r.n || '' ELSE '' END || r.zh,
            a.name_en || CASE WHEN r.n > 1 THEN ' No. ' || r.n ELSE '' END || ' ' || r.en,
            regexp_replace(a.name_zh, '[县区市]$', '') || r.short, regexp_replace(a.name_en, ' (County|District|City)$', '') || ' ' || r.short_en,
            ARRAY[a.name_zh || r.short], a.adcode, 'provincial', ARRAY['电子信息', '智能制造'], CASE WHEN r.i % 10 = 9 THEN 'draft' ELSE 'published' END,
            ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography, 2500)::geometry)
     FROM jsonb_to_recordset($1::jsonb) AS r(i int, lon float8, lat float8, n int, zh text, short text, en text, short_en text)
     CROSS JOIN LATERAL (SELECT * FROM admin_areas a ORDER BY a.geom <-> ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) LIMIT 1) a`,
    [JSON.stringify(parks.map((p) => ({ i: p.i, lon: p.lon, lat: p.lat, n: p.n, zh: p.kind[0], short: p.kind[1], en: p.kind[2], short_en: p.kind[3] })))]);
  const parkRows = (await pool.query(`SELECT id, code, short_name_zh, short_name_en, county_adcode FROM parks ORDER BY code`)).rows;
  const t0 = performance.now();
  let batch: unknown[] = [];
  const statusOf: Record<string, string> = { 可招商: 'available', 洽谈中: 'reserved', 已入驻: 'occupied' };
  const flush = async () => {
    await pool.query(
      `INSERT INTO carriers (code, kind, name, name_en, park_id, county_adcode, status, review_state, allowed_industries, price, price_unit, floor_area_m2, floors, geom)
       SELECT r.code, r.kind, r.name, r.name_en, r.park_id, r.county, r.status, r.state, r.industries, r.price, r.price_unit, r.floor_area, r.floors,
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326))
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, kind text, name text, name_en text, park_id bigint, county text, status text, state text,
            industries text[], price numeric, price_unit text, floor_area float8, floors int, geom jsonb)`,
      [JSON.stringify(batch)]);
    batch = [];
  };
  let i = 0;
  for (const f of benchParcels(BENCH_PARCELS)) {
    const p = f.properties!;
    const park = parkRows[i % parkRows.length];
    const roll = (i * 7919) % 100;
    const kind = roll < 60 ? 'land' : roll < 85 ? 'factory' : 'office';
    const n = Math.floor(i / parkRows.length) + 1;
    const sale = i % 2 === 0;
    const letter = 'ABCDEFGH'[i % 8];
    const name = kind === 'land' ? `${park.short_name_zh}${letter}-${n}号地块` : kind === 'factory' ? `${park.short_name_zh}标准厂房${n}号楼` : `${park.short_name_zh}商务大厦${n}座`;
    const nameEn = i % 3 !== 0 ? null : kind === 'land' ? `${park.short_name_en} Plot ${letter}-${n}` : kind === 'factory' ? `${park.short_name_en} Standard Factory ${n}` : `${park.short_name_en} Business Tower ${n}`;
    batch.push({
      code: p.DKBH.replace('BENCH', park.code), kind, name, name_en: nameEn, park_id: park.id, county: park.county_adcode,
      status: statusOf[p.ZT], state: i % 20 === 0 ? 'draft' : 'published',
      industries: [INDUSTRIES[i % 6], INDUSTRIES[(i * 7 + 3) % 6]].filter((v, k, a) => a.indexOf(v) === k),
      price: kind === 'land' ? p.JG : sale ? 2500 + (i % 40) * 50 : 8 + (i % 30), price_unit: kind === 'land' ? '万元/亩' : sale ? '元/m²' : '元/m²·月',
      floor_area: kind === 'land' ? null : 800 + (i % 50) * 120, floors: kind === 'land' ? null : 1 + (i % 12), geom: f.geometry,
    });
    i++;
    if (batch.length === 5000) await flush();
  }
  if (batch.length) await flush();
  const loadS = (performance.now() - t0) / 1000;
  await pool.query('TRUNCATE feature_changes, carrier_nearest_todo');
  await pool.query('VACUUM ANALYZE carriers');
  await pool.query('VACUUM ANALYZE parks');
  await pool.query('VACUUM ANALYZE admin_areas');
  console.log(`loaded ${BENCH_PARCELS} carriers (carrier_search rows by the statement triggers) in ${loadS.toFixed(1)} s`);
  return loadS;
}

/** 28 representative finder queries (query strings of /api/search). */
function queries(): string[] {
  const e = encodeURIComponent;
  return [
    `q=${e('高新区')}`, `q=${e('渠县')}`, `q=${e('厂房')}`, `q=${e('渠县 厂房')}`, `q=${e('大竹经开区')}`, `q=${e('标准厂房12号')}`,
    `q=${e('达川')}&type=office`, `q=gxq`, `q=qx`, `q=bzcf`, `q=dzjkq`, `q=gaoxinqu`, `q=quxian`, `q=changfang&type=factory`,
    `q=${e('hi-tech')}`, `q=${e('Qu County')}`, `q=${e('standard factory')}`, `q=${e('logistics park')}`, `q=BP07-000123`,
    `type=factory&county=511725`, `type=land&areaMin=20&areaMax=50&areaUnit=mu`, `priceUnit=${e('元/m²·月')}&priceMax=12&sort=price`,
    `industry=${e('生物医药')}&type=land&sort=-area`, `q=gxq&type=land&areaMin=10&areaUnit=mu&priceUnit=${e('万元/亩')}&priceMax=30`,
    `q=${e('工业园')}&status=available,reserved`, `q=kcy&offset=100`, `q=${e('物流')}&industry=${e('现代物流')}`, `status=occupied&type=office&areaMin=2000`,
  ];
}

/** The reference: the same service, the index left out (documents scanned with LIKE). */
class ScanRepository extends SearchRepository {
  private static strip(f: CarrierFilter): CarrierFilter {
    return { ...f, words: f.words.map((w) => ({ ...w, grams: [] })) };
  }
  override find(f: CarrierFilter, sort: Sort, limit: number, offset: number) {
    return super.find(ScanRepository.strip(f), sort, limit, offset);
  }
}

/** Parse a query string as the route would (enough for the bench's queries). */
function parse(qs: string): SearchQuery {
  const p = new URLSearchParams(qs);
  const list = (k: string) => (p.get(k) ? p.get(k)!.split(',') : undefined);
  const num = (k: string) => (p.get(k) === null ? undefined : Number(p.get(k)));
  return {
    q: p.get('q') ?? undefined, type: list('type'), status: list('status'), county: list('county'), park: list('park')?.map(Number),
    areaMin: num('areaMin'), areaMax: num('areaMax'), areaUnit: (p.get('areaUnit') as 'mu' | 'm2') ?? 'm2',
    priceUnit: p.get('priceUnit') ?? undefined, priceMin: num('priceMin'), priceMax: num('priceMax'), industry: list('industry'),
    sort: (p.get('sort') as Sort) ?? 'relevance', limit: num('limit') ?? 20, offset: num('offset') ?? 0,
  };
}

async function main() {
  const config = loadConfig({ ...process.env, DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', DB_STATEMENT_TIMEOUT_MS: '600000' });
  const db = await openDatabase(config);
  await migrate(db.pool);
  const loadS = await load(db.pool);
  // Statistics and visibility map of the finder's table, as autovacuum keeps them on a server (the
  // bench server may run with autovacuum off; without statistics the planner guesses row counts).
  await db.pool.query('VACUUM ANALYZE carrier_search');
  await db.close();
  const server = await startBenchServer({ DB_SCHEMA: SCHEMA, SEED_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', ADMIN_PASSWORD: 'bench-admin-pw',
    DATABASE_URL: url!, DATA_DIR: '/tmp/bench-search-data', TILE_CACHE_MB: '0' });
  const refPool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${SCHEMA},public` } as pg.PoolConfig);
  const reference = new SearchService(new ScanRepository(refPool));
  const latencies: number[] = [];
  const refLatencies: number[] = [];
  const perQuery: { query: string; matched: number; p50_ms: number; max_ms: number; ref_p50_ms: number; same: boolean; source: string }[] = [];
  let tableReadyS = 0;
  let same = 0;
  try {
    const all = queries();
    const run = async (qs: string) => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/search?${qs}`);
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${qs}: ${res.status} ${JSON.stringify(body)}`);
      return { ms: performance.now() - t, body, source: res.headers.get('X-Search-Source') };
    };
    // The first request starts loading the in-memory candidate table (SQL answers meanwhile):
    // wait until it answers, as it would on a server that has been up for a while.
    const t0 = performance.now();
    while ((await run(all[0])).source !== 'table' && performance.now() - t0 < 180_000) await new Promise((r) => setTimeout(r, 500));
    tableReadyS = (performance.now() - t0) / 1000;
    console.log(`in-memory table answering after ${tableReadyS.toFixed(1)} s`);
    const runRef = async (qs: string) => {
      const t = performance.now();
      const body = JSON.parse(JSON.stringify(await reference.search(parse(qs))));
      return { ms: performance.now() - t, body };
    };
    for (let round = 0; round < 2; round++) for (const qs of all) { await run(qs); await runRef(qs); }
    const samples: number[][] = all.map(() => []);
    const refSamples: number[][] = all.map(() => []);
    const matched: number[] = all.map(() => 0);
    const equal: boolean[] = all.map(() => false);
    const sources: string[][] = all.map(() => []);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < all.length; i++) {
        const r = await run(all[i]);
        const ref = await runRef(all[i]);
        samples[i].push(r.ms);
        refSamples[i].push(ref.ms);
        latencies.push(r.ms);
        refLatencies.push(ref.ms);
        matched[i] = r.body.numberMatched;
        sources[i].push(r.source ?? '?');
        if (round === 0) {
          const key = (b: any) => JSON.stringify({ n: b.numberMatched, ids: b.items.map((x: any) => x.id), facets: b.facets, places: b.places.map((p: any) => p.id) });
          equal[i] = key(r.body) === key(ref.body);
          if (equal[i]) same++;
          else console.log(`query ${i + 1} (${all[i]}) differs from the reference:\n new ${key(r.body).slice(0, 300)}\n ref ${key(ref.body).slice(0, 300)}`);
        }
      }
    }
    all.forEach((qs, i) => perQuery.push({ query: decodeURIComponent(qs), matched: matched[i], p50_ms: round1(pct(samples[i], 50)), max_ms: round1(Math.max(...samples[i])), ref_p50_ms: round1(pct(refSamples[i], 50)), same: equal[i],
      source: [...new Set(sources[i])].join('+') }));
    console.table(perQuery);
  } finally {
    await refPool.end();
    server.child.kill();
  }
  const result = {
    parcels: BENCH_PARCELS, queries: perQuery.length, rounds: 5, load_s: loadS === null ? null : round1(loadS),
    p50_ms: round1(pct(latencies, 50)), p95_ms: round1(pct(latencies, 95)), ref_p50_ms: round1(pct(refLatencies, 50)), ref_p95_ms: round1(pct(refLatencies, 95)),
    same, table_ready_s: round1(tableReadyS), loadavg: os.loadavg().map(round1), perQuery, at: new Date().toISOString(),
  };
  fs.mkdirSync(path.join(ROOT_DIR, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT_DIR, 'bench/results/search.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`RESULT search p50_ms=${result.p50_ms} p95_ms=${result.p95_ms} ref_p50_ms=${result.ref_p50_ms} ref_p95_ms=${result.ref_p95_ms} same=${same}/${perQuery.length} load_s=${result.load_s ?? 'reused'} loadavg=${result.loadavg.join(',')}`);
}

await main();
