/**
 * What an uploaded orthophoto is, read from its TIFF header by ranges (the `geotiff` package's
 * `fromFile`: only the header, IFDs and tag arrays are read, never the pixels): size, bands,
 * georeferencing (affine), EPSG code, nodata, internal mask, capture date. This file is the only
 * place that opens a GeoTIFF for its metadata; `pyramid.ts` reads pixels through {@link openSource}.
 *
 * Problems are {@link ImageryFileError}s naming the file: not a TIFF, unsupported bit depth or
 * band count, no georeferencing, no CRS.
 */
import { open } from 'node:fs/promises';
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import type { Lang } from '../pipeline/messages.ts';
import { ImageryFileError } from './messages.ts';

/** Pixel → CRS affine: X = a + b·col + c·row, Y = d + e·col + f·row (col/row at pixel corners). */
export type Affine = [number, number, number, number, number, number];

/** The facts of an orthophoto the importer needs. */
export interface ImageryInfo {
  width: number;
  height: number;
  /** Samples per pixel: 3 (RGB) or 4 (RGBA), 1 (grey) or 2 (grey + alpha). */
  bands: number;
  /** Index of the alpha sample, or -1. */
  alphaBand: number;
  /** GDAL_NODATA value (applies when every colour sample equals it), or null. */
  nodata: number | null;
  /** Index of the image holding the full-resolution internal mask (GDAL `.msk` inside), or -1. */
  maskImage: number;
  /** EPSG code of the CRS from the GeoKeys, or null when the file does not name one. */
  epsg: number | null;
  affine: Affine;
  /** TIFF DateTime (tag 306) as YYYY-MM-DD, when present and plausible. */
  captureDate: string | null;
  /** Overview images (COG): index, size and the index of the mask of the same size (-1: none), largest first. */
  overviews: { index: number; width: number; height: number; mask: number }[];
  compression: number;
  tiled: boolean;
  bigTiff: boolean;
}

const TIFF_MAGIC = new Set(['49492a00', '4d4d002a', '49492b00', '4d4d002b']);

/** Reads the first bytes: a TIFF (classic or BigTIFF) or a clear "not a GeoTIFF". */
async function checkMagic(path: string, name: string, lang: Lang): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    const { bytesRead } = await fh.read(buf, 0, 8, 0);
    const hex = buf.subarray(0, 4).toString('hex');
    if (bytesRead < 8 || !TIFF_MAGIC.has(hex)) {
      const detail = bytesRead === 0 ? 'empty file' : guessFormat(buf.subarray(0, bytesRead));
      throw new ImageryFileError(name, 'not_tiff', { detail }, lang);
    }
    return hex.endsWith('2b00') || hex.endsWith('002b');
  } finally {
    await fh.close();
  }
}

function guessFormat(b: Buffer): string {
  if (b[0] === 0xff && b[1] === 0xd8) return 'JPEG';
  if (b.subarray(0, 4).toString('hex') === '89504e47') return 'PNG';
  if (b.subarray(0, 2).toString() === 'PK') return 'ZIP';
  if (b.subarray(0, 4).toString() === '%PDF') return 'PDF';
  return `0x${b.subarray(0, 4).toString('hex')}`;
}

/** Parses TIFF DateTime "YYYY:MM:DD HH:MM:SS" into YYYY-MM-DD; null for missing or implausible values. */
export function parseTiffDate(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const m = /^(\d{4})[:\-/](\d{2})[:\-/](\d{2})/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1950 || y > new Date().getUTCFullYear() + 1 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function affineOf(img: GeoTIFFImage): Affine | null {
  const fd = img.getFileDirectory();
  const mt = fd.getValue('ModelTransformation') as number[] | undefined;
  let a: Affine | null = null;
  if (mt && mt.length >= 8) {
    a = [mt[3], mt[0], mt[1], mt[7], mt[4], mt[5]];
  } else {
    const tie = fd.getValue('ModelTiepoint') as number[] | undefined;
    const scale = fd.getValue('ModelPixelScale') as number[] | undefined;
    if (!tie || tie.length < 6 || !scale || scale.length < 2) return null;
    const [i, j, , x, y] = tie;
    a = [x - i * scale[0], scale[0], 0, y + j * scale[1], 0, -scale[1]];
  }
  if (!a.every(Number.isFinite) || a[1] * a[5] - a[2] * a[4] === 0) return null;
  // PixelIsPoint: the tie point is a pixel centre; GDAL moves the origin half a pixel up-left.
  const keys = img.getGeoKeys();
  if (keys?.GTRasterTypeGeoKey === 2) {
    a = [a[0] - 0.5 * (a[1] + a[2]), a[1], a[2], a[3] - 0.5 * (a[4] + a[5]), a[4], a[5]];
  }
  return a;
}

/** EPSG code named by the GeoKeys (projected first, then geographic); null when user-defined or absent. */
function epsgOf(img: GeoTIFFImage): number | null {
  const keys = img.getGeoKeys() ?? {};
  const pick = (v: unknown) => (typeof v === 'number' && v > 1024 && v < 32767 ? v : null);
  if (keys.GTModelTypeGeoKey === 2) return pick(keys.GeographicTypeGeoKey);
  return pick(keys.ProjectedCSTypeGeoKey) ?? (keys.GTModelTypeGeoKey === undefined ? pick(keys.GeographicTypeGeoKey) : null);
}

/** Opens a GeoTIFF for range reads (caller closes it). */
export async function openSource(path: string): Promise<GeoTIFF> {
  return fromFile(path);
}

/**
 * Reads and checks the header of the orthophoto at `path` (`name` is what the user called it).
 * Throws an {@link ImageryFileError} for anything the importer cannot use.
 */
export async function readImageryInfo(path: string, name: string, lang: Lang): Promise<ImageryInfo> {
  const bigTiff = await checkMagic(path, name, lang);
  let tiff: GeoTIFF;
  try {
    tiff = await fromFile(path);
  } catch (err) {
    throw new ImageryFileError(name, 'corrupt', { detail: (err as Error).message }, lang);
  }
  try {
    let count: number;
    let img: GeoTIFFImage;
    try {
      count = await tiff.getImageCount();
      img = await tiff.getImage(0);
    } catch (err) {
      throw new ImageryFileError(name, 'corrupt', { detail: (err as Error).message }, lang);
    }
    const fd = img.getFileDirectory();
    const width = img.getWidth();
    const height = img.getHeight();
    if (!(width > 0 && height > 0)) throw new ImageryFileError(name, 'too_small', { width, height }, lang);
    const bands = img.getSamplesPerPixel();
    const bps = fd.getValue('BitsPerSample') as ArrayLike<number> | number | undefined;
    const bitsList = typeof bps === 'number' ? [bps] : Array.from(bps ?? [1]);
    const format = img.getSampleFormat(0);
    if (bitsList.some((b) => b !== 8) || format !== 1) {
      const fmt = format === 3 ? 'float' : format === 2 ? 'signed integer' : 'unsigned integer';
      throw new ImageryFileError(name, 'bit_depth', { bits: bitsList.find((b) => b !== 8) ?? bitsList[0], format: fmt }, lang);
    }
    const photometric = Number(fd.getValue('PhotometricInterpretation') ?? 2);
    const okRgb = (bands === 3 || bands === 4) && (photometric === 2 || photometric === 6);
    const okGrey = (bands === 1 || bands === 2) && (photometric === 0 || photometric === 1);
    if (!okRgb && !okGrey) throw new ImageryFileError(name, 'bands', { bands, photometric }, lang);
    const extra = Array.from((fd.getValue('ExtraSamples') as ArrayLike<number> | undefined) ?? []);
    const colour = bands >= 3 ? 3 : 1;
    // A 4th (or 2nd) sample is alpha when declared so, and taken as alpha when undeclared (RGBA orthophotos).
    const alphaBand = bands > colour && (extra.length === 0 || extra[0] === 1 || extra[0] === 2) ? colour : -1;
    const affine = affineOf(img);
    if (!affine) throw new ImageryFileError(name, 'no_georef', {}, lang);
    const overviews: ImageryInfo['overviews'] = [];
    const masks: { index: number; width: number; height: number }[] = [];
    for (let i = 1; i < count; i++) {
      const sub = await tiff.getImage(i);
      const type = Number(sub.getFileDirectory().getValue('NewSubfileType') ?? 0);
      if (type & 4) masks.push({ index: i, width: sub.getWidth(), height: sub.getHeight() });
      else if (type & 1) overviews.push({ index: i, width: sub.getWidth(), height: sub.getHeight(), mask: -1 });
    }
    const maskOf = (w: number, h: number) => masks.find((m) => m.width === w && m.height === h)?.index ?? -1;
    const maskImage = maskOf(width, height);
    for (const o of overviews) o.mask = maskOf(o.width, o.height);
    return {
      width, height, bands, alphaBand, nodata: img.getGDALNoData(), maskImage, epsg: epsgOf(img), affine,
      captureDate: parseTiffDate(await fd.loadValue('DateTime').catch(() => undefined)),
      overviews: overviews.sort((a, b) => b.width - a.width),
      compression: Number(fd.getValue('Compression') ?? 1), tiled: img.isTiled, bigTiff,
    };
  } finally {
    await tiff.close();
  }
}

/** Pixel (col, row) → CRS coordinates. */
export function applyAffine(a: Affine, col: number, row: number): [number, number] {
  return [a[0] + a[1] * col + a[2] * row, a[3] + a[4] * col + a[5] * row];
}

/** CRS coordinates → pixel (col, row). */
export function invertAffine(a: Affine): Affine {
  const det = a[1] * a[5] - a[2] * a[4];
  const ib = a[5] / det;
  const ic = -a[2] / det;
  const ie = -a[4] / det;
  const iff = a[1] / det;
  return [-(ib * a[0] + ic * a[3]), ib, ic, -(ie * a[0] + iff * a[3]), ie, iff];
}
