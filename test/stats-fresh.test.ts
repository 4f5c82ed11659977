/**
 * The dashboard follows every write at once, whatever wrote it: its answers are cached while the
 * change log (stats_changes, migration 016) is unchanged and its figures read the rollups of
 * migration 022 (stats_groups, stats_prices, stats_inventory, stats_photo_days), kept by triggers and
 * folded at each commit. A reviewer's publish through the API, a status edit and a new photo
 * written straight into the database each change the next answer exactly as the brute-force oracle
 * (test/stats-brute.ts) computes it from the rows; carrier_facts equals carriers after them. After
 * an import-like insert, edits (status, park, shape), a publish, a delete and a photo, every rollup
 * equals, digit for digit, the same sums computed from scratch from `carriers`, `photos` and the
 * history, and the inventory equals the history replayed in JS. Every change is undone at the end
 * (the history keeps its entries: it is append-only).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, testPool, userWithRole } from './helpers.ts';
import { StatsRepository } from '../server/stats/stats.repository.ts';
import { carriersVia, freshnessBrute, groupSum, inventoryBrute, type Carrier } from './stats-brute.ts';

let pool: pg.Pool;
let reviewer: string;
let staff: string;

const get = async (path: string, cookie?: string) => {
  const res = await api(path, { cookie });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
};
const LAYER: Record<string, string> = { land: 'land', factory: 'factories', office: 'offices' };

/** The status figures must equal the oracle's counts and areas per county × type × status. */
async function expectStatusAsOracle(cookie?: string) {
  const status = await get('/api/stats/status', cookie);
  const cs = await carriersVia(cookie);
  const key = (c: Carrier) => `${c.county}|${c.kind}|${c.status}`;
  const n = groupSum(cs, key, () => 1);
  const area = groupSum(cs, key, (c) => c.area);
  expect(new Map(status.rows.map((r: any) => [`${r.county}|${r.type}|${r.status}`, r.count]))).toEqual(n);
  for (const r of status.rows) expect(Math.abs(r.areaM2 - area.get(`${r.county}|${r.type}|${r.status}`)!)).toBeLessThanOrEqual(0.01 * r.count + 1e-6);
  return status.rows;
}
const total = (rows: { count: number }[]) => rows.reduce((a, r) => a + r.count, 0);

async function expectFactsEqualCarriers() {
  const { rows } = await pool.query(`
    SELECT count(*)::int AS n FROM carriers c FULL JOIN carrier_facts f USING (id)
    WHERE (c.kind, c.county_adcode, c.park_id, c.status, c.review_state, c.area_m2, c.floor_area_m2, c.price::float8, c.price_unit,
           c.land_use, c.investment_intensity_wan_per_mu, c.created_at, c.status_date)
          IS DISTINCT FROM
          (f.kind, f.county_adcode, f.park_id, f.status, f.review_state, f.area_m2, f.floor_area_m2, f.price, f.price_unit,
           f.land_use, f.intensity, f.created_at, f.status_date)`);
  expect(rows[0].n).toBe(0);
}

/**
 * Every rollup of migration 022 equals the same sums computed from scratch, in one snapshot: counts
 * and numeric area sums from `carriers` (grouped here, the 标准地 bands written out again), prices
 * per value, each photo's day, and the monthly inventory changes from every carrier's history
 * (stats_inventory_of over all ids: what the commit-time folds added and took out must equal it).
 */
async function expectRollupsExact() {
  const { rows: [r] } = await pool.query(`
    WITH g AS (
      SELECT COALESCE(county_adcode, '') AS county_adcode, COALESCE(park_id, 0) AS park_id, kind, status, review_state = 'published' AS published,
             COALESCE(land_use, '') AS land_use,
             CASE WHEN investment_intensity_wan_per_mu IS NULL THEN 'none' WHEN investment_intensity_wan_per_mu < 200 THEN 'lt200'
                  WHEN investment_intensity_wan_per_mu < 300 THEN '200to300' ELSE 'ge300' END AS std_class,
             count(*) AS n, COALESCE(sum(area_m2::numeric), 0) AS area_m2, COALESCE(sum(floor_area_m2::numeric), 0) AS floor_area_m2
      FROM carriers GROUP BY 1, 2, 3, 4, 5, 6, 7
    ), p AS (
      SELECT COALESCE(county_adcode, '') AS county_adcode, COALESCE(park_id, 0) AS park_id, kind, status, review_state = 'published' AS published,
             price_unit, price::float8 AS price, count(*) AS n
      FROM carriers WHERE price IS NOT NULL AND price_unit IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7
    ), ph AS (
      SELECT id AS photo_id, carrier_id, to_date(substring(taken_at from '^([0-9]{4}[:-][0-9]{2}[:-][0-9]{2})'), 'YYYY-MM-DD') AS day,
             review_state = 'published' AS published, footprint IS NOT NULL OR (is_panorama AND geom IS NOT NULL) AS spatial
      FROM photos WHERE taken_at ~ '^[0-9]{4}[:-][0-9]{2}[:-][0-9]{2}'
    ), ids AS (
      SELECT id FROM carriers
      UNION SELECT feature_id::bigint FROM feature_history WHERE applied AND layer IN ('land', 'factories', 'offices') AND feature_id ~ '^[0-9]+$'
    ), i AS (
      SELECT kind, park_id, county_adcode, status, published, month, sum(n) AS n, COALESCE(sum(area_m2::numeric), 0) AS area_m2
      FROM stats_inventory_of(ARRAY(SELECT id FROM ids)) GROUP BY 1, 2, 3, 4, 5, 6
      HAVING sum(n) <> 0 OR COALESCE(sum(area_m2::numeric), 0) <> 0
    )
    SELECT
      (SELECT count(*) FROM ((SELECT * FROM g EXCEPT ALL SELECT county_adcode, park_id, kind, status, published, land_use, std_class, n, area_m2, floor_area_m2 FROM stats_groups)
                             UNION ALL (SELECT county_adcode, park_id, kind, status, published, land_use, std_class, n, area_m2, floor_area_m2 FROM stats_groups EXCEPT ALL SELECT * FROM g)) x)::int AS groups,
      (SELECT count(*) FROM ((SELECT * FROM p EXCEPT ALL SELECT county_adcode, park_id, kind, status, published, price_unit, price, n FROM stats_prices)
                             UNION ALL (SELECT county_adcode, park_id, kind, status, published, price_unit, price, n FROM stats_prices EXCEPT ALL SELECT * FROM p)) x)::int AS prices,
      (SELECT count(*) FROM ((SELECT * FROM ph EXCEPT ALL SELECT photo_id, carrier_id, day, published, spatial FROM stats_photo_days)
                             UNION ALL (SELECT photo_id, carrier_id, day, published, spatial FROM stats_photo_days EXCEPT ALL SELECT * FROM ph)) x)::int AS photos,
      (SELECT count(*) FROM ((SELECT * FROM i EXCEPT ALL SELECT kind, park_id, county_adcode, status, published, month, n, area_m2 FROM stats_inventory)
                             UNION ALL (SELECT kind, park_id, county_adcode, status, published, month, n, area_m2 FROM stats_inventory EXCEPT ALL SELECT * FROM i)) x)::int AS inventory,
      (SELECT count(*) FROM stats_groups)::int AS group_rows, (SELECT count(*) FROM stats_inventory)::int AS inventory_rows,
      (SELECT count(*) FROM stats_pending_facts)::int + (SELECT count(*) FROM stats_pending_ids)::int AS pending`);
  expect(r).toMatchObject({ groups: 0, prices: 0, photos: 0, inventory: 0, pending: 0 });
  expect(r.group_rows).toBeGreaterThan(0);
  expect(r.inventory_rows).toBeGreaterThan(0);
}

beforeAll(async () => {
  pool = testPool();
  reviewer = await userWithRole('reviewer');
  staff = await userWithRole('staff');
});
afterAll(async () => {
  await pool.end();
});

describe('dashboard answers after writes', () => {
  it('a reviewer publishing a draft: the public figures count it at once; withdrawing it: no longer', async () => {
    await expectFactsEqualCarriers();
    const before = await expectStatusAsOracle();
    expect((await get('/api/stats/status')).rows).toEqual(before); // cached, still equal
    const { rows: [draft] } = await pool.query(`SELECT id::int, kind, review_state FROM carriers WHERE review_state <> 'published' ORDER BY id LIMIT 1`);
    expect(draft).toBeDefined();
    const review = (state: string) => api(`/api/layers/${LAYER[draft.kind]}/features/${draft.id}/review`, {
      method: 'POST', cookie: reviewer, body: JSON.stringify({ state }),
    });
    try {
      expect((await review('published')).status).toBe(200);
      expect(total(await expectStatusAsOracle())).toBe(total(before) + 1);
      await expectFactsEqualCarriers();
    } finally {
      expect((await review(draft.review_state)).status).toBe(200);
    }
    expect((await get('/api/stats/status')).rows).toEqual(before);
    await expectFactsEqualCarriers();
  });

  it('a status edit written with SQL: staff figures move the carrier between statuses at once', async () => {
    const before = (await get('/api/stats/status', staff)).rows;
    const { rows: [c] } = await pool.query(`SELECT id::int, status FROM carriers WHERE status = 'available' ORDER BY id DESC LIMIT 1`);
    try {
      await pool.query(`UPDATE carriers SET status = 'occupied' WHERE id = $1`, [c.id]);
      await expectStatusAsOracle(staff);
      await expectFactsEqualCarriers();
    } finally {
      await pool.query(`UPDATE carriers SET status = $2 WHERE id = $1`, [c.id, c.status]);
    }
    expect((await get('/api/stats/status', staff)).rows).toEqual(before);
    await expectFactsEqualCarriers();
  });

  it('a new published photo: freshness counts the carrier as surveyed at once', async () => {
    const asOf = new Date().toISOString().slice(0, 10);
    const fresh = async (oracle = true) => {
      const fr = await get(`/api/stats/freshness?to=${asOf}`);
      if (!oracle) return fr.total.within6 as number;
      const brute = await freshnessBrute(pool, await carriersVia(), asOf, false);
      for (const r of fr.rows) expect([r.county, r.type, r.count, r.within6, r.within12]).toEqual([r.county, r.type, ...Object.values(brute.get(`${r.county}|${r.type}`)!)]);
      return fr.total.within6 as number;
    };
    const before = await fresh();
    // A published carrier with no evidence in the last 6 months.
    const { rows: [c] } = await pool.query(`
      SELECT c.id::int FROM carriers c
      WHERE c.review_state = 'published' AND (c.status_date IS NULL OR c.status_date < now() - interval '7 months')
        AND NOT EXISTS (SELECT 1 FROM feature_history h WHERE h.feature_id = c.id::text AND h.at > now() - interval '7 months')
        AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.carrier_id = c.id)
      ORDER BY c.id LIMIT 1`);
    expect(c).toBeDefined();
    const taken = `${asOf.replaceAll('-', ':')} 09:00:00`;
    await pool.query(`INSERT INTO photos (sha256, file_name, taken_at, review_state, carrier_id) VALUES ('stats-fresh-1', 'fresh.jpg', $1, 'published', $2)`, [taken, c.id]);
    try {
      expect(await fresh()).toBe(before + 1);
    } finally {
      await pool.query(`DELETE FROM photos WHERE sha256 = 'stats-fresh-1'`);
    }
    expect(await fresh(false)).toBe(before);
  });

  it('the change log is pruned: entries older than an hour go, the newest commit (the version) stays', async () => {
    const repo = new StatsRepository(pool);
    const { rows: old } = await pool.query(
      `INSERT INTO stats_commits (at) VALUES (now() - interval '3 hours'), (now() - interval '2 hours') RETURNING id::int`);
    await pool.query(`INSERT INTO stats_changes (tbl, at) VALUES ('carriers', now() - interval '2 hours')`); // its commit row is new
    const { rows: [newest] } = await pool.query(`SELECT id::int, at FROM stats_commits ORDER BY id DESC LIMIT 1`);
    expect(newest.id).toBeGreaterThan(old[1].id);
    const version = await repo.changeVersion();
    const gone = await repo.pruneChangeLog();
    expect(gone.commits).toBeGreaterThanOrEqual(2);
    expect(gone.changes).toBeGreaterThanOrEqual(1);
    const left = await pool.query(`SELECT id::int FROM stats_commits WHERE id = ANY($1::int[])`, [old.map((r) => r.id)]);
    expect(left.rows).toEqual([]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM stats_changes WHERE at < now() - interval '1 hour'`)).rows[0].n).toBe(0);
    expect(await repo.changeVersion()).toBe(version);
    await expectStatusAsOracle();
  });

  it('rollups stay exact after an import, edits, a publish, a delete and a photo (and the inventory equals the replayed history)', async () => {
    await expectRollupsExact();
    const { rows: src } = await pool.query(`
      SELECT id::int FROM carriers WHERE kind = 'land' AND review_state = 'published' AND park_id IS NOT NULL AND price IS NOT NULL ORDER BY id LIMIT 3`);
    const { rows: [other] } = await pool.query(`SELECT id::int FROM parks ORDER BY id DESC LIMIT 1`);
    const client = await pool.connect();
    let made: number[] = [];
    try {
      // An import-like insert of 3 drafts (with their history entries), in one transaction with an edit of one of them.
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.history_action', 'import', true)`);
      made = (await client.query(`
        INSERT INTO carriers (code, kind, name, park_id, county_adcode, status, review_state, land_use, price, price_unit, investment_intensity_wan_per_mu, geom)
        SELECT 'STATS-FRESH-' || id, kind, name, park_id, county_adcode, 'available', 'draft', land_use, price + 1.5, price_unit, 250, geom
        FROM carriers WHERE id = ANY ($1::int[]) RETURNING id::int`, [src.map((r) => r.id)])).rows.map((r) => r.id);
      await client.query(`SELECT set_config('app.history_action', '', true)`);
      await client.query(`UPDATE carriers SET status = 'reserved' WHERE id = $1`, [made[0]]);
      await client.query('COMMIT');
      expect(made).toHaveLength(3);
      await expectRollupsExact();
      // Edits: park and price, a new shape; a publish; a photo of one; a delete.
      await pool.query(`UPDATE carriers SET park_id = $2, price = price * 2 WHERE id = $1`, [made[1], other.id]);
      await pool.query(`UPDATE carriers SET geom = ST_Multi(ST_Buffer(ST_Centroid(geom), 0.001)) WHERE id = $1`, [made[2]]);
      await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = ANY ($1::int[])`, [made]);
      await pool.query(`INSERT INTO photos (sha256, file_name, taken_at, review_state, carrier_id) VALUES ('stats-fresh-2', 'r.jpg', '2026:06:01 10:00:00', 'published', $1)`, [made[0]]);
      await pool.query(`DELETE FROM carriers WHERE id = $1`, [made[1]]);
      await expectRollupsExact();
      const months = ['2026-01', '2026-06', '2026-12'];
      const inv = await get(`/api/stats/inventory?from=2026-01-01&to=2026-12-31`, staff);
      const brute = await inventoryBrute(pool, months, true, {});
      for (const sr of inv.series) for (const pt of sr.points) if (months.includes(pt.month)) {
        const b = brute.get(`${pt.month}|${sr.type}`) ?? { count: 0, availableCount: 0, availableAreaM2: 0 };
        expect([pt.month, sr.type, pt.count, pt.availableCount]).toEqual([pt.month, sr.type, b.count, b.availableCount]);
        expect(Math.abs(pt.availableAreaM2 - b.availableAreaM2)).toBeLessThanOrEqual(0.01 * Math.max(1, pt.availableCount));
      }
    } finally {
      client.release();
      await pool.query(`DELETE FROM photos WHERE sha256 = 'stats-fresh-2'`);
      await pool.query(`DELETE FROM carriers WHERE code LIKE 'STATS-FRESH-%'`);
    }
    await expectRollupsExact();
    await expectFactsEqualCarriers();
  });
});
