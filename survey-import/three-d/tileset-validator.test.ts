import { describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { boundingVolumeProblem, georeference, resolveUri, tilesetPrefix, validateTileset } from './tileset-validator.ts';

const BOX = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
function glb(): Uint8Array {
  const b = new Uint8Array(20);
  b.set(strToU8('glTF'));
  new DataView(b.buffer).setUint32(4, 2, true);
  new DataView(b.buffer).setUint32(8, 20, true);
  return b;
}
function files(json: unknown, more: Record<string, Uint8Array> = {}): Map<string, Uint8Array> {
  return new Map([['tileset.json', strToU8(JSON.stringify(json))], ...Object.entries(more)]);
}
const ts = (root: Record<string, unknown>) => ({ asset: { version: '1.1' }, geometricError: 10, root: { boundingVolume: { box: BOX }, geometricError: 1, ...root } });

describe('validateTileset', () => {
  it('accepts a tileset whose contents are all present', () => {
    const r = validateTileset(files(ts({ content: { uri: 'a.glb' }, children: [{ boundingVolume: { box: BOX }, geometricError: 0, content: { uri: 'sub/b.glb' } }] }), { 'a.glb': glb(), 'sub/b.glb': glb(), 'README.md': strToU8('hi') }));
    expect(r.tiles).toBe(2);
    expect(r.referenced).toEqual(['a.glb', 'sub/b.glb', 'tileset.json']);
    expect(r.unreferenced).toEqual(['README.md']);
    expect(r.georeferenced).toBe(false);
  });

  it('names the tile whose content is missing', () => {
    expect(() => validateTileset(files(ts({ children: [{ boundingVolume: { box: BOX }, geometricError: 0, content: { uri: 'nope.b3dm' } }] }))))
      .toThrow('tileset.json root.children[0] content: "nope.b3dm" is not in the zip');
  });

  it('refuses content URIs that escape the tileset or point elsewhere', () => {
    expect(() => validateTileset(files(ts({ content: { uri: '../secret.glb' } })))).toThrow(/escapes the tileset/);
    expect(() => validateTileset(files(ts({ content: { uri: '/etc/passwd' } })))).toThrow(/absolute path/);
    expect(() => validateTileset(files(ts({ content: { uri: 'https://example.com/a.glb' } })))).toThrow(/outside the tileset/);
  });

  it('checks bounding volumes', () => {
    expect(boundingVolumeProblem({ box: [0, 0, 0] })).toMatch(/12 finite numbers/);
    expect(boundingVolumeProblem({ box: new Array(12).fill(0) })).toMatch(/zero extent/);
    expect(boundingVolumeProblem({ region: [-4, 0, 1, 0.5, 0, 10] })).toMatch(/west\/east/);
    expect(boundingVolumeProblem({ region: [0, 0.5, 0.1, 0.4, 0, 10] })).toMatch(/south .* is north of north/);
    expect(boundingVolumeProblem({ sphere: [0, 0, 0, -1] })).toMatch(/radius/);
    expect(() => validateTileset(files(ts({ boundingVolume: { box: [1, 2] } })))).toThrow('tileset.json root: boundingVolume.box must be 12 finite numbers');
    expect(() => validateTileset(files(ts({ geometricError: -1 })))).toThrow(/geometricError must be a finite number ≥ 0/);
  });

  it('checks the magic and length of binary contents', () => {
    const bad = glb();
    bad.set(strToU8('b3dm'));
    expect(() => validateTileset(files(ts({ content: { uri: 'a.glb' } }), { 'a.glb': bad }))).toThrow(/"a\.glb" does not start with the glb magic/);
    const short = glb();
    new DataView(short.buffer).setUint32(8, 99, true);
    expect(() => validateTileset(files(ts({ content: { uri: 'a.glb' } }), { 'a.glb': short }))).toThrow(/header says 99 bytes but the file has 20/);
  });

  it('follows external tilesets and refuses cycles', () => {
    const child = { asset: { version: '1.0' }, geometricError: 1, root: { boundingVolume: { box: BOX }, geometricError: 0, content: { uri: '../tileset.json' } } };
    expect(() => validateTileset(files(ts({ content: { uri: 'sub/child.json' } }), { 'sub/child.json': strToU8(JSON.stringify(child)) }))).toThrow(/cycle/);
  });

  it('requires every subtree and available content of an implicit quadtree', () => {
    // One subtree (levels 0-1), root and its 4 children available, content only on child 3.
    const subtreeJson = { tileAvailability: { constant: 1 }, contentAvailability: [{ bitstream: 0 }], childSubtreeAvailability: { constant: 0 }, buffers: [{ byteLength: 8 }], bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: 1 }] };
    let js = JSON.stringify(subtreeJson);
    while (js.length % 8) js += ' ';
    const bin = new Uint8Array(8);
    bin[0] = 1 << 4; // bit 4 = level 1, morton 3 → (x 1, y 1)
    const sub = new Uint8Array(24 + js.length + 8);
    sub.set(strToU8('subt'));
    const dv = new DataView(sub.buffer);
    dv.setUint32(4, 1, true);
    dv.setBigUint64(8, BigInt(js.length), true);
    dv.setBigUint64(16, 8n, true);
    sub.set(strToU8(js), 24);
    sub.set(bin, 24 + js.length);
    const json = ts({ content: { uri: 'c/{level}_{x}_{y}.glb' }, implicitTiling: { subdivisionScheme: 'QUADTREE', subtreeLevels: 2, availableLevels: 2, subtrees: { uri: 's/{level}.{x}.{y}.subtree' } } });
    expect(() => validateTileset(files(json, {}))).toThrow(/implicit subtree "s\/0\.0\.0\.subtree" \(level 0\) is not in the zip/);
    expect(() => validateTileset(files(json, { 's/0.0.0.subtree': sub }))).toThrow(/"c\/1_1_1\.glb" is not in the zip/);
    const r = validateTileset(files(json, { 's/0.0.0.subtree': sub, 'c/1_1_1.glb': glb() }));
    expect(r.tiles).toBe(1 + 5);
    expect(r.referenced).toContain('c/1_1_1.glb');
  });

  it('tells georeferenced tilesets from local ones', () => {
    expect(georeference({ boundingVolume: { region: [-1.3197, 0.69885, -1.31965, 0.69889, 0, 20] } }).georeferenced).toBe(true);
    expect(georeference({ boundingVolume: { box: BOX } }).georeferenced).toBe(false);
    const g = georeference({ boundingVolume: { sphere: [1215012.88, -4736313.05, 4081605.22, 5] } });
    expect(g.georeferenced).toBe(true);
    expect(g.center![0]).toBeCloseTo(-75.612, 2);
    expect(g.center![1]).toBeCloseTo(40.0425, 2);
  });

  it('finds tileset.json in a single top folder', () => {
    expect(tilesetPrefix(['tileset.json', 'a.glb'])).toBe('');
    expect(tilesetPrefix(['city/tileset.json', 'city/a.glb'])).toBe('city/');
    expect(() => tilesetPrefix(['a/tileset.json', 'b/x.glb'])).toThrow(/no "tileset.json"/);
  });

  it('resolves URIs relative to the referencing file', () => {
    expect(resolveUri('../b.glb', 'sub/child.json', 'x')).toBe('b.glb');
    expect(resolveUri('a%20b.glb?v=1', 'tileset.json', 'x')).toBe('a b.glb');
    expect(resolveUri('data:application/octet-stream;base64,AA==', 'tileset.json', 'x')).toBeNull();
  });
});
