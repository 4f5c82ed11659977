import { describe, expect, it } from 'vitest';
import { zipSync, strToU8 } from 'fflate';
import { readZip, safeEntryPath, ZipError, DEFAULT_ZIP_LIMITS } from './safe-zip.ts';
import { validateTileset } from './tileset-validator.ts';

const tileset = (uri = 'a.glb') => strToU8(JSON.stringify({
  asset: { version: '1.1' }, geometricError: 10,
  root: { boundingVolume: { box: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1] }, geometricError: 0, content: { uri } },
}));
const glb = () => {
  const b = new Uint8Array(20);
  b.set(strToU8('glTF'));
  new DataView(b.buffer).setUint32(4, 2, true);
  new DataView(b.buffer).setUint32(8, 20, true);
  return b;
};

/** Rewrites the names in a zip made by fflate (same length) so hostile names can be tested. */
function renameEntries(zip: Uint8Array, from: string, to: string): Uint8Array {
  expect(to.length).toBe(from.length);
  const out = zip.slice();
  const f = strToU8(from);
  for (let i = 0; i + f.length <= out.length; i++) {
    if (f.every((c, k) => out[i + k] === c)) out.set(strToU8(to), i);
  }
  return out;
}

function errorOf(fn: () => unknown): ZipError {
  try {
    fn();
  } catch (err) {
    return err as ZipError;
  }
  throw new Error('expected an error');
}

describe('readZip', () => {
  it('reads stored and deflated entries', () => {
    const zip = zipSync({ 'tileset.json': tileset(), 'a.glb': [glb(), { level: 0 }] });
    const entries = readZip(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(['a.glb', 'tileset.json']);
    expect(entries.find((e) => e.name === 'a.glb')!.bytes).toEqual(glb());
  });

  it('refuses an entry that escapes with ../ and names it', () => {
    const zip = renameEntries(zipSync({ 'tileset.json': tileset(), 'xx/evil.glb': glb() }), 'xx/evil.glb', '../evil.glb');
    const err = errorOf(() => readZip(zip));
    expect(err).toBeInstanceOf(ZipError);
    expect(err.message).toContain('"../evil.glb"');
    expect(err.entry).toBe('../evil.glb');
  });

  it('refuses absolute paths (unix and windows)', () => {
    const unix = renameEntries(zipSync({ 'tileset.json': tileset(), 'xetc/passwd': glb() }), 'xetc/passwd', '/etc/passwd');
    expect(errorOf(() => readZip(unix)).message).toMatch(/"\/etc\/passwd" is an absolute path/);
    const win = renameEntries(zipSync({ 'tileset.json': tileset(), 'Cx/evil.glb': glb() }), 'Cx/evil.glb', 'C:/evil.glb');
    expect(errorOf(() => readZip(win)).message).toMatch(/absolute path/);
  });

  it('refuses more entries than the limit before inflating anything', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 101; i++) files[`f${i}.bin`] = new Uint8Array(1);
    const err = errorOf(() => readZip(zipSync(files), { ...DEFAULT_ZIP_LIMITS, maxEntries: 100 }));
    expect(err.message).toMatch(/101 entries, more than the limit of 100/);
    expect(err.kind).toBe('too_large');
  });

  it('refuses a zip bomb by its compression ratio', () => {
    const bomb = zipSync({ 'tileset.json': tileset(), 'a.glb': new Uint8Array(20 * 1024 * 1024) });
    expect(bomb.length).toBeLessThan(200_000);
    const err = errorOf(() => readZip(bomb));
    expect(err.message).toMatch(/"a\.glb" has a compression ratio above 200:1/);
  });

  it('refuses a zip whose total uncompressed size is over the limit', () => {
    const rnd = new Uint8Array(300_000).map((_, i) => (i * 2654435761) >>> 24);
    const zip = zipSync({ 'a.bin': rnd, 'b.bin': rnd.slice().reverse() });
    const err = errorOf(() => readZip(zip, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 500_000 }));
    expect(err.message).toMatch(/inflates to more than the limit of 500000 bytes \(at entry "b\.bin"\)/);
  });

  it('does not trust the sizes the zip claims: inflating stops at the limit', () => {
    const zip = zipSync({ 'a.bin': new Uint8Array(2_000_000).fill(7) });
    // Lie in the central directory and local header: claim 1000 bytes.
    const dv = new DataView(zip.buffer);
    for (let i = 0; i < zip.length - 4; i++) {
      const sig = dv.getUint32(i, true);
      if (sig === 0x02014b50) dv.setUint32(i + 24, 1000, true);
      if (sig === 0x04034b50) dv.setUint32(i + 22, 1000, true);
    }
    const err = errorOf(() => readZip(zip, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 100_000 }));
    expect(err.message).toMatch(/"a\.bin" inflates to more than the limit of 100000 bytes/);
  });

  it('refuses something that is not a zip', () => {
    expect(errorOf(() => readZip(strToU8('hello'))).message).toMatch(/not a zip archive/);
  });

  it('normalises harmless ./ segments', () => {
    expect(safeEntryPath('./a/./b.glb')).toBe('a/b.glb');
  });
});

describe('a hostile tileset inside a valid zip', () => {
  it('names the missing content file', () => {
    const files = new Map(readZip(zipSync({ 'tileset.json': tileset('missing.glb') })).map((e) => [e.name, e.bytes]));
    expect(() => validateTileset(files)).toThrow(/tileset\.json root content: "missing\.glb" is not in the zip/);
  });
});
