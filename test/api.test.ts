/**
 * The HTTP API against a real server and database (embedded PGlite + PostGIS, or DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { inject } from 'vitest';
import { api, signIn, TEST_ADMIN, testPool, userWithRole } from './helpers.ts';

const DAZHOU_COUNTIES = ['511702', '511703', '511722', '511723', '511724', '511725', '511781'];
const CARRIER_LAYERS = { land: 'land', factories: 'factory', offices: 'office' } as const;

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

async function allFeatures(layer: string, cookie?: string) {
  const res = await api(`/api/layers/${layer}/features?limit=10000`, { cookie });
  expect(res.status).toBe(200);
  return res.json();
}

describe('health', () => {
  it('reports the database engine and PostGIS version', async () => {
    const res = await api('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.db).toBe(inject('dbEngine'));
    expect(body.postgis).toMatch(/^3\.\d+/);
  });
});

describe('layer catalog', () => {
  it('lists counties, parks, land, factories, offices and amenities with feature counts', async () => {
    const body = await (await api('/api/layers')).json();
    const ids = body.layers.map((l: { id: string }) => l.id);
    expect(ids).toEqual(expect.arrayContaining(['counties', 'parks', 'land', 'factories', 'offices', 'amenities']));
    const count = (id: string) => body.layers.find((l: { id: string }) => l.id === id).featureCount;
    expect(count('counties')).toBe(7);
    expect(count('parks')).toBeGreaterThanOrEqual(8);
    expect(count('land') + count('factories') + count('offices')).toBeGreaterThanOrEqual(1800);
    expect(count('amenities')).toBeGreaterThanOrEqual(500);
  });

  it('gives every attribute a Chinese and an English label', async () => {
    const body = await (await api('/api/layers')).json();
    for (const layer of body.layers) {
      expect(layer.title.zh).toBeTruthy();
      for (const a of layer.attributes) {
        expect(a.label.zh, `${layer.id}.${a.name}`).toBeTruthy();
        expect(a.label.en, `${layer.id}.${a.name}`).toBeTruthy();
      }
      expect(layer).not.toHaveProperty('table');
    }
  });

  it('counts match the database for the public', async () => {
    const body = await (await api('/api/layers')).json();
    for (const [layer, kind] of Object.entries(CARRIER_LAYERS)) {
      const { rows } = await pool.query(`SELECT count(*) n FROM carriers WHERE kind = $1 AND review_state = 'published'`, [kind]);
      expect(body.layers.find((l: { id: string }) => l.id === layer).featureCount).toBe(Number(rows[0].n));
    }
  });
});

describe('features', () => {
  it('returns the 7 Dazhou counties as a GeoJSON FeatureCollection with adcodes', async () => {
    const res = await api('/api/layers/counties/features');
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const fc = await res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.numberMatched).toBe(7);
    expect(fc.numberReturned).toBe(7);
    expect(fc.features.map((f: { properties: { adcode: string } }) => f.properties.adcode).sort()).toEqual(DAZHOU_COUNTIES);
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('MultiPolygon');
      expect(f.properties.name).toMatch(/[区县市]$/);
    }
  });

  it('gives carriers an id, name, status, county adcode and area in m²', async () => {
    const fc = await allFeatures('land');
    expect(fc.features.length).toBeGreaterThan(100);
    for (const f of fc.features.slice(0, 200)) {
      expect(Number.isInteger(f.id)).toBe(true);
      expect(typeof f.properties.name).toBe('string');
      expect(['available', 'reserved', 'occupied']).toContain(f.properties.status);
      expect(DAZHOU_COUNTIES).toContain(f.properties.county);
      expect(f.properties.area_m2).toBeGreaterThan(0);
    }
  });

  it('computes areas in CGCS2000 / GK CM 108E, matching PostGIS on the stored geometry', async () => {
    const fc = await (await api('/api/layers/land/features?limit=5')).json();
    for (const f of fc.features) {
      const { rows } = await pool.query(
        'SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), 4545)) a, ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography) g',
        [JSON.stringify(f.geometry)],
      );
      expect(f.properties.area_m2).toBeCloseTo(rows[0].a, -1);
      // The projected area is within 0.1 % of the ellipsoidal one inside the zone.
      expect(Math.abs(f.properties.area_m2 / rows[0].g - 1)).toBeLessThan(0.001);
    }
  });

  it('gives amenities a kind', async () => {
    const fc = await allFeatures('amenities');
    const kinds = new Set(fc.features.map((f: { properties: { kind: string } }) => f.properties.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
  });

  it('pages with limit/offset and a next link until every feature was returned once', async () => {
    const seen = new Set<number>();
    let url: string | undefined = '/api/layers/offices/features?limit=100';
    let matched = -1;
    while (url) {
      const page = await (await api(url.replace(/^https?:\/\/[^/]+/, ''))).json();
      matched = page.numberMatched;
      for (const f of page.features) {
        expect(seen.has(f.id)).toBe(false);
        seen.add(f.id);
      }
      url = page.links.find((l: { rel: string }) => l.rel === 'next')?.href;
    }
    expect(seen.size).toBe(matched);
  });

  it('filters by bbox', async () => {
    const all = await allFeatures('amenities');
    const bbox = [107.3, 31.1, 107.6, 31.3];
    const inside = all.features.filter((f: { geometry: { coordinates: number[] } }) => {
      const [x, y] = f.geometry.coordinates;
      return x >= bbox[0] && x <= bbox[2] && y >= bbox[1] && y <= bbox[3];
    });
    const res = await (await api(`/api/layers/amenities/features?bbox=${bbox.join(',')}&limit=10000`)).json();
    expect(res.numberMatched).toBe(inside.length);
    expect(inside.length).toBeGreaterThan(0);
  });

  it.each([
    ['bbox=1,2,3', 'bbox', /4 numbers/],
    ['bbox=1,2,x,4', 'bbox', /"x"/],
    ['bbox=10,2,5,4', 'bbox', /min ≤ max/],
    ['bbox=107,31,181,32', 'bbox', /-180\.\.180/],
    ['limit=0', 'limit', /1\.\.10000/],
    ['limit=abc', 'limit', /integer/],
    ['offset=-1', 'offset', /0\.\./],
  ])('rejects %s with 400 naming "%s" and the value', async (query, param, reason) => {
    const res = await api(`/api/layers/land/features?${query}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toContain(`"${param}"`);
    expect(body.error.message).toMatch(reason);
    expect(body.error.parameter).toBe(param);
  });

  it('answers 404 naming an unknown layer', async () => {
    const res = await api('/api/layers/volcanoes/features');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('"volcanoes"');
  });

  it('returns one feature by id with all attributes', async () => {
    const fc = await (await api('/api/layers/factories/features?limit=1')).json();
    const f = fc.features[0];
    const one = await (await api(`/api/layers/factories/features/${f.id}`)).json();
    expect(one.id).toBe(f.id);
    expect(one.properties.floors).toBeGreaterThanOrEqual(1);
    expect(one.properties.building_height_m).toBeGreaterThan(0);
  });
});

describe('visibility of unpublished data', () => {
  it('hides draft carriers from the public and shows them to staff, reviewers and admins', async () => {
    const { rows } = await pool.query(`SELECT id, kind FROM carriers WHERE review_state = 'draft' ORDER BY id LIMIT 1`);
    expect(rows.length).toBe(1);
    const layer = Object.entries(CARRIER_LAYERS).find(([, k]) => k === rows[0].kind)![0];
    const draftId = rows[0].id;

    expect((await api(`/api/layers/${layer}/features/${draftId}`)).status).toBe(404);
    const publicIds = (await allFeatures(layer)).features.map((f: { id: number }) => f.id);
    expect(publicIds).not.toContain(draftId);

    for (const role of ['staff', 'reviewer', 'admin'] as const) {
      const cookie = await userWithRole(role);
      expect((await api(`/api/layers/${layer}/features/${draftId}`, { cookie })).status, role).toBe(200);
      const ids = (await allFeatures(layer, cookie)).features.map((f: { id: number }) => f.id);
      expect(ids, role).toContain(draftId);
    }
  });

  it('shows officers only published carriers, so drafts cannot reach a client', async () => {
    const cookie = await userWithRole('officer');
    const { rows } = await pool.query(`SELECT id FROM carriers WHERE review_state <> 'published' AND kind = 'land'`);
    const ids = new Set((await allFeatures('land', cookie)).features.map((f: { id: number }) => f.id));
    for (const r of rows) expect(ids.has(r.id)).toBe(false);
  });

  it('hides a draft park from the public', async () => {
    const { rows } = await pool.query(`SELECT id FROM parks WHERE review_state = 'draft'`);
    expect(rows.length).toBeGreaterThan(0);
    const ids = (await allFeatures('parks')).features.map((f: { id: number }) => f.id);
    for (const r of rows) expect(ids).not.toContain(r.id);
  });
});

describe('accounts and sessions', () => {
  it('signs in with a session cookie that is httpOnly and SameSite', async () => {
    const res = await api('/api/auth/login', { method: 'POST', body: JSON.stringify(TEST_ADMIN) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await (await api('/api/auth/me', { cookie: cookie.split(';')[0] })).json();
    expect(me.user).toMatchObject({ username: TEST_ADMIN.username, role: 'admin' });
  });

  it('rejects a wrong password with 401 and the same message as an unknown user', async () => {
    const wrong = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: TEST_ADMIN.username, password: 'nope-nope' }) });
    const unknown = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: 'nobody', password: 'nope-nope' }) });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json()).error.message).toBe((await unknown.json()).error.message);
  });

  it('rejects a login body without username with 400 naming the field', async () => {
    const res = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ password: 'x' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('"username"');
  });

  it('stores passwords hashed with scrypt, never in clear', async () => {
    const { rows } = await pool.query('SELECT password_hash FROM users WHERE username = $1', [TEST_ADMIN.username]);
    expect(rows[0].password_hash).toMatch(/^scrypt\$/);
    expect(rows[0].password_hash).not.toContain(TEST_ADMIN.password);
  });

  it('ends the session on logout', async () => {
    const cookie = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    expect((await api('/api/auth/logout', { method: 'POST', cookie })).status).toBe(204);
    const me = await (await api('/api/auth/me', { cookie })).json();
    expect(me.user).toBeNull();
  });

  it('lets only admins create accounts', async () => {
    const body = JSON.stringify({ username: 'someone', password: 'long-enough-pw', role: 'staff' });
    expect((await api('/api/users', { method: 'POST', body })).status).toBe(401);
    const staff = await userWithRole('staff');
    const res = await api('/api/users', { method: 'POST', body, cookie: staff });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain('"staff"');
  });

  it('rejects an unknown role naming it', async () => {
    const admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username: 'x1', password: 'long-enough-pw', role: 'emperor' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('"emperor"');
  });
});

describe('statistics', () => {
  it('summarises counts and areas by county × layer × status, matching the database', async () => {
    const body = await (await api('/api/stats/summary')).json();
    expect(body.counties.map((c: { adcode: string }) => c.adcode)).toEqual(DAZHOU_COUNTIES);
    const { rows } = await pool.query(
      `SELECT county_adcode, kind, status, count(*) n, sum(area_m2) a FROM carriers WHERE review_state = 'published' GROUP BY 1, 2, 3`,
    );
    const layerOf = { land: 'land', factory: 'factories', office: 'offices' } as Record<string, string>;
    for (const r of rows) {
      const cell = body.rows.find((x: { county: string; layer: string; status: string }) => x.county === r.county_adcode && x.layer === layerOf[r.kind] && x.status === r.status);
      expect(cell, `${r.county_adcode}/${r.kind}/${r.status}`).toBeDefined();
      expect(cell.count).toBe(Number(r.n));
      expect(cell.areaM2).toBeCloseTo(Number(r.a), 0);
    }
    const total = body.rows.filter((x: { layer: string }) => x.layer in { land: 1, factories: 1, offices: 1 }).reduce((s: number, x: { count: number }) => s + x.count, 0);
    expect(total).toBe(rows.reduce((s, r) => s + Number(r.n), 0));
  });

  it('puts carriers in at least 6 of the 7 counties', async () => {
    const body = await (await api('/api/stats/summary')).json();
    const counties = new Set(body.rows.filter((x: { layer: string }) => x.layer === 'land').map((x: { county: string }) => x.county));
    expect(counties.size).toBeGreaterThanOrEqual(6);
  });
});

describe('OpenAPI', () => {
  it('documents every API route with who may call it', async () => {
    const doc = await (await api('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/health', '/api/layers', '/api/layers/{id}/features', '/api/stats/summary', '/api/auth/login']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { 'x-access': unknown }>>)) {
      for (const [m, op] of Object.entries(ops)) expect(op['x-access'], `${m} ${p}`).toBeDefined();
    }
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const res = await api('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});
