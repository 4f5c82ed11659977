/**
 * One meaning of a feature query across every read path: the features API, OGC API – Features and
 * the exports select the same features for the same bbox, ids and visibility, compiled once by
 * `layers/query/feature-query.ts`. Tested on a polygon, where "intersects the box" and "its
 * bounding box overlaps the box" differ.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLayer } from '../layers/catalog.ts';
import { compileFeatureQuery, SqlParams, featurePredicate } from '../layers/query/feature-query.ts';
import { api, testPool } from './helpers.ts';

const pool = testPool();
// A right triangle far from the demo data: legs along x = 101.00 and y = 25.00, hypotenuse x + y = 126.01.
const TRIANGLE = 'POLYGON((101 25, 101.01 25, 101 25.01, 101 25))';
const INSIDE = '101.001,25.001,101.002,25.002'; // inside the triangle
const CORNER = '101.008,25.008,101.0099,25.0099'; // inside its bounding box, beyond the hypotenuse
const code = `FQ-${randomInt(1e9)}`;
let id = '';
let draftId = '';

/** Ids the three read paths return for `bbox` (anonymous). */
async function idsByPath(bbox: string): Promise<Record<string, string[]>> {
  const features = await (await api(`/api/layers/land/features?bbox=${bbox}`)).json();
  const ogc = await (await api(`/ogc/collections/land/items?bbox=${bbox}`)).json();
  const exported = await (await api(`/api/layers/land/export?format=geojson&bbox=${bbox}`)).json();
  const ids = (fc: { features: { id: unknown }[] }) => fc.features.map((f) => String(f.id)).sort();
  return { features: ids(features), ogc: ids(ogc), export: ids(exported) };
}

beforeAll(async () => {
  const insert = `INSERT INTO carriers (code, kind, name, county_adcode, review_state, geom)
    VALUES ($1, 'land', $2, '511702', $3, ST_Multi(ST_GeomFromText($4, 4326))) RETURNING id::text`;
  id = (await pool.query(insert, [code, '三角地块', 'published', TRIANGLE])).rows[0].id;
  draftId = (await pool.query(insert, [`${code}-D`, '草稿三角地块', 'draft', TRIANGLE])).rows[0].id;
});

afterAll(async () => {
  await pool.query('DELETE FROM carriers WHERE code IN ($1, $2)', [code, `${code}-D`]);
  await pool.end();
});

describe('bbox means "the geometry intersects the box", on every read path', () => {
  it('selects the polygon for a box inside it, on all three paths', async () => {
    expect(await idsByPath(INSIDE)).toEqual({ features: [id], ogc: [id], export: [id] });
  });

  it('leaves the polygon out for a box that only overlaps its bounding box, on all three paths', async () => {
    expect(await idsByPath(CORNER)).toEqual({ features: [], ogc: [], export: [] });
    // The bounding boxes do overlap: the difference is the geometry, not the envelope.
    const { rows } = await pool.query(`SELECT geom && ST_MakeEnvelope(101.008, 25.008, 101.0099, 25.0099, 4326) AS overlaps FROM carriers WHERE id = $1`, [id]);
    expect(rows[0].overlaps).toBe(true);
  });

  it('shows the draft twin to no anonymous reader, and matches a box touching the hypotenuse', async () => {
    const touching = '101.004,25.004,101.006,25.006'; // crosses x + y = 126.01
    expect(await idsByPath(touching)).toEqual({ features: [id], ogc: [id], export: [id] });
    expect((await api(`/api/layers/land/features/${draftId}`)).status).toBe(404);
    expect((await api(`/ogc/collections/land/items/${draftId}`)).status).toBe(404);
  });
});

describe('the compiler', () => {
  const land = findLayer('land')!;

  it('numbers named template parameters once and the filter after them', () => {
    const q = compileFeatureQuery('batch', land, { seesUnpublished: false, bbox: [1, 2, 3, 4], ids: ['7'] }, { after: null, limit: 10 });
    expect(q.values).toEqual([null, 10, 'land', 1, 2, 3, 4, ['7']]);
    expect(q.text).toContain('(t."id" > $1 OR $1 IS NULL)');
    expect(q.text).toContain('LIMIT $2');
    expect(q.text).toContain(`t."kind" = $3`);
    expect(q.text).toContain(`t.review_state = 'published'`);
    expect(q.text).toContain('ST_Intersects(t.geom, ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326))');
    expect(q.text).toContain('t."id"::text = ANY($8::text[])');
    expect(q.text).not.toMatch(/(?<![:\w]):(after|limit)\b/);
  });

  it('adds no visibility condition for readers who see drafts, nor for public layers', () => {
    const params = new SqlParams();
    expect(featurePredicate(land, { seesUnpublished: true }, params)).toBe(`t."kind" = $1`);
    // Counties are reference data (visibility 'public'): their fixed filter only, whoever reads.
    expect(featurePredicate(findLayer('counties')!, { seesUnpublished: false }, new SqlParams())).toBe(`t."level" = $1`);
  });

  it('refuses a statement whose named parameter is not given', () => {
    expect(() => compileFeatureQuery('page', land, { seesUnpublished: true }, { precision: 7, limit: 1 })).toThrow(':offset');
  });

  it('splices predicates verbatim: "$&" and "$\'" in a fragment are SQL text, not replacement patterns', async () => {
    // A predicate holding `$&` and `$'` (here inside string literals): with String.replace(string, string)
    // they expanded to "{{where}}" and to the rest of the template, and the statement broke.
    const odd = "t.name <> '$&' AND t.name <> '$''' AND t.name <> $$$'$$";
    const q = compileFeatureQuery('count', land, { seesUnpublished: false, bbox: [101.001, 25.001, 101.002, 25.002], extra: [() => odd] });
    expect(q.text).toContain(`(${odd})`);
    expect(q.text).not.toContain('{{');
    const { rows } = await pool.query(q.text, q.values);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('runs on the database with the same answer as a hand-written query', async () => {
    const q = compileFeatureQuery('count', land, { seesUnpublished: false, bbox: [101.001, 25.001, 101.002, 25.002] });
    const { rows } = await pool.query(q.text, q.values);
    const { rows: ref } = await pool.query(`SELECT count(*) n FROM carriers WHERE kind = 'land' AND review_state = 'published'
      AND ST_Intersects(geom, ST_MakeEnvelope(101.001, 25.001, 101.002, 25.002, 4326))`);
    expect(Number(rows[0].n)).toBe(Number(ref[0].n));
    expect(Number(rows[0].n)).toBe(1);
  });
});
