import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, hasFixtures } from '../../test/fixtures.ts';
import { deriveRenderableContents } from './renderable-contents.ts';
import { magicOf, parseGlb, parseModelTile, splitCompositeTiles } from './tile-formats.ts';
import { validateTileset } from './tileset-validator.ts';

/** The files of a fixture tileset, by path inside it. */
function tileset(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`);
      else files.set(rel + e.name, new Uint8Array(fs.readFileSync(path.join(abs, e.name))));
    }
  };
  walk(fixture(`tiles3d/${dir}`), '');
  return files;
}

const json = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

/** The tileset as the 3D view gets it: the rewritten tileset.json over the uploaded files plus the copies. */
function renderedView(files: Map<string, Uint8Array>) {
  const derived = deriveRenderableContents(files);
  const merged = new Map([...files, ...derived.files]);
  if (derived.files.has('tileset.json.derived.json')) merged.set('tileset.json', derived.files.get('tileset.json.derived.json')!);
  return { derived, merged };
}

describe.runIf(hasFixtures())('renderable copies of tile contents', () => {
  it('leaves tilesets of b3dm, pnts and glb alone', () => {
    for (const dir of ['1.0/BatchedWithBatchTable', '1.0/PointCloudRGB', '1.0/TilesetWithRequestVolume_city', '1.1/MetadataGranularities', '1.1/SparseImplicitQuadtree', '1.1/MultipleContents']) {
      const out = deriveRenderableContents(tileset(dir));
      expect(out.files.size, dir).toBe(0);
      expect(out.warnings, dir).toEqual([]);
    }
  });

  it('points the tileset at a b3dm copy of an i3dm, keeping the original untouched', () => {
    const files = tileset('1.0/InstancedWithBatchTable');
    const before = new Map([...files].map(([k, v]) => [k, v.slice()]));
    const { derived, merged } = renderedView(files);
    expect([...derived.files.keys()].sort()).toEqual(['instancedWithBatchTable.i3dm.derived-0.b3dm', 'tileset.json.derived.json']);
    expect(files).toEqual(before);
    const rewritten = json(derived.files.get('tileset.json.derived.json'));
    expect(rewritten.root.content).toEqual({ uri: 'instancedWithBatchTable.i3dm.derived-0.b3dm' });
    expect(rewritten.root.boundingVolume).toEqual(json(files.get('tileset.json')).root.boundingVolume);
    expect(magicOf(derived.files.get('instancedWithBatchTable.i3dm.derived-0.b3dm')!)).toBe('b3dm');
    expect(validateTileset(merged).referenced).toContain('instancedWithBatchTable.i3dm.derived-0.b3dm');
    expect(derived.warnings).toEqual([]);
  });

  it('splits a cmpt into its inner tiles as a contents array: the b3dm as it was, the i3dm baked', () => {
    const files = tileset('1.0/Composite');
    const { derived, merged } = renderedView(files);
    const rewritten = json(derived.files.get('tileset.json.derived.json'));
    expect(rewritten.root.content).toBeUndefined();
    expect(rewritten.root.contents).toEqual([{ uri: 'composite.cmpt.derived-0.b3dm' }, { uri: 'composite.cmpt.derived-1.b3dm' }]);
    const [buildings, instances] = [0, 1].map((n) => parseModelTile(derived.files.get(`composite.cmpt.derived-${n}.b3dm`)!));
    expect(buildings.featureTable.json.BATCH_LENGTH).toBe(10);
    expect(Object.keys(buildings.batchTable).sort()).toEqual(['Height', 'Latitude', 'Longitude', 'id']);
    expect(derived.files.get('composite.cmpt.derived-0.b3dm')).toEqual(splitCompositeTiles(files.get('composite.cmpt')!)[0]);
    const glb = parseGlb(instances.gltf).json;
    expect(glb.nodes[glb.scenes[0].nodes[0]].children).toHaveLength(25);
    expect(validateTileset(merged).tiles).toBe(1);
    expect(derived.converted).toEqual([{ path: 'composite.cmpt', from: 'cmpt', to: ['composite.cmpt.derived-0.b3dm', 'composite.cmpt.derived-1.b3dm'], note: '25 instances baked as glTF nodes' }]);
  });

  it('converts both levels of the tree billboards and says the billboard material was replaced', () => {
    const { derived, merged } = renderedView(tileset('1.0/TilesetWithTreeBillboards'));
    const rewritten = json(derived.files.get('tileset.json.derived.json'));
    expect(rewritten.root.content.uri).toBe('tree_billboard.i3dm.derived-0.b3dm');
    expect(rewritten.root.refine).toBe('REPLACE');
    expect(rewritten.root.children[0].content.uri).toBe('tree.i3dm.derived-0.b3dm');
    expect(derived.warnings).toEqual([expect.stringMatching(/^tree_billboard\.i3dm: .*KHR_techniques_webgl.*replaced by unlit PBR/)]);
    expect(validateTileset(merged).tiles).toBe(2);
  });

  it('rewrites external tilesets too and follows relative paths into folders', () => {
    const i3dm = tileset('1.0/InstancedWithBatchTable').get('instancedWithBatchTable.i3dm')!;
    const bv = { region: [-1.3197, 0.69885, -1.31966, 0.69889, 0, 30] };
    const files = new Map<string, Uint8Array>([
      ['tileset.json', new TextEncoder().encode(JSON.stringify({ asset: { version: '1.0' }, geometricError: 10, root: { boundingVolume: bv, geometricError: 10, content: { uri: 'sub/inner.json' } } }))],
      ['sub/inner.json', new TextEncoder().encode(JSON.stringify({ asset: { version: '1.0' }, geometricError: 10, root: { boundingVolume: bv, geometricError: 0, content: { url: 'models/trees%20a.i3dm' } } }))],
      ['sub/models/trees a.i3dm', i3dm],
    ]);
    const { files: out } = deriveRenderableContents(files);
    expect([...out.keys()].sort()).toEqual(['sub/inner.json.derived.json', 'sub/models/trees a.i3dm.derived-0.b3dm']);
    expect(json(out.get('sub/inner.json.derived.json')).root.content).toEqual({ uri: 'models/trees%20a.i3dm.derived-0.b3dm' });
  });

  it('flattens a cmpt inside a 1.1 contents array in place, keeping the other contents', () => {
    const cmpt = tileset('1.0/Composite').get('composite.cmpt')!;
    const glb = tileset('1.1/MultipleContents').get('planeTriangles.glb')!;
    const bv = { region: [-1.3197, 0.69885, -1.31966, 0.69889, 0, 30] };
    const files = new Map<string, Uint8Array>([
      ['tileset.json', new TextEncoder().encode(JSON.stringify({ asset: { version: '1.1' }, geometricError: 10, root: { boundingVolume: bv, geometricError: 0, contents: [{ uri: 'a.glb' }, { uri: 'c.cmpt', group: 1 }] } }))],
      ['a.glb', glb],
      ['c.cmpt', cmpt],
    ]);
    const out = deriveRenderableContents(files);
    expect(json(out.files.get('tileset.json.derived.json')).root.contents).toEqual([
      { uri: 'a.glb' }, { uri: 'c.cmpt.derived-0.b3dm', group: 1 }, { uri: 'c.cmpt.derived-1.b3dm', group: 1 },
    ]);
  });

  it('leaves a content it cannot convert as uploaded, with a warning naming it', () => {
    const files = tileset('1.0/InstancedWithBatchTable');
    const broken = files.get('instancedWithBatchTable.i3dm')!.slice();
    new DataView(broken.buffer).setUint32(28, 0, true); // gltfFormat 0: the GLB bytes now read as a URI
    files.set('instancedWithBatchTable.i3dm', broken);
    const out = deriveRenderableContents(files);
    expect(out.files.size).toBe(0);
    expect(out.warnings).toEqual([expect.stringMatching(/^instancedWithBatchTable\.i3dm: left as uploaded, the 3D view may not draw it \(i3dm gltfFormat 0 refers to/)]);
  });

  it('never overwrites an uploaded file with a copy', () => {
    const files = tileset('1.0/InstancedWithBatchTable');
    files.set('instancedWithBatchTable.i3dm.derived-0.b3dm', new Uint8Array([1, 2, 3]));
    const out = deriveRenderableContents(files);
    expect(out.files.size).toBe(0);
    expect(out.warnings[0]).toMatch(/would overwrite the uploaded "instancedWithBatchTable\.i3dm\.derived-0\.b3dm"/);
  });
});
