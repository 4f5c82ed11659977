/**
 * Vector tiles from the real database, decoded with @mapbox/vector-tile as an independent client.
 */
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type pg from 'pg';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { findLayer } from '../layers/catalog.ts';
import { TilesRepository } from '../tiles/tiles.repository.ts';
import { TilesService } from '../tiles/tiles.service.ts';
import { lonLatToTile, type TileCoord } from '../tiles/tile-math.ts';
import { loadConfig } from '../core/config.ts';
import { tileCacheHits } from '../server/tiles/tiles.route.ts';
import { api, baseUrl, testPool, userWithRole } from './helpers.ts';

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

function decode(buf: ArrayBuffer) {
  return new VectorTile(new Pbf(new Uint8Array(buf)));
}

function tileAt(lon: number, lat: number, z: number): TileCoord {
  const [x, y] = lonLatToTile(lon, lat, z);
  return { z, x: Math.floor(x), y: Math.floor(y) };
}

const url = (layer: string, t: TileCoord) => `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`;

/** A published, available land parcel and a point inside it. */
async function someParcel(state = 'published') {
  const { rows } = await pool.query(
    `SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM carriers
     WHERE kind = 'land' AND review_state = $1 ORDER BY id LIMIT 1`, [state]);
  return rows[0] as { id: number; lon: number; lat: number };
}

async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** GET with exactly these headers and the body as sent (fetch would add Accept-Encoding and decode). */
function rawGet(pathname: string, headers: Record<string, string>, base = baseUrl()): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(base + pathname, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Ids and statuses of a decoded tile's land features. */
function landFeatures(body: Uint8Array): Map<number | undefined, unknown> {
  const layer = new VectorTile(new Pbf(new Uint8Array(body))).layers.land;
  return new Map(Array.from({ length: layer?.length ?? 0 }, (_, i) => [layer.feature(i).id, layer.feature(i).properties.status]));
}

describe('vector tiles', () => {
  it('serve a parcel in its tile with the attributes the map needs', async () => {
    const p = await someParcel();
    const res = await api(url('land', tileAt(p.lon, p.lat, 15)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const layer = decode(await res.arrayBuffer()).layers.land;
    const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).id);
    expect(ids).toContain(p.id);
    const f = layer.feature(ids.indexOf(p.id));
    expect(f.type).toBe(3);
    expect(f.properties).toMatchObject({ status: expect.any(String), county: expect.stringMatching(/^5117/) });
    expect(typeof f.properties.name).toBe('string');
  });

  it('draw parcels as points below zoom 12', async () => {
    const p = await someParcel();
    const layer = decode(await (await api(url('land', tileAt(p.lon, p.lat, 11)))).arrayBuffer()).layers.land;
    expect(layer.length).toBeGreaterThan(0);
    for (let i = 0; i < layer.length; i++) expect(layer.feature(i).type).toBe(1);
  });

  it('answer 304 to a matching If-None-Match and 204 for an empty tile', async () => {
    const p = await someParcel();
    const first = await api(url('land', tileAt(p.lon, p.lat, 14)));
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await api(url('land', tileAt(p.lon, p.lat, 14)), { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const ocean = await api(url('land', tileAt(-150, -40, 14)));
    expect(ocean.status).toBe(204);
  });

  it.each([
    ['/tiles/land/23/0/0.mvt', /0\.\.22/],
    ['/tiles/land/3/8/0.mvt', /0\.\.7/],
    ['/tiles/land/a/0/0.mvt', /z\/x\/y/],
  ])('reject %s with 400 naming the value', async (path, msg) => {
    const res = await api(path);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(msg);
  });

  it('answer 404 naming an unknown layer', async () => {
    const res = await api('/tiles/land,volcanoes/10/0/0.mvt');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('"volcanoes"');
  });

  it('combine several layers in one tile', async () => {
    const p = await someParcel();
    const tile = decode(await (await api(url('parks,land,factories,offices,amenities', tileAt(p.lon, p.lat, 14)))).arrayBuffer());
    expect(Object.keys(tile.layers)).toEqual(expect.arrayContaining(['parks', 'land']));
  });

  it('keep every z ≤ 10 tile of the demo city under 500 KB', async () => {
    for (let z = 6; z <= 10; z++) {
      const a = lonLatToTile(106.6, 32.4, z);
      const b = lonLatToTile(108.6, 30.3, z);
      for (let x = Math.floor(a[0]); x <= Math.floor(b[0]); x++) {
        for (let y = Math.floor(a[1]); y <= Math.floor(b[1]); y++) {
          const res = await api(`/tiles/counties,parks,land,factories,offices,amenities/${z}/${x}/${y}.mvt`);
          expect([200, 204]).toContain(res.status);
          expect((await res.arrayBuffer()).byteLength, `${z}/${x}/${y}`).toBeLessThan(500 * 1024);
        }
      }
    }
  });
});

describe('tile visibility', () => {
  it('never puts a draft in an anonymous tile, but shows it to staff', async () => {
    const d = await someParcel('draft');
    for (const z of [11, 13, 16]) {
      const t = tileAt(d.lon, d.lat, z);
      const anon = await api(url('land', t));
      if (anon.status === 200) {
        const layer = decode(await anon.arrayBuffer()).layers.land;
        const ids = layer ? Array.from({ length: layer.length }, (_, i) => layer.feature(i).id) : [];
        expect(ids, `z${z}`).not.toContain(d.id);
      }
    }
    const staff = await userWithRole('staff');
    const res = await api(url('land', tileAt(d.lon, d.lat, 16)), { cookie: staff });
    expect(res.headers.get('cache-control')).toMatch(/private/);
    const layer = decode(await res.arrayBuffer()).layers.land;
    const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).id);
    expect(ids).toContain(d.id);
    // And the public cache was not poisoned by the staff request.
    const anonAfter = await api(url('land', tileAt(d.lon, d.lat, 16)));
    if (anonAfter.status === 200) {
      const l2 = decode(await anonAfter.arrayBuffer()).layers.land;
      expect(Array.from({ length: l2.length }, (_, i) => l2.feature(i).id)).not.toContain(d.id);
    }
  });
});

describe('tile cache purge', () => {
  it('after one parcel changes, re-renders exactly the tiles around it and keeps the others cached', async () => {
    const { rows } = await pool.query(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat, status FROM carriers
       WHERE kind = 'land' AND review_state = 'published' ORDER BY id DESC LIMIT 1`);
    const p = rows[0];
    const near = [12, 14, 16].map((z) => tileAt(p.lon, p.lat, z));
    const far = [12, 14, 16].map((z) => {
      const t = tileAt(p.lon, p.lat, z);
      return { ...t, x: t.x + 4 };
    });
    const before = await api('/tiles/land.json');
    const versionBefore = (await before.json()).version;
    for (const t of [...near, ...far]) await api(url('land', t)); // warm the cache
    for (const t of [...near, ...far]) expect((await api(url('land', t))).headers.get('x-cache'), JSON.stringify(t)).toBe('HIT');

    const newStatus = p.status === 'available' ? 'reserved' : 'available';
    await pool.query('UPDATE carriers SET status = $1, updated_at = now() WHERE id = $2', [newStatus, p.id]);
    await sleep(1200); // the server reads the change log every TILE_SYNC_MS (1 s)

    for (const t of near) {
      const res = await api(url('land', t));
      expect(res.headers.get('x-cache'), `near ${JSON.stringify(t)}`).toBe('MISS');
      const layer = decode(await res.arrayBuffer()).layers.land;
      const i = Array.from({ length: layer.length }, (_, k) => layer.feature(k).id).indexOf(p.id);
      if (t.z >= 12) expect(layer.feature(i).properties.status).toBe(newStatus);
    }
    for (const t of far) expect((await api(url('land', t))).headers.get('x-cache'), `far ${JSON.stringify(t)}`).toBe('HIT');
    const versionAfter = (await (await api('/tiles/land.json')).json()).version;
    expect(versionAfter).not.toBe(versionBefore);
  });
});

describe('tile cache purge of every coding', () => {
  it('drops the gzip, brotli and identity bytes of a changed tile alike', async () => {
    const { rows } = await pool.query(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat, status FROM carriers
       WHERE kind = 'land' AND review_state = 'published' ORDER BY id DESC OFFSET 1 LIMIT 1`);
    const p = rows[0];
    const path = url('land', tileAt(p.lon, p.lat, 15));
    const codings = { identity: {}, gzip: { 'accept-encoding': 'gzip' }, br: { 'accept-encoding': 'br' } };
    const before: Record<string, string> = {};
    for (const [name, headers] of Object.entries(codings)) before[name] = String((await rawGet(path, headers)).headers.etag);
    for (const headers of Object.values(codings)) expect((await rawGet(path, headers)).headers['x-cache']).toBe('HIT');

    const newStatus = p.status === 'available' ? 'reserved' : 'available';
    await pool.query('UPDATE carriers SET status = $1, updated_at = now() WHERE id = $2', [newStatus, p.id]);
    await sleep(1200); // the server reads the change log every TILE_SYNC_MS (1 s)

    const gz = await rawGet(path, { ...codings.gzip, 'if-none-match': before.gzip });
    expect(gz.status).toBe(200);
    expect(gz.headers['x-cache']).toBe('MISS');
    expect(landFeatures(gunzipSync(gz.body)).get(p.id)).toBe(newStatus);
    const br = await rawGet(path, { ...codings.br, 'if-none-match': before.br });
    expect(br.status).toBe(200);
    expect(landFeatures(brotliDecompressSync(br.body)).get(p.id)).toBe(newStatus);
    const identity = await rawGet(path, { 'if-none-match': before.identity });
    expect(identity.status).toBe(200);
    expect(landFeatures(identity.body).get(p.id)).toBe(newStatus);
  });

  it('drops a multi-layer tile holding the changed layer and keeps one without it', async () => {
    const { rows } = await pool.query(
      `SELECT id, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat, status FROM carriers
       WHERE kind = 'land' AND review_state = 'published' ORDER BY id DESC OFFSET 2 LIMIT 1`);
    const p = rows[0];
    const t = tileAt(p.lon, p.lat, 14);
    const withLand = url('parks,land', t);
    const withoutLand = url('parks,amenities', t);
    for (const path of [withLand, withoutLand]) await rawGet(path, { 'accept-encoding': 'gzip' });
    for (const path of [withLand, withoutLand]) expect((await rawGet(path, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('HIT');

    const newStatus = p.status === 'available' ? 'reserved' : 'available';
    await pool.query('UPDATE carriers SET status = $1, updated_at = now() WHERE id = $2', [newStatus, p.id]);
    await sleep(1200);

    const changed = await rawGet(withLand, { 'accept-encoding': 'gzip' });
    expect(changed.headers['x-cache']).toBe('MISS');
    expect(landFeatures(gunzipSync(changed.body)).get(p.id)).toBe(newStatus);
    expect((await rawGet(withoutLand, { 'accept-encoding': 'gzip' })).headers['x-cache']).toBe('HIT');
  });
});

describe('tile content codings', () => {
  it('answer gzip and brotli that decode to exactly the identity tile', async () => {
    const p = await someParcel();
    const path = url('land', tileAt(p.lon, p.lat, 13));
    const identity = await rawGet(path, { 'accept-encoding': 'identity' });
    expect(identity.status).toBe(200);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(landFeatures(identity.body).has(p.id)).toBe(true);

    const gz = await rawGet(path, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/);
    expect(Number(gz.headers['content-length'])).toBe(gz.body.byteLength);
    expect(gz.body.byteLength).toBeLessThan(identity.body.byteLength);
    expect(gunzipSync(gz.body).equals(identity.body)).toBe(true);

    const br = await rawGet(path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
  });

  it('follow the client\'s q-values and fall back to identity for codings it refuses', async () => {
    const p = await someParcel();
    const path = url('land', tileAt(p.lon, p.lat, 13));
    expect((await rawGet(path, { 'accept-encoding': 'br;q=0.5, gzip' })).headers['content-encoding']).toBe('gzip');
    expect((await rawGet(path, { 'accept-encoding': 'gzip;q=0, br;q=0' })).headers['content-encoding']).toBeUndefined();
    expect((await rawGet(path, { 'accept-encoding': '*' })).headers['content-encoding']).toBe('br');
  });

  it('give each coding its own ETag and answer 304 to the matching one', async () => {
    const p = await someParcel();
    const path = url('land', tileAt(p.lon, p.lat, 14));
    const gz = await rawGet(path, { 'accept-encoding': 'gzip' });
    const identity = await rawGet(path, {});
    const gzEtag = String(gz.headers.etag);
    expect(gzEtag).toMatch(/^".+"$/);
    expect(gzEtag).not.toBe(identity.headers.etag);

    const notModified = await rawGet(path, { 'accept-encoding': 'gzip', 'if-none-match': gzEtag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.byteLength).toBe(0);
    expect(notModified.headers.etag).toBe(gzEtag);
    expect(notModified.headers['cache-control']).toMatch(/public, max-age=\d+/);
    expect((await rawGet(path, { 'accept-encoding': 'gzip', 'if-none-match': `"other", W/${gzEtag}` })).status).toBe(304);
    // A client that no longer accepts gzip holds no copy of the identity bytes: it gets them.
    expect((await rawGet(path, { 'if-none-match': gzEtag })).status).toBe(200);
  });

  it('count every stored coding of a tile against the cache budget', async () => {
    const p = await someParcel();
    const service = new TilesService(new TilesRepository(pool), {
      encoder: inject('dbEngine') === 'postgres' ? 'native' : 'node', cacheBytes: 1 << 24, featureCap: 20000, syncIntervalMs: 1e9,
    });
    const tile = await service.tile(service.source('land'), tileAt(p.lon, p.lat, 13), 'public');
    expect(tile.gzip && tile.br).toBeTruthy();
    expect(service.cache.sizeBytes).toBe(tile.body.byteLength + tile.gzip!.body.byteLength + tile.br!.body.byteLength);
    expect((await service.tile(service.source('land'), tileAt(p.lon, p.lat, 13), 'public')).hit).toBe(true);
  });
});

describe('tile cache hits ahead of the app', () => {
  it('answer a cached public tile like the route does and leave everything else to the app', async () => {
    const service = new TilesService(new TilesRepository(pool), {
      encoder: inject('dbEngine') === 'postgres' ? 'native' : 'node', cacheBytes: 1 << 24, featureCap: 20000, syncIntervalMs: 1e9,
    });
    await service.init();
    const hits = tileCacheHits(service, loadConfig({ TILE_MAX_AGE_S: '77' }));
    // What the hot path does not answer reaches the "app", here a 418 marker.
    const server = http.createServer((req, res) => {
      if (!hits(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const p = await someParcel();
      const t = tileAt(p.lon, p.lat, 13);
      expect((await rawGet(url('land', t), {}, base)).status).toBe(418); // not cached yet

      const tile = await service.tile(service.source('land'), t, 'public');
      const gz = await rawGet(`${url('land', t)}?v=3`, { 'accept-encoding': 'gzip', cookie: 'theme=dark' }, base);
      expect(gz.status).toBe(200);
      expect(gz.headers).toMatchObject({ 'content-encoding': 'gzip', 'cache-control': 'public, max-age=77', 'x-cache': 'HIT', vary: 'Accept-Encoding, Cookie' });
      expect(gunzipSync(gz.body).equals(Buffer.from(tile.body))).toBe(true);
      expect((await rawGet(url('land', t), { 'accept-encoding': 'gzip', 'if-none-match': String(gz.headers.etag) }, base)).status).toBe(304);

      // A session cookie, an unknown layer, a bad zoom, another method, a staff-only tile: the app's.
      expect((await rawGet(url('land', t), { cookie: 'dz_session=abc' }, base)).status).toBe(418);
      expect((await rawGet(url('volcanoes', t), {}, base)).status).toBe(418);
      expect((await rawGet('/tiles/land/23/0/0.mvt', {}, base)).status).toBe(418);
      const staffOnly = { ...t, x: t.x + 1 };
      await service.tile(service.source('land'), staffOnly, 'staff');
      expect((await rawGet(url('land', staffOnly), {}, base)).status).toBe(418);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('generalization below the polygon zoom', () => {
  it('draws small buildings as points from the layer\'s minzoom (offices at z7-z8, factories at z7 were empty)', async () => {
    for (const [layer, kind] of [['offices', 'office'], ['factories', 'factory']] as const) {
      // The smallest published building: far below 4 tile units at z7, still a point on the map there.
      const { rows } = await pool.query(
        `SELECT id, area_m2, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat FROM carriers
         WHERE kind = $1 AND review_state = 'published' ORDER BY area_m2, id LIMIT 1`, [kind]);
      const small = rows[0];
      for (const z of [7, 8, 11, 12]) {
        const res = await api(url(layer, tileAt(small.lon, small.lat, z)));
        expect(res.status, `${layer} z${z}`).toBe(200);
        const l = decode(await res.arrayBuffer()).layers[layer];
        expect(l.length).toBeGreaterThan(0);
        if (z < 12) expect(l.feature(0).type, `${layer} z${z} draws points`).toBe(1);
      }
    }
  });

  it('carries area_m2 rounded to the cm², as the API gives it', async () => {
    const p = await someParcel();
    const res = await api(url('land', tileAt(p.lon, p.lat, 15)));
    const l = decode(await res.arrayBuffer()).layers.land;
    const f = Array.from({ length: l.length }, (_, i) => l.feature(i)).find((x) => x.id === Number(p.id))!;
    const apiFeature = await (await api(`/api/layers/land/features/${p.id}`)).json();
    expect(f.properties.area_m2).toBe(apiFeature.properties.area_m2);
    expect(Math.round(Number(f.properties.area_m2) * 100) / 100).toBe(f.properties.area_m2);
  });
});

describe('TileJSON', () => {
  it('puts the center zoom within minzoom..maxzoom (panoramas start at 11)', async () => {
    const tj = await (await api('/tiles/panoramas.json')).json();
    expect(tj.minzoom).toBe(11);
    expect(tj.center[2]).toBe(11);
    expect((await (await api('/tiles/land.json')).json()).center[2]).toBe(9);
  });

  it('describes bounds, zooms and the fields of each vector layer', async () => {
    const tj = await (await api('/tiles/land,amenities.json')).json();
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/\/tiles\/land,amenities\/\{z\}\/\{x\}\/\{y\}\.mvt/);
    expect(tj.bounds[0]).toBeGreaterThan(106);
    expect(tj.bounds[2]).toBeLessThan(109);
    const land = tj.vector_layers.find((l: { id: string }) => l.id === 'land');
    expect(land.fields).toMatchObject({ name: 'String', status: 'String', area_m2: 'Number' });
  });
});

describe.runIf(inject('dbEngine') === 'postgres')('both encoders', () => {
  it('carry the same features: ST_AsMVT and the Node encoder agree tile by tile', async () => {
    const repo = new TilesRepository(pool);
    const native = new TilesService(repo, { encoder: 'native', cacheBytes: 0, featureCap: 20000, syncIntervalMs: 1e9 });
    const node = new TilesService(repo, { encoder: 'node', cacheBytes: 0, featureCap: 20000, syncIntervalMs: 1e9 });
    const { rows } = await pool.query(`SELECT ST_X(ST_Centroid(geom)) lon, ST_Y(ST_Centroid(geom)) lat FROM parks ORDER BY id LIMIT 3`);
    let compared = 0;
    for (const park of rows) {
      for (const z of [8, 10, 12, 14, 16]) {
        const t = tileAt(park.lon, park.lat, z);
        for (const layerId of ['counties', 'parks', 'land', 'factories', 'offices', 'amenities']) {
          const layer = findLayer(layerId)!;
          if (z < layer.minzoom) continue;
          const a = await native.tile(native.source(layerId), t, 'public');
          const b = await node.tile(node.source(layerId), t, 'public');
          const la = a.body.byteLength ? new VectorTile(new Pbf(a.body)).layers[layerId] : undefined;
          const lb = b.body.byteLength ? new VectorTile(new Pbf(b.body)).layers[layerId] : undefined;
          const feats = (l: typeof la) => new Map(Array.from({ length: l?.length ?? 0 }, (_, i) => {
            const f = l!.feature(i);
            return [f.id, { type: f.type, props: f.properties }];
          }));
          const fa = feats(la);
          const fb = feats(lb);
          expect([...fb.keys()].sort(), `${layerId} ${z}/${t.x}/${t.y}`).toEqual([...fa.keys()].sort());
          for (const [id, v] of fa) expect(fb.get(id), `${layerId} #${id}`).toEqual(v);
          compared += fa.size;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
