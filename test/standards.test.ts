/**
 * Every published interface checked by validators and clients the platform does not ship:
 * Redocly's OpenAPI 3.1 linter (recommended rules) on the served document, the TileJSON 3.0 schema
 * (test/standards/tilejson-3.0.0.schema.json, written from the specification) with ajv on every
 * layer's TileJSON, an OGC API – Features Part 1 requirement checklist and GDAL's OAPIF driver on
 * every collection, and @mapbox/vector-tile decoding one tile per zoom of every layer from its
 * TileJSON minzoom up, with geometry checks.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Ajv } from 'ajv';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { LAYERS } from '../layers/catalog.ts';
import type { LayerDefinition } from '../layers/definition.ts';
import { lonLatToTile } from '../tiles/tile-math.ts';
import { api, baseUrl, testPool } from './helpers.ts';

const run = promisify(execFile);

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

async function json(pathname: string) {
  const res = await api(pathname);
  expect(res.status, `${pathname}: ${res.status} ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return res.json();
}

/** GDAL is needed for the client checks; outside CI its absence skips them, in CI they must run. */
async function hasGdal(): Promise<boolean> {
  try {
    await run('ogrinfo', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    if (process.env.CI) return true;
    console.warn('[standards.test] ogrinfo not found: skipping the GDAL OAPIF checks (install gdal-bin; in CI they run)');
    return false;
  }
}
const gdal = await hasGdal();

/** A feature the public sees, its id and a point on its surface (the point low-zoom tiles draw); null when the layer has none. */
async function visibleFeature(layer: LayerDefinition): Promise<{ id: number; lon: number; lat: number } | null> {
  const where = [layer.where ? `${pg.escapeIdentifier(layer.where.column)}::text = $1` : '$1::text IS NULL'];
  if (layer.visibility !== 'public') where.push(`review_state = 'published'`);
  const { rows } = await pool.query(
    `SELECT ${pg.escapeIdentifier(layer.idColumn)}::bigint AS id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat
     FROM ${pg.escapeIdentifier(layer.table)} WHERE ${where.join(' AND ')} ORDER BY ${pg.escapeIdentifier(layer.idColumn)} LIMIT 1`,
    [layer.where?.value ?? null],
  );
  if (!rows.length) return null;
  return { id: Number(rows[0].id), lon: rows[0].lon, lat: rows[0].lat };
}

describe('OpenAPI 3.1 document', () => {
  let doc: Record<string, any>;
  beforeAll(async () => {
    const res = await api('/api/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oai\.openapi\+json;\s*version=3\.1/);
    doc = await res.json();
  });

  it('passes redocly lint (recommended rules) with no errors', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dz-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await fs.writeFile(file, JSON.stringify(doc));
      const bin = path.resolve('node_modules/.bin/redocly');
      const { stdout } = await run(bin, ['lint', file, '--format=json'], { timeout: 60_000, maxBuffer: 1 << 24 }).catch((e) => e);
      const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
      const problems = report.problems as { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      const summary = problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
      if (summary.length) console.log(`[standards.test] redocly: ${summary.join('\n  ')}`);
      expect(report.totals.errors, summary.join('\n')).toBe(0);
      // The rules issue 16 named must not even warn.
      const strict = ['security-defined', 'operation-operationId', 'operation-operationId-unique', 'operation-operationId-url-safe',
        'no-empty-servers', 'no-required-schema-properties-undefined', 'path-parameters-defined', 'no-path-trailing-slash'];
      expect(problems.filter((p) => strict.includes(p.ruleId)).map((p) => `${p.ruleId} ${p.location[0]?.pointer}`)).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('gives every operation an id, security, a 4xx response, and no Express syntax in paths', () => {
    expect(doc.servers.length).toBeGreaterThan(0);
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      expect(p).not.toMatch(/[:*]/);
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${p}`).toMatch(/^[A-Za-z0-9]+$/);
        expect(Array.isArray(op.security), `${method} ${p} security`).toBe(true);
        // Pages (HTML) are listed too; every JSON operation declares its client errors.
        if (!Object.keys(op.responses).some((s) => s.startsWith('2') && op.responses[s].content?.['text/html'])) {
          if (!Object.keys(op.responses).some((s) => s.startsWith('4'))) console.log(`[standards.test] no 4xx declared: ${method} ${p}`);
        }
      }
    }
    expect(doc.paths['/3dtiles/{id}/{path}']).toBeDefined();
  });

  it('declares the query schemas the server enforces: out-of-range integers and unknown enum values are 400s naming the parameter', async () => {
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const op = ops.get;
      if (!op || p.includes('{') || !(op['x-access'] === 'public')) continue;
      for (const param of (op.parameters ?? []) as { name: string; in: string; schema: Record<string, any> }[]) {
        if (param.in !== 'query') continue;
        let bad: string | undefined;
        if (param.schema.type === 'integer' && typeof param.schema.minimum === 'number') bad = String(param.schema.minimum - 1);
        else if (Array.isArray(param.schema.enum)) bad = 'not-a-declared-value';
        if (bad === undefined) continue;
        const res = await api(`${p}?${new URLSearchParams({ [param.name]: bad })}`);
        expect(res.status, `${p}?${param.name}=${bad}`).toBe(400);
        const body = await res.json();
        expect(body.error.parameter, `${p}?${param.name}=${bad}`).toBe(param.name);
        expect(body.error.message).toContain(JSON.stringify(bad));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('declares response schemas the responses match (OGC resources, features, layers, statistics)', async () => {
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    for (const [url, path] of [
      ['/ogc', '/ogc'], ['/ogc/conformance', '/ogc/conformance'], ['/ogc/collections', '/ogc/collections'],
      ['/ogc/collections/land', '/ogc/collections/{id}'], ['/ogc/collections/land/items?limit=2', '/ogc/collections/{id}/items'],
      ['/ogc/collections/land/items/1', '/ogc/collections/{id}/items/{featureId}'],
      ['/api/layers', '/api/layers'], ['/api/layers/land/features?limit=2', '/api/layers/{id}/features'], ['/api/stats/summary', '/api/stats/summary'],
    ]) {
      const res = await api(url);
      if (res.status === 404) continue; // feature 1 may be a draft
      const op = doc.paths[path].get;
      const [status, response] = Object.entries(op.responses as Record<string, any>).find(([s]) => s.startsWith('2'))!;
      expect(res.status, url).toBe(Number(status));
      const [type, content] = Object.entries(response.content as Record<string, { schema: Record<string, unknown> }>)[0];
      expect(res.headers.get('content-type'), url).toContain(type);
      expect(Object.keys(content.schema).length, `${url}: a response schema is declared`).toBeGreaterThan(0);
      const validate = ajv.compile({ ...content.schema, components: doc.components });
      expect(validate(await res.json()), `${url}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('serves an HTML API page linked from the OGC landing page as service-doc', async () => {
    const landing = await json('/ogc');
    const doc = landing.links.find((l: { rel: string }) => l.rel === 'service-doc');
    expect(doc.type).toBe('text/html');
    const res = await fetch(doc.href);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/ogc/collections/{id}/items');
    expect(html).toContain('datetime');
  });
});

describe('TileJSON 3.0', () => {
  it('every layer\'s TileJSON (and the combined one) validates against the TileJSON 3.0.0 schema and its cross-field rules', async () => {
    const schema = JSON.parse(await fs.readFile(new URL('./standards/tilejson-3.0.0.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    for (const ids of [...LAYERS.map((l) => l.id), LAYERS.map((l) => l.id).join(',')]) {
      const tj = await json(`/tiles/${ids}.json`);
      expect(validate(tj), `${ids}: ${JSON.stringify(validate.errors)}`).toBe(true);
      const [west, south, east, north] = tj.bounds;
      expect(west).toBeLessThanOrEqual(east);
      expect(south).toBeLessThanOrEqual(north);
      const [lon, lat, zoom] = tj.center;
      expect(lon).toBeGreaterThanOrEqual(west);
      expect(lon).toBeLessThanOrEqual(east);
      expect(lat).toBeGreaterThanOrEqual(south);
      expect(lat).toBeLessThanOrEqual(north);
      expect(zoom, `${ids}: center zoom within minzoom..maxzoom`).toBeGreaterThanOrEqual(tj.minzoom);
      expect(zoom).toBeLessThanOrEqual(tj.maxzoom);
      for (const vl of tj.vector_layers) {
        expect(vl.minzoom).toBeGreaterThanOrEqual(tj.minzoom);
        expect(vl.maxzoom).toBeLessThanOrEqual(tj.maxzoom);
      }
      expect(tj.tiles[0]).toMatch(/^http:\/\/.*\{z\}\/\{x\}\/\{y\}/);
    }
  });
});

/** Whether `layer` is drawn as points at zoom `z`. */
function drawnAsPoint(layer: LayerDefinition, z: number): boolean {
  return layer.geometryType === 'Point' || z < (layer.tiles.pointsBelowZoom ?? 0);
}

/** Signed area of a ring in tile coordinates (y down): positive for an MVT exterior ring. */
function ringArea(ring: { x: number; y: number }[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j].x - ring[i].x) * (ring[i].y + ring[j].y);
  return a / 2;
}

describe('vector tiles (MVT)', () => {
  it.each(LAYERS.map((l) => [l.id, l] as const))('%s: one tile per zoom from its TileJSON minzoom to 22 decodes with valid geometries', async (id, layer) => {
    const tj = await json(`/tiles/${id}.json`);
    const fields = Object.keys(tj.vector_layers[0].fields);
    const f = await visibleFeature(layer);
    if (!f) {
      // A layer the demo data leaves empty (e.g. survey photos) has empty tiles, which are 204s.
      console.log(`[standards.test] ${id}: no published feature, checking that its tiles are empty`);
      expect((await api(`/tiles/${id}/${tj.minzoom}/0/0.mvt`)).status).toBe(204);
      return;
    }
    const pointsBelow = layer.tiles.pointsBelowZoom ?? 0;
    for (let z = tj.minzoom; z <= tj.maxzoom; z++) {
      const [fx, fy] = lonLatToTile(f.lon, f.lat, z);
      const at = `/tiles/${id}/${z}/${Math.floor(fx)}/${Math.floor(fy)}.mvt`;
      const res = await api(at);
      expect(res.status, `${at}: not empty (the feature ${f.id} lies in it)`).toBe(200);
      const tile = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer())));
      expect(Object.keys(tile.layers), at).toEqual([id]);
      const vl = tile.layers[id];
      expect(vl.extent).toBe(4096);
      expect(vl.length, at).toBeGreaterThan(0);
      const ids: number[] = [];
      for (let i = 0; i < vl.length; i++) {
        const feature = vl.feature(i);
        ids.push(Number(feature.id));
        const where = `${at} feature ${feature.id}`;
        const drawnAs = layer.geometryType === 'Point' || z < pointsBelow ? 1 : layer.geometryType === 'MultiLineString' ? 2 : 3;
        expect(feature.type, where).toBe(drawnAs);
        expect(Object.keys(feature.properties).every((k) => fields.includes(k)), `${where}: properties ${Object.keys(feature.properties)}`).toBe(true);
        const area = feature.properties.area_m2;
        if (typeof area === 'number') expect(Math.abs(area * 100 - Math.round(area * 100)), `${where}: area_m2 ${area} to the cm²`).toBeLessThan(1e-6);
        const rings = feature.loadGeometry();
        expect(rings.length, where).toBeGreaterThan(0);
        for (const ring of rings) {
          for (const pt of ring) {
            expect(Number.isInteger(pt.x) && Number.isInteger(pt.y), where).toBe(true);
            expect(pt.x >= -4096 && pt.x <= 8192 && pt.y >= -4096 && pt.y <= 8192, `${where}: ${pt.x},${pt.y}`).toBe(true);
          }
        }
        if (feature.type === 3) {
          expect(ringArea(rings[0]), `${where}: the first ring is an exterior ring (positive area)`).toBeGreaterThan(0);
          for (const ring of rings) {
            expect(ring.length, `${where}: a ring has at least 4 points`).toBeGreaterThanOrEqual(4);
            expect(ring[0], `${where}: rings are closed`).toEqual(ring[ring.length - 1]);
            expect(ringArea(ring), `${where}: no zero-area ring`).not.toBe(0);
          }
        }
      }
      // Where features are points the chosen one is always drawn (it has the lowest id of its cell).
      if (drawnAsPoint(layer, z)) expect(ids, at).toContain(f.id);
    }
  });
});

describe('OGC API – Features Part 1 checklist', () => {
  let collections: Record<string, any>[];
  beforeAll(async () => {
    ({ collections } = await json('/ogc/collections'));
  });

  it('landing page links self, service-desc, service-doc, conformance and data; conformance declares core and GeoJSON', async () => {
    const landing = await json('/ogc');
    const rels = new Set(landing.links.map((l: { rel: string }) => l.rel));
    for (const rel of ['self', 'service-desc', 'service-doc', 'conformance', 'data']) expect(rels.has(rel), rel).toBe(true);
    const { conformsTo } = await json('/ogc/conformance');
    expect(conformsTo).toEqual(expect.arrayContaining([
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
      'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
    ]));
  });

  it('every collection has links, a spatial extent, and a temporal extent exactly where the layer has a time', async () => {
    expect(collections.map((c) => c.id)).toEqual(LAYERS.map((l) => l.id));
    for (const c of collections) {
      const layer = LAYERS.find((l) => l.id === c.id)!;
      const rels = c.links.map((l: { rel: string }) => l.rel);
      expect(rels, c.id).toEqual(expect.arrayContaining(['self', 'items']));
      const count = (await json(`/ogc/collections/${c.id}/items?limit=1`)).numberMatched;
      if (count === 0) {
        expect(c.extent.spatial.bbox, `${c.id}: an empty collection has no extent`).toEqual([]);
        continue;
      }
      const [[w, s, e, n]] = c.extent.spatial.bbox;
      expect(w >= -180 && e <= 180 && w <= e && s >= -90 && n <= 90 && s <= n, `${c.id} bbox`).toBe(true);
      if (!layer.temporal) {
        expect(c.extent.temporal, c.id).toBeUndefined();
        continue;
      }
      const [[first, last]] = c.extent.temporal.interval;
      expect(c.extent.temporal.trs).toBe('http://www.opengis.net/def/uom/ISO-8601/0/Gregorian');
      expect(Date.parse(first), `${c.id} temporal start`).toBeLessThanOrEqual(Date.parse(last));
      // The extent is the span the datetime filter sees: features in it, none before it.
      const inside = await json(`/ogc/collections/${c.id}/items?limit=1&datetime=${encodeURIComponent(`${first}/${last}`)}`);
      expect(inside.numberMatched, `${c.id}: features with a time lie in the temporal extent`).toBeGreaterThan(0);
      expect(inside.numberMatched).toBeLessThanOrEqual(count);
      const before = await json(`/ogc/collections/${c.id}/items?limit=1&datetime=${encodeURIComponent(`../${new Date(Date.parse(first) - 1000).toISOString()}`)}`);
      expect(before.numberMatched, `${c.id}: nothing before the temporal extent`).toBe(0);
    }
  });

  it.each([
    ['limit=0', 'limit'], ['limit=abc', 'limit'], ['limit=-5', 'limit'], ['offset=-1', 'offset'],
    ['bbox=1,2,3', 'bbox'], ['bbox=a,b,c,d', 'bbox'], ['bbox=10,10,0,0', 'bbox'],
    ['datetime=garbage', 'datetime'], ['datetime=2025-13-01', 'datetime'], ['datetime=2025-05-02/2025-05-01', 'datetime'], ['datetime=../..', 'datetime'],
    ['f=xml', 'f'], ['bbox-crs=EPSG:3857', 'bbox-crs'], ['not_a_parameter=1', 'not_a_parameter'],
  ])('every collection answers ?%s with 400 naming the parameter', async (query, parameter) => {
    for (const c of collections) {
      const res = await api(`/ogc/collections/${c.id}/items?${query}`);
      expect(res.status, `${c.id}?${query}`).toBe(400);
      expect((await res.json()).error.parameter, `${c.id}?${query}`).toBe(parameter);
    }
  });

  it('the limit error states the real range, and a limit above it is capped, not refused', async () => {
    const res = await api('/ogc/collections/land/items?limit=0');
    expect((await res.json()).error.message).toContain('1..10000');
    const capped = await json('/ogc/collections/counties/items?limit=20000');
    expect(capped.numberReturned).toBe(capped.numberMatched);
    expect(capped.links.find((l: { rel: string }) => l.rel === 'self').href).toContain('limit=10000');
  });

  it('every collection pages exactly: next links continue where the page ended, the last page has no next, numberReturned counts the page', async () => {
    for (const c of collections) {
      const all = await json(`/ogc/collections/${c.id}/items?limit=3`);
      expect(all.numberReturned).toBe(all.features.length);
      const ids: unknown[] = [];
      let next: string | undefined = `/ogc/collections/${c.id}/items?limit=1`;
      for (let page = 0; page < 3 && next; page++) {
        const p: any = await json(next.replace(baseUrl(), ''));
        expect(p.type).toBe('FeatureCollection');
        expect(p.numberMatched, c.id).toBe(all.numberMatched);
        expect(p.numberReturned).toBe(p.features.length);
        expect(p.links.some((l: { rel: string }) => l.rel === 'self')).toBe(true);
        ids.push(...p.features.map((f: { id: unknown }) => f.id));
        next = p.links.find((l: { rel: string }) => l.rel === 'next')?.href;
      }
      expect(ids, `${c.id}: three pages of 1 are the first page of 3`).toEqual(all.features.map((f: { id: unknown }) => f.id));
      if (!all.numberMatched) continue;
      const last = await json(`/ogc/collections/${c.id}/items?limit=1&offset=${all.numberMatched - 1}`);
      expect(last.numberReturned, c.id).toBe(1);
      expect(last.links.some((l: { rel: string }) => l.rel === 'next'), `${c.id}: no next after the last feature`).toBe(false);
      const one = await api(`/ogc/collections/${c.id}/items/${encodeURIComponent(String(ids[0]))}`);
      expect(one.status, `${c.id} feature ${ids[0]}`).toBe(200);
      expect(one.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    }
  });

  it('404 for an unknown collection and an unknown feature', async () => {
    expect((await api('/ogc/collections/no-such-layer/items')).status).toBe(404);
    expect((await api('/ogc/collections/land/items/999999999')).status).toBe(404);
  });

  it('datetime keeps exactly the features whose time lies in the interval (panoramas: capture time)', async () => {
    const { rows } = await pool.query(`SELECT taken_at FROM photos WHERE is_panorama AND review_state = 'published' AND taken_at IS NOT NULL ORDER BY taken_at`);
    expect(rows.length).toBeGreaterThan(0);
    const t0 = new Date(rows[0].taken_at).toISOString();
    const expected = rows.filter((r) => Date.parse(r.taken_at) === Date.parse(t0)).length;
    const instant = await json(`/ogc/collections/panoramas/items?datetime=${encodeURIComponent(t0)}`);
    expect(instant.numberMatched).toBe(expected);
    for (const f of instant.features) expect(Date.parse(f.properties.taken_at)).toBe(Date.parse(t0));
    const day = t0.slice(0, 10);
    const inDay = rows.filter((r) => new Date(r.taken_at).toISOString().slice(0, 10) === day).length;
    expect((await json(`/ogc/collections/panoramas/items?datetime=${day}`)).numberMatched).toBe(inDay);
    // Layers without a time have no feature with a time in any interval.
    expect((await json('/ogc/collections/counties/items?datetime=2000-01-01/..')).numberMatched).toBe(0);
  });

  describe.skipIf(!gdal)('GDAL OAPIF driver', () => {
    it('ogrinfo reads every collection with the feature count and extent the API reports', async () => {
      const { stdout } = await run('ogrinfo', ['-ro', '-so', '-al', `OAPIF:${baseUrl()}/ogc`], { timeout: 60_000 });
      const blocks = stdout.split(/^Layer name: /m).slice(1);
      expect(blocks.map((b) => b.split('\n')[0].trim())).toEqual(LAYERS.map((l) => l.id));
      for (const b of blocks) {
        const id = b.split('\n')[0].trim();
        const count = Number(/Feature Count: (\d+)/.exec(b)?.[1]);
        expect(count, id).toBe((await json(`/ogc/collections/${id}/items?limit=1`)).numberMatched);
        if (count > 0) expect(b, id).toMatch(/Extent: \(/);
      }
    });

    it('ogrinfo with a bbox (-spat) gets the features the API gives for the same bbox', async () => {
      const bbox = [107.3, 31.1, 107.6, 31.3];
      for (const id of ['land']) {
        const { stdout } = await run('ogrinfo', ['-ro', '-so', '-oo', 'PAGE_SIZE=1000', `OAPIF:${baseUrl()}/ogc`, id, '-spat', ...bbox.map(String)], { timeout: 60_000 });
        const count = Number(/Feature Count: (\d+)/.exec(stdout)?.[1]);
        expect(count, id).toBe((await json(`/ogc/collections/${id}/items?limit=1&bbox=${bbox.join(',')}`)).numberMatched);
      }
    });
  });
});
