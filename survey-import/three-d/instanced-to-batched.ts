/**
 * Bakes the instances of an i3dm (3D Tiles 1.0 instanced model) into a b3dm whose glTF has one
 * node per instance, each carrying the instance's transform and a copy of the model's node tree
 * (meshes, materials, textures and buffers are shared, not copied). deck.gl's Tile3DLayer draws
 * b3dm; its i3dm path draws nothing (README, 3D Tiles).
 *
 * Instance transform, as the 3D Tiles 1.0 i3dm specification and CesiumJS define it, in the
 * tile's z-up frame: `M = T(position) · R · S` where
 * - position: `POSITION` (float32 xyz) or `POSITION_QUANTIZED` (uint16 xyz ·
 *   `QUANTIZED_VOLUME_SCALE` / 65535 + `QUANTIZED_VOLUME_OFFSET`), plus `RTC_CENTER` if present;
 * - R: columns (right, up, right × up) from `NORMAL_RIGHT`/`NORMAL_UP` (or their oct-encoded
 *   `_OCT32P` forms); else the east-north-up frame at the instance's ECEF position when
 *   `EAST_NORTH_UP` is true; else identity;
 * - S: `SCALE` (uniform) times `SCALE_NON_UNIFORM` (xyz).
 * The model's glTF is y-up, and the runtime turns glTF y-up to z-up (`A`, +90° about x) before the
 * instance transform: a vertex v lands at `M · A · v`. The b3dm's glTF is turned by the same `A`
 * after its node matrices `N`, and sits at `RTC_CENTER` C, so `C + A · N · v = M · A · v` gives
 * `N = Aᵀ · T(−C) · M · A`. C is the i3dm's `RTC_CENTER`, or else the mean instance position, so
 * node translations stay small (float32 on the GPU).
 *
 * All instance nodes hang under one root node without a matrix: loaders.gl folds the first root
 * node's matrix into the tile's model matrix when its translation is large.
 *
 * The b3dm has `BATCH_LENGTH` 0: per-instance batch ids cannot live in shared meshes. Each
 * instance node's `extras` keep its index, batch id and the JSON batch-table values of that id.
 * `KHR_techniques_webgl` materials are replaced (`technique-materials.ts`). At most
 * `MAX_BAKED_NODES` nodes (instances × model nodes) are made; beyond, the i3dm is refused.
 */
import { ecefToGeodetic, eastNorthUpToFixedFrame, multiply4 } from './enu.ts';
import { parseGlb, parseModelTile, TileFormatError, writeB3dmTile, writeGlbChunks, type FeatureTable } from './tile-formats.ts';
import { replaceTechniqueMaterials } from './technique-materials.ts';

/** One instance: where it stands (tile frame, metres) and its full transform `M` (column-major). */
export interface Instance {
  index: number;
  batchId: number;
  position: [number, number, number];
  matrix: number[];
}

/** What baking produced. */
export interface BakedInstances {
  /** The b3dm: `RTC_CENTER` = `rtcCenter`, `BATCH_LENGTH` 0, one glTF node per instance. */
  b3dm: Uint8Array;
  instances: Instance[];
  rtcCenter: [number, number, number];
  /** Indices of the materials whose `KHR_techniques_webgl` was replaced by unlit PBR. */
  replacedMaterials: number[];
}

/** Options of `bakeInstances`. */
export interface BakeOptions {
  /**
   * For gltfFormat 0 (the i3dm holds a URI): the bytes of that URI, resolved relative to the i3dm
   * (null when it cannot be found). Without it such an i3dm is refused.
   */
  externalGltf?: (uri: string) => Uint8Array | null;
}

/** glTF y-up → 3D Tiles z-up (+90° about x), column-major. */
const Y_UP_TO_Z_UP = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];
/** Its inverse (= transpose). */
const Z_UP_TO_Y_UP = [1, 0, 0, 0, 0, 0, -1, 0, 0, 1, 0, 0, 0, 0, 0, 1];

const MAX_UINT16 = 65535;
/** Most glTF nodes a baked b3dm may get (instances × the model's nodes): its JSON stays tens of MB at most. */
export const MAX_BAKED_NODES = 200_000;

type Vec3 = [number, number, number];

function normalize(v: number[]): Vec3 {
  const len = Math.hypot(v[0], v[1], v[2]);
  if (!(len > 0)) throw new TileFormatError(`i3dm orientation vector ${JSON.stringify(v)} has no length`);
  return [v[0] / len, v[1] / len, v[2] / len];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Oct-decodes a unit vector stored as two uint16 in 0..65535 ("oct32p"). */
export function octDecode16(x: number, y: number): Vec3 {
  let u = (x / MAX_UINT16) * 2 - 1;
  let v = (y / MAX_UINT16) * 2 - 1;
  const w = 1 - Math.abs(u) - Math.abs(v);
  if (w < 0) {
    const ou = u;
    u = (1 - Math.abs(v)) * (ou >= 0 ? 1 : -1);
    v = (1 - Math.abs(ou)) * (v >= 0 ? 1 : -1);
  }
  return normalize([u, v, w]);
}

/** Column-major 4×4 from a 3×3 basis (columns) scaled per column, and a translation. */
function compose(cols: [Vec3, Vec3, Vec3], scale: Vec3, t: Vec3): number[] {
  const [x, y, z] = cols;
  return [
    x[0] * scale[0], x[1] * scale[0], x[2] * scale[0], 0,
    y[0] * scale[1], y[1] * scale[1], y[2] * scale[1], 0,
    z[0] * scale[2], z[1] * scale[2], z[2] * scale[2], 0,
    t[0], t[1], t[2], 1,
  ];
}

function orientation(ft: FeatureTable, i: number, position: Vec3): [Vec3, Vec3, Vec3] {
  let up: Vec3 | null = null;
  let right: Vec3 | null = null;
  if (ft.has('NORMAL_UP') || ft.has('NORMAL_RIGHT')) {
    const u = ft.read('NORMAL_UP', 'FLOAT', 3, i);
    const r = ft.read('NORMAL_RIGHT', 'FLOAT', 3, i);
    if (!u || !r) throw new TileFormatError('i3dm: NORMAL_UP and NORMAL_RIGHT must be given together');
    up = normalize(u);
    right = normalize(r);
  } else if (ft.has('NORMAL_UP_OCT32P') || ft.has('NORMAL_RIGHT_OCT32P')) {
    const u = ft.read('NORMAL_UP_OCT32P', 'UNSIGNED_SHORT', 2, i);
    const r = ft.read('NORMAL_RIGHT_OCT32P', 'UNSIGNED_SHORT', 2, i);
    if (!u || !r) throw new TileFormatError('i3dm: NORMAL_UP_OCT32P and NORMAL_RIGHT_OCT32P must be given together');
    up = octDecode16(u[0], u[1]);
    right = octDecode16(r[0], r[1]);
  }
  if (up && right) return [right, up, normalize(cross(right, up))];
  if (ft.json.EAST_NORTH_UP === true) {
    const [lon, lat, h] = ecefToGeodetic(...position);
    const m = eastNorthUpToFixedFrame(lon, lat, h);
    return [[m[0], m[1], m[2]], [m[4], m[5], m[6]], [m[8], m[9], m[10]]];
  }
  return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
}

/** Reads every instance of a parsed i3dm feature table. */
export function readInstances(ft: FeatureTable): Instance[] {
  const count = ft.read('INSTANCES_LENGTH', 'UNSIGNED_INT', 1)?.[0];
  if (count === undefined || !Number.isInteger(count) || count < 0) throw new TileFormatError('i3dm: INSTANCES_LENGTH is missing');
  if (count > MAX_BAKED_NODES) throw new TileFormatError(`i3dm: ${count} instances are more than the ${MAX_BAKED_NODES} that can be baked as glTF nodes`);
  const rtc = (ft.read('RTC_CENTER', 'FLOAT', 3) ?? [0, 0, 0]) as Vec3;
  const quantized = !ft.has('POSITION') && ft.has('POSITION_QUANTIZED');
  const qOffset = quantized ? ft.read('QUANTIZED_VOLUME_OFFSET', 'FLOAT', 3) : null;
  const qScale = quantized ? ft.read('QUANTIZED_VOLUME_SCALE', 'FLOAT', 3) : null;
  if (quantized && (!qOffset || !qScale)) throw new TileFormatError('i3dm: POSITION_QUANTIZED needs QUANTIZED_VOLUME_OFFSET and QUANTIZED_VOLUME_SCALE');
  if (!ft.has('POSITION') && !quantized && count > 0) throw new TileFormatError('i3dm: POSITION or POSITION_QUANTIZED is missing');
  const out: Instance[] = [];
  for (let i = 0; i < count; i++) {
    let p: number[];
    if (quantized) {
      const q = ft.read('POSITION_QUANTIZED', 'UNSIGNED_SHORT', 3, i)!;
      p = q.map((v, k) => (v / MAX_UINT16) * qScale![k] + qOffset![k]);
    } else {
      p = ft.read('POSITION', 'FLOAT', 3, i)!;
    }
    const position: Vec3 = [p[0] + rtc[0], p[1] + rtc[1], p[2] + rtc[2]];
    if (!position.every(Number.isFinite)) throw new TileFormatError(`i3dm: instance ${i} has a position that is not finite`);
    const uniform = ft.read('SCALE', 'FLOAT', 1, i)?.[0] ?? 1;
    const nonUniform = ft.read('SCALE_NON_UNIFORM', 'FLOAT', 3, i) ?? [1, 1, 1];
    const scale: Vec3 = [uniform * nonUniform[0], uniform * nonUniform[1], uniform * nonUniform[2]];
    const batchId = ft.read('BATCH_ID', 'UNSIGNED_SHORT', 1, i)?.[0] ?? i;
    out.push({ index: i, batchId, position, matrix: compose(orientation(ft, i, position), scale, position) });
  }
  return out;
}

/** Values of batch id `id` in a JSON batch table (binary-body properties are left out). */
function batchValues(batchTable: Record<string, unknown>, id: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(batchTable)) {
    if (k !== 'extensions' && k !== 'extras' && Array.isArray(v) && id < v.length) out[k] = v[id];
  }
  return out;
}

/** Converts an i3dm to a b3dm with its instances baked as glTF nodes. Throws TileFormatError. */
export function bakeInstances(i3dm: Uint8Array, opts: BakeOptions = {}): BakedInstances {
  const tile = parseModelTile(i3dm);
  if (tile.magic !== 'i3dm') throw new TileFormatError(`expected an i3dm, found ${tile.magic}`);
  let glbBytes = tile.gltf;
  if (tile.gltfFormat === 0) {
    const uri = new TextDecoder().decode(tile.gltf).replace(/[\0\s]+$/, '');
    const external = opts.externalGltf?.(uri) ?? null;
    if (!external) throw new TileFormatError(`i3dm gltfFormat 0 refers to ${JSON.stringify(uri)}, which is not a file of the tileset`);
    glbBytes = external;
  }
  if (glbBytes.length >= 4 && String.fromCharCode(...glbBytes.subarray(0, 4)) !== 'glTF') {
    throw new TileFormatError('the instanced model is a glTF JSON, not a binary glTF (GLB); only GLB models can be baked');
  }
  const glb = parseGlb(glbBytes);
  const json = glb.json;
  const instances = readInstances(tile.featureTable);
  const rtc = tile.featureTable.read('RTC_CENTER', 'FLOAT', 3) as Vec3 | null;
  const center: Vec3 = rtc
    ? [rtc[0], rtc[1], rtc[2]]
    : instances.length
      ? ([0, 1, 2].map((k) => instances.reduce((s, x) => s + x.position[k], 0) / instances.length) as Vec3)
      : [0, 0, 0];

  const nodes: Record<string, any>[] = json.nodes ?? [];
  const sceneIndex = typeof json.scene === 'number' ? json.scene : 0;
  let roots: number[] = json.scenes?.[sceneIndex]?.nodes ?? [];
  if (!json.scenes) {
    const isChild = new Set(nodes.flatMap((n) => n.children ?? []));
    roots = nodes.map((_, i) => i).filter((i) => !isChild.has(i));
  }
  const originalCount = nodes.length;
  const subtreeSize = (i: number, depth: number): number =>
    depth > 64 || !nodes[i] ? 1 : 1 + (nodes[i].children ?? []).reduce((s: number, c: number) => s + subtreeSize(c, depth + 1), 0);
  const perInstance = 1 + roots.reduce((s, r) => s + subtreeSize(r, 0), 0);
  if (instances.length * perInstance > MAX_BAKED_NODES) {
    throw new TileFormatError(`${instances.length} instances of a ${perInstance - 1}-node model would need more than ${MAX_BAKED_NODES} glTF nodes`);
  }
  /** Copies node `i` and its subtree (new indices); meshes and the rest stay shared. */
  const copyTree = (i: number, depth: number): number => {
    if (depth > 64 || !Number.isInteger(i) || i < 0 || i >= originalCount) throw new TileFormatError(`glTF node tree is broken at node ${i}`);
    const { children, ...rest } = nodes[i];
    const copy: Record<string, any> = { ...rest };
    nodes.push(copy);
    const index = nodes.length - 1;
    if (Array.isArray(children) && children.length) copy.children = children.map((c: number) => copyTree(c, depth + 1));
    return index;
  };
  const toCenter = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, -center[0], -center[1], -center[2], 1];
  const instanceNodes = instances.map((inst) => {
    const n = multiply4(Z_UP_TO_Y_UP, multiply4(multiply4(toCenter, inst.matrix), Y_UP_TO_Z_UP));
    nodes.push({
      name: `instance ${inst.index}`,
      matrix: n,
      extras: { instance: inst.index, batchId: inst.batchId, ...batchValues(tile.batchTable, inst.batchId) },
    });
    const index = nodes.length - 1;
    nodes[index].children = roots.map((r) => copyTree(r, 0));
    return index;
  });
  nodes.push({ name: 'i3dm instances', children: instanceNodes });
  json.nodes = nodes;
  json.scenes = [{ nodes: [nodes.length - 1] }];
  json.scene = 0;
  const replacedMaterials = replaceTechniqueMaterials(json);
  const b3dm = writeB3dmTile(writeGlbChunks({ json, bin: glb.bin }), { BATCH_LENGTH: 0, RTC_CENTER: center });
  return { b3dm, instances, rtcCenter: center, replacedMaterials };
}
