/**
 * Every import layer × every format it takes, end to end through the HTTP API on the test server's
 * engine (embedded PGlite, or PostgreSQL with DATABASE_URL): tiny files generated here (inside
 * Dazhou, so inside the service area) plus the real DJI telemetry fixture. One upload per layer
 * holds one file per format; each (layer, format) pair is then checked on its own: staged without
 * rejection, committed, and present in the layer table with the right geometry.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { ROOT_DIR } from '../core/config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import sharp from 'sharp';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { zipSync, strToU8 } from 'fflate';
import type { Feature, Geometry } from 'geojson';
import { writeShapefile, type ShapefileField } from '../server/exports/shapefile-writer.ts';
import { fixture, hasFixtures } from './fixtures.ts';
import { api, testPool, userWithRole } from './helpers.ts';

let pool: pg.Pool;
let staff: string;
let reviewer: string;
const RUN = `M${process.pid % 10000}${Date.now() % 100000}`;

beforeAll(async () => {
  pool = testPool();
  [staff, reviewer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer')]);
});
afterAll(async () => {
  await pool.end();
});

/** An uploaded file: name and bytes. */
interface Upload {
  name: string;
  bytes: Uint8Array;
}

/** POST /api/imports (as the Upload page does); `lang` picks the language of the messages. */
async function upload(layer: string, files: Upload[], fields: Record<string, string> = {}, cookie = staff) {
  const form = new FormData();
  form.set('layer', layer);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('file', new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
  const res = await api('/api/imports', { method: 'POST', body: form, cookie });
  return { status: res.status, body: await res.json() };
}
const post = (p: string, body?: unknown, cookie = staff) =>
  api(p, { method: 'POST', cookie, body: body ? JSON.stringify(body) : undefined }).then(async (r) => ({ status: r.status, body: await r.json() }));

// Around Dazhou's Tongchuan district: inside the county boundaries.
const LON = 107.45;
const LAT = 31.2;
const at = (i: number): [number, number] => [Number((LON + (i % 20) * 0.003).toFixed(6)), Number((LAT + Math.floor(i / 20) * 0.003).toFixed(6))];
const square = (i: number): Geometry => {
  const [x, y] = at(i);
  const d = 0.001;
  return { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] };
};
const point = (i: number): Geometry => ({ type: 'Point', coordinates: at(i) });
const line = (i: number): Geometry => {
  const [x, y] = at(i);
  return { type: 'LineString', coordinates: [[x, y], [x + 0.001, y + 0.0005], [x + 0.002, y + 0.001]] };
};
const enc = (s: string) => new TextEncoder().encode(s);
const kmlCoords = (g: Geometry): string => {
  if (g.type === 'Point') return `<Point><coordinates>${g.coordinates.join(',')}</coordinates></Point>`;
  if (g.type === 'LineString') return `<LineString><coordinates>${g.coordinates.map((c) => c.join(',')).join(' ')}</coordinates></LineString>`;
  if (g.type === 'Polygon') return `<Polygon><outerBoundaryIs><LinearRing><coordinates>${g.coordinates[0].map((c) => c.join(',')).join(' ')}</coordinates></LinearRing></outerBoundaryIs></Polygon>`;
  throw new Error(g.type);
};

/** One feature of the matrix: its attributes and geometry. */
interface Spec {
  props: Record<string, string>;
  geometry: Geometry;
}

/** Writers per format: file(s) holding `specs`. */
const FORMATS: Record<string, (base: string, specs: Spec[], gtype: 'Point' | 'MultiPolygon' | 'MultiLineString') => Upload[]> = {
  geojson: (base, specs) => [{ name: `${base}.geojson`, bytes: enc(JSON.stringify({ type: 'FeatureCollection', features: specs.map((s): Feature => ({ type: 'Feature', properties: s.props, geometry: s.geometry })) })) }],
  geojsonseq: (base, specs) => [{ name: `${base}.geojsonl`, bytes: enc(specs.map((s) => JSON.stringify({ type: 'Feature', properties: s.props, geometry: s.geometry })).join('\n') + '\n') }],
  'shapefile-zip': (base, specs, gtype) => {
    const f = shapefile(specs, gtype);
    return [{ name: `${base}.zip`, bytes: zipSync({ [`${base}.shp`]: f.shp, [`${base}.shx`]: f.shx, [`${base}.dbf`]: f.dbf, [`${base}.prj`]: strToU8(f.prj), [`${base}.cpg`]: strToU8(f.cpg) }) }];
  },
  'shapefile-loose': (base, specs, gtype) => {
    const f = shapefile(specs, gtype);
    return [
      { name: `${base}.shp`, bytes: f.shp }, { name: `${base}.shx`, bytes: f.shx }, { name: `${base}.dbf`, bytes: f.dbf },
      { name: `${base}.prj`, bytes: enc(f.prj) }, { name: `${base}.cpg`, bytes: enc(f.cpg) },
    ];
  },
  kml: (base, specs) => [{ name: `${base}.kml`, bytes: enc(kml(specs)) }],
  kmz: (base, specs) => [{ name: `${base}.kmz`, bytes: zipSync({ 'doc.kml': strToU8(kml(specs)) }) }],
  'csv-lon': (base, specs) => [{ name: `${base}.csv`, bytes: enc(csv(specs, 'lon', 'lat')) }],
  'csv-lng': (base, specs) => [{ name: `${base}.csv`, bytes: enc(csv(specs, 'lng', 'lat')) }],
  'csv-longitude': (base, specs) => [{ name: `${base}.csv`, bytes: enc(csv(specs, 'longitude', 'latitude')) }],
  'csv-经度': (base, specs) => [{ name: `${base}.csv`, bytes: enc(csv(specs, '经度', '纬度')) }],
  gpx: (base, specs) => [{ name: `${base}.gpx`, bytes: enc(gpx(specs)) }],
  srt: (base, specs) => [{ name: `${base}.srt`, bytes: enc(srt(specs)) }],
};

function shapefile(specs: Spec[], gtype: 'Point' | 'MultiPolygon' | 'MultiLineString') {
  const names = Object.keys(specs[0].props);
  const fields: ShapefileField[] = names.map((name) => ({ name, type: 'string' }));
  return writeShapefile(gtype, fields, specs.map((s) => ({ geometry: s.geometry, properties: s.props })));
}

function kml(specs: Spec[]): string {
  const pm = specs.map((s) => `<Placemark><name>${s.props.name}</name><ExtendedData>${Object.entries(s.props).filter(([k]) => k !== 'name')
    .map(([k, v]) => `<Data name="${k}"><value>${v}</value></Data>`).join('')}</ExtendedData>${kmlCoords(s.geometry)}</Placemark>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>${pm}</Document></kml>`;
}

function csv(specs: Spec[], lonName: string, latName: string): string {
  const names = Object.keys(specs[0].props);
  const rows = specs.map((s) => [...names.map((n) => s.props[n]), ...(s.geometry as { coordinates: number[] }).coordinates].join(','));
  return [[...names, lonName, latName].join(','), ...rows].join('\n') + '\n';
}

/** GPX: points as waypoints, lines as tracks, polygons as closed tracks (a walked parcel boundary). */
function gpx(specs: Spec[]): string {
  const body = specs.map((s) => {
    const g = s.geometry;
    const meta = `<name>${s.props.name}</name>${s.props.kind ? `<type>${s.props.kind}</type>` : ''}`;
    if (g.type === 'Point') return `<wpt lat="${g.coordinates[1]}" lon="${g.coordinates[0]}">${meta}</wpt>`;
    const pts = g.type === 'LineString' ? g.coordinates : g.type === 'Polygon' ? g.coordinates[0] : [];
    return `<trk>${meta}<trkseg>${pts.map((c, i) => `<trkpt lat="${c[1]}" lon="${c[0]}"><ele>${300 + i}</ele><time>2026-11-03T02:0${i}:00Z</time></trkpt>`).join('')}</trkseg></trk>`;
  }).join('');
  return `<?xml version="1.0"?><gpx version="1.1" creator="matrix" xmlns="http://www.topografix.com/GPX/1/1">${body}</gpx>`;
}

/** A DJI telemetry SRT of the first spec's line (GPS tuple: lon, lat, alt). */
function srt(specs: Spec[]): string {
  const coords = (specs[0].geometry as { coordinates: number[][] }).coordinates;
  return coords.map((c, i) => `${i + 1}\n00:00:0${i},000 --> 00:00:0${i + 1},000\nF/2.8, SS 200, ISO 100, EV 0, GPS (${c[0]}, ${c[1]}, ${350 + i}), D 2.80m, H ${20 + i}.00m, H.S 0.00m/s, V.S 0.00m/s \n`).join('\n');
}

/** The matrix: per layer, the formats it takes and the geometry it stores. */
const MATRIX: { layer: string; gtype: 'Point' | 'MultiPolygon' | 'MultiLineString'; formats: string[]; stored: string[] }[] = [
  { layer: 'land', gtype: 'MultiPolygon', formats: ['geojson', 'geojsonseq', 'shapefile-zip', 'shapefile-loose', 'kml', 'kmz', 'gpx'], stored: ['MULTIPOLYGON'] },
  { layer: 'factories', gtype: 'MultiPolygon', formats: ['geojson', 'geojsonseq', 'shapefile-zip', 'shapefile-loose', 'kml', 'kmz', 'gpx'], stored: ['MULTIPOLYGON'] },
  { layer: 'offices', gtype: 'MultiPolygon', formats: ['geojson', 'geojsonseq', 'shapefile-zip', 'shapefile-loose', 'kml', 'kmz', 'gpx'], stored: ['MULTIPOLYGON'] },
  {
    layer: 'amenities', gtype: 'Point',
    formats: ['geojson', 'geojsonseq', 'shapefile-zip', 'shapefile-loose', 'kml', 'kmz', 'csv-lon', 'csv-lng', 'csv-longitude', 'csv-经度', 'gpx'],
    stored: ['POINT'],
  },
  {
    layer: 'tracks', gtype: 'MultiLineString',
    formats: ['geojson', 'geojsonseq', 'shapefile-zip', 'shapefile-loose', 'kml', 'kmz', 'gpx', 'srt', 'csv-lng'],
    stored: ['LINESTRING', 'MULTILINESTRING', 'POINT'],
  },
];

/** Two features per file, named `<layer>-<format>-<n>`, placed apart per format. */
function specsFor(layer: string, format: string, slot: number): Spec[] {
  const carrier = layer === 'land' || layer === 'factories' || layer === 'offices';
  const pointFormat = format.startsWith('csv');
  return [0, 1].map((n) => {
    const i = slot * 2 + n;
    const name = `${layer}-${format}-${n}`;
    const props: Record<string, string> = carrier ? { code: `${RUN}-${layer}-${format}-${n}`, name } : layer === 'amenities' ? { name, kind: n ? 'hospital' : 'school' } : { name };
    const geometry = layer === 'amenities' || pointFormat ? point(i) : layer === 'tracks' ? line(i) : square(i);
    return { props, geometry };
  });
}

describe('import matrix: every layer × every format, end to end', () => {
  for (const row of MATRIX) {
    describe(row.layer, () => {
      let batch: { id: number; summary: Record<string, unknown> };
      let items: { file: string; status: string; n: number }[] = [];
      let stored: { file: string; gtype: string; n: number }[] = [];
      const fileOf = new Map<string, string[]>();

      beforeAll(async () => {
        const files: Upload[] = [];
        row.formats.forEach((format, slot) => {
          // Layers get their own corner of the map so their carriers never overlap.
          const base = `${row.layer}_${format.replace(/[^a-z0-9]/gi, '_')}`;
          const out = FORMATS[format](base, specsFor(row.layer, format, slot + 40 * MATRIX.indexOf(row)), row.gtype);
          fileOf.set(format, out.map((f) => f.name));
          files.push(...out);
        });
        const res = await upload(row.layer, files);
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        batch = res.body.batch;
        items = (await pool.query(`SELECT file, status, count(*)::int n FROM import_items WHERE batch_id = $1 GROUP BY 1, 2`, [batch.id])).rows;
        const committed = await post(`/api/imports/${batch.id}/commit`);
        expect(committed.body.batch?.status, JSON.stringify(committed.body)).toBe('committed');
        const table = row.layer === 'amenities' ? 'amenities' : row.layer === 'tracks' ? 'tracks' : 'carriers';
        // Carriers and amenities are named <layer>-<format>-<n>: the format is the middle part.
        const fileCol = row.layer === 'tracks' ? 't.file_name' : `regexp_replace(substring(t.name from position('-' in t.name) + 1), '-[0-9]+$', '')`;
        stored = (await pool.query(`SELECT ${fileCol} AS file, GeometryType(t.geom) gtype, count(*)::int n FROM ${table} t WHERE t.batch_id = $1 GROUP BY 1, 2`, [batch.id])).rows;
      }, 60_000);
      afterAll(async () => {
        if (batch) await post(`/api/imports/${batch.id}/undo`);
      });

      it.each(row.formats)(`${row.layer} × %s: staged without rejection and stored with its geometry`, (format) => {
        const names = fileOf.get(format)!;
        // Loose shapefile parts are staged under the layer's name (the .shp).
        const base = (n: string) => n.replace(/\.[^.]+$/, '');
        const mine = items.filter((r) => names.some((n) => base(n) === base(r.file)));
        const expected = format === 'srt' ? 1 : 2;
        expect(mine.reduce((s, r) => s + r.n, 0), JSON.stringify(items)).toBe(expected);
        expect(mine.filter((r) => r.status === 'rejected')).toEqual([]);
        const key = row.layer === 'tracks' ? names[0] : format;
        const got = stored.filter((r) => (row.layer === 'tracks' ? names.includes(r.file) : r.file === key));
        expect(got.reduce((s, r) => s + r.n, 0), JSON.stringify(stored)).toBe(expected);
        for (const r of got) expect(row.stored).toContain(r.gtype);
      });
    });
  }
});

describe('DJI flight telemetry (.SRT)', () => {
  it.runIf(hasFixtures())('imports the real DJI telemetry as a track with cue times and altitudes; outside the service area it is kept for staff and never published', async () => {
    const file = fixture('drone/dji_video_telemetry.srt');
    const { status, body } = await upload('tracks', [{ name: path.basename(file), bytes: fs.readFileSync(file) }], { lang: 'en' });
    expect(status).toBe(201);
    expect(body.batch.summary).toMatchObject({ total: 1, rejected: 0, warnings: 1 });
    const issues = (await (await api(`/api/imports/${body.batch.id}/issues?lang=en`, { cookie: staff })).json()).issues;
    expect(issues).toContainEqual(expect.objectContaining({ code: 'outside_service_area_kept', severity: 'warning', message: expect.stringMatching(/km outside the service area.*never published/) }));
    await post(`/api/imports/${body.batch.id}/commit`);
    const { rows } = await pool.query(
      `SELECT ST_X(ST_StartPoint(geom)) lon, ST_Y(ST_StartPoint(geom)) lat, properties, outside_service_area
       FROM tracks WHERE batch_id = $1`, [body.batch.id]);
    expect(rows.length).toBe(1);
    // EXPECTED.md: the GPS tuple is (longitude, latitude, altitude): St. Petersburg, Florida.
    expect(rows[0]).toMatchObject({ lon: -82.6669, lat: 27.7716, outside_service_area: true });
    expect(rows[0].properties).toMatchObject({ source: 'dji-srt', pointCount: 3, times_ms: [0, 1000, 2000], altitudes_m: [10, 9, 9], minEle: 9, maxEle: 10 });
    const reviewed = await post(`/api/imports/${body.batch.id}/review`, { state: 'published' }, reviewer);
    expect(reviewed.body.features).toBe(0);
    expect((await pool.query(`SELECT review_state FROM tracks WHERE batch_id = $1`, [body.batch.id])).rows[0].review_state).toBe('draft');
    await expect(pool.query(`UPDATE tracks SET review_state = 'published' WHERE batch_id = $1`, [body.batch.id])).rejects.toThrow(/outside the service area/);
    await post(`/api/imports/${body.batch.id}/undo`);
  });

  it.runIf(hasFixtures())('lists the .srt of a photo upload as not imported, with the reason, in Chinese and English', async () => {
    const srtFile = fixture('drone/dji_video_telemetry.srt');
    const photo = fixture('drone/ebee_canon_s110_tiny_1.jpg');
    const files = [srtFile, photo].map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(f) }));
    const zh = await upload('photos', files);
    expect(zh.status).toBe(201);
    expect(zh.body.batch.summary.total).toBe(1);
    expect(zh.body.batch.summary.notImported).toEqual([
      { file: 'dji_video_telemetry.srt', code: 'not_imported_telemetry', reason: expect.stringContaining('GPS轨迹') },
    ]);
    const en = await (await api(`/api/imports/${zh.body.batch.id}?lang=en`, { cookie: staff })).json();
    expect(en.batch.summary.notImported[0].reason).toMatch(/upload it to the tracks layer/);
    await api(`/api/imports/${zh.body.batch.id}`, { method: 'DELETE', cookie: staff });
  });
});

describe('service area', () => {
  it('rejects carriers and amenities outside the service area, naming the feature and its distance (the 24,615 km² parcel at 1°, 1°)', async () => {
    const far = { type: 'Polygon', coordinates: [[[1, 1], [2.4, 1], [2.4, 2.4], [1, 2.4], [1, 1]]] };
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { DKBH: `${RUN}-FAR`, MJ: '24615000000' }, geometry: far },
        { type: 'Feature', properties: { DKBH: `${RUN}-NEAR` }, geometry: square(900) },
      ],
    };
    const land = await upload('land', [{ name: 'far.geojson', bytes: enc(JSON.stringify(fc)) }], { lang: 'en' });
    expect(land.status).toBe(201);
    expect(land.body.batch.summary).toMatchObject({ total: 2, rejected: 1 });
    const issues = (await (await api(`/api/imports/${land.body.batch.id}/issues?lang=en`, { cookie: staff })).json()).issues;
    const outside = issues.find((i: { code: string }) => i.code === 'outside_service_area');
    expect(outside).toMatchObject({ file: 'far.geojson', severity: 'error', params: { feature: `${RUN}-FAR` } });
    expect(outside.message).toMatch(new RegExp(`^${RUN}-FAR lies [0-9.]+ km outside the service area`));
    expect(outside.params.km).toBeGreaterThan(11000);
    const zh = (await (await api(`/api/imports/${land.body.batch.id}/issues`, { cookie: staff, headers: { 'accept-language': 'zh-CN,zh;q=0.9' } })).json()).issues;
    expect(zh.find((i: { code: string }) => i.code === 'outside_service_area').message).toMatch(/位于服务范围.*之外 [0-9.]+ 公里，已拒绝/);
    await api(`/api/imports/${land.body.batch.id}`, { method: 'DELETE', cookie: staff });

    const amen = await upload('amenities', [{ name: 'far.csv', bytes: enc(`name,kind,lng,lat\nMadrid school,school,-3.7,40.4\n`) }], { lang: 'en' });
    expect(amen.body.batch.summary).toMatchObject({ total: 1, rejected: 1 });
    const ai = (await (await api(`/api/imports/${amen.body.batch.id}/issues?lang=en`, { cookie: staff })).json()).issues;
    expect(ai).toContainEqual(expect.objectContaining({ code: 'outside_service_area', message: expect.stringMatching(/^Madrid school lies [0-9.]+ km outside/) }));
    await api(`/api/imports/${amen.body.batch.id}`, { method: 'DELETE', cookie: staff });
  });
});

describe('unmapped attributes and the platform\'s own export', () => {
  it('re-importing the GeoJSON export keeps price_unit, power_kva, gas, contact_name and plot ratios; unknown fields are reported per file', async () => {
    const code = `${RUN}-RE`;
    const props = {
      code, name: '再导入地块', status: 'reserved', price: 12.5, price_unit: '万元/亩', power_kva: 2500, gas: true,
      contact_name: '张三', contact_phone: '0818-1234567', plot_ratio_min: 1.2, plot_ratio_max: 2.5, water_t_per_day: 300,
      land_use: 'M1', area_m2: 1234, review_state: 'published', id: 99, 调查员: '李四', survey_note: 'n/a',
    };
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', id: 99, properties: props, geometry: square(950) }] };
    const { status, body } = await upload('land', [{ name: 'export.geojson', bytes: enc(JSON.stringify(fc)) }], { lang: 'en' });
    expect(status).toBe(201);
    expect(body.batch.summary.unmapped).toEqual([{ file: 'export.geojson', fields: [{ field: '调查员', rows: 1 }, { field: 'survey_note', rows: 1 }] }]);
    expect(body.batch.summary.fileIssues).toContainEqual(expect.objectContaining({ code: 'unmapped_fields', file: 'export.geojson', message: expect.stringContaining('调查员, survey_note') }));
    await post(`/api/imports/${body.batch.id}/commit`);
    const { rows } = await pool.query(`SELECT status, price, price_unit, power_kva, gas, contact_name, plot_ratio_min, plot_ratio_max, water_t_per_day, land_use FROM carriers WHERE code = $1`, [code]);
    expect(rows[0]).toMatchObject({ status: 'reserved', price_unit: '万元/亩', power_kva: 2500, gas: true, contact_name: '张三', plot_ratio_min: 1.2, plot_ratio_max: 2.5, water_t_per_day: 300, land_use: 'M1' });
    expect(Number(rows[0].price)).toBe(12.5);
    await post(`/api/imports/${body.batch.id}/undo`);
  });

  it('unmapped fields mapped in the preview are re-applied to the batch before commit, checked against the layer, with errors naming field and value', async () => {
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { DKBH: `${RUN}-MP1`, dianli_rongliang: 800, duijieren: '王五', beizhu2: 'x' }, geometry: square(960) },
      { type: 'Feature', properties: { DKBH: `${RUN}-MP2`, dianli_rongliang: '很多', duijieren: '赵六' }, geometry: square(961) },
    ] };
    const { body } = await upload('land', [{ name: 'survey-fields.geojson', bytes: enc(JSON.stringify(fc)) }]);
    const id = body.batch.id;
    expect(body.batch.summary.unmapped[0].fields.map((f: { field: string }) => f.field).sort()).toEqual(['beizhu2', 'dianli_rongliang', 'duijieren']);
    const options = await (await api(`/api/imports/${id}/mapping`, { cookie: staff })).json();
    expect(options.fields).toContainEqual({ field: 'dianli_rongliang', files: ['survey-fields.geojson'], rows: 2, mappedTo: null });
    expect(options.targets).toContainEqual({ column: 'power_kva', label: { zh: '供电容量', en: 'Power supply' }, unit: 'kVA' });
    expect(options.targets.map((t: { column: string }) => t.column)).not.toContain('review_state');

    // A field the batch does not have and an attribute the layer does not have: 400 naming both, in the user's language.
    const bad = { mapping: { dianli_rongliang: 'power', nosuch: 'name' } };
    const zh = await post(`/api/imports/${id}/mapping?lang=zh`, bad);
    expect(zh.status).toBe(400);
    expect(zh.body.error.message).toContain('字段“dianli_rongliang”：“power”不是图层 land 的属性');
    expect(zh.body.error.message).toContain('字段“nosuch”不是批次');
    expect(zh.body.error.problems).toEqual([
      expect.objectContaining({ field: 'dianli_rongliang', value: 'power' }), expect.objectContaining({ field: 'nosuch', value: 'name' })]);
    const en = await post(`/api/imports/${id}/mapping`, { ...bad, lang: 'en' });
    expect(en.body.error.message).toMatch(/^mapping: field "dianli_rongliang": "power" is not an attribute of layer land; use one of .*power_kva/);
    expect((await post(`/api/imports/${id}/mapping`, { mapping: { dianli_rongliang: 7 } })).status).toBe(400);
    expect((await post(`/api/imports/${id}/mapping`, { mapping: { dianli_rongliang: 'power_kva' } }, reviewer)).status).toBe(403);

    // Mapped: the batch is staged again; the bad value is an issue naming field and value; nothing is left unmapped.
    const ok = await post(`/api/imports/${id}/mapping?lang=zh`, { mapping: { dianli_rongliang: 'power_kva', duijieren: 'contact_name', beizhu2: 'ignore' } });
    expect(ok.status).toBe(200);
    expect(ok.body.batch).toMatchObject({ id, status: 'validated' });
    expect(ok.body.batch.summary).toMatchObject({ total: 2, rejected: 0, unmapped: [] });
    const issues = (await (await api(`/api/imports/${id}/issues?lang=zh`, { cookie: staff })).json()).issues;
    expect(issues).toContainEqual(expect.objectContaining({ field: 'dianli_rongliang', value: '很多' }));
    expect((await (await api(`/api/imports/${id}/mapping`, { cookie: staff })).json()).mapping)
      .toEqual({ dianli_rongliang: 'power_kva', duijieren: 'contact_name', beizhu2: 'ignore' });

    await post(`/api/imports/${id}/commit`);
    const { rows } = await pool.query(`SELECT code, power_kva, contact_name FROM carriers WHERE code = ANY($1) ORDER BY code`, [[`${RUN}-MP1`, `${RUN}-MP2`]]);
    expect(rows).toEqual([{ code: `${RUN}-MP1`, power_kva: 800, contact_name: '王五' }, { code: `${RUN}-MP2`, power_kva: null, contact_name: '赵六' }]);
    const late = await post(`/api/imports/${id}/mapping?lang=en`, { mapping: { duijieren: 'name' } });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(`batch ${id} is committed; only a validated batch (not yet committed) can be re-mapped`);
    await post(`/api/imports/${id}/undo`);
  });

  it('amenities too: a kind column under an unknown name rejects the rows until the preview maps it, then they import', async () => {
    const fc = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { bh: `${RUN}-AM1`, mingcheng: '映射小学', sheshi_leixing: 'school' }, geometry: point(970) },
      { type: 'Feature', properties: { bh: `${RUN}-AM2`, mingcheng: '映射医院', sheshi_leixing: '医院' }, geometry: point(971) },
    ] };
    const { body } = await upload('amenities', [{ name: 'amenity-fields.geojson', bytes: enc(JSON.stringify(fc)) }]);
    const id = body.batch.id;
    expect(body.batch.summary).toMatchObject({ total: 2, rejected: 2 });
    const options = await (await api(`/api/imports/${id}/mapping`, { cookie: staff })).json();
    expect(options.fields.map((f: { field: string }) => f.field).sort()).toEqual(['mingcheng', 'sheshi_leixing']);
    expect(options.targets.map((t: { column: string }) => t.column)).toEqual(['name', 'kind', 'code', 'address']);
    const bad = await post(`/api/imports/${id}/mapping?lang=en`, { mapping: { sheshi_leixing: 'power_kva' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"power_kva" is not an attribute of layer amenities');

    const ok = await post(`/api/imports/${id}/mapping`, { mapping: { mingcheng: 'name', sheshi_leixing: 'kind' } });
    expect(ok.status).toBe(200);
    expect(ok.body.batch.summary).toMatchObject({ total: 2, rejected: 0, unmapped: [] });
    await post(`/api/imports/${id}/commit`);
    const { rows } = await pool.query(`SELECT code, name, kind FROM amenities WHERE code = ANY($1) ORDER BY code`, [[`${RUN}-AM1`, `${RUN}-AM2`]]);
    expect(rows).toEqual([{ code: `${RUN}-AM1`, name: '映射小学', kind: 'school' }, { code: `${RUN}-AM2`, name: '映射医院', kind: 'hospital' }]);
    await post(`/api/imports/${id}/undo`);
  });
});

describe('survey photos as a layer', () => {
  /** A drone photo taken over Dazhou (EXIF GPS + DJI XMP, so it gets a ground footprint). */
  async function dronePhoto(seed: number): Promise<Upload> {
    const [lon, lat] = at(980 + seed);
    const dms = (v: number) => { const d = Math.floor(v); const m = Math.floor((v - d) * 60); const s = Math.round(((v - d) * 60 - m) * 60 * 100); return `${d}/1 ${m}/1 ${s}/100`; };
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" drone-dji:RelativeAltitude="+60.00" drone-dji:GimbalPitchDegree="-60.0" drone-dji:GimbalYawDegree="${seed * 40}.0" drone-dji:FlightYawDegree="${seed * 40}.0"/></rdf:RDF></x:xmpmeta>`;
    const bytes = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 90 + seed * 10, g: 120, b: 80 } } }).jpeg()
      .withExif({
        IFD0: { Make: 'Hasselblad', Model: 'L1D-20c', DateTime: `2026:11:0${seed + 1} 10:20:00` },
        IFD2: { DateTimeOriginal: `2026:11:0${seed + 1} 10:20:00`, FocalLength: '1026/100' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(lat), GPSLongitudeRef: 'E', GPSLongitude: dms(lon), GPSAltitude: '400/1' },
      }).withXmp(xmp).toBuffer();
    return { name: `dazhou_drone_${RUN}_${seed}.jpg`, bytes: new Uint8Array(bytes) };
  }

  it('draft photos are in no public tile, OGC item or export; published ones are, with their footprint, and the carrier lists them', async () => {
    // A published parcel under the first photo: the carrier whose panel lists it.
    const [plon, plat] = at(981);
    const d = 0.004;
    const parcel = { type: 'Polygon', coordinates: [[[plon - d, plat - d], [plon + d, plat - d], [plon + d, plat + d], [plon - d, plat + d], [plon - d, plat - d]]] };
    const land = await upload('land', [{ name: 'photo-parcel.geojson', bytes: enc(JSON.stringify({ type: 'Feature', properties: { DKBH: `${RUN}-PH` }, geometry: parcel })) }]);
    await post(`/api/imports/${land.body.batch.id}/commit`);
    await post(`/api/imports/${land.body.batch.id}/review`, { state: 'published' }, reviewer);
    const carrier = (await pool.query(`SELECT id FROM carriers WHERE code = $1`, [`${RUN}-PH`])).rows[0];

    const { body } = await upload('photos', [await dronePhoto(1), await dronePhoto(2)]);
    expect(body.batch.summary).toMatchObject({ total: 2, rejected: 0 });
    await post(`/api/imports/${body.batch.id}/commit`);
    const { rows: photos } = await pool.query(`SELECT id, ST_X(geom) lon, ST_Y(geom) lat, footprint IS NOT NULL fp, outside_service_area FROM photos WHERE batch_id = $1 ORDER BY id`, [body.batch.id]);
    expect(photos.length).toBe(2);
    expect(photos.every((p) => p.fp && !p.outside_service_area)).toBe(true);
    const ids = photos.map((p) => String(p.id));
    const z = 15;
    const tx = Math.floor(((photos[0].lon + 180) / 360) * 2 ** z);
    const ty = Math.floor(((1 - Math.log(Math.tan((photos[0].lat * Math.PI) / 180) + 1 / Math.cos((photos[0].lat * Math.PI) / 180)) / Math.PI) / 2) * 2 ** z);
    const tileIds = async (layer: string, cookie?: string) => {
      const res = await api(`/tiles/${layer}/${z}/${tx}/${ty}.mvt`, { cookie, headers: { 'accept-encoding': 'identity' } });
      if (res.status === 204) return [];
      const t = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer())));
      const l = t.layers[layer];
      return l ? Array.from({ length: l.length }, (_, i) => String(l.feature(i).id)) : [];
    };
    const ogcIds = async (layer: string) => ((await (await api(`/ogc/collections/${layer}/items?limit=1000`)).json()).features as { id: unknown }[]).map((f) => String(f.id));
    const exportText = async (layer: string) => (await api(`/api/layers/${layer}/export?format=geojson`)).text();

    // Drafts: staff see them in tiles; the public sees them nowhere.
    expect(await tileIds('photos', staff)).toEqual(expect.arrayContaining([ids[0]]));
    expect(await tileIds('photos')).not.toContain(ids[0]);
    expect(await tileIds('footprints')).not.toContain(ids[0]);
    for (const layer of ['photos', 'footprints']) {
      expect(await ogcIds(layer)).not.toContain(ids[0]);
      expect(await exportText(layer)).not.toContain(`dazhou_drone_${RUN}`);
    }

    expect((await post(`/api/imports/${body.batch.id}/review`, { state: 'published' }, reviewer)).body.features).toBe(2);
    // Tiles purge through the change log (TILE_SYNC_MS); wait for the public tile to change.
    let pub: string[] = [];
    for (let i = 0; i < 40 && !pub.includes(ids[0]); i++) {
      pub = await tileIds('photos');
      if (!pub.includes(ids[0])) await new Promise((r) => setTimeout(r, 250));
    }
    expect(pub).toContain(ids[0]);
    expect(await ogcIds('photos')).toEqual(expect.arrayContaining(ids));
    expect(await ogcIds('footprints')).toEqual(expect.arrayContaining(ids));
    const feature = (await (await api(`/api/layers/photos/features/${ids[0]}`)).json());
    expect(feature.properties).toMatchObject({ taken_at: expect.stringContaining('2026'), heading: expect.any(Number) });
    expect(feature.properties).not.toHaveProperty('batch_id');
    expect(await exportText('photos')).toContain(`dazhou_drone_${RUN}_1.jpg`);

    {
      const listed = await (await api(`/api/layers/land/features/${carrier.id}/photos`)).json();
      expect(listed.photos.map((p: { id: number }) => String(p.id))).toContain(ids[0]);
      const mine = listed.photos.find((p: { id: number }) => String(p.id) === ids[0]);
      expect(mine).toMatchObject({ kind: 'photo', takenOn: '2026-11-02', thumbnailUrl: `/api/photos/${ids[0]}/thumbnail` });
      expect(listed.lastSurveyed >= '2026-11-02').toBe(true);
      const thumb = await api(mine.thumbnailUrl);
      expect(thumb.status).toBe(200);
      expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    }
    await post(`/api/imports/${body.batch.id}/undo`);
    await post(`/api/imports/${land.body.batch.id}/undo`);
  }, 60_000);
});

describe('npm run import', () => {
  it('works exactly as the README writes it: npm run import -- --layer … --json <files>', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-import-'));
    const file = path.join(dir, 'amenities.csv');
    fs.writeFileSync(file, `name,kind,lng,lat\nCLI school ${RUN},school,${at(1990)[0]},${at(1990)[1]}\nCLI hospital ${RUN},医院,${at(1991)[0]},${at(1991)[1]}\n`);
    const env = { ...process.env, DATA_DIR: inject('dataDir'), DB_SCHEMA: inject('dbSchema'), DATABASE_URL: inject('dbEngine') === 'postgres' ? process.env.DATABASE_URL ?? '' : '' };
    const { stdout } = await promisify(execFile)('npm', ['run', 'import', '--', '--layer', 'amenities', '--json', file], { cwd: ROOT_DIR, env });
    // npm prints "> name@version import" and the command before the CLI's JSON.
    const out = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(out).toMatchObject({ status: 'committed', layer: 'amenities', imported: 2, rejected: 0 });
    const { rows } = await pool.query(`SELECT kind, name, review_state FROM amenities WHERE batch_id = $1 ORDER BY name`, [out.batchId]);
    expect(rows).toEqual([
      { kind: 'hospital', name: `CLI hospital ${RUN}`, review_state: 'draft' },
      { kind: 'school', name: `CLI school ${RUN}`, review_state: 'draft' },
    ]);
    await post(`/api/imports/${out.batchId}/undo`);
  }, 120_000);
});
