/**
 * The tile pyramid without a database: a GeoTIFF made by GDAL directly in Web Mercator (so the
 * reprojection grid is the inverse affine alone) is cut in this process and in the child process;
 * both give the same tiles, every level down to minZoom exists, and the header reader reports what
 * GDAL wrote. Also the small pure helpers (TIFF dates, zoom range, 2×2 average).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { applyAffine, invertAffine, parseTiffDate, readImageryInfo } from './geotiff-info.ts';
import { downsample, mercToTile, renderPyramid, tileCorner, tilePath, zoomRange, type PyramidJob } from './pyramid.ts';
import { renderPyramidIsolated } from './pyramid-runner.ts';

let dir: string;
let src: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyramid-test-'));
  const png = path.join(dir, 'p.png');
  const w = 200;
  const h = 150;
  const buf = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    buf[i * 3] = i % w;
    buf[i * 3 + 1] = Math.floor(i / w);
    buf[i * 3 + 2] = 128;
  }
  await sharp(buf, { raw: { width: w, height: h, channels: 3 } }).png().toFile(png);
  src = path.join(dir, 'merc.tif');
  // 200×150 px of 0.6 m in EPSG:3857 near Dazhou, with a capture date.
  execFileSync('gdal_translate', ['-q', '-a_srs', 'EPSG:3857', '-a_ullr', '11963000', '3660000', '11963120', '3659910', '-co', 'TILED=YES',
    '-mo', 'TIFFTAG_DATETIME=2023:09:14 08:00:00', png, src]);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function job(outDir: string): Promise<PyramidJob> {
  const info = await readImageryInfo(src, 'merc.tif', 'en');
  const z = 18;
  const [fx0, fy0] = mercToTile(11963000, 3660000, z);
  const [fx1, fy1] = mercToTile(11963120, 3659910, z);
  const range = { z, x0: Math.floor(fx0), y0: Math.floor(fy0), x1: Math.floor(fx1), y1: Math.floor(fy1) };
  const inv = invertAffine(info.affine);
  const grid: number[] = [];
  for (let y = range.y0; y <= range.y1 + 1; y++) {
    for (let x = range.x0; x <= range.x1 + 1; x++) {
      const [mx, my] = tileCorner(x, y, z);
      grid.push(...applyAffine(inv, mx, my));
    }
  }
  return { sourcePath: src, info, outDir, range, minZoom: 15, grid: Float64Array.from(grid) };
}

describe('orthophoto pyramid', () => {
  it('reads the header GDAL wrote', async () => {
    const info = await readImageryInfo(src, 'merc.tif', 'en');
    expect(info).toMatchObject({ width: 200, height: 150, bands: 3, alphaBand: -1, epsg: 3857, captureDate: '2023-09-14', tiled: true, bigTiff: false });
    expect(info.affine).toEqual([11963000, 0.6, 0, 3660000, 0, -0.6]);
  });

  it('cuts the same tiles in this process and in the child process, down to minZoom', async () => {
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    const progress: number[] = [];
    const inProcess = await renderPyramid(await job(a));
    const isolated = await renderPyramidIsolated(await job(b), (done, total) => progress.push(done / total));
    expect(isolated).toEqual(inProcess);
    expect(progress.at(-1)).toBe(1);
    const j = await job(a);
    for (let z = 15; z <= 18; z++) {
      const [x, y] = mercToTile(11963060, 3659955, z).map(Math.floor);
      const file = tilePath(a, z, x, y);
      expect(fs.existsSync(file), file).toBe(true);
      expect(fs.readFileSync(file).equals(fs.readFileSync(tilePath(b, z, x, y)))).toBe(true);
    }
    expect(j.range.z).toBe(18);
  });

  it('parses TIFF dates defensively', () => {
    expect(parseTiffDate('2025:05:20 10:30:00')).toBe('2025-05-20');
    expect(parseTiffDate('2025:02:30 10:30:00')).toBeNull();
    expect(parseTiffDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseTiffDate(undefined)).toBeNull();
  });

  it('picks the zoom whose pixel is closest to the source\'s', () => {
    // 0.5 m at 31.2°N: zoom 18 is 0.51 m, zoom 19 0.26 m. 0.05 m: zoom 21 is 0.064 m, 22 0.032 m.
    expect(zoomRange(0.5, 31.2, 200).maxZoom).toBe(18);
    expect(zoomRange(0.3, 31.2, 200).maxZoom).toBe(19);
    expect(zoomRange(0.05, 31.2, 2000).maxZoom).toBe(21);
    expect(zoomRange(0.01, 31.2, 2000).maxZoom).toBe(22);
  });

  it('averages 2×2 blocks weighted by alpha', () => {
    const child = new Uint8Array(256 * 256 * 4);
    // Top-left 2×2 block: two opaque red pixels, two transparent ones.
    child.set([200, 0, 0, 255], 0);
    child.set([100, 0, 0, 255], 4);
    const out = downsample([child, null, null, null])!;
    expect(Array.from(out.subarray(0, 4))).toEqual([150, 0, 0, 128]);
    expect(downsample([null, null, null, null])).toBeNull();
  });
});
