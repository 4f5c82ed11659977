/**
 * 3D assets end to end over HTTP: every fixture tileset (3D Tiles 1.0 and 1.1) zipped here with
 * fflate, uploaded, validated and served with the right content types, ranges, ETags and gzip;
 * hostile zips refused naming the entry; placement of local tilesets as an ENU root transform;
 * IFC models converted with their element counts matching EXPECTED.md; drafts hidden from the
 * public until a reviewer publishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import type pg from 'pg';
import { fixture, hasFixtures } from './fixtures.ts';
import { api, testPool, userWithRole } from './helpers.ts';
import { geodeticToEcef } from '../survey-import/three-d/enu.ts';

let pool: pg.Pool;
let staff: string;
let reviewer: string;
let factoryId: number;

beforeAll(async () => {
  pool = testPool();
  staff = await userWithRole('staff');
  reviewer = await userWithRole('reviewer');
  factoryId = Number((await pool.query(`SELECT id FROM carriers WHERE kind = 'factory' AND review_state = 'published' ORDER BY id LIMIT 1`)).rows[0].id);
});
afterAll(async () => {
  await pool.end();
});

/** The files of a fixture folder, zipped with paths relative to it. */
function zipFolder(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`);
      else files[rel + e.name] = new Uint8Array(fs.readFileSync(path.join(abs, e.name)));
    }
  };
  walk(dir, '');
  return zipSync(files);
}

async function uploadZip(zip: Uint8Array, name: string, fields: Record<string, string> = {}, cookie = staff) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.append('file', new Blob([new Uint8Array(zip)]), name);
  const res = await api('/api/tilesets', { method: 'POST', body: form, cookie });
  return { status: res.status, body: await res.json() };
}

async function uploadModel(file: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await api('/api/models', { method: 'POST', body: form, cookie: staff });
  return { status: res.status, body: await res.json() };
}

const review = (kind: 'tilesets' | 'models', id: number, state: string) =>
  api(`/api/${kind}/${id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state }) });

const FIXTURE_TILESETS = ['1.0/BatchedWithBatchTable', '1.0/PointCloudRGB', '1.0/InstancedWithBatchTable', '1.0/Composite',
  '1.0/TilesetWithTreeBillboards', '1.0/TilesetWithRequestVolume_city', '1.1/MetadataGranularities', '1.1/SparseImplicitQuadtree',
  '1.1/MultipleContents'];

/** Dazhou high-tech zone, where local (1.1) samples are placed. */
const PLACE = { lon: 107.4682, lat: 31.2096, height: 0, heading: 30 };

describe.skipIf(!hasFixtures())('3D Tiles upload and serving', () => {
  for (const name of FIXTURE_TILESETS) {
    it(`${name} uploads, validates and is served with the right types`, async () => {
      const local = name.startsWith('1.1/');
      const { status, body } = await uploadZip(zipFolder(fixture(`tiles3d/${name}`)), `${path.basename(name)}.zip`,
        local ? { name, lon: String(PLACE.lon), lat: String(PLACE.lat), height: '0', heading: String(PLACE.heading) } : { name });
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.url).toBe(`/3dtiles/${body.id}/tileset.json`);
      expect(body.tileset.georeferenced).toBe(!local);
      expect(body.tileset.review_state).toBe('draft');

      const res = await api(body.url, { cookie: staff });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const json = await res.json();
      expect(json.asset.version).toBe(local ? '1.1' : '1.0');
      if (local) {
        // root.transform = ENU at the placement: its translation is the placement's ECEF.
        const t = json.root.transform as number[];
        const ecef = geodeticToEcef(PLACE.lon, PLACE.lat, PLACE.height);
        expect(t[12]).toBeCloseTo(ecef[0], 3);
        expect(t[13]).toBeCloseTo(ecef[1], 3);
        expect(t[14]).toBeCloseTo(ecef[2], 3);
      } else {
        expect(json.root.transform).toBeUndefined();
      }
      // Every explicit content is served with a 3D Tiles content type.
      const uris: string[] = [];
      const walk = (tile: Record<string, any>) => {
        if (tile.implicitTiling) return;
        for (const c of [tile.content, ...(tile.contents ?? [])]) if (c) uris.push(c.uri ?? c.url);
        for (const child of tile.children ?? []) walk(child);
      };
      walk(json.root);
      if (!json.root.implicitTiling) expect(uris.length).toBeGreaterThan(0);
      for (const uri of uris) {
        const r = await api(`/3dtiles/${body.id}/${uri}`, { cookie: staff });
        expect(r.status, uri).toBe(200);
        const type = uri.endsWith('.glb') ? 'model/gltf-binary' : 'application/octet-stream';
        expect(r.headers.get('content-type')).toBe(type);
        const bytes = new Uint8Array(await r.arrayBuffer());
        expect(bytes.length).toBe(fs.statSync(fixture(`tiles3d/${name}/${uri}`)).size);
      }
    });
  }

  it('serves implicit-tiling subtrees and contents', async () => {
    const { body } = await uploadZip(zipFolder(fixture('tiles3d/1.1/SparseImplicitQuadtree')), 'sparse.zip', { lon: '107.5', lat: '31.2' });
    expect(body.tileset.tile_count).toBeGreaterThan(32);
    const sub = await api(`/3dtiles/${body.id}/subtrees/0.0.0.subtree`, { cookie: staff });
    expect(sub.status).toBe(200);
    expect(sub.headers.get('content-type')).toBe('application/octet-stream');
    const glb = await api(`/3dtiles/${body.id}/content/content_5__0_21.glb`, { cookie: staff });
    expect(glb.status).toBe(200);
  });

  it('answers ranges with 206, ETags with 304 and compresses JSON', async () => {
    const { body } = await uploadZip(zipFolder(fixture('tiles3d/1.0/BatchedWithBatchTable')), 'b.zip');
    const file = `/3dtiles/${body.id}/batchedWithBatchTable.b3dm`;
    const ranged = await api(file, { cookie: staff, headers: { range: 'bytes=0-27' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-27/${fs.statSync(fixture('tiles3d/1.0/BatchedWithBatchTable/batchedWithBatchTable.b3dm')).size}`);
    const head = new Uint8Array(await ranged.arrayBuffer());
    expect(head.length).toBe(28);
    expect(new TextDecoder().decode(head.subarray(0, 4))).toBe('b3dm');
    expect((await api(file, { cookie: staff, headers: { range: 'bytes=999999-' } })).status).toBe(416);

    const first = await api(file, { cookie: staff });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]+/);
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    const again = await api(file, { cookie: staff, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);

    const gz = await api(`/3dtiles/${body.id}/tileset.json`, { cookie: staff, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect((await gz.json()).asset.version).toBe('1.0');
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('hides drafts from the public until a reviewer publishes', async () => {
    const { body } = await uploadZip(zipFolder(fixture('tiles3d/1.0/PointCloudRGB')), 'p.zip');
    expect((await api(body.url)).status).toBe(404);
    expect((await (await api('/api/tilesets')).json()).tilesets.some((t: { id: number }) => t.id === body.id)).toBe(false);
    expect((await review('tilesets', body.id, 'published')).status).toBe(200);
    const pub = await api(body.url);
    expect(pub.status).toBe(200);
    expect(pub.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect((await (await api('/api/tilesets')).json()).tilesets.some((t: { id: number }) => t.id === body.id)).toBe(true);
    expect((await api(`/api/tilesets/${body.id}/review`, { method: 'POST', cookie: staff, body: JSON.stringify({ state: 'published' }) })).status).toBe(403);
  });

  it('places a local tileset on its park when no placement is given, and can move it', async () => {
    const park = (await pool.query(`SELECT id FROM parks ORDER BY id LIMIT 1`)).rows[0].id;
    const { status, body } = await uploadZip(zipFolder(fixture('tiles3d/1.1/MultipleContents')), 'm.zip', { parkId: String(park) });
    expect(status).toBe(201);
    expect(body.tileset.lon).not.toBeNull();
    const moved = await api(`/api/tilesets/${body.id}/placement`, { method: 'POST', cookie: staff, body: JSON.stringify({ lon: 107.5, lat: 31.25, height: 5, heading: 90 }) });
    expect(moved.status).toBe(200);
    const json = await (await api(body.url, { cookie: staff })).json();
    expect(json.root.transform[12]).toBeCloseTo(geodeticToEcef(107.5, 31.25, 5)[0], 3);
  });

  it('serves loaders.gl renderable copies of i3dm and cmpt contents, and the originals untouched', async () => {
    const expected: Record<string, { uris: string[]; files: number }> = {
      '1.0/InstancedWithBatchTable': { uris: ['instancedWithBatchTable.i3dm.derived-0.b3dm'], files: 2 },
      '1.0/Composite': { uris: ['composite.cmpt.derived-0.b3dm', 'composite.cmpt.derived-1.b3dm'], files: 2 },
      '1.0/TilesetWithTreeBillboards': { uris: ['tree_billboard.i3dm.derived-0.b3dm', 'tree.i3dm.derived-0.b3dm'], files: 4 },
    };
    for (const [name, want] of Object.entries(expected)) {
      const dir = fixture(`tiles3d/${name}`);
      const { status, body } = await uploadZip(zipFolder(dir), `${path.basename(name)}.zip`);
      expect(status, JSON.stringify(body)).toBe(201);
      // Only the uploaded files count; the copies are stored beside them.
      expect(body.tileset.entry_count).toBe(want.files);
      const about3dView = (body.warnings as string[]).filter((w) => !w.startsWith('files not referenced'));
      if (name.endsWith('TreeBillboards')) expect(about3dView).toEqual([expect.stringMatching(/^tree_billboard\.i3dm: .*KHR_techniques_webgl/)]);
      else expect(about3dView).toEqual([]);

      const plain = await (await api(body.url, { cookie: staff })).json();
      expect(plain).toEqual(JSON.parse(fs.readFileSync(path.join(dir, 'tileset.json'), 'utf8')));

      const compat = await api(`${body.url}?compat=single-content`, { cookie: staff });
      expect(compat.headers.get('etag')).not.toBe((await api(body.url, { cookie: staff })).headers.get('etag'));
      const uris: string[] = [];
      const walk = (tile: Record<string, any>) => {
        expect(tile.contents).toBeUndefined();
        if (tile.content) uris.push(tile.content.uri);
        for (const child of tile.children ?? []) walk(child);
      };
      walk((await compat.json()).root);
      expect(uris).toEqual(want.uris);
      for (const uri of uris) {
        const r = await api(`/3dtiles/${body.id}/${uri}`, { cookie: staff });
        expect(r.status, uri).toBe(200);
        expect(r.headers.get('content-type')).toBe('application/octet-stream');
        expect(new TextDecoder().decode(new Uint8Array(await r.arrayBuffer()).subarray(0, 4))).toBe('b3dm');
      }
    }
  });

  it('refuses hostile zips, naming the entry', async () => {
    const ts = strToU8(JSON.stringify({ asset: { version: '1.0' }, geometricError: 1, root: { boundingVolume: { sphere: [0, 0, 0, 1] }, geometricError: 0, content: { uri: 'a.b3dm' } } }));
    const missing = await uploadZip(zipSync({ 'tileset.json': ts }), 'missing.zip');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/"a\.b3dm" is not in the zip/);

    const evil = zipSync({ 'tileset.json': ts, 'xxa.b3dm': new Uint8Array(4) });
    const bytes = evil.slice();
    const from = strToU8('xxa.b3dm');
    for (let i = 0; i + from.length <= bytes.length; i++) if (from.every((c, k) => bytes[i + k] === c)) bytes.set(strToU8('../a.b3d'), i);
    const escaping = await uploadZip(bytes, 'escape.zip');
    expect(escaping.status).toBe(400);
    expect(escaping.body.error.message).toMatch(/"\.\.\/a\.b3d" escapes the archive with "\.\." \(zip slip\)/);
    expect(escaping.body.error.entry).toBe('../a.b3d');

    const bomb = await uploadZip(zipSync({ 'tileset.json': ts, 'a.b3dm': new Uint8Array(40 * 1024 * 1024) }), 'bomb.zip');
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.message).toMatch(/"a\.b3dm" has a compression ratio above/);

    const notZip = await uploadZip(strToU8('not a zip'), 'x.zip');
    expect(notZip.status).toBe(400);
    expect((await uploadZip(zipSync({ 'tileset.json': ts, 'a.b3dm': new Uint8Array(4) }), 'x.zip', {}, reviewer)).status).toBe(403);
  });
});

/** EXPECTED.md section 6: element counts per IFC class. */
const EXPECTED_IFC: Record<string, { schema: string; counts: Record<string, number>; site: [number, number] | null }> = {
  'IfcOpenHouse_IFC4.ifc': { schema: 'IFC4', counts: { IfcWallStandardCase: 4, IfcSlab: 2, IfcDoor: 1, IfcWindow: 5, IfcSpace: 0 }, site: null },
  'example_revit_IFC2X3.ifc': { schema: 'IFC2X3', counts: { IfcWallStandardCase: 17, IfcSlab: 9, IfcDoor: 0, IfcWindow: 0, IfcSpace: 1 }, site: [42.213001, -71.032997] },
  'AC20-FZK-Haus_IFC4.ifc': { schema: 'IFC4', counts: { IfcWallStandardCase: 13, IfcSlab: 4, IfcDoor: 5, IfcWindow: 11, IfcSpace: 7 }, site: [49.100435, 8.436539] },
};

describe.skipIf(!hasFixtures())('BIM models', () => {
  for (const [file, exp] of Object.entries(EXPECTED_IFC)) {
    it(`${file} converts to glTF with an element index matching EXPECTED.md`, async () => {
      // Georeferenced files place themselves from IfcSite; OpenHouse has no reference and goes on a factory.
      const { status, body } = await uploadModel(fixture(`bim/${file}`), exp.site ? {} : { carrierId: String(factoryId) });
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.gltfUrl).toBe(`/api/models/${body.id}/model.glb`);
      expect(body.model.ifc_schema).toBe(exp.schema);
      if (exp.site) {
        expect(body.model.georef_source).toBe('ifc-site');
        expect(body.model.lat).toBeCloseTo(exp.site[0], 6);
        expect(body.model.lon).toBeCloseTo(exp.site[1], 6);
      } else {
        expect(body.model.georef_source).toBe('carrier');
      }
      const glb = await api(body.gltfUrl, { cookie: staff });
      expect(glb.status).toBe(200);
      expect(glb.headers.get('content-type')).toBe('model/gltf-binary');
      const bytes = new Uint8Array(await glb.arrayBuffer());
      expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('glTF');

      const props = await api(body.propertiesUrl, { cookie: staff });
      expect(props.status).toBe(200);
      const index = await props.json();
      for (const [type, n] of Object.entries(exp.counts)) {
        expect(index.elements.filter((e: { type: string }) => e.type === type).length, type).toBe(n);
      }
      const wall = index.elements.find((e: { type: string }) => e.type === 'IfcWallStandardCase');
      expect(wall.globalId).toMatch(/^[0-9A-Za-z_$]{22}$/);
      expect(typeof wall.expressID).toBe('number');
      expect(wall.storey).toBeTruthy();
      expect(wall.node).not.toBeNull();
    });
  }

  it('reads property sets (FZK-Haus door) and hides drafts from the public', async () => {
    const { body } = await uploadModel(fixture('bim/AC20-FZK-Haus_IFC4.ifc'), { lon: '107.47', lat: '31.21', heading: '15' });
    expect(body.model.georef_source).toBe('manual');
    const index = await (await api(body.propertiesUrl, { cookie: staff })).json();
    const door = index.elements.find((e: { type: string }) => e.type === 'IfcDoor');
    expect(door.storey).toBe('Erdgeschoss');
    expect(Object.keys(door.propertySets).length).toBeGreaterThan(0);
    expect(index.storeys.map((s: { name: string }) => s.name).sort()).toEqual(['Dachgeschoss', 'Erdgeschoss']);
    expect((await api(body.propertiesUrl)).status).toBe(404);
    expect((await api(body.gltfUrl)).status).toBe(404);
    expect((await review('models', body.id, 'published')).status).toBe(200);
    expect((await api(body.propertiesUrl)).status).toBe(200);
    const list = await (await api('/api/models')).json();
    expect(list.models.some((m: { id: number }) => m.id === body.id)).toBe(true);
  });

  it('places a far-away IfcSite on the carrier it is attached to, with a warning', async () => {
    const { status, body } = await uploadModel(fixture('bim/example_revit_IFC2X3.ifc'), { carrierId: String(factoryId) });
    expect(status).toBe(201);
    expect(body.model.georef_source).toBe('carrier');
    expect(body.warnings.join(' ')).toMatch(/IfcSite reference .* km from the carrier/);
  });

  it('refuses a model without any georeference and unknown formats', async () => {
    const r = await uploadModel(fixture('bim/IfcOpenHouse_IFC4.ifc'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/no georeference/);
    const form = new FormData();
    form.append('file', new Blob([strToU8('hello')]), 'x.obj');
    form.set('lon', '107.5');
    form.set('lat', '31.2');
    const bad = await api('/api/models', { method: 'POST', body: form, cookie: staff });
    expect(bad.status).toBe(415);
  });
});

describe('demo 3D assets', () => {
  it('generates a published tileset of the demo park and a BIM model on one of its factories, once', async () => {
    const { generateDemoTileset } = await import('../server/demo/demo-3d.ts');
    const { LocalAssetStore } = await import('../assets/storage.ts');
    const { inject } = await import('vitest');
    const store = new LocalAssetStore(inject('dataDir'));
    const first = await generateDemoTileset(pool, store);
    // The lead's start-up hook may have generated them already.
    const tilesets = (await (await api('/api/tilesets')).json()).tilesets as { id: number; origin: string; url: string; park_id: number }[];
    const demo = tilesets.find((t) => t.origin === 'demo')!;
    expect(demo).toBeTruthy();
    if (first) expect(demo.park_id).toBe(first.parkId);
    const json = await (await api(demo.url)).json();
    expect(json.root.transform).toHaveLength(16);
    const b3dm = await api(`/3dtiles/${demo.id}/${json.root.content.uri}`);
    expect(b3dm.status).toBe(200);
    expect(new TextDecoder().decode(new Uint8Array(await b3dm.arrayBuffer()).subarray(0, 4))).toBe('b3dm');
    const models = (await (await api('/api/models')).json()).models as { id: number; origin: string; propertiesUrl: string }[];
    const model = models.find((m) => m.origin === 'demo')!;
    const index = await (await api(model.propertiesUrl)).json();
    expect(index.elements.filter((e: { type: string }) => e.type === 'IfcWall')).toHaveLength(4);
    const door = index.elements.find((e: { type: string }) => e.type === 'IfcDoor');
    expect(door.storey).toBe('1F 一层');
    expect(door.propertySets.Pset_DoorCommon.FireRating).toBe('EI 60');
    expect(await generateDemoTileset(pool, store)).toBeNull();
  });
});
