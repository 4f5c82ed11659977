import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, hasFixtures } from '../../test/fixtures.ts';
import { bakeInstances, octDecode16 } from './instanced-to-batched.ts';
import { multiply4 } from './enu.ts';
import { magicOf, parseGlb, parseModelTile, splitCompositeTiles } from './tile-formats.ts';

const read = (p: string) => new Uint8Array(fs.readFileSync(fixture(`tiles3d/1.0/${p}`)));

/** Instance positions straight from an i3dm's bytes: float32 POSITION (+ RTC_CENTER), no parser of ours. */
function rawPositions(i3dm: Uint8Array): number[][] {
  const dv = new DataView(i3dm.buffer, i3dm.byteOffset, i3dm.byteLength);
  const ftJson = JSON.parse(new TextDecoder().decode(i3dm.subarray(32, 32 + dv.getUint32(12, true))));
  const body = 32 + dv.getUint32(12, true) + ftJson.POSITION.byteOffset;
  const rtc = ftJson.RTC_CENTER ?? [0, 0, 0];
  return Array.from({ length: ftJson.INSTANCES_LENGTH }, (_, i) => [0, 1, 2].map((k) => dv.getFloat32(body + (i * 3 + k) * 4, true) + rtc[k]));
}

/** Where glTF point `v` of an instance node lands in the tile frame: RTC_CENTER + (y-up → z-up) · N · v. */
function placeInTile(rtc: number[], node: number[], v: number[]): number[] {
  const yUpToZUp = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];
  const m = multiply4(yUpToZUp, node);
  return [0, 1, 2].map((r) => rtc[r] + m[r] * v[0] + m[4 + r] * v[1] + m[8 + r] * v[2] + m[12 + r]);
}

function instanceNodes(b3dm: Uint8Array) {
  const tile = parseModelTile(b3dm);
  const { json } = parseGlb(tile.gltf);
  const root = json.nodes[json.scenes[json.scene].nodes[0]];
  return { tile, json, root, nodes: (root.children as number[]).map((i) => json.nodes[i]) };
}

describe.runIf(hasFixtures())('baking i3dm instances into a b3dm', () => {
  it('makes one glTF node per instance, each within a millimetre of its i3dm position', () => {
    const i3dm = read('InstancedWithBatchTable/instancedWithBatchTable.i3dm');
    const baked = bakeInstances(i3dm);
    expect(magicOf(baked.b3dm)).toBe('b3dm');
    const { tile, root, nodes } = instanceNodes(baked.b3dm);
    expect(tile.featureTable.json).toEqual({ BATCH_LENGTH: 0, RTC_CENTER: baked.rtcCenter });
    expect(root.matrix).toBeUndefined();
    expect(nodes).toHaveLength(25);
    const expected = rawPositions(i3dm);
    nodes.forEach((node, i) => {
      const at = placeInTile(baked.rtcCenter, node.matrix, [0, 0, 0]);
      for (let k = 0; k < 3; k++) expect(Math.abs(at[k] - expected[i][k])).toBeLessThan(0.001);
      expect(node.extras).toEqual({ instance: i, batchId: i, Height: 20 });
    });
  });

  it('stands every instance up along its east-north-up frame (EAST_NORTH_UP)', () => {
    const baked = bakeInstances(read('InstancedWithBatchTable/instancedWithBatchTable.i3dm'));
    const { nodes } = instanceNodes(baked.b3dm);
    for (const node of nodes) {
      const base = placeInTile(baked.rtcCenter, node.matrix, [0, 0, 0]);
      // glTF +y (up in the model) must point along the ellipsoid normal at the instance: geodetic up.
      const top = placeInTile(baked.rtcCenter, node.matrix, [0, 1, 0]);
      const up = top.map((v, k) => v - base[k]);
      const lon = Math.atan2(base[1], base[0]);
      expect(Math.hypot(...up)).toBeCloseTo(1, 9);
      // East is perpendicular to up, and up leans towards the pole by the latitude (~40° N here).
      expect(up[0] * -Math.sin(lon) + up[1] * Math.cos(lon)).toBeCloseTo(0, 9);
      expect(up[2]).toBeCloseTo(Math.sin((40.04 * Math.PI) / 180), 3);
    }
  });

  it('shares the model: meshes are referenced by every instance, not copied', () => {
    const i3dm = read('TilesetWithTreeBillboards/tree.i3dm');
    const original = parseGlb(parseModelTile(i3dm).gltf).json;
    const { json, nodes } = instanceNodes(bakeInstances(i3dm).b3dm);
    expect(json.meshes).toHaveLength(original.meshes.length);
    expect(json.buffers).toEqual(original.buffers);
    // tree.glb's scene is a z-up → y-up node over the mesh node: each instance gets its own copy of that tree.
    const copies = nodes.map((n) => json.nodes[n.children[0]]);
    expect(new Set(nodes.map((n) => n.children[0])).size).toBe(25);
    for (const c of copies) expect(c.matrix).toEqual(original.nodes[0].matrix);
  });

  it('replaces the KHR_techniques_webgl billboard material with unlit PBR and its diffuse texture', () => {
    const baked = bakeInstances(read('TilesetWithTreeBillboards/tree_billboard.i3dm'));
    expect(baked.replacedMaterials).toEqual([0]);
    const { json, nodes } = instanceNodes(baked.b3dm);
    expect(nodes).toHaveLength(25);
    expect(JSON.stringify(json)).not.toContain('KHR_techniques_webgl');
    expect(json.extensionsUsed).toEqual(['KHR_materials_unlit']);
    expect(json.materials[0]).toMatchObject({
      alphaMode: 'BLEND', doubleSided: true,
      pbrMetallicRoughness: { baseColorTexture: { index: 0 }, baseColorFactor: [1, 1, 1, 1] },
      extensions: { KHR_materials_unlit: {} },
    });
  });

  it('bakes the i3dm inside the Composite sample like the stand-alone one', () => {
    const inner = splitCompositeTiles(read('Composite/composite.cmpt'));
    expect(inner.map(magicOf)).toEqual(['b3dm', 'i3dm']);
    expect(bakeInstances(inner[1]).b3dm).toEqual(bakeInstances(read('InstancedWithBatchTable/instancedWithBatchTable.i3dm')).b3dm);
  });

  it('refuses an i3dm whose glTF is an external URI that is not in the tileset', () => {
    const i3dm = read('InstancedWithBatchTable/instancedWithBatchTable.i3dm');
    const { gltf } = parseModelTile(i3dm);
    const start = gltf.byteOffset - i3dm.byteOffset;
    const uri = new TextEncoder().encode('models/box.glb');
    const external = new Uint8Array(start + 16).fill(0x20);
    external.set(i3dm.subarray(0, start));
    external.set(uri, start);
    const dv = new DataView(external.buffer);
    dv.setUint32(8, external.length, true);
    dv.setUint32(28, 0, true);
    expect(() => bakeInstances(external)).toThrow(/gltfFormat 0 refers to "models\/box.glb", which is not a file of the tileset/);
    // Found in the tileset, it bakes as the embedded one does.
    const baked = bakeInstances(external, { externalGltf: (u) => (u === 'models/box.glb' ? gltf : null) });
    expect(instanceNodes(baked.b3dm).nodes).toHaveLength(25);
  });
});

/** An i3dm with the given feature table (JSON, empty body), no batch table and an embedded glTF. */
function i3dmWith(featureTable: Record<string, unknown>, glb: Uint8Array): Uint8Array {
  let json = JSON.stringify(featureTable);
  while ((32 + json.length) % 8) json += ' ';
  const out = new Uint8Array(32 + json.length + glb.length);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode('i3dm'), 0);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, out.length, true);
  dv.setUint32(12, json.length, true);
  dv.setUint32(28, 1, true);
  out.set(new TextEncoder().encode(json), 32);
  out.set(glb, 32 + json.length);
  return out;
}

describe.runIf(hasFixtures())('limits', () => {
  it('refuses to bake more instances than glTF nodes it allows, naming the count', () => {
    const { gltf } = parseModelTile(read('InstancedWithBatchTable/instancedWithBatchTable.i3dm'));
    const huge = i3dmWith({ INSTANCES_LENGTH: 300_000, POSITION: { byteOffset: 0 } }, gltf);
    expect(() => bakeInstances(huge)).toThrow(/300000 instances are more than the 200000/);
  });

  it('bakes an i3dm without instances into an empty tile', () => {
    const { gltf } = parseModelTile(read('InstancedWithBatchTable/instancedWithBatchTable.i3dm'));
    const baked = bakeInstances(i3dmWith({ INSTANCES_LENGTH: 0 }, gltf));
    expect(instanceNodes(baked.b3dm).nodes).toHaveLength(0);
  });
});

describe('oct-encoded normals', () => {
  it('decodes the axes', () => {
    const axis = (x: number, y: number) => octDecode16(x, y).map((v) => Math.round(v) + 0);
    expect(axis(65535, 32767.5)).toEqual([1, 0, 0]);
    expect(axis(32767.5, 65535)).toEqual([0, 1, 0]);
    expect(axis(32767.5, 32767.5)).toEqual([0, 0, 1]);
    expect(axis(0, 0)).toEqual([0, 0, -1]);
  });
});
