/**
 * Reads an uploaded zip without trusting it. The central directory is parsed here (not by a
 * library that inflates everything first) so every limit is checked before and while inflating:
 *
 * | limit                  | default      | why                                                        |
 * |------------------------|--------------|------------------------------------------------------------|
 * | `maxEntries`           | 20 000       | a directory of millions of empty entries exhausts memory   |
 * | `maxEntryBytes`        | 256 MiB      | one tile that large is a mistake or an attack              |
 * | `maxTotalBytes`        | 1 GiB        | total uncompressed size (what a zip bomb inflates to)      |
 * | `maxRatio`             | 200          | uncompressed / compressed per entry, checked above 1 MiB   |
 *
 * Sizes are counted on the bytes actually inflated (the sizes a zip claims can lie), and inflating
 * stops at the first byte over a limit. Entry names are checked before anything is inflated: no
 * `..` segment, no absolute path (`/x`, `C:\x`, `\\server`), no backslashes, no NUL, no
 * duplicates. Only stored (0) and deflated (8) entries are read; encrypted entries and ZIP64 are
 * refused. Every error names the entry.
 *
 * This is the one zip reader of the code base: 3D Tiles uploads and survey zips (zipped
 * Shapefiles, KMZ: `survey-import/readers/zip.ts`) both go through {@link readZip}.
 */
import { Inflate } from 'fflate';
import { AppError } from '../../core/errors.ts';

/** Limits of {@link readZip}; see the table above. */
export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
};

/** Entries whose ratio is checked: small highly compressible files (JSON of zeros) are harmless. */
const RATIO_CHECK_MIN_BYTES = 1024 * 1024;

/** Why a zip was refused. `entry` names the offending entry when there is one. */
export class ZipError extends AppError {
  constructor(message: string, readonly entry?: string, readonly kind: 'invalid' | 'too_large' = 'invalid') {
    super(kind === 'too_large' ? 'payload_too_large' : 'bad_request', message, entry ? { entry } : undefined);
    this.name = 'ZipError';
  }
}

/** One file of the archive (directories are skipped). */
export interface ZipEntry {
  /** Normalised path inside the archive, forward slashes, no leading `./`. */
  name: string;
  bytes: Uint8Array;
}

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Checks an entry name and returns it normalised, or throws naming it. Exported for tests and for
 * URIs inside a tileset, which obey the same rules.
 */
export function safeEntryPath(raw: string): string {
  if (raw.includes('\0')) throw new ZipError(`entry "${raw.replace(/\0/g, '\\0')}" has a NUL character in its name`, raw);
  if (raw.includes('\\')) throw new ZipError(`entry "${raw}" uses backslashes; zip paths use "/"`, raw);
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) throw new ZipError(`entry "${raw}" is an absolute path`, raw);
  const parts: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw new ZipError(`entry "${raw}" escapes the archive with ".." (zip slip)`, raw);
    parts.push(seg);
  }
  if (parts.length === 0) throw new ZipError(`entry "${raw}" has an empty name`, raw);
  return parts.join('/');
}

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/**
 * An entry name as text: UTF-8 when flagged or valid, else GBK (Chinese Windows zip tools write
 * names in the system code page), so distinct names never collapse into the same U+FFFD string.
 */
function entryName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return new TextDecoder('utf-8').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** Parses the central directory; throws before anything is inflated when it breaks a limit. */
function centralDirectory(zip: Uint8Array, limits: ZipLimits): CentralEntry[] {
  // End of central directory: 22 bytes + comment of up to 65535 bytes, searched backwards.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip[i] === 0x50 && zip[i + 1] === 0x4b && zip[i + 2] === 0x05 && zip[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('the upload is not a zip archive (no end-of-central-directory record)');
  const count = u16(zip, eocd + 10);
  const cdSize = u32(zip, eocd + 12);
  const cdOffset = u32(zip, eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError('ZIP64 archives are not supported; zip the tileset with a standard zip tool');
  if (count > limits.maxEntries) {
    throw new ZipError(`the zip has ${count} entries, more than the limit of ${limits.maxEntries}`, undefined, 'too_large');
  }
  if (cdOffset + cdSize > zip.length) throw new ZipError('the zip central directory lies outside the file (truncated upload?)');
  const entries: CentralEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || u32(zip, p) !== 0x02014b50) throw new ZipError(`zip central directory entry ${i + 1} is corrupt`);
    const flags = u16(zip, p + 8);
    const method = u16(zip, p + 10);
    const compressedSize = u32(zip, p + 20);
    const size = u32(zip, p + 24);
    const nameLen = u16(zip, p + 28);
    const extraLen = u16(zip, p + 30);
    const commentLen = u16(zip, p + 32);
    const localOffset = u32(zip, p + 42);
    const nameBytes = zip.subarray(p + 46, p + 46 + nameLen);
    const name = entryName(nameBytes, flags);
    entries.push({ name, method, flags, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates `data` while counting; stops at the first byte over `max`. */
function inflateBounded(data: Uint8Array, max: number, name: string, totalSoFar: number, limits: ZipLimits): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const inflater = new Inflate((chunk) => {
    size += chunk.length;
    if (size > max) throw new ZipError(`entry "${name}" inflates to more than the limit of ${max} bytes`, name, 'too_large');
    if (totalSoFar + size > limits.maxTotalBytes) {
      throw new ZipError(`the zip inflates to more than the limit of ${limits.maxTotalBytes} bytes (at entry "${name}")`, name, 'too_large');
    }
    if (size > RATIO_CHECK_MIN_BYTES && size / Math.max(1, data.length) > limits.maxRatio) {
      throw new ZipError(`entry "${name}" has a compression ratio above ${limits.maxRatio}:1 (zip bomb?)`, name, 'too_large');
    }
    chunks.push(chunk);
  });
  const STEP = 64 * 1024;
  try {
    for (let o = 0; o < data.length; o += STEP) inflater.push(data.subarray(o, Math.min(data.length, o + STEP)), o + STEP >= data.length);
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof ZipError) throw err;
    throw new ZipError(`entry "${name}" is not valid deflate data: ${(err as Error).message}`, name);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Every file of `zip`, checked against `limits`. Directory entries and macOS metadata
 * (`__MACOSX/`, `.DS_Store`, `._*` resource forks) are skipped. `want` (given the normalised path)
 * picks entries before anything is inflated; every name is checked, wanted or not.
 */
export function readZip(zip: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS, want: (path: string) => boolean = () => true): ZipEntry[] {
  const central = centralDirectory(zip, limits);
  const seen = new Set<string>();
  const wanted: (CentralEntry & { path: string })[] = [];
  let claimed = 0;
  for (const e of central) {
    if (e.name.endsWith('/') || e.name.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store$|\._)/.test(e.name)) continue;
    const path = safeEntryPath(e.name);
    if (seen.has(path)) throw new ZipError(`entry "${e.name}" appears twice`, e.name);
    seen.add(path);
    if (!want(path)) continue;
    if (e.flags & 1) throw new ZipError(`entry "${e.name}" is encrypted`, e.name);
    if (e.method !== 0 && e.method !== 8) throw new ZipError(`entry "${e.name}" uses compression method ${e.method}; only stored and deflate are supported`, e.name);
    if (e.size === 0xffffffff || e.compressedSize === 0xffffffff) throw new ZipError(`entry "${e.name}" needs ZIP64, which is not supported`, e.name);
    // Claimed sizes first: an honest bomb is refused without inflating a byte.
    if (e.size > limits.maxEntryBytes) throw new ZipError(`entry "${e.name}" is ${e.size} bytes, more than the limit of ${limits.maxEntryBytes}`, e.name, 'too_large');
    claimed += e.size;
    if (claimed > limits.maxTotalBytes) throw new ZipError(`the zip inflates to more than the limit of ${limits.maxTotalBytes} bytes (at entry "${e.name}")`, e.name, 'too_large');
    if (e.size > RATIO_CHECK_MIN_BYTES && e.size / Math.max(1, e.compressedSize) > limits.maxRatio) {
      throw new ZipError(`entry "${e.name}" has a compression ratio above ${limits.maxRatio}:1 (zip bomb?)`, e.name, 'too_large');
    }
    wanted.push({ ...e, path });
  }
  const out: ZipEntry[] = [];
  let total = 0;
  for (const e of wanted) {
    const p = e.localOffset;
    if (p + 30 > zip.length || u32(zip, p) !== 0x04034b50) throw new ZipError(`entry "${e.name}": local header is missing or corrupt`, e.name);
    const start = p + 30 + u16(zip, p + 26) + u16(zip, p + 28);
    const end = start + e.compressedSize;
    if (end > zip.length) throw new ZipError(`entry "${e.name}" runs past the end of the zip (truncated upload?)`, e.name);
    const data = zip.subarray(start, end);
    let bytes: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize > limits.maxEntryBytes) throw new ZipError(`entry "${e.name}" is more than the limit of ${limits.maxEntryBytes} bytes`, e.name, 'too_large');
      bytes = data.slice();
    } else {
      bytes = inflateBounded(data, limits.maxEntryBytes, e.name, total, limits);
    }
    if (bytes.length !== e.size) throw new ZipError(`entry "${e.name}" inflates to ${bytes.length} bytes but the zip says ${e.size}`, e.name);
    total += bytes.length;
    if (total > limits.maxTotalBytes) throw new ZipError(`the zip inflates to more than the limit of ${limits.maxTotalBytes} bytes (at entry "${e.name}")`, e.name, 'too_large');
    out.push({ name: e.path, bytes });
  }
  return out;
}
