import { describe, expect, it } from 'vitest';
import { buildDemoTileset } from './demo-tileset.ts';
import { validateTileset } from '../../survey-import/three-d/tileset-validator.ts';
import { readGlbJson } from '../../survey-import/three-d/glb-writer.ts';

const square = (lon: number, lat: number, d = 0.0003) => ({
  type: 'Polygon' as const,
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});

describe('demo tileset', () => {
  const buildings = [
    { code: 'F1', name: '厂房1', kind: 'factory', status: 'available' as const, heightM: 12, geometry: square(107.5, 31.2) },
    { code: 'F2', name: '厂房2', kind: 'factory', status: 'occupied' as const, heightM: 15, geometry: square(107.502, 31.2) },
    { code: 'O1', name: '写字楼', kind: 'office', status: 'reserved' as const, heightM: 40, geometry: square(107.501, 31.202) },
  ];

  it('is a valid, georeferenced two-level 3D Tiles 1.0 tileset', () => {
    const { files, center } = buildDemoTileset(buildings);
    const report = validateTileset(files);
    expect(report.version).toBe('1.0');
    expect(report.georeferenced).toBe(true);
    expect(report.center![0]).toBeCloseTo(center[0], 4);
    expect(report.center![1]).toBeCloseTo(center[1], 4);
    const json = JSON.parse(new TextDecoder().decode(files.get('tileset.json')));
    expect(json.root.geometricError).toBeGreaterThan(0);
    expect(json.root.children.length).toBeGreaterThanOrEqual(2);
    expect(json.root.children.every((c: { geometricError: number }) => c.geometricError === 0)).toBe(true);
  });

  it('writes b3dm tiles with a batch table and a glTF of one material per status', () => {
    const { files } = buildDemoTileset(buildings);
    const b3dm = files.get('root.b3dm')!;
    const dv = new DataView(b3dm.buffer, b3dm.byteOffset);
    expect(new TextDecoder().decode(b3dm.subarray(0, 4))).toBe('b3dm');
    const ftLen = dv.getUint32(12, true);
    const btLen = dv.getUint32(20, true);
    expect(JSON.parse(new TextDecoder().decode(b3dm.subarray(28, 28 + ftLen)))).toEqual({ BATCH_LENGTH: 3 });
    expect(JSON.parse(new TextDecoder().decode(b3dm.subarray(28 + ftLen, 28 + ftLen + btLen))).code).toEqual(['F1', 'F2', 'O1']);
    const gltf = readGlbJson(b3dm.subarray(28 + ftLen + btLen)) as { materials: { name: string }[]; accessors: { max?: number[] }[] };
    expect(gltf.materials.map((m) => m.name)).toEqual(['available', 'reserved', 'occupied']);
    // glTF y is up: the tallest building reaches 40 m.
    expect(Math.max(...gltf.accessors.filter((a) => a.max?.length === 3).map((a) => a.max![1]))).toBeCloseTo(40, 3);
  });
});
