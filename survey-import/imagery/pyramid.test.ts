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
import { cornerAt, downsample, gridSize, gridStride, levelRange, mercToTile, planLevels, renderPyramid, tileCorner, tilePath, zoomRange, type PyramidJob } from './pyramid.ts';
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

/** A job whose grids (exact: the source is in EPSG:3857) cover every level `planLevels` resamples. */
async function planned(file: string, outDir: string, z: number, minZoom: number, ulx: number, uly: number, lrx: number, lry: number): Promise<PyramidJob> {
  const info = await readImageryInfo(file, path.basename(file), 'en');
  const [fx0, fy0] = mercToTile(ulx, uly, z);
  const [fx1, fy1] = mercToTile(lrx, lry, z);
  const range = { z, x0: Math.floor(fx0), y0: Math.floor(fy0), x1: Math.floor(fx1), y1: Math.floor(fy1) };
  const inv = invertAffine(info.affine);
  const tilePx = (2 * Math.PI * 6378137) / 256 / 2 ** z;
  const grids = planLevels(info, z, minZoom, tilePx / info.affine[1]).map(({ z: lz, image }) => {
    const lr = levelRange(range, lz);
    const stride = gridStride(lr);
    const { nx, ny } = gridSize(lr, stride);
    const nodes: number[] = [];
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) nodes.push(...applyAffine(inv, ...tileCorner(lr.x0 + i * stride, lr.y0 + j * stride, lz)));
    return { z: lz, image, range: lr, stride, nodes: Float64Array.from(nodes) };
  });
  return { sourcePath: file, info, outDir, range, minZoom, grids };
}

async function job(outDir: string): Promise<PyramidJob> {
  const info = await readImageryInfo(src, 'merc.tif', 'en');
  const z = 18;
  const [fx0, fy0] = mercToTile(11963000, 3660000, z);
  const [fx1, fy1] = mercToTile(11963120, 3659910, z);
  const range = { z, x0: Math.floor(fx0), y0: Math.floor(fy0), x1: Math.floor(fx1), y1: Math.floor(fy1) };
  const inv = invertAffine(info.affine);
  const stride = gridStride(range);
  const { nx, ny } = gridSize(range, stride);
  const nodes: number[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) nodes.push(...applyAffine(inv, ...tileCorner(range.x0 + i * stride, range.y0 + j * stride, z)));
  }
  return { sourcePath: src, info, outDir, range, minZoom: 15, grids: [{ z, image: 0, range, stride, nodes: Float64Array.from(nodes) }] };
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
    expect({ tiles: isolated.tiles, bytes: isolated.bytes }).toEqual(inProcess);
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

  it('reads coarser levels from a COG\'s overviews, matching gdalwarp -r average of the full image', async () => {
    // 1600×1200 px of 0.3 m in EPSG:3857 (zoom 19 ≈ 0.2986 m), a 128-px checkerboard over gradients,
    // as a COG with 128-pixel blocks: overviews of 800, 400, 200 and 100 px.
    const W = 1600;
    const H = 1200;
    const buf = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 3;
        buf[i] = (x * 255) / W;
        buf[i + 1] = (y * 255) / H;
        buf[i + 2] = ((x >> 7) + (y >> 7)) % 2 ? 230 : 20;
      }
    }
    const png = path.join(dir, 'cog.png');
    await sharp(buf, { raw: { width: W, height: H, channels: 3 } }).png().toFile(png);
    const cog = path.join(dir, 'cog.tif');
    const [ulx, uly] = [11963000, 3660000];
    const [lrx, lry] = [ulx + W * 0.3, uly - H * 0.3];
    execFileSync('gdal_translate', ['-q', '-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'COMPRESS=DEFLATE', '-co', 'OVERVIEW_RESAMPLING=AVERAGE', '-a_srs', 'EPSG:3857',
      '-a_ullr', String(ulx), String(uly), String(lrx), String(lry), png, cog]);
    const j = await planned(cog, path.join(dir, 'cog-tiles'), 19, 16, ulx, uly, lrx, lry);
    expect(j.info.overviews.map((o) => o.width)).toEqual([800, 400, 200, 100]);
    // Zoom 19 from the image, 18, 17 and 16 each from the overview of their pixel.
    expect(j.grids.map((g) => [g.z, g.image])).toEqual([[19, 0], [18, j.info.overviews[0].index], [17, j.info.overviews[1].index], [16, j.info.overviews[2].index]]);
    await renderPyramid(j);
    for (const z of [19, 18, 17]) {
      const [x, y] = mercToTile((ulx + lrx) / 2, (uly + lry) / 2, z).map(Math.floor);
      const [mx, my] = tileCorner(x, y, z);
      const size = (2 * Math.PI * 6378137) / 2 ** z;
      const ref = path.join(dir, `cogref-${z}.tif`);
      execFileSync('gdalwarp', ['-q', '-overwrite', '-te', String(mx), String(my - size), String(mx + size), String(my), '-ts', '256', '256',
        '-r', z === 19 ? 'bilinear' : 'average', '-ovr', 'NONE', '-dstalpha', cog, ref]);
      execFileSync('gdal_translate', ['-q', '-of', 'PNG', ref, `${ref}.png`]);
      const a = await sharp(tilePath(j.outDir, z, x, y)).ensureAlpha().raw().toBuffer();
      const b = await sharp(`${ref}.png`).ensureAlpha().raw().toBuffer();
      let d = 0;
      let n = 0;
      for (let i = 0; i < 256 * 256; i++) {
        if (a[i * 4 + 3] !== 255 || b[i * 4 + 3] !== 255) continue;
        for (let c = 0; c < 3; c++) d += Math.abs(a[i * 4 + c] - b[i * 4 + c]);
        n += 3;
      }
      expect(n, `zoom ${z}`).toBeGreaterThan(3 * 20000);
      // The checkerboard's edges: an average over the 2ᵏ×2ᵏ footprint (GDAL) against bilinear from the
      // overview (ours, as gdalwarp does when it picks the overview), plus lossy WebP.
      expect(d / n, `zoom ${z}`).toBeLessThan(6);
    }
  });

  it('cuts a tiled BigTIFF larger than its memory: the child stays far below the file size', async () => {
    // 12000² RGB uncompressed = 432 MB, cut with a 96 MB heap cap into a coarse pyramid (a tile
    // pixel per 8×8 source pixels: ~50 tiles, yet the whole file is read).
    const big = path.join(dir, 'big.tif');
    execFileSync('gdal_create', ['-q', '-of', 'GTiff', '-outsize', '12000', '12000', '-bands', '3', '-burn', '90', '-burn', '140', '-burn', '60',
      '-a_srs', 'EPSG:3857', '-a_ullr', '11963000', '3660000', '11966600', '3656400', '-co', 'TILED=YES', '-co', 'BIGTIFF=YES', big]);
    expect(fs.statSync(big).size).toBeGreaterThan(430e6);
    const z = 16; // 2.39 m tile pixels over 0.3 m source pixels.
    const j = await planned(big, path.join(dir, 'big-tiles'), z, 15, 11963000, 3660000, 11966600, 3656400);
    expect(j.info.bigTiff).toBe(true);
    const out = await renderPyramidIsolated(j, () => {}, 96);
    expect(out.tiles).toBeGreaterThan(1);
    expect(out.peakRssMb!).toBeLessThan(300);
  });

  it('interpolates tile corners between grid nodes', () => {
    // An affine map is reproduced exactly between nodes and beyond the last one.
    const range = { z: 10, x0: 100, y0: 200, x1: 180, y1: 240 };
    const stride = gridStride(range);
    expect(stride).toBe(4);
    const { nx, ny } = gridSize(range, stride);
    const f = (x: number, y: number) => [3 * x + 0.5 * y + 7, -0.25 * x + 2 * y - 1];
    const nodes: number[] = [];
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) nodes.push(...f(100 + i * stride, 200 + j * stride));
    const g = { z: 10, image: 0, range, stride, nodes: Float64Array.from(nodes) };
    for (const [x, y] of [[100, 200], [133, 217], [181, 241], [150, 239]]) {
      const [c, r] = cornerAt(g, x, y);
      expect(c).toBeCloseTo(f(x, y)[0], 9);
      expect(r).toBeCloseTo(f(x, y)[1], 9);
    }
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
