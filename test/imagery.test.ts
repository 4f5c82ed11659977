/**
 * Orthophotos end to end over HTTP: GeoTIFFs made here with GDAL (RGB with a TIFF DateTime, RGBA,
 * nodata in a striped BigTIFF, an internal mask, a CGCS2000 zone-prefixed Gauss-Krüger code) are
 * uploaded as staff, cut into Web Mercator tiles, and each finest-zoom tile must match GDAL's own
 * `gdalwarp` of the same area (pixels and transparency); TileJSON against the 3.0 schema, ETag/304,
 * JPEG fallback, transparent outside the image, drafts hidden from the public until published,
 * and bad files refused naming the file and the problem in zh and en.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Ajv } from 'ajv';
import { api, userWithRole } from './helpers.ts';

let dir: string;
let staff: string;
let reviewer: string;

/** Top-left of the test image in EPSG:4545 (Dazhou, 达州高新区 area), 0.5 m pixels, 300×200. */
const ULX = 452300;
const ULY = 3453300;
const W = 300;
const H = 200;
const PX = 0.5;

const gdal = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A test picture: red/green gradients, a blue checkerboard, an alpha hole top-left, a black (nodata) strip at the bottom. */
async function makePng(file: string): Promise<void> {
  const buf = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const black = y >= H - 20;
      buf[i] = black ? 0 : 20 + Math.round((x * 220) / W);
      buf[i + 1] = black ? 0 : 20 + Math.round((y * 220) / H);
      buf[i + 2] = black ? 0 : ((x >> 5) + (y >> 5)) % 2 ? 200 : 60;
      buf[i + 3] = x < 40 && y < 40 ? 0 : 255;
    }
  }
  await sharp(buf, { raw: { width: W, height: H, channels: 4 } }).png().toFile(file);
}

const ullr = (dx = 0) => ['-a_ullr', String(ULX + dx), String(ULY), String(ULX + dx + W * PX), String(ULY - H * PX)];

async function upload(file: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
  const res = await api('/api/imagery', { method: 'POST', body: form, cookie: staff, headers });
  return { status: res.status, body: await res.json() };
}

/** Uploads and waits until the tiles are cut. */
async function uploadReady(file: string, fields: Record<string, string> = {}) {
  const { status, body } = await upload(file, fields);
  expect(status, JSON.stringify(body)).toBe(201);
  const id = body.imagery.id as number;
  for (let i = 0; i < 600; i++) {
    const r = await (await api(`/api/imagery/${id}`, { cookie: staff })).json();
    if (r.imagery.status !== 'processing') {
      expect(r.imagery.status, JSON.stringify(r.imagery.error)).toBe('ready');
      return r.imagery;
    }
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`imagery ${id} still processing`);
}

const WORLD = 2 * Math.PI * 6378137;
function tileBounds(z: number, x: number, y: number): [number, number, number, number] {
  const size = WORLD / 2 ** z;
  return [-WORLD / 2 + x * size, WORLD / 2 - (y + 1) * size, -WORLD / 2 + (x + 1) * size, WORLD / 2 - y * size];
}
function lonLatTile(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [Math.floor(((lon + 180) / 360) * n), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)];
}

/** GDAL's warp of `src` onto tile z/x/y (256×256 RGBA). */
async function gdalTile(src: string, z: number, x: number, y: number, resampling: string): Promise<Buffer> {
  const out = path.join(dir, `ref-${path.basename(src)}-${z}-${x}-${y}-${resampling}.tif`);
  const [minx, miny, maxx, maxy] = tileBounds(z, x, y);
  gdal('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:3857', '-te', String(minx), String(miny), String(maxx), String(maxy),
    '-ts', '256', '256', '-r', resampling, '-dstalpha', '-of', 'GTiff', src, out]);
  const png = path.join(dir, `${path.basename(out)}.png`);
  gdal('gdal_translate', ['-q', '-of', 'PNG', out, png]);
  return (await sharp(png).ensureAlpha().raw().toBuffer());
}

async function ourTile(id: number, z: number, x: number, y: number, cookie?: string): Promise<Buffer> {
  const res = await api(`/tiles/imagery/${id}/${z}/${x}/${y}.webp`, { cookie });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/webp');
  return sharp(Buffer.from(await res.arrayBuffer())).ensureAlpha().raw().toBuffer();
}

/** Mean absolute colour difference where both are opaque, and the share of pixels whose visibility differs. */
function compare(a: Buffer, b: Buffer): { meanDiff: number; alphaMismatch: number; opaque: number } {
  let diff = 0;
  let n = 0;
  let mismatch = 0;
  for (let i = 0; i < 256 * 256; i++) {
    const va = a[i * 4 + 3] > 127;
    const vb = b[i * 4 + 3] > 127;
    if (va !== vb) mismatch++;
    if (a[i * 4 + 3] === 255 && b[i * 4 + 3] === 255) {
      for (let c = 0; c < 3; c++) diff += Math.abs(a[i * 4 + c] - b[i * 4 + c]);
      n += 3;
    }
  }
  return { meanDiff: n ? diff / n : 0, alphaMismatch: mismatch / 65536, opaque: n / 3 };
}

/** Mean difference of `a` against `b` shifted by (dx, dy) pixels, over pixels opaque in both. */
function shiftedDiff(a: Buffer, b: Buffer, dx: number, dy: number): number {
  let diff = 0;
  let n = 0;
  for (let y = 2; y < 254; y++) {
    for (let x = 2; x < 254; x++) {
      const i = (y * 256 + x) * 4;
      const j = ((y + dy) * 256 + x + dx) * 4;
      if (a[i + 3] !== 255 || b[j + 3] !== 255) continue;
      for (let c = 0; c < 3; c++) diff += Math.abs(a[i + c] - b[j + c]);
      n += 3;
    }
  }
  return diff / n;
}

/** Every finest-zoom tile of an orthophoto compared with gdalwarp (bilinear), and one coarser tile with gdalwarp -r average. */
async function expectMatchesGdal(src: string, im: { id: number; bounds: number[]; max_zoom: number; min_zoom: number }) {
  const z = im.max_zoom;
  const [x0, y0] = lonLatTile(im.bounds[0], im.bounds[3], z);
  const [x1, y1] = lonLatTile(im.bounds[2], im.bounds[1], z);
  let opaque = 0;
  let fullest: { ours: Buffer; ref: Buffer; opaque: number } | null = null;
  for (let x = x0; x <= x1; x++) {
    for (let y = y0; y <= y1; y++) {
      const ours = await ourTile(im.id, z, x, y, staff);
      const ref = await gdalTile(src, z, x, y, 'bilinear');
      const c = compare(ours, ref);
      opaque += c.opaque;
      // Lossy WebP (quality 88) alone accounts for a mean difference of 2–3 on this sharp-edged test pattern.
      expect(c.meanDiff, `tile ${z}/${x}/${y}`).toBeLessThan(4);
      expect(c.alphaMismatch, `tile ${z}/${x}/${y}`).toBeLessThan(0.01);
      if (!fullest || c.opaque > fullest.opaque) fullest = { ours, ref, opaque: c.opaque };
    }
  }
  expect(opaque).toBeGreaterThan(20000);
  // Placement: GDAL's tile shifted by one pixel in any direction matches ours worse than unshifted.
  const centre = shiftedDiff(fullest!.ours, fullest!.ref, 0, 0);
  for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
    expect(centre, `shift ${dx},${dy}`).toBeLessThan(shiftedDiff(fullest!.ours, fullest!.ref, dx, dy));
  }
  if (im.min_zoom < z) {
    const [cx, cy] = lonLatTile((im.bounds[0] + im.bounds[2]) / 2, (im.bounds[1] + im.bounds[3]) / 2, z - 1);
    const c = compare(await ourTile(im.id, z - 1, cx, cy, staff), await gdalTile(src, z - 1, cx, cy, 'average'));
    expect(c.meanDiff).toBeLessThan(6);
    expect(c.alphaMismatch).toBeLessThan(0.02);
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imagery-test-'));
  const png = path.join(dir, 'pattern.png');
  await makePng(png);
  const t = (name: string, args: string[]) => gdal('gdal_translate', ['-q', ...args, png, path.join(dir, name)]);
  // RGB, tiled, deflate, with a TIFF DateTime.
  t('rgb_4545.tif', ['-b', '1', '-b', '2', '-b', '3', '-a_srs', 'EPSG:4545', ...ullr(), '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-mo', 'TIFFTAG_DATETIME=2025:05:20 10:30:00']);
  // RGBA (alpha band).
  t('rgba_4545.tif', ['-a_srs', 'EPSG:4545', ...ullr(), '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=64', '-co', 'BLOCKYSIZE=64', '-co', 'COMPRESS=LZW']);
  // RGB with nodata 0, striped BigTIFF.
  t('rgb_nodata_bigtiff.tif', ['-b', '1', '-b', '2', '-b', '3', '-a_srs', 'EPSG:4545', ...ullr(), '-a_nodata', '0', '-co', 'BIGTIFF=YES']);
  // RGB with an internal (GDAL) mask from the alpha band.
  t('rgb_mask.tif', ['-b', '1', '-b', '2', '-b', '3', '-mask', '4', '-a_srs', 'EPSG:4545', ...ullr(), '-co', 'TILED=YES', '--config', 'GDAL_TIFF_INTERNAL_MASK', 'YES']);
  // CGCS2000 3-degree GK zone 36 with the zone prefix in the easting (EPSG:4524, x + 36 000 000).
  t('rgb_zone36_4524.tif', ['-b', '1', '-b', '2', '-b', '3', '-a_srs', 'EPSG:4524', ...ullr(36_000_000)]);
  // What survey contractors deliver most: a Cloud-Optimized GeoTIFF, JPEG-compressed (YCbCr), with overviews.
  t('rgb_cog_jpeg.tif', ['-of', 'COG', '-b', '1', '-b', '2', '-b', '3', '-a_srs', 'EPSG:4545', ...ullr(), '-co', 'COMPRESS=JPEG', '-co', 'QUALITY=90']);
  // Bad files.
  fs.copyFileSync(png, path.join(dir, 'photo_not_tiff.tif'));
  gdal('gdal_translate', ['-q', '-ot', 'UInt16', '-scale', '0', '255', '0', '65535', '-b', '1', '-b', '2', '-b', '3', '-a_srs', 'EPSG:4545', ...ullr(), png, path.join(dir, 'rgb_16bit.tif')]);
  gdal('gdal_translate', ['-q', '-b', '1', '-b', '2', '-b', '3', png, path.join(dir, 'no_georef.tif')]);
  t('custom_crs.tif', ['-b', '1', '-b', '2', '-b', '3', '-a_srs', '+proj=tmerc +lat_0=0 +lon_0=107.3 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m', ...ullr()]);
  // Signed in after GDAL's work, so no kept-alive connection sits idle past the server's keep-alive timeout.
  staff = await userWithRole('staff');
  reviewer = await userWithRole('reviewer');
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('orthophoto upload and tiles', () => {
  let rgb: { id: number; bounds: number[]; max_zoom: number; min_zoom: number; captured_on: string; capture_source: string; footprint: { coordinates: number[][][] } };

  it('RGB GeoTIFF in EPSG:4545: capture date from the TIFF, tiles match gdalwarp', async () => {
    rgb = await uploadReady(path.join(dir, 'rgb_4545.tif'));
    expect(rgb.captured_on).toBe('2025-05-20');
    expect(rgb.capture_source).toBe('tiff');
    expect(rgb.max_zoom).toBe(18);
    // The footprint's corner is where GDAL puts the image's corner.
    const [lon, lat] = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4545', '-t_srs', 'EPSG:4326', '-output_xy'], { input: `${ULX} ${ULY}\n` }).toString().trim().split(/\s+/).map(Number);
    expect(rgb.footprint.coordinates[0][0][0]).toBeCloseTo(lon, 7);
    expect(rgb.footprint.coordinates[0][0][1]).toBeCloseTo(lat, 7);
    await expectMatchesGdal(path.join(dir, 'rgb_4545.tif'), rgb);
  });

  const VARIANTS: [string, string][] = [
    ['rgba_4545.tif', 'RGBA (alpha band)'], ['rgb_nodata_bigtiff.tif', 'nodata 0 in a striped BigTIFF'],
    ['rgb_mask.tif', 'an internal mask'], ['rgb_zone36_4524.tif', 'CGCS2000 GK zone 36 with the zone prefix (EPSG:4524)'],
    ['rgb_cog_jpeg.tif', 'a JPEG-compressed (YCbCr) COG with overviews'],
  ];
  for (const [name, what] of VARIANTS) {
    it(`${what}: tiles match gdalwarp; capture date given by staff`, async () => {
      const im = await uploadReady(path.join(dir, name), { capturedOn: '2024-11-02' });
      expect(im.captured_on).toBe('2024-11-02');
      expect(im.capture_source).toBe('user');
      await expectMatchesGdal(path.join(dir, name), im);
    });
  }

  it('TileJSON 3.0, ETag and 304, JPEG fallback, transparent outside the image', async () => {
    const tj = await (await api(`/tiles/imagery/${rgb.id}.json`, { cookie: staff })).json();
    const schema = JSON.parse(fs.readFileSync(new URL('./standards/tilejson-3.0.0.schema.json', import.meta.url), 'utf8'));
    // vector_layers is required of vector tilesets only (TileJSON 3.0 §3.3); this one is raster.
    schema.required = schema.required.filter((k: string) => k !== 'vector_layers');
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(schema, tj), JSON.stringify(ajv.errors)).toBe(true);
    expect(tj.tiles[0]).toMatch(new RegExp(`/tiles/imagery/${rgb.id}/\\{z\\}/\\{x\\}/\\{y\\}\\.webp$`));
    expect(tj.maxzoom).toBe(rgb.max_zoom);
    expect(tj.captured_on).toBe('2025-05-20');

    const [x, y] = lonLatTile((rgb.bounds[0] + rgb.bounds[2]) / 2, (rgb.bounds[1] + rgb.bounds[3]) / 2, rgb.max_zoom);
    const url = `/tiles/imagery/${rgb.id}/${rgb.max_zoom}/${x}/${y}.webp`;
    const first = await api(url, { cookie: staff });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await api(url, { cookie: staff, headers: { 'if-none-match': etag } })).status).toBe(304);

    for (const res of [await api(`${url}?format=jpeg`, { cookie: staff }), await api(url, { cookie: staff, headers: { accept: 'image/jpeg' } })]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    }
    const outside = await ourTile(rgb.id, rgb.max_zoom, x + 50, y + 50, staff);
    expect(outside.length).toBe(256 * 256 * 4);
    expect(outside.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
  });

  it('the public sees an orthophoto only once a reviewer publishes it', async () => {
    const tileUrl = `/tiles/imagery/${rgb.id}/${rgb.max_zoom}/0/0.webp`;
    expect((await api(`/api/imagery/${rgb.id}`)).status).toBe(404);
    expect((await api(tileUrl)).status).toBe(404);
    expect((await api(`/tiles/imagery/${rgb.id}.json`)).status).toBe(404);
    expect(((await (await api('/api/imagery')).json()).imagery as { id: number }[]).some((i) => i.id === rgb.id)).toBe(false);
    // Staff may not publish; a reviewer may.
    expect((await api(`/api/imagery/${rgb.id}/review`, { method: 'POST', cookie: staff, body: JSON.stringify({ state: 'published' }) })).status).toBe(403);
    expect((await api(`/api/imagery/${rgb.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) })).status).toBe(200);
    const pub = await api(`/api/imagery/${rgb.id}`);
    expect(pub.status).toBe(200);
    const body = await pub.json();
    // The public view: no review state, status, source file or work fields.
    expect(Object.keys(body.imagery).sort()).toEqual(['bounds', 'captured_on', 'footprint', 'height', 'id', 'max_zoom', 'min_zoom', 'name', 'park_id', 'pixel_size_m', 'width']);
    expect((await (await api(`/api/imagery/${rgb.id}`, { cookie: reviewer })).json()).imagery.review_state).toBe('published');
    const tile = await api(tileUrl);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toMatch(/public/);
    expect(((await (await api('/api/imagery')).json()).imagery as { id: number }[]).some((i) => i.id === rgb.id)).toBe(true);
    // Back to draft: hidden again at once.
    await api(`/api/imagery/${rgb.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'draft' }) });
    expect((await api(tileUrl)).status).toBe(404);
  });

  it('bad files are refused naming the file and the problem, in Chinese by default and in English', async () => {
    const cases: [string, string, Record<string, string>, RegExp, RegExp][] = [
      ['photo_not_tiff.tif', 'not_tiff', {}, /不是 GeoTIFF.*PNG/, /not a GeoTIFF.*PNG/],
      ['rgb_16bit.tif', 'bit_depth', {}, /不支持的位深度 16 位/, /unsupported bit depth 16-bit/],
      ['no_georef.tif', 'no_georef', {}, /没有地理参考/, /no georeferencing/],
      ['custom_crs.tif', 'no_crs', {}, /未声明坐标系/, /no coordinate reference system/],
      ['rgb_4545.tif', 'unknown_crs', { crs: 'EPSG:999999' }, /未知坐标系 EPSG:999999/, /unknown CRS EPSG:999999/],
    ];
    for (const [file, reason, fields, zh, en] of cases) {
      const inZh = await upload(path.join(dir, file), fields);
      expect(inZh.status, file).toBe(400);
      expect(inZh.body.error.reason).toBe(reason);
      expect(inZh.body.error.message).toContain(file);
      expect(inZh.body.error.message).toMatch(zh);
      const inEn = await upload(path.join(dir, file), fields, { 'accept-language': 'en-GB,en' });
      expect(inEn.body.error.message).toMatch(en);
    }
    // A file without a CRS imports when staff name it.
    const named = await uploadReady(path.join(dir, 'custom_crs.tif'), { crs: 'EPSG:4545' });
    expect(named.source_epsg).toBe(4545);
  });
});
