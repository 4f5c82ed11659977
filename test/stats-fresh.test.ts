/**
 * The dashboard follows every write at once, whatever wrote it: its answers are cached while the
 * change log (stats_changes, migration 016) is unchanged and its figures read the narrow
 * carrier_facts table kept by statement triggers. A reviewer's publish through the API, a status
 * edit and a new photo written straight into the database each change the next answer exactly as
 * the brute-force oracle (test/stats-brute.ts) computes it from the rows; carrier_facts equals
 * carriers after them. Every change is undone at the end.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, testPool, userWithRole } from './helpers.ts';
import { StatsRepository } from '../server/stats/stats.repository.ts';
import { carriersVia, freshnessBrute, groupSum, type Carrier } from './stats-brute.ts';

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
});
