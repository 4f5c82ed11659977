/**
 * /api/stats dashboard figures against independent brute-force computations (test/stats-brute.ts)
 * on the demo data plus a little history, photos and enquiries written here: every figure for the
 * public and for staff, with filters; the public never counts a draft; bad parameters are 400s
 * naming the parameter; enquiry figures need a session.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, testPool, userWithRole } from './helpers.ts';
import {
  applyFilters, carriersVia, freshnessBrute, groupSum, inventoryBrute, percentile, stdClass, type Carrier, type Filters,
} from './stats-brute.ts';
import { seedStatsHistory, STATS_PERIOD } from './stats-seed.ts';

let pool: pg.Pool;
let staff: string;
let officer: string;
let publicCarriers: Carrier[];
let staffCarriers: Carrier[];

const get = async (path: string, cookie?: string) => {
  const res = await api(path, { cookie });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const qs = (f: Filters & { from?: string; to?: string }) => new URLSearchParams(
  Object.entries(f).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)])).toString();
const close = (a: number, b: number, n = 1) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(0.01 * n + 1e-6);

beforeAll(async () => {
  pool = testPool();
  await seedStatsHistory(pool);
  staff = await userWithRole('staff');
  officer = await userWithRole('officer');
  publicCarriers = await carriersVia();
  staffCarriers = await carriersVia(staff);
});
afterAll(async () => {
  await pool.end();
});

const FILTERS: Filters[] = [{}, { county: ['511725'], type: ['land'] }, { status: ['available', 'reserved'], type: ['factory', 'office'] }];

describe('status, available, land and prices', () => {
  for (const who of ['public', 'staff'] as const) {
    for (const f of FILTERS) {
      it(`${who} ${JSON.stringify(f)}: equal the features API aggregated in JS`, async () => {
        const cookie = who === 'staff' ? staff : undefined;
        const cs = applyFilters(who === 'staff' ? staffCarriers : publicCarriers, f);
        const q = qs(f);
        const status = await get(`/api/stats/status?${q}`, cookie);
        const key = (c: Carrier) => `${c.county}|${c.kind}|${c.status}`;
        const n = groupSum(cs, key, () => 1);
        const area = groupSum(cs, key, (c) => c.area);
        expect(new Set(status.rows.map((r: any) => `${r.county}|${r.type}|${r.status}`))).toEqual(new Set(n.keys()));
        for (const r of status.rows) {
          const k = `${r.county}|${r.type}|${r.status}`;
          expect(r.count).toBe(n.get(k));
          close(r.areaM2, area.get(k)!, r.count);
        }

        const av = await get(`/api/stats/available?${q}`, cookie);
        const avail = cs.filter((c) => c.status === 'available');
        const byCounty = groupSum(avail, (c) => c.county, (c) => c.area);
        expect(av.byCounty.length).toBe(byCounty.size);
        for (const r of av.byCounty) close(r.areaM2, byCounty.get(r.county)!, r.count);
        const byPark = groupSum(avail.filter((c) => c.park !== null), (c) => String(c.park), (c) => c.area);
        for (const r of av.byPark) close(r.areaM2, byPark.get(String(r.park)) ?? 0, r.count);

        const land = await get(`/api/stats/land?${q}`, cookie);
        const lands = cs.filter((c) => c.kind === 'land');
        const lk = (c: Carrier) => `${c.landUse}|${stdClass(c.intensity)}`;
        const ln = groupSum(lands, lk, () => 1);
        expect(land.rows.reduce((a: number, r: any) => a + r.count, 0)).toBe(lands.length);
        for (const r of land.rows) expect(r.count).toBe(ln.get(`${r.landUse}|${r.standardClass}`));

        const prices = await get(`/api/stats/prices?${q}`, cookie);
        const units = new Set(cs.filter((c) => c.price !== null).map((c) => c.unit));
        expect(prices.units.map((u: any) => u.unit).sort()).toEqual([...units].sort());
        for (const u of prices.units) {
          const ps = cs.filter((c) => c.unit === u.unit && c.price !== null).map((c) => Number(c.price)).sort((a, b) => a - b);
          expect(u.count).toBe(ps.length);
          close(u.median, percentile(ps, 0.5));
          close(u.p25, percentile(ps, 0.25));
          close(u.max, ps.at(-1)!);
          const bins = Array(10).fill(0);
          for (const p of ps) bins[ps[0] === ps.at(-1) ? 0 : Math.min(9, Math.floor(((p - ps[0]) / (ps.at(-1)! - ps[0])) * 10))] += 1;
          expect(u.bins.map((b: any) => b.count)).toEqual(bins);
        }
      });
    }
  }

  it('the public never counts a draft or verified carrier; staff and officers do', async () => {
    const { rows } = await pool.query(`SELECT count(*) FILTER (WHERE review_state = 'published')::int AS pub, count(*)::int AS all FROM carriers`);
    expect(rows[0].pub).toBeLessThan(rows[0].all);
    const total = (b: any) => b.rows.reduce((a: number, r: any) => a + r.count, 0);
    expect(total(await get('/api/stats/status'))).toBe(rows[0].pub);
    expect(total(await get('/api/stats/status', staff))).toBe(rows[0].all);
    expect(total(await get('/api/stats/status', officer))).toBe(rows[0].all);
    expect(total(await get('/api/stats/status?published=true', staff))).toBe(rows[0].pub);
    const parks = await get('/api/stats/parks');
    const { rows: draftParks } = await pool.query(`SELECT id::int FROM parks WHERE review_state <> 'published'`);
    expect(draftParks.length).toBeGreaterThan(0);
    for (const p of draftParks) expect(parks.parks.some((x: any) => x.id === p.id)).toBe(false);
  });
});

describe('time figures', () => {
  const cases: ['public' | 'staff', Filters][] = [['public', {}], ['staff', {}], ['public', { county: ['511725'], type: ['land'] }]];
  for (const [who, f] of cases) {
    it(`inventory (${who} ${JSON.stringify(f)}) equals the history replayed backwards`, async () => {
      const inv = await get(`/api/stats/inventory?${qs({ ...f, ...STATS_PERIOD })}`, who === 'staff' ? staff : undefined);
      const brute = await inventoryBrute(pool, inv.months, who === 'staff', f);
      let changedMonths = 0;
      for (const s of inv.series) {
        for (const p of s.points) {
          const b = brute.get(`${p.month}|${s.type}`) ?? { count: 0, availableCount: 0, availableAreaM2: 0 };
          expect([p.month, s.type, p.count, p.availableCount]).toEqual([p.month, s.type, b.count, b.availableCount]);
          close(p.availableAreaM2, b.availableAreaM2, p.availableCount);
        }
        changedMonths += new Set(s.points.map((p: any) => p.availableCount)).size - 1;
      }
      expect(changedMonths).toBeGreaterThan(0);
      // 环比 / 同比 from the series itself where the history reaches back.
      const land = inv.series.find((s: any) => s.type === 'land');
      const last = land.points.at(-1);
      const prev = land.points.at(-2);
      // The oldest creation or history entry (the demo's generated past reaches back 24 months before seeding).
      const { rows: [oldest] } = await pool.query(`SELECT to_char(least((SELECT min(created_at) FROM carriers), (SELECT min(at) FROM feature_history WHERE layer IN ('land', 'factories', 'offices'))), 'YYYY-MM') AS m`);
      expect(inv.historyFrom).toBe(oldest.m);
      const pct = (cur: number, before: number) => (before ? Math.round(((cur - before) / before) * 1000) / 10 : null);
      expect(last.momCountPct).toBe(pct(last.availableCount, prev.availableCount));
      // 同比 of the first month: from the month a year before when the history reaches it, else none.
      const yearAgo = `${Number(land.points[0].month.slice(0, 4)) - 1}${land.points[0].month.slice(4)}`;
      const before = (await inventoryBrute(pool, [yearAgo], who === 'staff', f)).get(`${yearAgo}|land`)?.availableCount ?? 0;
      expect(land.points[0].yoyCountPct).toBe(yearAgo >= oldest.m ? pct(land.points[0].availableCount, before) : null);
      expect(last.yoyCountPct).not.toBeNull();
    });
  }

  it('parks side by side: counts equal the features API, sparklines equal the inventory of each park', async () => {
    const parks = await get(`/api/stats/parks?${qs(STATS_PERIOD)}`);
    const brute = await inventoryBrute(pool, parks.months, false, {});
    for (const p of parks.parks) {
      const mine = publicCarriers.filter((c) => c.park === p.id);
      expect([p.count, p.availableCount, p.occupiedCount]).toEqual([mine.length, mine.filter((c) => c.status === 'available').length, mine.filter((c) => c.status === 'occupied').length]);
      const per = await inventoryBrute(pool, parks.months.slice(-2), false, { park: [p.id] });
      const sumArea = (m: string) => ['land', 'factory', 'office'].reduce((a, k) => a + (per.get(`${m}|${k}`)?.availableAreaM2 ?? 0), 0);
      close(p.availableAreaByMonth.at(-1), sumArea(parks.months.at(-1)), 50);
      close(p.availableAreaByMonth.at(-2), sumArea(parks.months.at(-2)), 50);
    }
    expect(brute.size).toBeGreaterThan(0);
  });

  it('freshness equals photos, edits and status dates counted in JS', async () => {
    for (const [cookie, cs] of [[undefined, publicCarriers], [staff, staffCarriers]] as const) {
      const fr = await get(`/api/stats/freshness?${qs(STATS_PERIOD)}`, cookie);
      const brute = await freshnessBrute(pool, cs, STATS_PERIOD.to, cookie !== undefined);
      expect(fr.rows.length).toBe(brute.size);
      for (const r of fr.rows) expect([r.county, r.type, r.count, r.within6, r.within12]).toEqual([r.county, r.type, ...Object.values(brute.get(`${r.county}|${r.type}`)!)]);
      expect(fr.total.within12).toBeGreaterThan(0);
    }
  });

  it('enquiries by park and month with the funnel new → visit → signed, for signed-in users only', async () => {
    expect((await api(`/api/stats/enquiries?${qs(STATS_PERIOD)}`)).status).toBe(401);
    const en = await get(`/api/stats/enquiries?${qs(STATS_PERIOD)}`, officer);
    const { rows } = await pool.query(`
      SELECT e.park_id::int AS park, to_char(e.created_at, 'YYYY-MM') AS month, e.status,
             array(SELECT v.to_status FROM enquiry_events v WHERE v.enquiry_id = e.id AND v.to_status IS NOT NULL) AS went
      FROM enquiries e WHERE e.created_at >= $1::date AND e.created_at < $2::date + 1`, [STATS_PERIOD.from, STATS_PERIOD.to]);
    const reached = (r: any, s: string[]) => s.includes(r.status) || r.went.some((x: string) => s.includes(x));
    expect(en.funnel).toEqual({ new: rows.length, visit: rows.filter((r) => reached(r, ['site_visit', 'signed'])).length, signed: rows.filter((r) => reached(r, ['signed'])).length });
    expect(en.funnel.new).toBeGreaterThanOrEqual(4);
    expect(en.funnel.visit).toBeGreaterThan(en.funnel.signed);
    const n = groupSum(rows, (r) => `${r.park}|${r.month}`, () => 1);
    expect(en.rows.map((r: any) => [`${r.park}|${r.month}`, r.count])).toEqual([...n.entries()].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true })).map(([k, v]) => [k, v]).sort());
  });

  it('county map: outlines and figures equal the status figures per county', async () => {
    const map = await get(`/api/stats/counties?${qs({ type: ['land'] })}`);
    expect(map.features).toHaveLength(7);
    const lands = publicCarriers.filter((c) => c.kind === 'land' && c.status === 'available');
    const area = groupSum(lands, (c) => c.county, (c) => c.area);
    for (const f of map.features) {
      expect(f.geometry.type).toMatch(/Polygon/);
      close(f.properties.availableAreaM2, area.get(f.properties.adcode) ?? 0, 500);
    }
  });
});

describe('bad parameters', () => {
  it.each([
    ['county=abc', 'county'], ['type=house', 'type'], ['status=sold', 'status'], ['park=0', 'park'], ['from=2026-13-01', 'from'],
    ['from=2026-10-01&to=2026-09-01', 'from'], ['from=2020-01-01&to=2026-01-01', 'from'], ['colour=red', 'colour'], ['published=maybe', 'published'],
  ])('%s → 400 naming %s', async (q, param) => {
    const res = await api(`/api/stats/inventory?${q}`);
    const body = await res.json();
    expect(res.status).toBe(400);
    expect(body.error.message).toContain(param);
  });
});

/**
 * Freshness as the photos, the history and the status dates say, with every kind of photo
 * evidence (linked, footprint overlapping the outline, panorama within 150 m in EPSG:4545): the
 * carriers each photo shows come from plain spatial SELECTs over `photos` and `carriers`, days are
 * parsed and the last one up to `asOf` is picked here (freshnessBrute counts linked photos only).
 */
async function freshnessFromSources(cs: Carrier[], asOf: string, seesUnpublished: boolean) {
  const { rows: shown } = await pool.query(`
    SELECT c.id::int AS id, p.taken_at, p.review_state FROM photos p JOIN carriers c ON c.id = p.carrier_id
    UNION ALL
    SELECT c.id::int, p.taken_at, p.review_state FROM photos p JOIN carriers c ON p.footprint IS NOT NULL AND ST_Intersects(p.footprint, c.geom)
    UNION ALL
    SELECT c.id::int, p.taken_at, p.review_state FROM photos p
    JOIN carriers c ON p.is_panorama AND p.geom IS NOT NULL AND ST_DWithin(ST_Transform(p.geom, 4545), c.geom_m, 150)`);
  const edits = (await pool.query(`SELECT feature_id, at FROM feature_history WHERE applied AND action <> 'delete' AND layer IN ('land', 'factories', 'offices')`)).rows;
  const statusDates = (await pool.query(`SELECT id::int, status_date FROM carriers WHERE status_date IS NOT NULL`)).rows;
  const days = new Map<number, string[]>();
  const add = (id: number, d: string) => days.set(id, [...(days.get(id) ?? []), d]);
  for (const p of shown) {
    const m = /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(p.taken_at ?? '');
    if (m && (seesUnpublished || p.review_state === 'published')) add(p.id, `${m[1]}-${m[2]}-${m[3]}`);
  }
  for (const e of edits) if (/^\d+$/.test(e.feature_id)) add(Number(e.feature_id), new Date(e.at).toISOString().slice(0, 10));
  for (const s of statusDates) add(s.id, s.status_date);
  // date - interval 'n months' as PostgreSQL computes it (the day clamped to the month's last).
  const minus = (months: number) => {
    const [y, mo, d] = asOf.split('-').map(Number);
    const lastDay = new Date(Date.UTC(y, mo - 1 - months + 1, 0)).getUTCDate();
    return new Date(Date.UTC(y, mo - 1 - months, Math.min(d, lastDay))).toISOString().slice(0, 10);
  };
  const out = new Map<string, { count: number; within6: number; within12: number }>();
  for (const c of cs) {
    const last = (days.get(c.id) ?? []).filter((d) => d <= asOf).sort().at(-1);
    const v = out.get(`${c.county}|${c.kind}`) ?? { count: 0, within6: 0, within12: 0 };
    v.count += 1;
    if (last && last > minus(6)) v.within6 += 1;
    if (last && last > minus(12)) v.within12 += 1;
    out.set(`${c.county}|${c.kind}`, v);
  }
  return out;
}

describe('freshness rollup (migration 023)', () => {
  /** The API's freshness equals the sources' for the public and staff, now and at a past day; returns staff within6 totals. */
  async function expectFreshnessAsSources(): Promise<number[]> {
    const staffWithin6: number[] = [];
    const [pub, stf] = [await carriersVia(), await carriersVia(staff)];
    for (const asOf of [STATS_PERIOD.to, '2026-10-15']) {
      for (const [cookie, cs] of [[undefined, pub], [staff, stf]] as const) {
        const fr = await get(`/api/stats/freshness?${qs({ from: '2026-01-01', to: asOf })}`, cookie);
        const brute = await freshnessFromSources(cs, asOf, cookie !== undefined);
        expect(fr.rows.length).toBe(brute.size);
        for (const r of fr.rows) {
          expect([asOf, r.county, r.type, r.count, r.within6, r.within12])
            .toEqual([asOf, r.county, r.type, ...Object.values(brute.get(`${r.county}|${r.type}`)!)]);
        }
        if (cookie) staffWithin6.push(fr.total.within6);
      }
      // A filtered ask too (county, type and status).
      const f = { county: ['511725'], type: ['land'], status: ['available', 'occupied'] };
      const fr = await get(`/api/stats/freshness?${qs({ ...f, from: '2026-01-01', to: asOf })}`, staff);
      const brute = await freshnessFromSources(applyFilters(stf, f), asOf, true);
      for (const r of fr.rows) expect([r.county, r.type, r.within6, r.within12]).toEqual([r.county, r.type, brute.get(`${r.county}|${r.type}`)!.within6, brute.get(`${r.county}|${r.type}`)!.within12]);
    }
    return staffWithin6;
  }

  /** The rollup equals the same evidence computed from scratch for every carrier; nothing pending. */
  async function expectRollupExact() {
    const { rows: [r] } = await pool.query(`
      WITH e AS (SELECT * FROM stats_survey_of(ARRAY(SELECT id FROM carriers))),
      l AS (
        SELECT f.id, COALESCE(f.county_adcode, '') AS county_adcode, COALESCE(f.park_id, 0) AS park_id, f.kind, f.status,
               f.review_state = 'published' AS published, max(e.day) AS last_all, max(e.day) FILTER (WHERE e.public) AS last_public
        FROM e JOIN carriers f ON f.id = e.carrier_id GROUP BY f.id
      )
      SELECT
        (SELECT count(*) FROM ((SELECT * FROM e EXCEPT ALL SELECT carrier_id, day, public FROM stats_survey_days)
                               UNION ALL (SELECT carrier_id, day, public FROM stats_survey_days EXCEPT ALL SELECT * FROM e)) x)::int AS days,
        (SELECT count(*) FROM ((SELECT * FROM l EXCEPT ALL SELECT id, county_adcode, park_id, kind, status, published, last_all, last_public FROM stats_survey_carrier)
                               UNION ALL (SELECT id, county_adcode, park_id, kind, status, published, last_all, last_public FROM stats_survey_carrier EXCEPT ALL SELECT * FROM l)) x)::int AS carriers,
        (SELECT count(*) FROM stats_survey_carrier)::int AS carrier_rows,
        (SELECT count(*) FROM stats_survey_pending_ids)::int + (SELECT count(*) FROM stats_survey_pending_photos)::int AS pending`);
    expect(r).toMatchObject({ days: 0, carriers: 0, pending: 0 });
    expect(r.carrier_rows).toBeGreaterThan(0);
  }

  it('stays true after photos are added, moved, published and deleted, outlines change, and a carrier is added and deleted', async () => {
    await expectRollupExact();
    const base = await expectFreshnessAsSources();
    // A: a published land parcel with no evidence of its own since 2025-12; D: another, reshaped onto A's place later; B: a third.
    const { rows: [a, d, b] } = await pool.query(`
      SELECT c.id::int, ST_AsEWKT(c.geom) AS geom, ST_AsEWKT(ST_PointOnSurface(c.geom)) AS inside FROM carriers c
      WHERE c.review_state = 'published' AND c.kind = 'land' AND (c.status_date IS NULL OR c.status_date < '2025-12-01')
        AND NOT EXISTS (SELECT 1 FROM feature_history h WHERE h.feature_id = c.id::text AND h.layer IN ('land', 'factories', 'offices') AND h.at >= '2025-12-01')
        AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.carrier_id = c.id)
      ORDER BY c.id LIMIT 3`);
    expect(b).toBeDefined();
    const photo = `INSERT INTO photos (sha256, file_name, taken_at, review_state, carrier_id, is_panorama, geom, footprint)
                   VALUES ($1, $2, $3, $4, NULL, $5, ST_GeomFromEWKT($6), $7::geometry)`;
    try {
      // A footprint over A (no link), surveyed before the past day asked for.
      await pool.query(photo, ['stats-survey-f', 'f.jpg', '2026:09:20 10:00:00', 'published', false, a.inside,
        (await pool.query(`SELECT ST_AsEWKT(ST_Buffer(ST_GeomFromEWKT($1), 0.0001)) AS g`, [a.inside])).rows[0].g]);
      const withFootprint = await expectFreshnessAsSources();
      expect(withFootprint[0]).toBeGreaterThan(base[0]);
      expect(withFootprint[1]).toBeGreaterThan(base[1]);
      // A draft panorama near B: staff count it, the public does not; then published.
      await pool.query(photo, ['stats-survey-p', 'p.jpg', '2026:08:01 09:00:00', 'draft', true, b.inside, null]);
      await expectFreshnessAsSources();
      await pool.query(`UPDATE photos SET review_state = 'published' WHERE sha256 = 'stats-survey-p'`);
      await expectFreshnessAsSources();
      await expectRollupExact();
      // A moved away (the footprint no longer covers it), D reshaped onto A's place (now it does).
      await pool.query(`UPDATE carriers SET geom = ST_Multi(ST_Translate(geom, 0.02, 0)) WHERE id = $1`, [a.id]);
      await pool.query(`UPDATE carriers SET geom = ST_GeomFromEWKT($2) WHERE id = $1`, [d.id, a.geom]);
      await expectFreshnessAsSources();
      await expectRollupExact();
      // The footprint moved over B; the panorama moved far off; then a carrier added on A's old place and deleted.
      await pool.query(`UPDATE photos SET footprint = ST_Buffer(ST_GeomFromEWKT($1), 0.0001) WHERE sha256 = 'stats-survey-f'`, [b.inside]);
      await pool.query(`UPDATE photos SET geom = ST_Translate(geom, 0.05, 0.05) WHERE sha256 = 'stats-survey-p'`);
      await expectFreshnessAsSources();
      await expectRollupExact();
      await pool.query(`UPDATE photos SET footprint = ST_Buffer(ST_GeomFromEWKT($1), 0.0001) WHERE sha256 = 'stats-survey-f'`, [a.inside]);
      await pool.query(`INSERT INTO carriers (code, kind, name, county_adcode, status, review_state, geom)
                        SELECT 'STATS-SURVEY-1', 'land', '测试', county_adcode, 'available', 'published', ST_GeomFromEWKT($2) FROM carriers WHERE id = $1`, [a.id, a.geom]);
      await expectFreshnessAsSources();
      await pool.query(`DELETE FROM carriers WHERE code = 'STATS-SURVEY-1'`);
      await pool.query(`DELETE FROM photos WHERE sha256 = 'stats-survey-f'`);
      await expectFreshnessAsSources();
      await expectRollupExact();
    } finally {
      await pool.query(`DELETE FROM photos WHERE sha256 LIKE 'stats-survey-%'`);
      await pool.query(`DELETE FROM carriers WHERE code = 'STATS-SURVEY-1'`);
      await pool.query(`UPDATE carriers SET geom = ST_GeomFromEWKT($2) WHERE id = $1`, [a.id, a.geom]);
      await pool.query(`UPDATE carriers SET geom = ST_GeomFromEWKT($2) WHERE id = $1`, [d.id, d.geom]);
    }
    await expectFreshnessAsSources();
    await expectRollupExact();
  });
});
