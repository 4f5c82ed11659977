/**
 * Content-addressed storage for uploaded originals and files derived from them.
 *
 * Layout under `<dataDir>/assets/`:
 *
 * | path                                        | what                                                      |
 * |---------------------------------------------|-----------------------------------------------------------|
 * | `originals/ab/cd/<sha256>.<ext>`            | uploaded bytes, named by their own SHA-256                |
 * | `derived/<variant>/ab/<sha256>.<ext>`       | thumbnail, preview, panorama… named by the ORIGINAL's hash |
 * | `tmp/`                                      | partial writes; renamed into place when complete          |
 *
 * Derived files are keyed by the source's hash (not their own) so a thumbnail can be found from
 * the original alone, and so re-encoding with a newer sharp does not orphan anything.
 *
 * Every write goes to `tmp/` first and is renamed into place, so a reader never sees half a file
 * and a crash leaves at most a stray temp file. Same bytes → same path → `existed: true`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../core/errors.ts';

/** Identifies one stored file. `variant` is `"original"` for uploads. */
export interface AssetKey {
  /** SHA-256 (lower-case hex) of the original bytes. */
  sha256: string;
  /** File extension without the dot, lower-case, e.g. `jpg`. */
  ext: string;
  /** `"original"` (default) or a derived variant name such as `thumb`, `preview`, `pano`. */
  variant?: string;
}

/** What `put` / `putDerived` report. */
export interface StoredAsset extends Required<AssetKey> {
  /** Absolute path of the stored file. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** True when the file was already stored (nothing was written). */
  existed: boolean;
}

/** Bytes to store: a buffer, a Node readable or any async iterable of chunks. */
export type AssetInput = Uint8Array | Readable | AsyncIterable<Uint8Array>;

/** Options of {@link LocalAssetStore}. */
export interface AssetStoreOptions {
  /** Refuse inputs larger than this many bytes (default: no limit). */
  maxBytes?: number;
}

/** The storage interface the rest of the code depends on. */
export interface AssetStore {
  /** Stores an original; returns its hash and path. Idempotent. */
  put(data: AssetInput, opts: { ext: string }): Promise<StoredAsset>;
  /** Stores a file derived from original `sourceSha256`; keeps an existing one unless `overwrite`. */
  putDerived(
    sourceSha256: string,
    variant: string,
    data: AssetInput,
    opts: { ext: string; overwrite?: boolean },
  ): Promise<StoredAsset>;
  /** Whole file, or null when it is not stored. */
  get(key: AssetKey): Promise<Uint8Array | null>;
  /** Whether the file is stored. */
  has(key: AssetKey): Promise<boolean>;
  /** A read stream, or null when the file is not stored. */
  openReadStream(key: AssetKey): Promise<ReadStream | null>;
  /** Finds the stored key for a hash whose extension is unknown (e.g. from a URL), or null. */
  find(sha256: string, variant?: string): Promise<AssetKey | null>;
  /** Absolute path where `key` is (or would be) stored. Does not touch the disk. */
  pathFor(key: AssetKey): string;
}

/** Thrown for a bad key or an oversize input; the message names the bad value. */
export class AssetStoreError extends AppError {
  constructor(message: string, code: 'bad_request' | 'payload_too_large' = 'bad_request') {
    super(code, message);
    this.name = 'AssetStoreError';
  }
}

const SHA256_RE = /^[0-9a-f]{64}$/;
const EXT_RE = /^[a-z0-9]{1,10}$/;
const VARIANT_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
export const ORIGINAL = 'original';

/** Lower-cases and validates an extension (a leading dot is tolerated). */
function normalizeExt(ext: string): string {
  const e = String(ext ?? '').replace(/^\./, '').toLowerCase();
  if (!EXT_RE.test(e)) throw new AssetStoreError(`asset extension must be 1-10 letters/digits, got ${JSON.stringify(ext)}`);
  return e;
}

function checkSha(sha256: string): string {
  if (typeof sha256 !== 'string' || !SHA256_RE.test(sha256)) {
    throw new AssetStoreError(`asset sha256 must be 64 lower-case hex digits, got ${JSON.stringify(sha256)}`);
  }
  return sha256;
}

function checkVariant(variant: string): string {
  if (variant !== ORIGINAL && !VARIANT_RE.test(variant)) {
    throw new AssetStoreError(`asset variant must match ${VARIANT_RE}, got ${JSON.stringify(variant)}`);
  }
  return variant;
}

/** Content-addressed store on the local filesystem under `<dataDir>/assets/`. */
export class LocalAssetStore implements AssetStore {
  /** `<dataDir>/assets` */
  readonly root: string;
  private readonly tmpDir: string;

  constructor(
    dataDir: string,
    private readonly options: AssetStoreOptions = {},
  ) {
    this.root = path.resolve(dataDir, 'assets');
    this.tmpDir = path.join(this.root, 'tmp');
  }

  pathFor(key: AssetKey): string {
    const sha = checkSha(key.sha256);
    const ext = normalizeExt(key.ext);
    const variant = checkVariant(key.variant ?? ORIGINAL);
    return path.join(this.dirFor(sha, variant), `${sha}.${ext}`);
  }

  async put(data: AssetInput, opts: { ext: string }): Promise<StoredAsset> {
    const ext = normalizeExt(opts.ext);
    const tmp = await this.writeTemp(data);
    try {
      const key = { sha256: tmp.sha256, ext, variant: ORIGINAL };
      const target = this.pathFor(key);
      if (await fileExists(target)) {
        // Fresh again: garbage collection spares files written within its grace period, and this
        // one is about to be referenced by whoever stores it.
        const now = new Date();
        await utimes(target, now, now).catch(() => undefined);
        return { ...key, path: target, size: tmp.size, existed: true };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp.path, target);
      return { ...key, path: target, size: tmp.size, existed: false };
    } finally {
      await rm(tmp.path, { force: true });
    }
  }

  async putDerived(
    sourceSha256: string,
    variant: string,
    data: AssetInput,
    opts: { ext: string; overwrite?: boolean },
  ): Promise<StoredAsset> {
    checkSha(sourceSha256);
    if (variant === ORIGINAL) throw new AssetStoreError(`derived variant cannot be "${ORIGINAL}"`);
    checkVariant(variant);
    const key = { sha256: sourceSha256, ext: normalizeExt(opts.ext), variant };
    const target = this.pathFor(key);
    if (!opts.overwrite) {
      const existing = await statOrNull(target);
      if (existing) {
        // Drain a stream input so the producer is not left hanging.
        if (!(data instanceof Uint8Array)) for await (const _ of data as AsyncIterable<Uint8Array>) void _;
        return { ...key, path: target, size: existing.size, existed: true };
      }
    }
    const tmp = await this.writeTemp(data);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp.path, target);
      return { ...key, path: target, size: tmp.size, existed: false };
    } finally {
      await rm(tmp.path, { force: true });
    }
  }

  async get(key: AssetKey): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.pathFor(key)));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async has(key: AssetKey): Promise<boolean> {
    return fileExists(this.pathFor(key));
  }

  async openReadStream(key: AssetKey): Promise<ReadStream | null> {
    const p = this.pathFor(key);
    if (!(await fileExists(p))) return null;
    return createReadStream(p);
  }

  async find(sha256: string, variant: string = ORIGINAL): Promise<AssetKey | null> {
    checkSha(sha256);
    checkVariant(variant);
    let names: string[];
    try {
      names = await readdir(this.dirFor(sha256, variant));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const hit = names.find((n) => n.startsWith(`${sha256}.`) && EXT_RE.test(n.slice(65)));
    return hit ? { sha256, ext: hit.slice(65), variant } : null;
  }

  /**
   * Removes original `sha256` (whatever its extension) and every file derived from it; returns
   * how many files went. The caller decides that nothing refers to it any more.
   */
  async remove(sha256: string): Promise<number> {
    checkSha(sha256);
    let removed = 0;
    const dirs = [this.dirFor(sha256, ORIGINAL)];
    for (const variant of await readdirOrEmpty(path.join(this.root, 'derived'))) {
      if (VARIANT_RE.test(variant)) dirs.push(this.dirFor(sha256, variant));
    }
    for (const dir of dirs) {
      for (const name of await readdirOrEmpty(dir)) {
        if (!name.startsWith(`${sha256}.`)) continue;
        await rm(path.join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Hashes of the stored originals last written more than `minAgeMs` ago (for garbage collection). */
  async *originals(minAgeMs: number): AsyncGenerator<string> {
    const before = Date.now() - minAgeMs;
    const top = path.join(this.root, 'originals');
    for (const a of await readdirOrEmpty(top)) {
      for (const b of await readdirOrEmpty(path.join(top, a))) {
        const dir = path.join(top, a, b);
        for (const name of await readdirOrEmpty(dir)) {
          const sha = name.slice(0, 64);
          if (!SHA256_RE.test(sha) || name[64] !== '.') continue;
          const st = await statOrNull(path.join(dir, name));
          if (st && st.mtimeMs < before) yield sha;
        }
      }
    }
  }

  /** Shard directories: two levels for originals (millions of uploads), one for derived. */
  private dirFor(sha: string, variant: string): string {
    return variant === ORIGINAL
      ? path.join(this.root, 'originals', sha.slice(0, 2), sha.slice(2, 4))
      : path.join(this.root, 'derived', variant, sha.slice(0, 2));
  }

  /** Streams `data` into a temp file while hashing it; fsyncs before returning. */
  private async writeTemp(data: AssetInput): Promise<{ path: string; sha256: string; size: number }> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmpPath = path.join(this.tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    const fh = await open(tmpPath, 'wx');
    let size = 0;
    try {
      const chunks: AsyncIterable<Uint8Array> | Uint8Array[] = data instanceof Uint8Array ? [data] : data;
      for await (const raw of chunks) {
        const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
        size += chunk.byteLength;
        if (this.options.maxBytes !== undefined && size > this.options.maxBytes) {
          throw new AssetStoreError(`asset is larger than the limit of ${this.options.maxBytes} bytes`, 'payload_too_large');
        }
        hash.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (err) {
      await fh.close();
      await rm(tmpPath, { force: true });
      throw err;
    }
    await fh.close();
    return { path: tmpPath, sha256: hash.digest('hex'), size };
  }
}

/** SHA-256 hex of some bytes (the id an original gets in the store). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function statOrNull(p: string) {
  try {
    return await stat(p);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isNotFound(err) || (err as NodeJS.ErrnoException)?.code === 'ENOTDIR') return [];
    throw err;
  }
}

async function fileExists(p: string): Promise<boolean> {
  return (await statOrNull(p))?.isFile() ?? false;
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
