/**
 * Cuts an orthophoto into a Web Mercator tile pyramid on disk: `<outDir>/<z>/<x>/<y>.webp`.
 *
 * The finest level (`maxZoom`, the first zoom whose pixels are at least as fine as the source's)
 * is resampled from the source with a bilinear kernel through a reprojection grid: the source
 * pixel position of every tile corner, computed by PostGIS (`ST_Transform`, the same CRS code every
 * vector import uses) and interpolated inside the tile (over one 256-pixel tile the difference from
 * an exact per-pixel transform is far below a millimetre). The source is read in windows (blocks of
 * tiles), so memory stays bounded whatever the file size; a striped TIFF is read one band of
 * full-width strips at a time, a tiled one in square blocks. Coarser levels are 2×2 averages of the
 * level below (premultiplied by alpha), like `gdaladdo -r average`.
 *
 * Transparent outside the image, where the alpha band or internal mask is 0 and where every
 * colour sample equals the nodata value. Tiles that would be fully transparent are not written.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { GeoTIFF } from 'geotiff';
import { openSource, type ImageryInfo } from './geotiff-info.ts';

/** Tile size in pixels. */
export const TILE = 256;
/** Circumference of the Web Mercator sphere (m). */
export const WORLD = 2 * Math.PI * 6378137;
/** Lossy WebP quality of stored tiles (alpha is lossless). */
export const WEBP_QUALITY = 88;

/** A rectangle of tiles at one zoom (inclusive). */
export interface TileRange {
  z: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What the renderer needs besides the file. */
export interface PyramidJob {
  sourcePath: string;
  info: ImageryInfo;
  outDir: string;
  /** Tiles of the finest level that may hold image pixels. */
  range: TileRange;
  minZoom: number;
  /**
   * Source pixel position (col, row; 0,0 = top-left corner of the image) of the top-left corner of
   * every tile of `range` and one more row/column: index ((y - y0) · (x1 - x0 + 2) + (x - x0)) · 2.
   */
  grid: Float64Array;
}

/** Progress: tiles done of an estimated total. */
export type Progress = (done: number, total: number) => void;

/** Web Mercator metres → tile coordinate (fractional) at zoom z. */
export function mercToTile(mx: number, my: number, z: number): [number, number] {
  const n = 2 ** z;
  return [((mx + WORLD / 2) / WORLD) * n, ((WORLD / 2 - my) / WORLD) * n];
}

/** Top-left corner of tile (x, y) at zoom z in Web Mercator metres. */
export function tileCorner(x: number, y: number, z: number): [number, number] {
  const size = WORLD / 2 ** z;
  return [-WORLD / 2 + x * size, WORLD / 2 - y * size];
}

/** lon/lat (degrees) → Web Mercator metres. */
export function lonLatToMerc(lon: number, lat: number): [number, number] {
  const r = 6378137;
  const phi = Math.max(-85.05112878, Math.min(85.05112878, lat)) * (Math.PI / 180);
  return [r * lon * (Math.PI / 180), r * Math.log(Math.tan(Math.PI / 4 + phi / 2))];
}

/**
 * The finest zoom (the zoom whose ground pixel at latitude `lat` is closest to `pixelM` on a log
 * scale, capped at 22: a zoom finer than the source would store up to 4× the pixels for no detail)
 * and the coarsest worth cutting (the image fits in one tile, minus 3).
 */
export function zoomRange(pixelM: number, lat: number, extentMercM: number): { minZoom: number; maxZoom: number } {
  const groundAtZ0 = (WORLD * Math.cos((lat * Math.PI) / 180)) / TILE;
  const maxZoom = Math.max(0, Math.min(22, Math.round(Math.log2(groundAtZ0 / pixelM))));
  const fit = Math.floor(Math.log2(WORLD / Math.max(extentMercM, 1)));
  return { minZoom: Math.max(0, Math.min(maxZoom, fit - 3)), maxZoom };
}

/** Tiles of the finest level and the coarser ones: an estimate of all tiles for progress. */
function estimateTotal(r: TileRange, minZoom: number): number {
  let total = 0;
  let w = r.x1 - r.x0 + 1;
  let h = r.y1 - r.y0 + 1;
  for (let z = r.z; z >= minZoom; z--) {
    total += w * h;
    w = Math.ceil(w / 2) + 1;
    h = Math.ceil(h / 2) + 1;
  }
  return total;
}

/** A window of source pixels (interleaved samples) with its validity (alpha 0..255). */
interface Window {
  c0: number;
  r0: number;
  w: number;
  h: number;
  rgb: Uint8Array; // w*h*3
  alpha: Uint8Array; // w*h
}

/** Converts interleaved YCbCr samples to RGB in place (JFIF / ITU-R BT.601 full range, as libjpeg and GDAL do). */
export function ycbcrToRgb(data: Uint8Array, pixels: number, stride: number): void {
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let i = 0; i < pixels; i++) {
    const s = i * stride;
    const y = data[s];
    const cb = data[s + 1] - 128;
    const cr = data[s + 2] - 128;
    data[s] = clamp(y + 1.402 * cr);
    data[s + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    data[s + 2] = clamp(y + 1.772 * cb);
  }
}

async function readWindow(tiff: GeoTIFF, info: ImageryInfo, c0: number, r0: number, c1: number, r1: number): Promise<Window> {
  const img = await tiff.getImage(0);
  const w = c1 - c0;
  const h = r1 - r0;
  const data = (await img.readRasters({ window: [c0, r0, c1, r1], interleave: true })) as unknown as Uint8Array;
  const bands = info.bands;
  // The TIFF's colour model: 6 = YCbCr (what JPEG-compressed GeoTIFFs and COGs from GDAL hold; the
  // reader returns the decoded Y, Cb, Cr samples), 0 = WhiteIsZero greyscale; otherwise RGB / BlackIsZero.
  const photometric = Number(img.getFileDirectory().getValue('PhotometricInterpretation') ?? 2);
  if (photometric === 6 && bands >= 3) ycbcrToRgb(data, w * h, bands);
  if (photometric === 0) for (let i = 0, n = w * h; i < n; i++) data[i * bands] = 255 - data[i * bands];
  const rgb = new Uint8Array(w * h * 3);
  const alpha = new Uint8Array(w * h).fill(255);
  const nd = info.nodata;
  const grey = bands < 3;
  for (let i = 0, n = w * h; i < n; i++) {
    const s = i * bands;
    const r = data[s];
    const g = grey ? r : data[s + 1];
    const b = grey ? r : data[s + 2];
    rgb[i * 3] = r;
    rgb[i * 3 + 1] = g;
    rgb[i * 3 + 2] = b;
    if (info.alphaBand >= 0) alpha[i] = data[s + info.alphaBand];
    if (nd !== null && r === nd && g === nd && b === nd) alpha[i] = 0;
  }
  if (info.maskImage >= 0) {
    const mimg = await tiff.getImage(info.maskImage);
    const mask = (await mimg.readRasters({ window: [c0, r0, c1, r1], interleave: true })) as unknown as Uint8Array;
    for (let i = 0, n = w * h; i < n; i++) if (!mask[i]) alpha[i] = 0;
  }
  return { c0, r0, w, h, rgb, alpha };
}

/**
 * Renders one tile from a window: the source position of each pixel centre is interpolated from the
 * four corners; samples outside the image do not count, and a pixel whose centre falls outside the
 * image is transparent (what `gdalwarp -dstalpha` does). Returns null when nothing is visible.
 */
export function renderTile(win: Window, info: ImageryInfo, corners: Float64Array): Uint8Array | null {
  const out = new Uint8Array(TILE * TILE * 4);
  const [c00, r00, c10, r10, c01, r01, c11, r11] = corners;
  const W = info.width;
  const H = info.height;
  let any = false;
  for (let py = 0; py < TILE; py++) {
    const v = (py + 0.5) / TILE;
    const lc = c00 + (c01 - c00) * v;
    const lr = r00 + (r01 - r00) * v;
    const rc = c10 + (c11 - c10) * v;
    const rr = r10 + (r11 - r10) * v;
    for (let px = 0; px < TILE; px++) {
      const u = (px + 0.5) / TILE;
      const sc = lc + (rc - lc) * u;
      const sr = lr + (rr - lr) * u;
      if (sc < 0 || sr < 0 || sc >= W || sr >= H) continue;
      const fx = sc - 0.5 - win.c0;
      const fy = sr - 0.5 - win.r0;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      let sw = 0;
      let sa = 0;
      let cr = 0;
      let cg = 0;
      let cb = 0;
      for (let k = 0; k < 4; k++) {
        const xx = x0 + (k & 1);
        const yy = y0 + (k >> 1);
        const gx = xx + win.c0;
        const gy = yy + win.r0;
        if (gx < 0 || gy < 0 || gx >= W || gy >= H || xx < 0 || yy < 0 || xx >= win.w || yy >= win.h) continue;
        const wgt = ((k & 1) ? ax : 1 - ax) * ((k >> 1) ? ay : 1 - ay);
        if (wgt === 0) continue;
        const i = yy * win.w + xx;
        const a = win.alpha[i] * wgt;
        sw += wgt;
        sa += a;
        cr += win.rgb[i * 3] * a;
        cg += win.rgb[i * 3 + 1] * a;
        cb += win.rgb[i * 3 + 2] * a;
      }
      if (sa <= 0 || sw <= 0) continue;
      const o = (py * TILE + px) * 4;
      out[o] = Math.round(cr / sa);
      out[o + 1] = Math.round(cg / sa);
      out[o + 2] = Math.round(cb / sa);
      const alpha = Math.round(sa / sw);
      out[o + 3] = alpha;
      if (alpha) any = true;
    }
  }
  return any ? out : null;
}

/** Encodes an RGBA tile as WebP (RGB when fully opaque). */
export async function encodeWebp(rgba: Uint8Array): Promise<Buffer> {
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) { opaque = false; break; }
  const img = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width: TILE, height: TILE, channels: 4 } });
  return (opaque ? img.removeAlpha() : img).webp({ quality: WEBP_QUALITY, alphaQuality: 100, effort: 1 }).toBuffer();
}

/** Path of a stored tile. */
export function tilePath(outDir: string, z: number, x: number, y: number): string {
  return path.join(outDir, String(z), String(x), `${y}.webp`);
}

async function writeTile(outDir: string, z: number, x: number, y: number, bytes: Buffer): Promise<void> {
  const p = tilePath(outDir, z, x, y);
  await mkdir(path.dirname(p), { recursive: true });
  await writeFile(p, bytes);
}

/** 2×2 average (premultiplied by alpha) of four children (null = transparent) into one 256 tile. */
export function downsample(children: (Uint8Array | null)[]): Uint8Array | null {
  const out = new Uint8Array(TILE * TILE * 4);
  let any = false;
  const half = TILE / 2;
  for (let q = 0; q < 4; q++) {
    const src = children[q];
    if (!src) continue;
    const ox = (q & 1) * half;
    const oy = (q >> 1) * half;
    for (let y = 0; y < half; y++) {
      for (let x = 0; x < half; x++) {
        let sa = 0;
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < 4; k++) {
          const i = ((2 * y + (k >> 1)) * TILE + 2 * x + (k & 1)) * 4;
          const a = src[i + 3];
          sa += a;
          r += src[i] * a;
          g += src[i + 1] * a;
          b += src[i + 2] * a;
        }
        if (!sa) continue;
        const o = ((oy + y) * TILE + ox + x) * 4;
        out[o] = Math.round(r / sa);
        out[o + 1] = Math.round(g / sa);
        out[o + 2] = Math.round(b / sa);
        out[o + 3] = Math.round(sa / 4);
        any = true;
      }
    }
  }
  return any ? out : null;
}

async function decodeTile(file: string): Promise<Uint8Array | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  const { data } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * Renders the pyramid. Returns the number of tiles written and their bytes.
 * Blocks of tiles are rendered one after another; their WebP encodes run in parallel (libvips).
 */
export async function renderPyramid(job: PyramidJob, progress: Progress = () => {}): Promise<{ tiles: number; bytes: number }> {
  const { range: r, info, outDir, grid } = job;
  const total = estimateTotal(r, job.minZoom);
  const stride = r.x1 - r.x0 + 2;
  const corner = (x: number, y: number): [number, number] => {
    const i = ((y - r.y0) * stride + (x - r.x0)) * 2;
    return [grid[i], grid[i + 1]];
  };
  let done = 0;
  let tiles = 0;
  let bytes = 0;
  let written = new Set<string>();
  const tiff = await openSource(job.sourcePath);
  try {
    // A striped TIFF is read in bands of full-width strips (a narrower window would decode the same
    // strips again for every block); a tiled one in square blocks.
    const bw = info.tiled ? 8 : r.x1 - r.x0 + 1;
    const bh = info.tiled ? 8 : 2;
    for (let by = r.y0; by <= r.y1; by += bh) {
      for (let bx = r.x0; bx <= r.x1; bx += bw) {
        const ex = Math.min(r.x1, bx + bw - 1);
        const ey = Math.min(r.y1, by + bh - 1);
        let cmin = Infinity;
        let rmin = Infinity;
        let cmax = -Infinity;
        let rmax = -Infinity;
        for (let y = by; y <= ey + 1; y++) {
          for (let x = bx; x <= ex + 1; x++) {
            const [c, rr] = corner(x, y);
            cmin = Math.min(cmin, c);
            cmax = Math.max(cmax, c);
            rmin = Math.min(rmin, rr);
            rmax = Math.max(rmax, rr);
          }
        }
        const c0 = Math.max(0, Math.floor(cmin) - 2);
        const r0 = Math.max(0, Math.floor(rmin) - 2);
        const c1 = Math.min(info.width, Math.ceil(cmax) + 2);
        const r1 = Math.min(info.height, Math.ceil(rmax) + 2);
        const count = (ex - bx + 1) * (ey - by + 1);
        if (c1 <= c0 || r1 <= r0) {
          done += count;
          continue;
        }
        const win = await readWindow(tiff, info, c0, r0, c1, r1);
        const pending: Promise<void>[] = [];
        const corners = new Float64Array(8);
        for (let y = by; y <= ey; y++) {
          for (let x = bx; x <= ex; x++) {
            const a = corner(x, y);
            const b = corner(x + 1, y);
            const c = corner(x, y + 1);
            const d = corner(x + 1, y + 1);
            corners.set([a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]);
            const rgba = renderTile(win, info, corners);
            if (!rgba) continue;
            written.add(`${x}/${y}`);
            pending.push(encodeWebp(rgba).then(async (buf) => {
              await writeTile(outDir, r.z, x, y, buf);
              tiles++;
              bytes += buf.length;
            }));
            if (pending.length >= 8) await Promise.all(pending.splice(0));
          }
        }
        await Promise.all(pending);
        done += count;
        progress(done, total);
      }
    }
  } finally {
    await tiff.close();
  }
  // Coarser levels from the level below.
  for (let z = r.z - 1; z >= job.minZoom; z--) {
    const parents = new Set<string>();
    for (const k of written) {
      const [x, y] = k.split('/').map(Number);
      parents.add(`${x >> 1}/${y >> 1}`);
    }
    const next = new Set<string>();
    const pending: Promise<void>[] = [];
    for (const k of parents) {
      const [x, y] = k.split('/').map(Number);
      pending.push((async () => {
        const kids = await Promise.all([0, 1, 2, 3].map((q) => {
          const cx = 2 * x + (q & 1);
          const cy = 2 * y + (q >> 1);
          return written.has(`${cx}/${cy}`) ? decodeTile(tilePath(outDir, z + 1, cx, cy)) : Promise.resolve(null);
        }));
        const rgba = downsample(kids);
        done++;
        if (!rgba) return;
        const buf = await encodeWebp(rgba);
        await writeTile(outDir, z, x, y, buf);
        next.add(k);
        tiles++;
        bytes += buf.length;
      })());
      if (pending.length >= 8) {
        await Promise.all(pending.splice(0));
        progress(done, total);
      }
    }
    await Promise.all(pending);
    progress(done, total);
    written = next;
  }
  progress(total, total);
  return { tiles, bytes };
}
