/**
 * Survey zips (zipped Shapefiles, KMZ) through the one guarded zip reader,
 * `survey-import/three-d/safe-zip.ts`: entry names are checked (no `..`, absolute paths, NUL or
 * backslashes: zip slip is refused naming the entry), and every entry's claimed size and
 * compression ratio are checked before it is inflated and again while inflating, so a zip bomb
 * (honest or forged sizes) fails with a 4xx naming the file and entry instead of exhausting memory.
 */
import { DEFAULT_ZIP_LIMITS, readZip, ZipError, type ZipLimits } from '../three-d/safe-zip.ts';
import { AppError } from '../../core/errors.ts';
import { ReadError } from '../types.ts';

/** One file inside a zip; folders are left out. */
export interface ZipEntry {
  /** Path inside the archive, with "/" separators, e.g. "layers/POLYGON.shp". */
  path: string;
  bytes: Uint8Array;
}

/**
 * Limits for survey zips: at most 20 000 entries, 256 MiB per entry, 1 GiB in all, and a
 * compression ratio of 200:1 per entry above 1 MiB (300 MiB of zeros deflate ~1000:1; real
 * Shapefile parts and KML stay far below 200:1).
 */
export const SURVEY_ZIP_LIMITS: ZipLimits = { ...DEFAULT_ZIP_LIMITS };

/** Largest total uncompressed size accepted (bytes). */
export const MAX_UNZIPPED_BYTES = SURVEY_ZIP_LIMITS.maxTotalBytes;

/** True when the bytes start with the zip local-file-header magic "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Extracts the files of `bytes` (the archive named `file`, used in messages) that `want` picks
 * by path, before inflating, so large unrelated members (photos in a KMZ) are never decompressed.
 * Throws a 4xx AppError naming the file and the entry (413 for a limit, 400 otherwise).
 */
export function unzip(file: string, bytes: Uint8Array, want: (path: string) => boolean = () => true, limits: ZipLimits = SURVEY_ZIP_LIMITS): ZipEntry[] {
  try {
    return readZip(bytes, limits, want).map((e) => ({ path: e.name, bytes: e.bytes }));
  } catch (err) {
    if (err instanceof ZipError) throw new AppError(err.code, `${file}: ${err.message}`, { file, ...err.details });
    throw new ReadError(file, `not a readable zip archive (${(err as Error).message})`);
  }
}

/** Lists member paths (folders and resource forks left out) without inflating anything. */
export function listZip(file: string, bytes: Uint8Array): string[] {
  const names: string[] = [];
  unzip(file, bytes, (p) => {
    names.push(p);
    return false;
  });
  return names;
}
