import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AssetStoreError, LocalAssetStore, sha256Hex } from './storage.ts';

let dataDir: string;
let store: LocalAssetStore;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'assets-test-'));
  store = new LocalAssetStore(dataDir);
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const bytes = new TextEncoder().encode('达州 investment park photo');
const sha = createHash('sha256').update(bytes).digest('hex');

async function readStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(Buffer.from(c as Buffer));
  return Buffer.concat(parts);
}

describe('LocalAssetStore', () => {
  it('stores an original at originals/ab/cd/<sha256>.<ext> and reports its hash and size', async () => {
    const r = await store.put(bytes, { ext: 'JPG' });
    expect(r).toMatchObject({ sha256: sha, ext: 'jpg', variant: 'original', size: bytes.length, existed: false });
    expect(r.path).toBe(path.join(dataDir, 'assets', 'originals', sha.slice(0, 2), sha.slice(2, 4), `${sha}.jpg`));
    expect(new Uint8Array(await readFile(r.path))).toEqual(bytes);
    expect(sha256Hex(bytes)).toBe(sha);
  });

  it('is idempotent: the same bytes again give the same path with existed: true', async () => {
    const a = await store.put(bytes, { ext: 'jpg' });
    const b = await store.put(Buffer.from(bytes), { ext: '.jpg' });
    expect(b.path).toBe(a.path);
    expect(b.existed).toBe(true);
  });

  it('accepts a Node stream and hashes it while writing', async () => {
    const r = await store.put(Readable.from([bytes.slice(0, 5), bytes.slice(5)]), { ext: 'jpg' });
    expect(r.sha256).toBe(sha);
    expect(r.size).toBe(bytes.length);
  });

  it('leaves no temp files behind, also when the write is refused', async () => {
    await store.put(bytes, { ext: 'jpg' });
    await store.put(bytes, { ext: 'jpg' });
    const small = new LocalAssetStore(dataDir, { maxBytes: 4 });
    await expect(small.put(bytes, { ext: 'jpg' })).rejects.toThrow(/larger than the limit of 4 bytes/);
    expect(await readdir(path.join(dataDir, 'assets', 'tmp'))).toEqual([]);
  });

  it('get / has / openReadStream return the bytes, or null/false when missing', async () => {
    const r = await store.put(bytes, { ext: 'jpg' });
    expect(await store.get(r)).toEqual(bytes);
    expect(await store.has(r)).toBe(true);
    expect(await readStream((await store.openReadStream(r))!)).toEqual(Buffer.from(bytes));
    const missing = { sha256: 'f'.repeat(64), ext: 'jpg' };
    expect(await store.get(missing)).toBeNull();
    expect(await store.has(missing)).toBe(false);
    expect(await store.openReadStream(missing)).toBeNull();
  });

  it('finds the extension of a stored hash', async () => {
    await store.put(bytes, { ext: 'heic' });
    expect(await store.find(sha)).toEqual({ sha256: sha, ext: 'heic', variant: 'original' });
    expect(await store.find('0'.repeat(64))).toBeNull();
  });

  it('stores derived files under derived/<variant>/ab/<source sha256>.<ext>', async () => {
    const thumb = new Uint8Array([1, 2, 3]);
    const r = await store.putDerived(sha, 'thumb', thumb, { ext: 'jpg' });
    expect(r.path).toBe(path.join(dataDir, 'assets', 'derived', 'thumb', sha.slice(0, 2), `${sha}.jpg`));
    expect(store.pathFor({ sha256: sha, variant: 'thumb', ext: 'jpg' })).toBe(r.path);
    expect(r.existed).toBe(false);
    const again = await store.putDerived(sha, 'thumb', new Uint8Array([9]), { ext: 'jpg' });
    expect(again.existed).toBe(true);
    expect(await store.get(r)).toEqual(thumb); // kept, not replaced
    const replaced = await store.putDerived(sha, 'thumb', new Uint8Array([9]), { ext: 'jpg', overwrite: true });
    expect(replaced.existed).toBe(false);
    expect(await store.get(r)).toEqual(new Uint8Array([9]));
  });

  it('rejects keys that could escape the store, naming the bad value', () => {
    expect(() => store.pathFor({ sha256: '../../etc/passwd', ext: 'jpg' })).toThrow(AssetStoreError);
    expect(() => store.pathFor({ sha256: sha, ext: 'j/pg' })).toThrow(/"j\/pg"/);
    expect(() => store.pathFor({ sha256: sha, ext: 'jpg', variant: '../x' })).toThrow(/"\.\.\/x"/);
    expect(() => store.pathFor({ sha256: sha.toUpperCase(), ext: 'jpg' })).toThrow(/64 lower-case hex/);
  });

  it('handles concurrent puts of the same bytes without corrupting the file', async () => {
    const big = new Uint8Array(256 * 1024).map((_, i) => i % 251);
    const results = await Promise.all(Array.from({ length: 5 }, () => store.put(big, { ext: 'bin' })));
    expect(new Set(results.map((r) => r.path)).size).toBe(1);
    expect(sha256Hex(new Uint8Array(await readFile(results[0].path)))).toBe(results[0].sha256);
  });
});
