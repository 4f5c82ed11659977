/**
 * Cuts an orthophoto into a Web Mercator tile pyramid on disk: `<outDir>/<z>/<x>/<y>.webp`.
 *
 * Levels come from two kinds of work (see {@link planLevels}):
 * - **Resampled from a source image** with a bilinear kernel: the finest level (`maxZoom`) from the
 *   full-resolution image, and a coarser level from a COG's internal overview when the file has one
 *   at or finer than that level's pixel (the closest such overview, as `gdalwarp` picks). The source
 *   pixel position of every tile corner comes from a control grid ({@link LevelGrid}): tile corners
 *   every `stride` tiles reprojected by PostGIS (`ST_Transform`, the same CRS code every vector import
 *   uses) in one query, bilinear in between (over a few hundred metres the difference from an exact
 *   transform is far below a millimetre), and linear inside each tile.
 * - **2×2 averages of the level below** (premultiplied by alpha, like `gdaladdo -r average`) for a
 *   level with no overview of its own, done in memory as soon as the four children exist (a tile is
 *   never decoded back from disk, so no WebP loss compounds): the frontier of unfinished parents is
 *   one row of tiles per level.
 *
 * The source is read in windows (blocks of tiles, at most {@link MAX_WINDOW_PX} pixels), so memory
 * stays bounded whatever the file size: a tiled TIFF in square blocks, a striped one in bands of
 * strips (full width when that fits).
 *
 * Transparent outside the image, where the alpha band or internal mask is 0 and where every
 * colour sample equals the nodata value. Tiles that would be fully transparent are not written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { addDecoder, BaseDecoder, getDecoder, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
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

/** Largest source window read at once (pixels): bounds the renderer's memory whatever the file. */
export const MAX_WINDOW_PX = 12_000_000;

/**
 * Where the tiles of one level resampled from a source image are placed: the full-resolution pixel
 * position (col, row; 0,0 = top-left corner of the image) of the tile corners (x0 + i·stride,
 * y0 + j·stride) for i < nx, j < ny ({@link gridSize}), at index (j · nx + i) · 2.
 */
export interface LevelGrid {
  z: number;
  /** The image read: 0 = full resolution, otherwise the TIFF image index of an overview. */
  image: number;
  range: TileRange;
  stride: number;
  nodes: Float64Array;
}

/** What the renderer needs besides the file. */
export interface PyramidJob {
  sourcePath: string;
  info: ImageryInfo;
  outDir: string;
  /** Tiles of the finest level that may hold image pixels. */
  range: TileRange;
  minZoom: number;
  /** One grid per level resampled from a source image (the finest level always); other levels are 2×2 averages. */
  grids: LevelGrid[];
}

/** What a pyramid cost: tiles written, their bytes, and (in the child process) its peak resident memory. */
export interface PyramidResult {
  tiles: number;
  bytes: number;
  peakRssMb?: number;
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

/** The tiles of level `z` covering the finest range `r`. */
export function levelRange(r: TileRange, z: number): TileRange {
  const k = r.z - z;
  return { z, x0: r.x0 >> k, y0: r.y0 >> k, x1: r.x1 >> k, y1: r.y1 >> k };
}

/** Grid stride for a level's range: every tile corner for a small range, at most ~33 nodes a side. */
export function gridStride(r: TileRange): number {
  const n = Math.max(r.x1 - r.x0 + 1, r.y1 - r.y0 + 1);
  let stride = 1;
  while (Math.ceil(n / stride) > 32) stride *= 2;
  return stride;
}

/** Nodes of a grid along x and y: the last one at or beyond the range's far corner. */
export function gridSize(r: TileRange, stride: number): { nx: number; ny: number } {
  return { nx: Math.ceil((r.x1 - r.x0 + 1) / stride) + 1, ny: Math.ceil((r.y1 - r.y0 + 1) / stride) + 1 };
}

/** Full-resolution pixel position of tile corner (x, y) of the grid's level: bilinear between nodes. */
export function cornerAt(g: LevelGrid, x: number, y: number): [number, number] {
  const { nx, ny } = gridSize(g.range, g.stride);
  const u = (x - g.range.x0) / g.stride;
  const v = (y - g.range.y0) / g.stride;
  const i = Math.max(0, Math.min(nx - 2, Math.floor(u)));
  const j = Math.max(0, Math.min(ny - 2, Math.floor(v)));
  const fu = u - i;
  const fv = v - j;
  const n = g.nodes;
  const a = (j * nx + i) * 2;
  const b = a + 2;
  const c = a + nx * 2;
  const d = c + 2;
  return [
    (n[a] * (1 - fu) + n[b] * fu) * (1 - fv) + (n[c] * (1 - fu) + n[d] * fu) * fv,
    (n[a + 1] * (1 - fu) + n[b + 1] * fu) * (1 - fv) + (n[c + 1] * (1 - fu) + n[d + 1] * fu) * fv,
  ];
}

/**
 * Which levels are resampled from which image: level z needs a source pixel of
 * `pxPerTilePx · 2^(maxZoom − z)` full-resolution pixels. It is read from the overview with the
 * largest reduction not above that (the closest overview at or finer than the level, as `gdalwarp`
 * picks), or from the full image; a level whose pick is the same image as the level above's is
 * made of 2×2 averages instead (cheaper than resampling the same image again, and what the image
 * would give). The finest level always reads its pick. Overviews of a masked file are used only
 * when the mask has the same overview.
 */
export function planLevels(info: ImageryInfo, maxZoom: number, minZoom: number, pxPerTilePx: number): { z: number; image: number }[] {
  const usable = info.overviews.filter((o) => info.maskImage < 0 || o.mask >= 0);
  const out: { z: number; image: number }[] = [];
  let prev = -1;
  for (let z = maxZoom; z >= minZoom; z--) {
    const need = pxPerTilePx * 2 ** (maxZoom - z);
    let image = 0;
    let best = 1;
    for (const o of usable) {
      const factor = Math.min(info.width / o.width, info.height / o.height);
      // Within 0.1 of the need counts as fine enough, as in gdalwarp's overview choice.
      if (factor <= need + 0.1 && factor > best) {
        best = factor;
        image = o.index;
      }
    }
    if (image !== prev) out.push({ z, image });
    prev = image;
  }
  return out;
}

/** A window of source pixels (interleaved RGB) with its validity (alpha 0..255, null when all opaque). */
interface Window {
  c0: number;
  r0: number;
  w: number;
  h: number;
  rgb: Uint8Array; // w*h*3
  alpha: Uint8Array | null; // w*h
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

/** DEFLATE through Node's zlib (native) instead of the reader's JavaScript inflate: several times faster. */
class NativeDeflate extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = inflateSync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder([8, 32946], async () => NativeDeflate);

/** Compressions whose blocks {@link readChunky} decodes (none, LZW, DEFLATE, PackBits); JPEG goes through readRasters. */
const CHUNKY_COMPRESSIONS = new Set([1, 5, 8, 32946, 32773]);
const decoders = new WeakMap<GeoTIFFImage, BaseDecoder>();

/**
 * Reads a window of an 8-bit, pixel-interleaved image by copying whole rows of each decoded tile or
 * strip (the reader's `readRasters` copies sample by sample through a DataView, which took most of
 * the import's time). Returns null for layouts it does not handle (the caller uses readRasters).
 */
async function readChunky(img: GeoTIFFImage, c0: number, r0: number, c1: number, r1: number): Promise<Uint8Array | null> {
  const fd = img.getFileDirectory();
  const compression = Number(fd.getValue('Compression') ?? 1);
  const bits = fd.getValue('BitsPerSample') as ArrayLike<number> | number | undefined;
  const bitList = typeof bits === 'number' ? [bits] : Array.from(bits ?? [1]);
  if (img.planarConfiguration !== 1 || !CHUNKY_COMPRESSIONS.has(compression) || bitList.some((b) => b !== 8)) return null;
  let decoder = decoders.get(img);
  if (!decoder) {
    decoder = await getDecoder(compression, {
      tileWidth: img.isTiled ? Number(await fd.loadValue('TileWidth')) : img.getWidth(),
      tileHeight: img.isTiled ? Number(await fd.loadValue('TileLength')) : Number((await fd.loadValue('RowsPerStrip')) || img.getHeight()),
      planarConfiguration: 1, bitsPerSample: bitList, predictor: Number((await fd.loadValue('Predictor')) || 1),
    });
    decoders.set(img, decoder);
  }
  const bpp = img.getSamplesPerPixel();
  const tw = img.getTileWidth();
  const th = img.getTileHeight();
  const W = img.getWidth();
  const H = img.getHeight();
  const w = c1 - c0;
  const out = new Uint8Array(w * (r1 - r0) * bpp);
  const reads: Promise<void>[] = [];
  for (let ty = Math.floor(r0 / th); ty <= Math.floor((r1 - 1) / th); ty++) {
    for (let tx = Math.floor(c0 / tw); tx <= Math.floor((c1 - 1) / tw); tx++) {
      reads.push(img.getTileOrStrip(tx, ty, 0, decoder).then(({ data }) => {
        const src = new Uint8Array(data as ArrayBuffer);
        const bx = tx * tw;
        const by = ty * th;
        const xa = Math.max(c0, bx);
        const xb = Math.min(c1, bx + tw, W);
        const yb = Math.min(r1, by + th, H);
        for (let y = Math.max(r0, by); y < yb; y++) {
          const s = ((y - by) * tw + (xa - bx)) * bpp;
          out.set(src.subarray(s, s + (xb - xa) * bpp), ((y - r0) * w + (xa - c0)) * bpp);
        }
      }));
    }
  }
  await Promise.all(reads);
  return out;
}

/** One image of the file to resample from (full resolution or an overview) with its mask. */
interface SourceImage {
  img: GeoTIFFImage;
  mask: GeoTIFFImage | null;
  width: number;
  height: number;
  /** Full-resolution pixels per pixel of this image, along x and y. */
  sx: number;
  sy: number;
}

async function sourceImage(tiff: GeoTIFF, info: ImageryInfo, index: number): Promise<SourceImage> {
  const img = await tiff.getImage(index);
  const ov = info.overviews.find((o) => o.index === index);
  const maskIndex = index === 0 ? info.maskImage : ov?.mask ?? -1;
  const width = img.getWidth();
  const height = img.getHeight();
  return { img, mask: maskIndex >= 0 ? await tiff.getImage(maskIndex) : null, width, height, sx: info.width / width, sy: info.height / height };
}

async function readWindow(src: SourceImage, info: ImageryInfo, c0: number, r0: number, c1: number, r1: number): Promise<Window> {
  const img = src.img;
  const w = c1 - c0;
  const h = r1 - r0;
  const data = (await readChunky(img, c0, r0, c1, r1)) ?? ((await img.readRasters({ window: [c0, r0, c1, r1], interleave: true })) as unknown as Uint8Array);
  const bands = info.bands;
  const n = w * h;
  // The TIFF's colour model: 6 = YCbCr (what JPEG-compressed GeoTIFFs and COGs from GDAL hold; the
  // reader returns the decoded Y, Cb, Cr samples), 0 = WhiteIsZero greyscale; otherwise RGB / BlackIsZero.
  const photometric = Number(img.getFileDirectory().getValue('PhotometricInterpretation') ?? 2);
  if (photometric === 6 && bands >= 3) ycbcrToRgb(data, n, bands);
  if (photometric === 0) for (let i = 0; i < n; i++) data[i * bands] = 255 - data[i * bands];
  const nd = info.nodata;
  const needAlpha = info.alphaBand >= 0 || nd !== null || src.mask !== null;
  const alpha = needAlpha ? new Uint8Array(n).fill(255) : null;
  // Plain RGB is used as read; other layouts are copied into RGB.
  const rgb = bands === 3 ? data : new Uint8Array(n * 3);
  if (bands !== 3) {
    const grey = bands < 3;
    for (let i = 0; i < n; i++) {
      const s = i * bands;
      const r = data[s];
      rgb[i * 3] = r;
      rgb[i * 3 + 1] = grey ? r : data[s + 1];
      rgb[i * 3 + 2] = grey ? r : data[s + 2];
      if (info.alphaBand >= 0) alpha![i] = data[s + info.alphaBand];
    }
  }
  if (nd !== null) {
    for (let i = 0; i < n; i++) if (rgb[i * 3] === nd && rgb[i * 3 + 1] === nd && rgb[i * 3 + 2] === nd) alpha![i] = 0;
  }
  if (src.mask) {
    const mask = (await src.mask.readRasters({ window: [c0, r0, c1, r1], interleave: true })) as unknown as Uint8Array;
    for (let i = 0; i < n; i++) if (!mask[i]) alpha![i] = 0;
  }
  return { c0, r0, w, h, rgb, alpha };
}

/**
 * Renders one tile from a window of an image `W`×`H` pixels: the source position of each pixel centre
 * is interpolated from the four corners (in that image's pixels); samples outside the image do not
 * count, and a pixel whose centre falls outside the image is transparent (what `gdalwarp -dstalpha`
 * does). Returns null when nothing is visible.
 */
export function renderTile(win: Window, W: number, H: number, corners: Float64Array): Uint8Array | null {
  const out = new Uint8Array(TILE * TILE * 4);
  const [c00, r00, c10, r10, c01, r01, c11, r11] = corners;
  const { rgb, alpha, c0, r0, w: ww, h: wh } = win;
  // Samples usable without checks: inside the window and the image.
  const xmax = Math.min(ww, W - c0) - 1;
  const ymax = Math.min(wh, H - r0) - 1;
  let any = false;
  for (let py = 0; py < TILE; py++) {
    const v = (py + 0.5) / TILE;
    const lc = c00 + (c01 - c00) * v;
    const lr = r00 + (r01 - r00) * v;
    const dc = (c10 + (c11 - c10) * v - lc) / TILE;
    const dr = (r10 + (r11 - r10) * v - lr) / TILE;
    let o = py * TILE * 4 - 4;
    for (let px = 0; px < TILE; px++) {
      o += 4;
      const sc = lc + dc * (px + 0.5);
      const sr = lr + dr * (px + 0.5);
      if (sc < 0 || sr < 0 || sc >= W || sr >= H) continue;
      const fx = sc - 0.5 - c0;
      const fy = sr - 0.5 - r0;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const ax = fx - x0;
      const ay = fy - y0;
      if (alpha === null && x0 >= 0 && y0 >= 0 && x0 < xmax && y0 < ymax) {
        // Opaque and inside: plain bilinear.
        const i00 = (y0 * ww + x0) * 3;
        const i10 = i00 + 3;
        const i01 = i00 + ww * 3;
        const i11 = i01 + 3;
        const w00 = (1 - ax) * (1 - ay);
        const w10 = ax * (1 - ay);
        const w01 = (1 - ax) * ay;
        const w11 = ax * ay;
        out[o] = rgb[i00] * w00 + rgb[i10] * w10 + rgb[i01] * w01 + rgb[i11] * w11 + 0.5;
        out[o + 1] = rgb[i00 + 1] * w00 + rgb[i10 + 1] * w10 + rgb[i01 + 1] * w01 + rgb[i11 + 1] * w11 + 0.5;
        out[o + 2] = rgb[i00 + 2] * w00 + rgb[i10 + 2] * w10 + rgb[i01 + 2] * w01 + rgb[i11 + 2] * w11 + 0.5;
        out[o + 3] = 255;
        any = true;
        continue;
      }
      let sw = 0;
      let sa = 0;
      let cr = 0;
      let cg = 0;
      let cb = 0;
      for (let k = 0; k < 4; k++) {
        const xx = x0 + (k & 1);
        const yy = y0 + (k >> 1);
        if (xx < 0 || yy < 0 || xx > xmax || yy > ymax) continue;
        const wgt = ((k & 1) ? ax : 1 - ax) * ((k >> 1) ? ay : 1 - ay);
        if (wgt === 0) continue;
        const i = yy * ww + xx;
        const a = (alpha ? alpha[i] : 255) * wgt;
        sw += wgt;
        sa += a;
        cr += rgb[i * 3] * a;
        cg += rgb[i * 3 + 1] * a;
        cb += rgb[i * 3 + 2] * a;
      }
      if (sa <= 0 || sw <= 0) continue;
      out[o] = Math.round(cr / sa);
      out[o + 1] = Math.round(cg / sa);
      out[o + 2] = Math.round(cb / sa);
      const al = Math.round(sa / sw);
      out[o + 3] = al;
      if (al) any = true;
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

/**
 * 2×2 average (premultiplied by alpha) of one child tile into quadrant `q` (0 top-left, 1 top-right,
 * 2 bottom-left, 3 bottom-right) of its parent. Returns whether any pixel is visible.
 */
export function downsampleInto(parent: Uint8Array, child: Uint8Array, q: number): boolean {
  let any = false;
  const half = TILE / 2;
  const ox = (q & 1) * half;
  const oy = (q >> 1) * half;
  for (let y = 0; y < half; y++) {
    let i = 2 * y * TILE * 4;
    let o = ((oy + y) * TILE + ox) * 4;
    for (let x = 0; x < half; x++, i += 8, o += 4) {
      const j = i + TILE * 4;
      const a0 = child[i + 3];
      const a1 = child[i + 7];
      const a2 = child[j + 3];
      const a3 = child[j + 7];
      const sa = a0 + a1 + a2 + a3;
      if (!sa) continue;
      if (sa === 1020) {
        parent[o] = (child[i] + child[i + 4] + child[j] + child[j + 4] + 2) >> 2;
        parent[o + 1] = (child[i + 1] + child[i + 5] + child[j + 1] + child[j + 5] + 2) >> 2;
        parent[o + 2] = (child[i + 2] + child[i + 6] + child[j + 2] + child[j + 6] + 2) >> 2;
        parent[o + 3] = 255;
      } else {
        parent[o] = Math.round((child[i] * a0 + child[i + 4] * a1 + child[j] * a2 + child[j + 4] * a3) / sa);
        parent[o + 1] = Math.round((child[i + 1] * a0 + child[i + 5] * a1 + child[j + 1] * a2 + child[j + 5] * a3) / sa);
        parent[o + 2] = Math.round((child[i + 2] * a0 + child[i + 6] * a1 + child[j + 2] * a2 + child[j + 6] * a3) / sa);
        parent[o + 3] = Math.round(sa / 4);
      }
      any = true;
    }
  }
  return any;
}

/** 2×2 average (premultiplied by alpha) of four children (null = transparent) into one 256 tile. */
export function downsample(children: (Uint8Array | null)[]): Uint8Array | null {
  const out = new Uint8Array(TILE * TILE * 4);
  let any = false;
  children.forEach((c, q) => { if (c && downsampleInto(out, c, q)) any = true; });
  return any ? out : null;
}

/** A parent tile being filled from its children. */
interface Pending {
  rgba: Uint8Array | null;
  any: boolean;
  got: number;
  need: number;
}

/**
 * Renders the pyramid. Returns the number of tiles written and their bytes.
 * Blocks of tiles are rendered one after another; their WebP encodes run in parallel (libvips).
 */
export async function renderPyramid(job: PyramidJob, progress: Progress = () => {}): Promise<PyramidResult> {
  const { range: r, info, outDir } = job;
  const ranges = new Map<number, TileRange>();
  let total = 0;
  for (let z = r.z; z >= job.minZoom; z--) {
    const lr = levelRange(r, z);
    ranges.set(z, lr);
    total += (lr.x1 - lr.x0 + 1) * (lr.y1 - lr.y0 + 1);
  }
  const grids = new Map(job.grids.map((g) => [g.z, g]));
  if (!grids.has(r.z)) throw new Error(`no reprojection grid for the finest level ${r.z}`);
  let done = 0;
  let tiles = 0;
  let bytes = 0;
  const dirs = new Set<string>();
  const encodes: Promise<void>[] = [];
  let failure: unknown = null;
  const pending = new Map<number, Map<number, Pending>>();

  /** Stores a finished tile and passes it to its parent when that level is made of 2×2 averages. */
  const put = (z: number, x: number, y: number, rgba: Uint8Array | null): void => {
    done++;
    if (rgba) {
      encodes.push(encodeWebp(rgba).then(async (buf) => {
        const dir = path.join(outDir, String(z), String(x));
        if (!dirs.has(dir)) {
          await mkdir(dir, { recursive: true });
          dirs.add(dir);
        }
        await writeFile(path.join(dir, `${y}.webp`), buf);
        tiles++;
        bytes += buf.length;
      }).catch((err) => { failure ??= err; }));
    }
    const pz = z - 1;
    if (pz < job.minZoom || grids.has(pz)) return;
    const cr = ranges.get(z)!;
    const px = x >> 1;
    const py = y >> 1;
    let level = pending.get(pz);
    if (!level) pending.set(pz, (level = new Map()));
    const key = py * 2 ** 26 + px;
    let p = level.get(key);
    if (!p) {
      const nx = Math.min(cr.x1, 2 * px + 1) - Math.max(cr.x0, 2 * px) + 1;
      const ny = Math.min(cr.y1, 2 * py + 1) - Math.max(cr.y0, 2 * py) + 1;
      p = { rgba: null, any: false, got: 0, need: nx * ny };
      level.set(key, p);
    }
    if (rgba) {
      p.rgba ??= new Uint8Array(TILE * TILE * 4);
      if (downsampleInto(p.rgba, rgba, (x & 1) + 2 * (y & 1))) p.any = true;
    }
    if (++p.got === p.need) {
      level.delete(key);
      put(pz, px, py, p.any ? p.rgba : null);
    }
  };
  const drain = async (max: number) => {
    if (encodes.length > max) await Promise.all(encodes.splice(0));
    if (failure) throw failure;
  };

  const tiff = await openSource(job.sourcePath);
  try {
    for (const g of [...job.grids].sort((a, b) => b.z - a.z)) {
      const lr = ranges.get(g.z);
      if (!lr) continue;
      const src = await sourceImage(tiff, info, g.image);
      const corner = (x: number, y: number): [number, number] => {
        const [c, rr] = cornerAt(g, x, y);
        return [c / src.sx, rr / src.sy];
      };
      // Source pixels per tile (one side), for the window size.
      const [ca, ra] = corner(lr.x0, lr.y0);
      const [cb, rb] = corner(lr.x0 + 1, lr.y0 + 1);
      const perTile = Math.max(1, Math.abs(cb - ca), Math.abs(rb - ra));
      const maxTiles = Math.max(1, Math.floor(MAX_WINDOW_PX / (perTile + 4) ** 2));
      // A striped TIFF is read in bands of strips as wide as fits (a narrower window decodes the same
      // strips again for every block); a tiled one in square blocks.
      const bh = src.img.isTiled ? Math.max(1, Math.min(8, Math.floor(Math.sqrt(maxTiles)))) : Math.max(1, Math.min(2, maxTiles));
      const bw = src.img.isTiled ? bh : Math.max(1, Math.min(lr.x1 - lr.x0 + 1, Math.floor(maxTiles / bh)));
      const corners = new Float64Array(8);
      for (let by = lr.y0; by <= lr.y1; by += bh) {
        for (let bx = lr.x0; bx <= lr.x1; bx += bw) {
          const ex = Math.min(lr.x1, bx + bw - 1);
          const ey = Math.min(lr.y1, by + bh - 1);
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
          const c1 = Math.min(src.width, Math.ceil(cmax) + 2);
          const r1 = Math.min(src.height, Math.ceil(rmax) + 2);
          const win = c1 > c0 && r1 > r0 ? await readWindow(src, info, c0, r0, c1, r1) : null;
          for (let y = by; y <= ey; y++) {
            for (let x = bx; x <= ex; x++) {
              let rgba: Uint8Array | null = null;
              if (win) {
                const a = corner(x, y);
                const b = corner(x + 1, y);
                const c = corner(x, y + 1);
                const d = corner(x + 1, y + 1);
                corners.set([a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]]);
                rgba = renderTile(win, src.width, src.height, corners);
              }
              put(g.z, x, y, rgba);
              await drain(8);
            }
          }
          progress(Math.min(done, total), total);
        }
      }
    }
  } finally {
    await Promise.allSettled(encodes);
    await tiff.close();
  }
  await drain(0);
  progress(total, total);
  return { tiles, bytes };
}
