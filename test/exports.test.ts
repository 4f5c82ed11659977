/**
 * Exports of layers and query results, each file opened by independent readers: GDAL (`ogrinfo`)
 * for every format and the `shapefile` npm package for the zipped shapefile; a round trip checks
 * ids, names and areas (PostGIS on the exported geometry) against the API.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { FeaturesRepository } from '../server/features/features.repository.ts';
import { ExportsService } from '../server/exports/exports.service.ts';
import { PUBLIC_VIEWER } from '../server/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import { api, testPool, userWithRole } from './helpers.ts';

const run = promisify(execFile);

async function hasGdal(): Promise<boolean> {
  try {
    await run('ogrinfo', ['--version'], { timeout: 10_000 });
    return true;
  } catch {
    if (process.env.CI) return true; // let the tests run and fail loudly
    console.warn('[exports.test] ogrinfo not found: skipping the GDAL reader tests (install gdal-bin; in CI they must run)');
    return false;
  }
}
const gdal = await hasGdal();

// The shapefile package ships no types; a computed specifier keeps it `any` for tsc.
const shapefileModule = 'shapefile';
const shapefile = (await import(shapefileModule)) as {
  read(shp: Uint8Array, dbf: Uint8Array, options?: { encoding?: string }): Promise<GeoJSON.FeatureCollection>;
};

let pool: pg.Pool;
let dir: string;
beforeAll(async () => {
  pool = testPool();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dz-export-'));
});
afterAll(async () => {
  await pool.end();
  await fs.rm(dir, { recursive: true, force: true });
});

type Props = Record<string, unknown>;
interface ApiFeature {
  id: number;
  geometry: GeoJSON.Geometry;
  properties: Props;
}

/** Every feature of a layer as the public API returns it. */
async function apiFeatures(layer: string): Promise<ApiFeature[]> {
  const fc = await (await api(`/api/layers/${layer}/features?limit=10000`)).json();
  expect(fc.numberMatched).toBe(fc.numberReturned);
  return fc.features;
}

/** Download an export into the temp dir; returns the file path, headers and bytes. */
async function download(query: string, cookie?: string) {
  const res = await api(`/api/layers/${query}`, { cookie });
  expect(res.status, `${query}: ${res.status}`).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  expect(filename).toBeTruthy();
  const file = path.join(dir, `${Math.random().toString(36).slice(2, 8)}-${filename}`);
  await fs.writeFile(file, bytes);
  return { file, filename: filename!, headers: res.headers, bytes };
}

/** `ogrinfo` summary: feature count of the (first) layer. */
async function ogrCount(source: string, openOptions: string[] = []): Promise<number> {
  const { stdout } = await run('ogrinfo', ['-ro', '-so', '-al', ...openOptions, source], { timeout: 60_000, maxBuffer: 64 << 20 });
  return Number(/Feature Count: (\d+)/.exec(stdout)![1]);
}

/** The attribute values `ogrinfo` reports for the feature selected by `where`. */
async function ogrFeature(source: string, where: string, openOptions: string[] = []): Promise<Record<string, string>> {
  const { stdout } = await run('ogrinfo', ['-ro', '-al', '-q', '-geom=NO', ...openOptions, source, '-where', where], { timeout: 60_000, maxBuffer: 64 << 20 });
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^ {2}(\S+) \(.*?\) = (.*)$/gm)) out[m[1]] = m[2];
  expect(Object.keys(out).length, `no feature for ${where} in ${source}:\n${stdout}`).toBeGreaterThan(3);
  return out;
}

const SAMPLE_FIELDS: Record<string, string[]> = {
  land: ['code', 'status', 'county', 'land_use'],
  amenities: ['code', 'kind', 'county'],
};

describe.each(['land', 'amenities'])('exports of %s', (layer) => {
  let features: ApiFeature[];
  let sample: ApiFeature;
  beforeAll(async () => {
    features = await apiFeatures(layer);
    // A feature with a Chinese name and every sample field set.
    sample = features.find((f) => /[\u4e00-\u9fff]/.test(String(f.properties.name)) && SAMPLE_FIELDS[layer].every((k) => f.properties[k] != null))!;
    expect(sample).toBeDefined();
  });
  const where = () => `code = '${sample.properties.code}'`;
  const expectSample = (got: Record<string, string>, nameField = 'name') => {
    expect(got[nameField]).toBe(sample.properties.name);
    for (const k of SAMPLE_FIELDS[layer]) expect(got[k], k).toBe(String(sample.properties[k]));
  };

  it('names the download <layer>-<yyyymmdd>.<ext> as an attachment', async () => {
    for (const [format, ext, type] of [['geojson', 'geojson', 'application/geo+json'], ['csv', 'csv', 'text/csv'], ['kml', 'kml', 'application/vnd.google-earth.kml+xml'], ['shapefile', 'zip', 'application/zip']]) {
      const res = await api(`/api/layers/${layer}/export?format=${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${layer}-20\\d{6}\\.${ext}"$`));
      expect(Number(res.headers.get('x-feature-count'))).toBe(features.length);
      await res.arrayBuffer();
    }
  });

  it('GeoJSON: an RFC 7946 FeatureCollection with the API features', async () => {
    const { file, bytes } = await download(`${layer}/export?format=geojson`);
    const fc = JSON.parse(new TextDecoder().decode(bytes));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.crs).toBeUndefined();
    expect(fc.features.map((f: ApiFeature) => f.id)).toEqual(features.map((f) => f.id));
    if (gdal) {
      expect(await ogrCount(file)).toBe(features.length);
      expectSample(await ogrFeature(file, where()));
    }
  });

  it('CSV: BOM, attribute-name header, wkt/lon/lat, readable by GDAL', async () => {
    const { file, bytes } = await download(`${layer}/export?format=csv`);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    const header = text.split('\r\n')[0].split(',');
    expect(header.slice(0, 2)).toEqual(['id', 'name']);
    expect(header.slice(-3)).toEqual(['wkt', 'lon', 'lat']);
    expect(header).toEqual(expect.arrayContaining(SAMPLE_FIELDS[layer]));
    expect(text).toContain(String(sample.properties.name));
    if (gdal) {
      const oo = ['-oo', 'GEOM_POSSIBLE_NAMES=wkt', '-oo', 'KEEP_GEOM_COLUMNS=NO'];
      expect(await ogrCount(file, oo)).toBe(features.length);
      const got = await ogrFeature(file, where(), oo);
      expectSample(got);
      expect(Number(got.id)).toBe(sample.id);
      // The lon/lat point lies on the feature (PostGIS agrees).
      const { rows } = await pool.query(
        'SELECT ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), ST_SetSRID(ST_MakePoint($2, $3), 4326)) ok',
        [JSON.stringify(sample.geometry), Number(got.lon), Number(got.lat)],
      );
      expect(rows[0].ok).toBe(true);
      const xy = await ogrCount(file, ['-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat']);
      expect(xy).toBe(features.length);
    }
  });

  it('KML: Placemarks with names and ExtendedData, readable by GDAL', async () => {
    const { file, bytes } = await download(`${layer}/export?format=kml`);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('<kml xmlns="http://www.opengis.net/kml/2.2">');
    expect(text.match(/<Placemark /g)?.length).toBe(features.length);
    expect(text).toContain(layer === 'amenities' ? '<Point>' : '<Polygon>');
    if (gdal) {
      expect(await ogrCount(file)).toBe(features.length);
      const got = await ogrFeature(file, where());
      expectSample(got, 'Name');
    }
  });

  it('Shapefile: a zip of .shp/.shx/.dbf/.prj/.cpg read by GDAL and by the shapefile package', async () => {
    const { file, bytes, filename } = await download(`${layer}/export?format=shapefile`);
    const entries = unzipSync(bytes);
    const base = filename.replace(/\.zip$/, '');
    for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) expect(entries[`${base}.${ext}`], ext).toBeDefined();
    const dec = new TextDecoder();
    expect(dec.decode(entries[`${base}.cpg`])).toBe('UTF-8');
    expect(dec.decode(entries[`${base}.prj`])).toMatch(/^GEOGCS\["GCS_WGS_1984"/);
    const shp = entries[`${base}.shp`];
    const shpView = new DataView(shp.buffer, shp.byteOffset, shp.byteLength);
    expect(shpView.getInt32(0, false)).toBe(9994);
    expect(shpView.getInt32(24, false) * 2).toBe(shp.byteLength);
    expect(shpView.getInt32(32, true)).toBe(layer === 'amenities' ? 1 : 5);
    // fields.txt maps shortened DBF names back to the attributes.
    expect(dec.decode(entries['fields.txt'])).toContain(layer === 'land' ? 'plot_rat_1\tplot_ratio_max' : 'county\tcounty');

    const fc = await shapefile.read(shp, entries[`${base}.dbf`], { encoding: 'utf-8' });
    expect(fc.features).toHaveLength(features.length);
    const byCode = fc.features.find((f) => f.properties!.code === sample.properties.code)!;
    expect(byCode.properties!.name).toBe(sample.properties.name);
    expect(byCode.properties!.id).toBe(sample.id);
    for (const k of SAMPLE_FIELDS[layer]) expect(String(byCode.properties![k]), k).toBe(String(sample.properties[k]));
    for (const f of fc.features) for (const name of Object.keys(f.properties!)) expect(name.length).toBeLessThanOrEqual(10);

    if (gdal) {
      expect(await ogrCount(`/vsizip/${file}`)).toBe(features.length);
      expectSample(await ogrFeature(`/vsizip/${file}`, where()));
    }
  });
});

describe('round trip', () => {
  /** Area in m² of each GeoJSON geometry in CGCS2000 / GK CM 108E, computed by PostGIS. */
  async function areas(geometries: GeoJSON.Geometry[]): Promise<number[]> {
    const { rows } = await pool.query(
      `SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326), 4545)) a
       FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS x(g, i) ORDER BY i`,
      [JSON.stringify(geometries.map((g) => JSON.stringify(g)))],
    );
    return rows.map((r) => Number(r.a));
  }

  it('land exported as GeoJSON and as a shapefile reads back with the API ids, names and areas', async () => {
    const expected = await apiFeatures('land');
    const geojson = JSON.parse(new TextDecoder().decode((await download('land/export?format=geojson')).bytes));
    const zip = unzipSync((await download('land/export?format=shapefile')).bytes);
    const shpName = Object.keys(zip).find((n) => n.endsWith('.shp'))!;
    const shp = await shapefile.read(zip[shpName], zip[shpName.replace(/\.shp$/, '.dbf')], { encoding: 'utf-8' });

    for (const [label, fc] of [['geojson', geojson], ['shapefile', shp]] as const) {
      const ids = fc.features.map((f: GeoJSON.Feature) => (label === 'geojson' ? f.id : f.properties!.id));
      expect(ids, label).toEqual(expected.map((f) => f.id));
      expect(fc.features.map((f: GeoJSON.Feature) => f.properties!.name), label).toEqual(expected.map((f) => f.properties.name));
      const a = await areas(fc.features.map((f: GeoJSON.Feature) => f.geometry));
      a.forEach((area, i) => {
        expect(Math.abs(area - (expected[i].properties.area_m2 as number)), `${label} feature ${expected[i].id}`).toBeLessThanOrEqual(0.01);
      });
    }
  }, 120_000);
});

describe('selection, filters and visibility', () => {
  it('exports only the features a query selects: ids, CQL2 filter, bbox', async () => {
    const some = (await apiFeatures('land')).slice(3, 6).map((f) => f.id);
    const sel = await download(`land/export?format=geojson&ids=${some.join(',')}`);
    expect(JSON.parse(new TextDecoder().decode(sel.bytes)).features.map((f: ApiFeature) => f.id)).toEqual(some);

    const filter = encodeURIComponent("status = 'available' AND area_m2 >= 20000");
    const bbox = '107.0,30.5,108.0,31.6';
    const ogc = await (await api(`/ogc/collections/land/items?limit=1&bbox=${bbox}&filter=${filter}`)).json();
    const res = await download(`land/export?format=csv&bbox=${bbox}&filter=${filter}`);
    expect(Number(res.headers.get('x-feature-count'))).toBe(ogc.numberMatched);
    expect(new TextDecoder().decode(res.bytes).trim().split('\r\n')).toHaveLength(ogc.numberMatched + 1);
    expect(ogc.numberMatched).toBeGreaterThan(0);
  });

  it('never puts a draft in a public export, but gives it to staff', async () => {
    const { rows } = await pool.query(`SELECT id, code FROM carriers WHERE kind = 'land' AND review_state = 'draft' ORDER BY id LIMIT 1`);
    expect(rows).toHaveLength(1);
    const { id, code } = rows[0];
    for (const format of ['geojson', 'csv', 'kml', 'shapefile']) {
      const all = await download(`land/export?format=${format}`);
      const text = format === 'shapefile'
        ? Object.values(unzipSync(all.bytes)).map((b) => new TextDecoder().decode(b)).join('')
        : new TextDecoder().decode(all.bytes);
      expect(text, format).not.toContain(code);
    }
    const one = await download(`land/export?format=geojson&ids=${id}`);
    expect(one.headers.get('x-feature-count')).toBe('0');
    const staff = await userWithRole('staff');
    const staffOne = await download(`land/export?format=geojson&ids=${id}`, staff);
    expect(JSON.parse(new TextDecoder().decode(staffOne.bytes)).features[0].properties.code).toBe(code);
    expect(staffOne.headers.get('cache-control')).toContain('no-store');
  });

  it.each([
    ['format=xls', 'format', /"xls"/],
    ['ids=1,x y', 'ids', /"x y" at position 2/],
    ['bbox=1,2,3', 'bbox', /4 numbers/],
    ["filter=nope%20%3D%201", 'filter', /unknown property "nope"/],
  ])('rejects %s with 400 naming %s', async (query, param, why) => {
    const res = await api(`/api/layers/land/export?${query}`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.parameter).toBe(param);
    expect(body.error.message).toMatch(why);
  });

  it('refuses more features than the limit with 413 naming the count (service on the test database, limit lowered)', async () => {
    const service = new ExportsService(new FeaturesRepository(pool), { maxFeatures: 100 });
    const n = (await apiFeatures('amenities')).length;
    const err = await service.export('amenities', PUBLIC_VIEWER, { format: 'csv', selection: { attributes: {} } }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(413);
    expect(err.message).toContain(`export of ${n} features`);
    const ok = await service.export('amenities', PUBLIC_VIEWER, { format: 'csv', selection: { filter: "kind = 'rail_station'", attributes: {} } });
    expect(ok.count).toBeLessThanOrEqual(100);
  });
});
