import { describe, expect, it } from 'vitest';
import { pickNode, readGlb } from './glb-reader.ts';

/**
 * A GLB made by hand: one triangle mesh used by two nodes — a wall element translated 10 m east
 * and a slab scaled ×2 — with a red material, plus a line primitive the reader must skip.
 */
function makeGlb(): ArrayBuffer {
  // glTF is y-up: the triangle stands in the x–y plane at z = 0 (so, east–up at north 0).
  const positions = new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]);
  const indices = new Uint16Array([0, 1, 2]);
  const bin = new Uint8Array(44); // 36 bytes of positions + 6 of indices, padded to 4
  bin.set(new Uint8Array(positions.buffer), 0);
  bin.set(new Uint8Array(indices.buffer), 36);
  const json = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: [0, 1] }],
    nodes: [
      { name: 'wall', mesh: 0, translation: [10, 0, 0], extras: { expressID: 101 } },
      { name: 'slab', mesh: 0, scale: [2, 2, 2], children: [2] },
      { name: 'edge', mesh: 1 },
    ],
    meshes: [
      { primitives: [{ attributes: { POSITION: 0 }, indices: 1, material: 0 }] },
      { primitives: [{ attributes: { POSITION: 0 }, mode: 1 }] },
    ],
    materials: [{ pbrMetallicRoughness: { baseColorFactor: [1, 0, 0, 1] } }],
    accessors: [
      { bufferView: 0, componentType: 5126, count: 3, type: 'VEC3', min: [0, 0, 0], max: [1, 1, 0] },
      { bufferView: 1, componentType: 5123, count: 3, type: 'SCALAR' },
    ],
    bufferViews: [{ buffer: 0, byteOffset: 0, byteLength: 36 }, { buffer: 0, byteOffset: 36, byteLength: 6 }],
    buffers: [{ byteLength: 44 }],
  };
  let text = JSON.stringify(json);
  while (text.length % 4) text += ' ';
  const jsonBytes = new TextEncoder().encode(text);
  const total = 12 + 8 + jsonBytes.length + 8 + bin.length;
  const out = new ArrayBuffer(total);
  const dv = new DataView(out);
  dv.setUint32(0, 0x46546c67, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonBytes.length, true);
  dv.setUint32(16, 0x4e4f534a, true);
  new Uint8Array(out, 20, jsonBytes.length).set(jsonBytes);
  dv.setUint32(20 + jsonBytes.length, bin.length, true);
  dv.setUint32(24 + jsonBytes.length, 0x004e4942, true);
  new Uint8Array(out, 28 + jsonBytes.length, bin.length).set(bin);
  return out;
}

/** Plain numbers (-0 as 0) of a slice of positions. */
const at = (a: Float32Array, from: number, to: number) => Array.from(a.slice(from, to), (v) => v + 0);

describe('readGlb', () => {
  it('flattens every node with its transform, turning glTF y-up into east-north-up', () => {
    const m = readGlb(makeGlb());
    expect(m.nodes.map((n) => [n.name, n.first, n.count])).toEqual([['wall', 0, 1], ['slab', 1, 1]]);
    // The wall's vertex (0,1,0) + 10 m east → east 10, north 0, up 1.
    expect(at(m.positions, 0, 9)).toEqual([10, 0, 0, 11, 0, 0, 10, 0, 1]);
    // The slab is scaled ×2: its top vertex is 2 m up.
    expect(at(m.positions, 15, 18)).toEqual([0, 0, 2]);
    expect(m.nodes[0]!.extras).toEqual({ expressID: 101 });
    expect(Array.from(m.colors.slice(0, 3))).toEqual([1, 0, 0]);
    expect(m.skipped).toBe(1); // the line primitive
  });

  it('turns the model clockwise by its heading: at 90° east becomes south', () => {
    const m = readGlb(makeGlb(), 90);
    const [e, n, u] = Array.from(m.positions.slice(3, 6)); // wall vertex 11 m east
    expect(e).toBeCloseTo(0, 6);
    expect(n).toBeCloseTo(-11, 6);
    expect(u).toBeCloseTo(0, 6);
  });

  it('refuses bytes that are not a GLB', () => {
    expect(() => readGlb(new TextEncoder().encode('{"asset":{}}   ').buffer)).toThrow('not a GLB');
  });
});

describe('pickNode', () => {
  it('finds the element a ray from the south hits first, and nothing beside it', () => {
    const m = readGlb(makeGlb());
    // Looking north at (east 10.2, up 0.2): the wall's triangle, 5 m away.
    expect(pickNode(m, [10.2, -5, 0.2], [0, 1, 0])).toEqual({ node: 0, distance: 5 });
    // At east 0.5, up 0.5 only the slab (scaled ×2) is there.
    expect(pickNode(m, [0.5, -5, 0.5], [0, 1, 0])?.node).toBe(1);
    expect(pickNode(m, [5, -5, 0.5], [0, 1, 0])).toBeNull();
  });
});
