/**
 * The demo BIM model, authored by our code: a small single-storey standard factory (30 × 18 m,
 * 9 m high) as a GLB whose nodes carry IFC-style element data in `extras` (expressID, GlobalId,
 * IFC type, name, storey, property sets), so it indexes and picks like a converted IFC file.
 */
import { writeGlb, type GlbMesh } from '../../survey-import/three-d/glb-writer.ts';

type Sets = Record<string, Record<string, string | number | boolean>>;

/** An axis-aligned box in tile/ENU metres (x east, y north, z up) as glTF (y up) positions. */
function box(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number) {
  const pos: number[] = [];
  const nrm: number[] = [];
  const idx: number[] = [];
  const face = (corners: number[][], n: number[]) => {
    const base = pos.length / 3;
    for (const [e, nn, u] of corners) {
      pos.push(e, u, -nn);
      nrm.push(n[0], n[2], -n[1]);
    }
    idx.push(base, base + 1, base + 2, base, base + 2, base + 3);
  };
  face([[x0, y0, z0], [x1, y0, z0], [x1, y0, z1], [x0, y0, z1]], [0, -1, 0]);
  face([[x1, y1, z0], [x0, y1, z0], [x0, y1, z1], [x1, y1, z1]], [0, 1, 0]);
  face([[x0, y1, z0], [x0, y0, z0], [x0, y0, z1], [x0, y1, z1]], [-1, 0, 0]);
  face([[x1, y0, z0], [x1, y1, z0], [x1, y1, z1], [x1, y0, z1]], [1, 0, 0]);
  face([[x0, y0, z1], [x1, y0, z1], [x1, y1, z1], [x0, y1, z1]], [0, 0, 1]);
  face([[x0, y1, z0], [x1, y1, z0], [x1, y0, z0], [x0, y0, z0]], [0, 0, -1]);
  return { positions: Float32Array.from(pos), normals: Float32Array.from(nrm), indices: Uint32Array.from(idx) };
}

/** A deterministic 22-character IFC GlobalId for demo element `n`. */
function globalId(n: number): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$';
  let s = '';
  let x = n * 2654435761 + 12345;
  for (let i = 0; i < 22; i++) {
    s += chars[x % 64];
    x = Math.floor(x / 64) + (i + 1) * 7919 * n;
  }
  return s;
}

/** The demo factory as GLB bytes. */
export function buildDemoFactoryGlb(): Uint8Array {
  const W = 30, D = 18, H = 9, T = 0.3;
  const storey = '1F 一层';
  const elements: { type: string; name: string; shape: ReturnType<typeof box>; material: number; sets: Sets }[] = [
    { type: 'IfcSlab', name: '地坪 Ground slab', shape: box(0, 0, -0.3, W, D, 0), material: 0, sets: { Pset_SlabCommon: { LoadBearing: true, IsExternal: false }, Qto_SlabBaseQuantities: { Width: 0.3, GrossArea: W * D } , Dazhou_Carrier: { FloorLoad_kN_m2: 30 } } },
    { type: 'IfcWall', name: '南墙 South wall', shape: box(0, 0, 0, W, T, H), material: 1, sets: { Pset_WallCommon: { IsExternal: true, LoadBearing: true, FireRating: 'REI 120' }, Qto_WallBaseQuantities: { Length: W, Height: H, Width: T } } },
    { type: 'IfcWall', name: '北墙 North wall', shape: box(0, D - T, 0, W, D, H), material: 1, sets: { Pset_WallCommon: { IsExternal: true, LoadBearing: true, FireRating: 'REI 120' }, Qto_WallBaseQuantities: { Length: W, Height: H, Width: T } } },
    { type: 'IfcWall', name: '西墙 West wall', shape: box(0, T, 0, T, D - T, H), material: 1, sets: { Pset_WallCommon: { IsExternal: true, LoadBearing: true }, Qto_WallBaseQuantities: { Length: D, Height: H, Width: T } } },
    { type: 'IfcWall', name: '东墙 East wall', shape: box(W - T, T, 0, W, D - T, H), material: 1, sets: { Pset_WallCommon: { IsExternal: true, LoadBearing: true }, Qto_WallBaseQuantities: { Length: D, Height: H, Width: T } } },
    { type: 'IfcRoof', name: '屋面 Roof', shape: box(-0.3, -0.3, H, W + 0.3, D + 0.3, H + 0.4), material: 2, sets: { Pset_RoofCommon: { IsExternal: true, ThermalTransmittance: 0.45 } } },
    { type: 'IfcDoor', name: '卷帘门 Roller door', shape: box(12, -0.05, 0, 18, T + 0.05, 5), material: 3, sets: { Pset_DoorCommon: { IsExternal: true, FireRating: 'EI 60', HandicapAccessible: true }, Dimensions: { Width_m: 6, Height_m: 5 } } },
    { type: 'IfcWindow', name: '高窗 High window W1', shape: box(3, -0.05, 5.5, 9, T + 0.05, 7.5), material: 4, sets: { Pset_WindowCommon: { IsExternal: true, ThermalTransmittance: 2.2 } } },
    { type: 'IfcWindow', name: '高窗 High window W2', shape: box(21, -0.05, 5.5, 27, T + 0.05, 7.5), material: 4, sets: { Pset_WindowCommon: { IsExternal: true, ThermalTransmittance: 2.2 } } },
  ];
  const meshes: GlbMesh[] = elements.map((e, i) => ({
    name: e.name,
    extras: { expressID: 100 + i, globalId: globalId(i + 1), type: e.type, name: e.name, storey, propertySets: e.sets },
    primitives: [{ ...e.shape, material: e.material }],
  }));
  return writeGlb({
    meshes,
    materials: [
      { name: 'concrete', color: [0.62, 0.62, 0.6, 1] },
      { name: 'cladding', color: [0.82, 0.86, 0.9, 1] },
      { name: 'roof', color: [0.16, 0.34, 0.6, 1] },
      { name: 'door', color: [0.95, 0.55, 0.1, 1] },
      { name: 'glass', color: [0.45, 0.7, 0.9, 1] },
    ],
    generator: 'dazhou-carrier-gis demo-model',
    extras: { source: 'demo', upAxis: 'y', units: 'm' },
  });
}
