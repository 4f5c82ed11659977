/**
 * The only module that touches fflate: lists and extracts zip archives (zipped Shapefiles, KMZ)
 * with a size limit, so a zip bomb fails with a ReadError instead of exhausting memory.
 */
import { unzipSync } from 'fflate';
import { ReadError } from '../types.ts';

/** One file inside a zip; folders are left out. */
export interface ZipEntry {
  /** Path inside the archive, with "/" separators, e.g. "layers/POLYGON.shp". */
  path: string;
  bytes: Uint8Array;
}

/** Largest total uncompressed size accepted (bytes). */
export const MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;

/** True when the bytes start with the zip local-file-header magic "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Extracts every file of `bytes` (the archive named `file`, used in messages).
 * macOS resource forks (`__MACOSX/`, `._*`) are skipped. `want` filters by path before
 * inflating, so large unrelated members (photos in a KMZ) are never decompressed.
 */
export function unzip(file: string, bytes: Uint8Array, want: (path: string) => boolean = () => true): ZipEntry[] {
  let total = 0;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/') || f.name.startsWith('__MACOSX/') || /(^|\/)\._/.test(f.name)) return false;
        if (!want(f.name)) return false;
        total += f.originalSize;
        if (total > MAX_UNZIPPED_BYTES) {
          throw new ReadError(file, `zip expands to more than ${MAX_UNZIPPED_BYTES} bytes`);
        }
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ReadError) throw err;
    throw new ReadError(file, `not a readable zip archive (${(err as Error).message})`);
  }
  return Object.entries(entries).map(([path, data]) => ({ path, bytes: data }));
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
