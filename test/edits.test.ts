/**
 * Browser editing with review, on the real database (embedded or PostgreSQL): drafts stay invisible
 * to the public (API, tiles, OGC) until a reviewer publishes; concurrent edits get a 409 naming who
 * changed the feature; bulk edits are one changeset; deletes leave a tombstone; every change is in the
 * feature's history and a former state can be restored as a new draft; values are checked on the
 * server against the layer definition, with messages in zh and en.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { lonLatToTile } from '../tiles/tile-math.ts';
import { api, testPool, userWithRole } from './helpers.ts';

let pool: pg.Pool;
let staff: string;
let staff2: string;
let reviewer: string;
let staffName: string;

beforeAll(async () => {
  pool = testPool();
  [staff, staff2, reviewer] = await Promise.all([userWithRole('staff'), userWithRole('staff'), userWithRole('reviewer')]);
  staffName = (await (await api('/api/auth/me', { cookie: staff })).json()).user.username;
});
afterAll(async () => {
  await pool.end();
});

type Json = Record<string, any>;
async function call(method: string, path: string, cookie?: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; etag: string | null }> {
  const res = await api(path, { method, cookie, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {}, etag: res.headers.get('etag') };
}

/** Published land parcels from the end of the id range (other test files use the first ones). */
async function parcels(n: number, offset: number): Promise<{ id: string; price: number | null; lon: number; lat: number }[]> {
  const { rows } = await pool.query(
    `SELECT id::text, price::float8 AS price, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat
     FROM carriers WHERE kind = 'land' AND review_state = 'published' ORDER BY id DESC LIMIT $1 OFFSET $2`, [n, offset]);
  return rows;
}

/** The anonymous tile's land feature `id` (its properties), or undefined. */
async function tileFeature(id: string, lon: number, lat: number): Promise<Record<string, unknown> | undefined> {
  const [x, y] = lonLatToTile(lon, lat, 15);
  const res = await api(`/tiles/land/15/${Math.floor(x)}/${Math.floor(y)}.mvt`);
  if (res.status === 204) return undefined;
  const layer = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer()))).layers.land;
  for (let i = 0; i < (layer?.length ?? 0); i++) if (String(layer.feature(i).id) === id) return layer.feature(i).properties;
  return undefined;
}

async function publishedPrice(id: string): Promise<unknown> {
  return (await call('GET', `/api/layers/land/features/${id}`)).body.properties?.price;
}

/** A square of `d` degrees around (lon, lat) as a GeoJSON Polygon. */
function square(lon: number, lat: number, d: number) {
  return { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
}

describe('editing with review', () => {
  it('keeps a draft invisible to the public (API, tiles, OGC) until a reviewer publishes it', async () => {
    const [p] = await parcels(1, 0);
    const w = await call('GET', `/api/layers/land/features/${p.id}/edit`, staff);
    expect(w.status).toBe(200);
    expect(w.etag).toBe(w.body.etag);
    const newPrice = Math.round((p.price ?? 10) + 17.5);
    const moved = w.body.geometry;
    // Reshape: move the first vertex (and the closing one) a little.
    const ring = moved.coordinates[0][0];
    ring[0] = [ring[0][0] + 0.0002, ring[0][1]];
    ring[ring.length - 1] = ring[0];
    const saved = await call('PUT', `/api/layers/land/features/${p.id}`, staff, { properties: { price: newPrice }, geometry: moved }, { 'if-match': w.etag! });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.properties.price).toBe(newPrice);
    expect(saved.body.draft.author).toBe(staffName);

    // The public still sees the published row everywhere.
    expect(await publishedPrice(p.id)).toBe(p.price);
    expect((await tileFeature(p.id, p.lon, p.lat))?.price).toBe(p.price ?? undefined);
    const ogc = await call('GET', `/ogc/collections/land/items/${p.id}`);
    expect(ogc.body.properties.price).toBe(p.price);
    const { rows: [row] } = await pool.query('SELECT price::float8 AS price FROM carriers WHERE id = $1', [p.id]);
    expect(row.price).toBe(p.price);

    const open = await call('GET', '/api/changesets', reviewer);
    const cs = open.body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === p.id));
    expect(cs.revisions[0].changes.price).toEqual({ before: p.price, after: newPrice });
    expect(cs.revisions[0].geometryChanged).toBe(true);
    // Staff may not publish; the reviewer may.
    expect((await call('POST', `/api/changesets/${cs.id}/publish`, staff)).status).toBe(403);
    const pub = await call('POST', `/api/changesets/${cs.id}/publish`, reviewer);
    expect(pub.status, JSON.stringify(pub.body)).toBe(200);
    expect(pub.body.state).toBe('published');

    expect(await publishedPrice(p.id)).toBe(newPrice);
    expect((await tileFeature(p.id, p.lon, p.lat))?.price).toBe(newPrice);
    expect((await call('GET', `/ogc/collections/land/items/${p.id}`)).body.properties.price).toBe(newPrice);
    const geom = (await call('GET', `/api/layers/land/features/${p.id}`)).body.geometry;
    expect(geom.coordinates[0][0][0][0]).toBeCloseTo(ring[0][0], 7);
    // Publishing twice is refused.
    expect((await call('POST', `/api/changesets/${cs.id}/publish`, reviewer)).status).toBe(409);
  });

  it('answers a second editor of the same version with 409 naming who changed the feature', async () => {
    const [p] = await parcels(1, 1);
    const a = await call('GET', `/api/layers/land/features/${p.id}/edit`, staff);
    const b = await call('GET', `/api/layers/land/features/${p.id}/edit`, staff2);
    expect(a.etag).toBe(b.etag);
    expect((await call('PUT', `/api/layers/land/features/${p.id}`, staff, { properties: { contact_name: '王工' } }, { 'if-match': a.etag! })).status).toBe(200);
    const zh = await call('PUT', `/api/layers/land/features/${p.id}`, staff2, { properties: { contact_name: '李工' } }, { 'if-match': b.etag! });
    expect(zh.status).toBe(409);
    expect(zh.body.error.changedBy).toBe(staffName);
    expect(zh.body.error.message).toContain(`已被 ${staffName} 于`);
    const en = await call('PUT', `/api/layers/land/features/${p.id}?lang=en`, staff2, { properties: { contact_name: '李工' } }, { 'if-match': b.etag! });
    expect(en.body.error.message).toContain(`was changed by ${staffName} at`);
    // Without If-Match nothing is saved.
    expect((await call('PUT', `/api/layers/land/features/${p.id}`, staff2, { properties: { contact_name: 'x' } })).status).toBe(400);
    // Building on the current draft works and supersedes it: still one open draft.
    const cur = await call('GET', `/api/layers/land/features/${p.id}/edit`, staff2);
    expect(cur.body.properties.contact_name).toBe('王工');
    const ok = await call('PUT', `/api/layers/land/features/${p.id}`, staff2, { properties: { contact_name: '李工' } }, { 'if-match': cur.etag! });
    expect(ok.status).toBe(200);
    const { rows } = await pool.query(`SELECT count(*)::int n FROM feature_revisions WHERE layer = 'land' AND feature_id = $1 AND state = 'draft'`, [p.id]);
    expect(rows[0].n).toBe(1);
    // A published change also moves the version: the old ETag is refused, naming the reviewer's publish.
    const cs = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === p.id));
    expect((await call('POST', `/api/changesets/${cs.id}/publish`, reviewer)).status).toBe(200);
    const stale = await call('PUT', `/api/layers/land/features/${p.id}?lang=en`, staff, { properties: { contact_name: 'x' } }, { 'if-match': ok.etag! });
    expect(stale.status).toBe(409);
    expect(stale.body.error.action).toBe('publish');
  });

  it('checks values against the layer definition on the server, naming field and value in zh and en', async () => {
    const [p] = await parcels(1, 2);
    const w = await call('GET', `/api/layers/land/features/${p.id}/edit`, staff);
    const status = w.body.properties.status;
    const other = status === 'occupied' ? 'reserved' : 'occupied';
    const bad = { price: -5, status: 'sold', available_from: '2026-02-30', gas: 'yes', colour: 'red' };
    const zh = await call('PUT', `/api/layers/land/features/${p.id}`, staff, { properties: bad }, { 'if-match': w.etag! });
    expect(zh.status).toBe(400);
    const m = zh.body.error.message as string;
    expect(m).toContain('价格（price）= -5：不能小于 0');
    expect(m).toContain('招商状态（status）= "sold"：应为以下之一：available（可招商）');
    expect(m).toContain('可交付日期（available_from）= "2026-02-30"：应为有效日期');
    expect(m).toContain('天然气（gas）= "yes"');
    expect(m).toContain('colour: 不是图层“land”的可编辑字段');
    expect(zh.body.error.fields.map((f: Json) => f.field).sort()).toEqual(['available_from', 'colour', 'gas', 'price', 'status']);
    const en = await call('PUT', `/api/layers/land/features/${p.id}`, staff, { properties: { status: 'occupied', price: 1e9, code: '' } }, { 'if-match': w.etag!, 'accept-language': 'en-US,en;q=0.9' });
    expect(en.status).toBe(400);
    expect(en.body.error.message).toContain('Enterprise moved in (occupant_name): is required when Status is "Occupied"');
    expect(en.body.error.message).toContain('Code (code): is required');
    // An invalid outline (a bow tie) is refused with PostGIS's reason.
    const bow = { type: 'Polygon', coordinates: [[[107.5, 31.2], [107.51, 31.21], [107.51, 31.2], [107.5, 31.21], [107.5, 31.2]]] };
    const g = await call('PUT', `/api/layers/land/features/${p.id}?lang=en`, staff, { properties: {}, geometry: bow }, { 'if-match': w.etag! });
    expect(g.status).toBe(400);
    expect(g.body.error.message).toMatch(/geometry is not valid: Self-intersection/);
    // Nothing was left behind.
    expect((await call('GET', `/api/layers/land/features/${p.id}/edit`, staff)).body.draft).toBeNull();
    // The occupied status with its enterprise is accepted.
    const ok = await call('PUT', `/api/layers/land/features/${p.id}`, staff, {
      properties: { status: other, status_date: '2026-11-20', occupant_name: '达州某新材料有限公司', occupant_industry: '新材料', occupant_investment_wan: 52000, occupant_since: '2026-11-20' },
    }, { 'if-match': w.etag! });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const reject = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === p.id));
    expect((await call('POST', `/api/changesets/${reject.id}/reject`, reviewer)).status).toBe(200);
    expect((await call('GET', `/api/layers/land/features/${p.id}`)).body.properties.status).toBe(status);
    expect((await call('GET', `/api/layers/land/features/${p.id}/edit`, staff)).body.draft).toBeNull();
    const h = await call('GET', `/api/layers/land/features/${p.id}/history`, staff);
    expect(h.body.history.slice(0, 2).map((e: Json) => e.action)).toEqual(['reject', 'edit']);
  });

  it('bulk-edits a selection as one reviewed changeset', async () => {
    const ps = await parcels(20, 10);
    const before = new Map(ps.map((p) => [p.id, p]));
    const { rows: orig } = await pool.query(`SELECT id::text, status FROM carriers WHERE id = ANY($1::bigint[])`, [ps.map((p) => p.id)]);
    const r = await call('POST', '/api/layers/land/bulk-edit', staff, { ids: ps.map((p) => p.id), properties: { status: 'reserved', status_date: '2026-12-01' }, note: '20 parcels reserved for one client' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.count).toBe(20);
    const cs = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.id === r.body.changesetId);
    expect(cs.revisions).toHaveLength(20);
    expect(cs.note).toBe('20 parcels reserved for one client');
    const { rows: still } = await pool.query(`SELECT count(*)::int n FROM carriers WHERE id = ANY($1::bigint[]) AND status = 'reserved' AND status_date = '2026-12-01'`, [ps.map((p) => p.id)]);
    expect(still[0].n).toBe(0);
    expect((await call('POST', `/api/changesets/${r.body.changesetId}/publish`, reviewer)).status).toBe(200);
    const { rows: after } = await pool.query(`SELECT count(*)::int n FROM carriers WHERE id = ANY($1::bigint[]) AND status = 'reserved' AND status_date = '2026-12-01'`, [ps.map((p) => p.id)]);
    expect(after[0].n).toBe(20);
    // A bad value in a bulk edit names the feature; nothing is written.
    const bad = await call('POST', '/api/layers/land/bulk-edit?lang=en', staff, { ids: ps.slice(0, 2).map((p) => p.id), properties: { price: 'cheap' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(`Land parcels ${ps[0].id}: Price (price) = "cheap": must be a number`);
    // Put the statuses back (one more reviewed change), so other tests see the demo data as it was.
    for (const status of ['available', 'reserved', 'occupied']) {
      const ids = orig.filter((o) => o.status === status).map((o) => o.id);
      if (ids.length === 0) continue;
      const props: Json = { status, status_date: null };
      if (status === 'occupied') Object.assign(props, { occupant_name: 'demo', occupant_since: '2026-01-01' });
      const back = await call('POST', '/api/layers/land/bulk-edit', staff, { ids, properties: props });
      expect(back.status, JSON.stringify(back.body)).toBe(201);
      expect((await call('POST', `/api/changesets/${back.body.changesetId}/publish`, reviewer)).status).toBe(200);
    }
    expect(before.size).toBe(20);
  });

  it('draws a new carrier, deletes it as a tombstone, keeps its whole history and restores it as a draft', async () => {
    const [p] = await parcels(1, 40);
    const lon = p.lon + 0.05, lat = p.lat + 0.05;
    const code = `EDIT-${Date.now()}`;
    const created = await call('POST', '/api/layers/factories/features', staff, {
      properties: { name: '测试新厂房', code, county: '511702', price: 12, price_unit: '元/m²·月', floors: 3 },
      geometry: square(lon, lat, 0.0004),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect(created.body.version).toBe(0);
    expect((await call('GET', `/api/layers/factories/features/${id}`)).status).toBe(404);
    // A second feature with the same code is refused while the first is a draft.
    const dup = await call('POST', '/api/layers/factories/features', staff, { properties: { name: 'x', code }, geometry: square(lon, lat, 0.0001) });
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toContain(`编号（code）= "${code}"：已被其他要素使用`);
    const cs1 = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === id));
    expect((await call('POST', `/api/changesets/${cs1.id}/publish`, reviewer)).status).toBe(200);
    const pub = await call('GET', `/api/layers/factories/features/${id}`);
    expect(pub.status).toBe(200);
    expect(pub.body.properties.floors).toBe(3);

    // Edit, publish, then delete and publish: the row is gone, the tombstone stays in history.
    let w = await call('GET', `/api/layers/factories/features/${id}/edit`, staff);
    await call('PUT', `/api/layers/factories/features/${id}`, staff, { properties: { floors: 5 } }, { 'if-match': w.etag! });
    const cs2 = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === id));
    expect((await call('POST', `/api/changesets/${cs2.id}/publish`, reviewer)).status).toBe(200);
    w = await call('GET', `/api/layers/factories/features/${id}/edit`, staff);
    const del = await call('DELETE', `/api/layers/factories/features/${id}`, staff, undefined, { 'if-match': w.etag! });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body.draft.action).toBe('delete');
    expect((await call('GET', `/api/layers/factories/features/${id}`)).status).toBe(200);
    const cs3 = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === id));
    expect((await call('POST', `/api/changesets/${cs3.id}/publish`, reviewer)).status).toBe(200);
    expect((await call('GET', `/api/layers/factories/features/${id}`)).status).toBe(404);

    const h = await call('GET', `/api/layers/factories/features/${id}/history`, staff);
    expect(h.status).toBe(200);
    const actions = h.body.history.map((e: Json) => `${e.action}${e.applied ? '' : '(draft)'}`);
    expect(actions).toEqual(['delete', 'delete(draft)', 'publish', 'edit(draft)', 'publish', 'create(draft)']);
    const tomb = h.body.history[0];
    expect(tomb.before.code).toBe(code);
    expect(tomb.before.floors).toBe(5);
    expect(tomb.beforeGeometry.type).toBe('MultiPolygon');
    const editEntry = h.body.history[2];
    expect(editEntry.before).toEqual({ floors: 3 });
    expect(editEntry.after).toEqual({ floors: 5 });
    expect(editEntry.actor).toBeTruthy();
    // The public and officers may not read history.
    expect((await call('GET', `/api/layers/factories/features/${id}/history`)).status).toBe(401);

    // Restore the state after the first publish (floors 3) as a new draft of the deleted feature.
    const first = h.body.history[4];
    const restored = await call('POST', `/api/layers/factories/features/${id}/history/${first.id}/restore`, staff, undefined, { 'if-match': '"0-0"' });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.properties.floors).toBe(3);
    expect(restored.body.draft.action).toBe('create');
    const cs4 = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === id));
    expect((await call('POST', `/api/changesets/${cs4.id}/publish`, reviewer)).status).toBe(200);
    const back = await call('GET', `/api/layers/factories/features/${id}`);
    expect(back.body.properties.floors).toBe(3);
    expect(back.body.properties.code).toBe(code);
    const h2 = await call('GET', `/api/layers/factories/features/${id}/history`, staff);
    expect(h2.body.history[1].action).toBe('restore');

    // Clean up: delete it again.
    w = await call('GET', `/api/layers/factories/features/${id}/edit`, staff);
    await call('DELETE', `/api/layers/factories/features/${id}`, staff, undefined, { 'if-match': w.etag! });
    const cs5 = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === id));
    expect((await call('POST', `/api/changesets/${cs5.id}/publish`, reviewer)).status).toBe(200);
    // History is append-only.
    await expect(pool.query('DELETE FROM feature_history WHERE feature_id = $1', [id])).rejects.toThrow(/append-only/);
  });

  it('edits every editable layer: a park\'s contact, an amenity\'s position and kind, in one reviewed change each', async () => {
    const { rows: [park] } = await pool.query(`SELECT id::text FROM parks WHERE review_state = 'published' ORDER BY id DESC LIMIT 1`);
    const { rows: [am] } = await pool.query(
      `SELECT id::text, kind, ST_X(geom) lon, ST_Y(geom) lat FROM amenities WHERE review_state = 'published' ORDER BY id DESC LIMIT 1 OFFSET 3`);
    const pw = await call('GET', `/api/layers/parks/features/${park.id}/edit`, staff);
    const ps = await call('PUT', `/api/layers/parks/features/${park.id}`, staff, { properties: { contact_name: '园区招商局 张主任', established_year: 2012 } }, { 'if-match': pw.etag! });
    expect(ps.status, JSON.stringify(ps.body)).toBe(200);
    const bad = await call('PUT', `/api/layers/parks/features/${park.id}?lang=en`, staff, { properties: { established_year: 1900, park_level: 'galactic' } }, { 'if-match': ps.etag! });
    expect(bad.body.error.message).toContain('Established (established_year) = 1900: must be at least 1949');
    expect(bad.body.error.message).toContain('Level (park_level) = "galactic": must be one of national (National)');
    const aw = await call('GET', `/api/layers/amenities/features/${am.id}/edit`, staff);
    const kind = am.kind === 'bank' ? 'hotel' : 'bank';
    const moved = { type: 'Point', coordinates: [am.lon + 0.001, am.lat] };
    const as = await call('PUT', `/api/layers/amenities/features/${am.id}`, staff, { properties: { kind }, geometry: moved }, { 'if-match': aw.etag! });
    expect(as.status, JSON.stringify(as.body)).toBe(200);
    const polygonForPoint = await call('PUT', `/api/layers/amenities/features/${am.id}?lang=en`, staff, { properties: {}, geometry: square(am.lon, am.lat, 0.001) }, { 'if-match': as.etag! });
    expect(polygonForPoint.body.error.message).toContain('geometry: must be Point, got "Polygon"');
    expect((await call('GET', `/api/layers/amenities/features/${am.id}`)).body.properties.kind).toBe(am.kind);
    const list = (await call('GET', '/api/changesets', reviewer)).body.changesets;
    for (const fid of [park.id, am.id]) {
      const cs = list.find((c: Json) => c.revisions.some((r: Json) => r.featureId === fid));
      expect((await call('POST', `/api/changesets/${cs.id}/publish`, reviewer)).status).toBe(200);
    }
    expect((await call('GET', `/api/layers/parks/features/${park.id}`)).body.properties.contact_name).toBe('园区招商局 张主任');
    const a = (await call('GET', `/api/layers/amenities/features/${am.id}`)).body;
    expect(a.properties.kind).toBe(kind);
    expect(a.geometry.coordinates[0]).toBeCloseTo(am.lon + 0.001, 6);
    // Layers without editing say which layers can be edited.
    const pano = await call('GET', '/api/layers/panoramas/features/1/edit?lang=en', staff);
    expect(pano.status).toBe(400);
    expect(pano.body.error.message).toContain('editable: parks, land, factories, offices, amenities');
    // Put the amenity back (its kind feeds site selection's stored distances).
    const back = await call('GET', `/api/layers/amenities/features/${am.id}/edit`, staff);
    await call('PUT', `/api/layers/amenities/features/${am.id}`, staff, { properties: { kind: am.kind }, geometry: { type: 'Point', coordinates: [am.lon, am.lat] } }, { 'if-match': back.etag! });
    const cs = (await call('GET', '/api/changesets', reviewer)).body.changesets.find((c: Json) => c.revisions.some((r: Json) => r.featureId === am.id));
    expect((await call('POST', `/api/changesets/${cs.id}/publish`, reviewer)).status).toBe(200);
  });

  it('records imports, reviews and undo in the history of each imported feature', async () => {
    const [p] = await parcels(1, 50);
    const code = `HIST-${Date.now()}`;
    const gj = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code, name: '历史测试地块', price: 30 }, geometry: square(p.lon + 0.03, p.lat - 0.03, 0.0005) }],
    });
    const form = new FormData();
    form.set('layer', 'land');
    form.append('file', new Blob([gj]), 'history.geojson');
    const up = await api('/api/imports', { method: 'POST', body: form, cookie: staff });
    const batch = await up.json();
    expect(up.status, JSON.stringify(batch)).toBeLessThan(300);
    const bid = batch.id ?? batch.batch?.id;
    expect((await call('POST', `/api/imports/${bid}/commit`, staff)).status).toBe(200);
    const { rows: [row] } = await pool.query('SELECT id::text FROM carriers WHERE code = $1', [code]);
    expect((await call('POST', `/api/imports/${bid}/review`, reviewer, { state: 'verified' })).status).toBe(200);
    expect((await call('POST', `/api/imports/${bid}/undo`, staff)).status).toBe(200);
    const h = await call('GET', `/api/layers/land/features/${row.id}/history`, staff);
    expect(h.body.history.map((e: Json) => e.action)).toEqual(['undo', 'review', 'import']);
    const imp = h.body.history[2];
    expect(imp.actor).toBe(staffName);
    expect(imp.batchId).toBe(String(bid));
    expect(imp.after).toMatchObject({ code, price: 30, review_state: 'draft' });
    expect(imp.afterGeometry.type).toBe('MultiPolygon');
    expect(h.body.history[1].after).toEqual({ review_state: 'verified' });
    expect(h.body.history[0].before.code).toBe(code);
  });
});
