/**
 * Schema, migrations and demo data, checked directly in the database with PostGIS.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type pg from 'pg';
import { migrate } from '../core/db/migrate.ts';
import { DemoRepository } from '../server/demo/demo.repository.ts';
import { DemoService } from '../server/demo/demo.service.ts';
import { createImportService } from '../survey-import/pipeline/create.ts';
import { testPool } from './helpers.ts';

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

describe('migrations', () => {
  it('are recorded and applying them again does nothing', async () => {
    const { rows } = await pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(await migrate(pool)).toEqual([]);
  });
});

/** The demo's import batches (its carriers and amenities come through the survey import). */
const DEMO_BATCHES = `SELECT jsonb_array_elements_text(value->'batches')::bigint FROM settings WHERE key = 'demo_seeded'`;

describe('demo data', () => {
  it('is never loaded into a database that already has data', async () => {
    const before = (await pool.query('SELECT count(*) n FROM carriers')).rows[0].n;
    expect(await new DemoService(new DemoRepository(pool), createImportService(pool, inject('dataDir'))).seedIfEmpty()).toBeNull();
    expect((await pool.query('SELECT count(*) n FROM carriers')).rows[0].n).toBe(before);
  });

  it('has the city and its 7 county-level units with valid geometries', async () => {
    const { rows } = await pool.query(`SELECT adcode, level, parent_adcode, ST_IsValid(geom) valid, area_m2 FROM admin_areas ORDER BY adcode`);
    expect(rows.map((r) => r.adcode)).toEqual(['511700', '511702', '511703', '511722', '511723', '511724', '511725', '511781']);
    expect(rows.every((r) => r.valid)).toBe(true);
    const city = rows.find((r) => r.level === 'city');
    expect(rows.filter((r) => r.level === 'county').every((r) => r.parent_adcode === '511700')).toBe(true);
    // 达州市 is about 16,600 km².
    expect(city.area_m2 / 1e6).toBeGreaterThan(16_000);
    expect(city.area_m2 / 1e6).toBeLessThan(17_200);
  });

  it('places every park inside its own county', async () => {
    const { rows } = await pool.query(`
      SELECT p.code, p.county_adcode, ST_Within(p.geom, ST_Buffer(a.geom, 0.0005)) inside
      FROM parks p JOIN admin_areas a ON a.adcode = p.county_adcode`);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const r of rows) expect(r.inside, r.code).toBe(true);
  });

  it('places every carrier inside its park and in the park county', async () => {
    const { rows } = await pool.query(`
      SELECT count(*) FILTER (WHERE NOT ST_Within(c.geom, ST_Buffer(p.geom, 0.00001))) outside,
             count(*) FILTER (WHERE c.county_adcode <> p.county_adcode) wrong_county,
             count(*) FILTER (WHERE c.park_id IS NULL) no_park,
             count(*) n
      FROM carriers c LEFT JOIN parks p ON p.id = c.park_id
      WHERE c.batch_id IN (${DEMO_BATCHES}) -- the generated demo carriers (imports elsewhere in the suite add others)`);
    expect(rows[0].n).toBeGreaterThanOrEqual(2000);
    expect(rows[0].outside).toBe(0);
    expect(rows[0].wrong_county).toBe(0);
    expect(rows[0].no_park).toBe(0);
  });

  it('has all three carrier kinds, with every status', async () => {
    const { rows } = await pool.query(`SELECT kind, status, count(*) n FROM carriers WHERE batch_id IN (${DEMO_BATCHES}) GROUP BY 1, 2`);
    for (const kind of ['land', 'factory', 'office']) {
      for (const status of ['available', 'reserved', 'occupied']) {
        expect(rows.find((r) => r.kind === kind && r.status === status)?.n ?? 0, `${kind}/${status}`).toBeGreaterThan(0);
      }
    }
  });

  it('has at least 500 amenities of at least 12 kinds, all inside Dazhou and in the county they say', async () => {
    const { rows } = await pool.query(`
      SELECT count(*) n, count(DISTINCT kind) kinds,
             count(*) FILTER (WHERE NOT ST_Intersects(am.geom, city.geom)) outside,
             count(*) FILTER (WHERE NOT ST_Intersects(am.geom, ST_Buffer(co.geom, 0.0005))) wrong_county
      FROM amenities am
      CROSS JOIN (SELECT geom FROM admin_areas WHERE adcode = '511700') city
      LEFT JOIN admin_areas co ON co.adcode = am.county_adcode`);
    expect(rows[0].n).toBeGreaterThanOrEqual(500);
    expect(rows[0].kinds).toBeGreaterThanOrEqual(12);
    expect(rows[0].outside).toBe(0);
    expect(rows[0].wrong_county).toBe(0);
  });

  it('gives buildings a height consistent with their floors', async () => {
    const { rows } = await pool.query(`
      SELECT count(*) n FROM carriers
      WHERE kind IN ('factory', 'office') AND (floors IS NULL OR building_height_m IS NULL
            OR building_height_m < floors * 3 OR building_height_m > floors * 12 + 1)`);
    expect(rows[0].n).toBe(0);
  });
});
