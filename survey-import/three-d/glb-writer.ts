/**
 * A minimal glTF 2.0 binary (GLB) writer: triangle meshes with positions, optional normals, uint32
 * indices and one PBR material per colour; one node per mesh with a name and `extras` (e.g. the IFC
 * expressID and GlobalId). Enough for extruded buildings, converted IFC elements and b3dm tiles
 * (an optional `_BATCHID` attribute per vertex), and nothing more.
 *
 * Coordinates are glTF's: metres, y up, x east, -z north when the model is placed with an
 * east-north-up frame.
 */
import { writeB3dmTile } from './tile-formats.ts';
import { AppError } from '../../core/errors.ts';

/** A material: base colour RGBA in 0..1. */
export interface GlbMaterial {
  name?: string;
  color: [number, number, number, number];
  doubleSided?: boolean;
}

/** One triangle list with one material. */
export interface GlbPrimitive {
  positions: Float32Array;
  normals?: Float32Array;
  indices: Uint32Array;
  /** Index into `materials`. */
  material: number;
  /** Per-vertex batch id (b3dm), written as the `_BATCHID` attribute. */
  batchIds?: Float32Array;
}

/** A node with its mesh. */
export interface GlbMesh {
  name?: string;
  extras?: Record<string, unknown>;
  primitives: GlbPrimitive[];
}

/** What to write. */
export interface GlbInput {
  meshes: GlbMesh[];
  materials: GlbMaterial[];
  /** Written into `asset.generator`. */
  generator?: string;
  /** Top-level `extras` (e.g. units, source). */
  extras?: Record<string, unknown>;
}

const FLOAT = 5126;
const UINT = 5125;
const ARRAY_BUFFER = 34962;
const ELEMENT_ARRAY_BUFFER = 34963;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Encodes `input` as a GLB file. */
export function writeGlb(input: GlbInput): Uint8Array {
  const chunks: Uint8Array[] = [];
  let byteLength = 0;
  const bufferViews: Record<string, unknown>[] = [];
  const accessors: Record<string, unknown>[] = [];

  const addView = (data: Float32Array | Uint32Array, target: number): number => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    bufferViews.push({ buffer: 0, byteOffset: byteLength, byteLength: bytes.length, target });
    chunks.push(bytes);
    const padded = pad4(bytes.length);
    if (padded > bytes.length) chunks.push(new Uint8Array(padded - bytes.length));
    byteLength += padded;
    return bufferViews.length - 1;
  };
  const addAccessor = (data: Float32Array | Uint32Array, type: 'VEC3' | 'SCALAR', target: number, minMax = false): number => {
    const view = addView(data, target);
    const comps = type === 'VEC3' ? 3 : 1;
    const acc: Record<string, unknown> = { bufferView: view, componentType: data instanceof Float32Array ? FLOAT : UINT, count: data.length / comps, type };
    if (minMax) {
      const min = new Array(comps).fill(Infinity);
      const max = new Array(comps).fill(-Infinity);
      for (let i = 0; i < data.length; i++) {
        const c = i % comps;
        if (data[i] < min[c]) min[c] = data[i];
        if (data[i] > max[c]) max[c] = data[i];
      }
      acc.min = min;
      acc.max = max;
    }
    accessors.push(acc);
    return accessors.length - 1;
  };

  const meshes: Record<string, unknown>[] = [];
  const nodes: Record<string, unknown>[] = [];
  for (const mesh of input.meshes) {
    const primitives = mesh.primitives.filter((p) => p.indices.length > 0 && p.positions.length > 0).map((p) => {
      const attributes: Record<string, number> = { POSITION: addAccessor(p.positions, 'VEC3', ARRAY_BUFFER, true) };
      if (p.normals) attributes.NORMAL = addAccessor(p.normals, 'VEC3', ARRAY_BUFFER);
      if (p.batchIds) attributes._BATCHID = addAccessor(p.batchIds, 'SCALAR', ARRAY_BUFFER);
      return { attributes, indices: addAccessor(p.indices, 'SCALAR', ELEMENT_ARRAY_BUFFER, true), material: p.material, mode: 4 };
    });
    if (primitives.length === 0) continue;
    meshes.push({ ...(mesh.name ? { name: mesh.name } : {}), primitives });
    nodes.push({ ...(mesh.name ? { name: mesh.name } : {}), mesh: meshes.length - 1, ...(mesh.extras ? { extras: mesh.extras } : {}) });
  }

  const json = {
    asset: { version: '2.0', generator: input.generator ?? 'dazhou-carrier-gis glb-writer' },
    ...(input.extras ? { extras: input.extras } : {}),
    scene: 0,
    scenes: [{ nodes: nodes.map((_, i) => i) }],
    nodes,
    meshes,
    materials: input.materials.map((m) => ({
      ...(m.name ? { name: m.name } : {}),
      pbrMetallicRoughness: { baseColorFactor: m.color, metallicFactor: 0, roughnessFactor: 0.9 },
      ...(m.color[3] < 1 ? { alphaMode: 'BLEND' } : {}),
      ...(m.doubleSided ? { doubleSided: true } : {}),
    })),
    accessors,
    bufferViews,
    buffers: [{ byteLength }],
  };
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  let jsonLen = pad4(jsonBytes.length);
  // A multiple of 8 in all, so a b3dm wrapping this GLB keeps the 8-byte alignment 3D Tiles requires
  // (3d-tiles-validator BINARY_INVALID_ALIGNMENT).
  if ((12 + 8 + jsonLen + 8 + byteLength) % 8 !== 0) jsonLen += 4;
  const total = 12 + 8 + jsonLen + 8 + byteLength;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x46546c67, true); // "glTF"
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonLen, true);
  dv.setUint32(16, 0x4e4f534a, true); // "JSON"
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLen);
  let o = 20 + jsonLen;
  dv.setUint32(o, byteLength, true);
  dv.setUint32(o + 4, 0x004e4942, true); // "BIN\0"
  o += 8;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Reads the JSON chunk of a GLB (for tests and for indexing uploaded models). */
export function readGlbJson(glb: Uint8Array): Record<string, unknown> {
  const dv = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (glb.length < 20 || dv.getUint32(0, true) !== 0x46546c67) throw new AppError('bad_request', 'not a GLB file (magic "glTF" missing)');
  if (dv.getUint32(4, true) !== 2) throw new AppError('bad_request', `GLB version ${dv.getUint32(4, true)} is not supported (glTF 2.0 only)`);
  const len = dv.getUint32(12, true);
  if (dv.getUint32(16, true) !== 0x4e4f534a || 20 + len > glb.length) throw new AppError('bad_request', 'GLB JSON chunk is missing or truncated');
  return JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + len)));
}

/**
 * Wraps a GLB as a b3dm tile (3D Tiles 1.0 batched model) with a batch table of per-building
 * properties (arrays of length `batchLength`).
 */
export function writeB3dm(glb: Uint8Array, batchLength: number, batchTable: Record<string, unknown[]>): Uint8Array {
  return writeB3dmTile(glb, { BATCH_LENGTH: batchLength }, batchTable);
}
