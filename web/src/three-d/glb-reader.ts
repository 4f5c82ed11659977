/**
 * A small GLB reader for BIM models: flattens every triangle primitive of the default scene into one
 * mesh (node transforms applied, glTF y-up turned into east-north-up and rotated by the model's
 * heading), with per-vertex colours from the materials and, per node, the range of triangles it
 * owns, so a click can be traced back to an element. Draco/quantized primitives are skipped.
 */

/** The flattened model. */
export interface FlatModel {
  /** x east, y north, z up, metres from the model origin. */
  positions: Float32Array;
  normals: Float32Array;
  /** RGB 0..1 per vertex. */
  colors: Float32Array;
  indices: Uint32Array;
  /** Triangles [first, first + count) of each glTF node that has a mesh. */
  nodes: { node: number; first: number; count: number; extras: Record<string, unknown>; name: string | null; min: number[]; max: number[] }[];
  skipped: number;
}

type Json = Record<string, any>;
const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT4: 16 };

function mul(a: number[], b: number[]): number[] {
  const o = new Array<number>(16).fill(0);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) o[c * 4 + r] += a[k * 4 + r] * b[c * 4 + k];
  return o;
}

function localMatrix(n: Json): number[] {
  if (Array.isArray(n.matrix)) return n.matrix;
  const [tx, ty, tz] = n.translation ?? [0, 0, 0];
  const [qx, qy, qz, qw] = n.rotation ?? [0, 0, 0, 1];
  const [sx, sy, sz] = n.scale ?? [1, 1, 1];
  return [
    (1 - 2 * (qy * qy + qz * qz)) * sx, 2 * (qx * qy + qz * qw) * sx, 2 * (qx * qz - qy * qw) * sx, 0,
    2 * (qx * qy - qz * qw) * sy, (1 - 2 * (qx * qx + qz * qz)) * sy, 2 * (qy * qz + qx * qw) * sy, 0,
    2 * (qx * qz + qy * qw) * sz, 2 * (qy * qz - qx * qw) * sz, (1 - 2 * (qx * qx + qy * qy)) * sz, 0,
    tx, ty, tz, 1,
  ];
}

/** Parses a GLB and flattens it; `headingDeg` turns the model clockwise from north. */
export function readGlb(buffer: ArrayBuffer, headingDeg = 0): FlatModel {
  const dv = new DataView(buffer);
  if (dv.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB file');
  const jsonLen = dv.getUint32(12, true);
  const json: Json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 20, jsonLen)));
  let bin: Uint8Array | null = null;
  const binStart = 20 + jsonLen;
  if (binStart + 8 <= buffer.byteLength) bin = new Uint8Array(buffer, binStart + 8, dv.getUint32(binStart, true));

  const read = (accIndex: number): { data: Float32Array | Uint32Array; size: number } | null => {
    const acc = json.accessors?.[accIndex];
    if (!acc || acc.bufferView === undefined || acc.sparse || !bin) return null;
    const view = json.bufferViews[acc.bufferView];
    const size = COMPONENTS[acc.type];
    const compBytes = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 }[acc.componentType as number];
    if (!compBytes || !size) return null;
    const stride = view.byteStride || compBytes * size;
    const base = bin.byteOffset + (view.byteOffset ?? 0) + (acc.byteOffset ?? 0);
    const src = new DataView(bin.buffer);
    const isFloat = acc.componentType === 5126;
    const out = isFloat ? new Float32Array(acc.count * size) : new Uint32Array(acc.count * size);
    for (let i = 0; i < acc.count; i++) {
      for (let c = 0; c < size; c++) {
        const o = base + i * stride + c * compBytes;
        out[i * size + c] = isFloat ? src.getFloat32(o, true)
          : compBytes === 4 ? src.getUint32(o, true) : compBytes === 2 ? src.getUint16(o, true) : src.getUint8(o);
      }
    }
    return { data: out, size };
  };

  const h = (-headingDeg * Math.PI) / 180;
  const cos = Math.cos(h), sin = Math.sin(h);
  const positions: number[] = [];
  const normals: number[] = [];
  const colors: number[] = [];
  const indices: number[] = [];
  const nodes: FlatModel['nodes'] = [];
  let skipped = 0;

  const visit = (ni: number, parent: number[]) => {
    const node: Json = json.nodes[ni];
    const m = mul(parent, localMatrix(node));
    if (node.mesh !== undefined) {
      const first = indices.length / 3;
      const min = [Infinity, Infinity, Infinity];
      const max = [-Infinity, -Infinity, -Infinity];
      for (const prim of json.meshes[node.mesh].primitives as Json[]) {
        if ((prim.mode ?? 4) !== 4 || prim.extensions?.KHR_draco_mesh_compression) {
          skipped++;
          continue;
        }
        const pos = read(prim.attributes.POSITION);
        if (!pos || !(pos.data instanceof Float32Array)) {
          skipped++;
          continue;
        }
        const nrm = prim.attributes.NORMAL !== undefined ? read(prim.attributes.NORMAL) : null;
        const idx = prim.indices !== undefined ? read(prim.indices) : null;
        const color = json.materials?.[prim.material]?.pbrMetallicRoughness?.baseColorFactor ?? [0.8, 0.8, 0.8, 1];
        const baseVertex = positions.length / 3;
        const n = pos.data.length / 3;
        for (let i = 0; i < n; i++) {
          const x = pos.data[i * 3], y = pos.data[i * 3 + 1], z = pos.data[i * 3 + 2];
          // glTF world (y up) → east, north, up; then heading.
          const gx = m[0] * x + m[4] * y + m[8] * z + m[12];
          const gy = m[1] * x + m[5] * y + m[9] * z + m[13];
          const gz = m[2] * x + m[6] * y + m[10] * z + m[14];
          const e = gx, nn = -gz, u = gy;
          const E = e * cos - nn * sin, N = e * sin + nn * cos;
          positions.push(E, N, u);
          if (E < min[0]) min[0] = E;
          if (N < min[1]) min[1] = N;
          if (u < min[2]) min[2] = u;
          if (E > max[0]) max[0] = E;
          if (N > max[1]) max[1] = N;
          if (u > max[2]) max[2] = u;
          if (nrm) {
            const a = nrm.data[i * 3], b = nrm.data[i * 3 + 1], c = nrm.data[i * 3 + 2];
            const wx = m[0] * a + m[4] * b + m[8] * c, wy = m[1] * a + m[5] * b + m[9] * c, wz = m[2] * a + m[6] * b + m[10] * c;
            const ne = wx, nn2 = -wz;
            normals.push(ne * cos - nn2 * sin, ne * sin + nn2 * cos, wy);
          } else normals.push(0, 0, 1);
          colors.push(color[0], color[1], color[2]);
        }
        if (idx) for (let i = 0; i < idx.data.length; i++) indices.push(baseVertex + idx.data[i]);
        else for (let i = 0; i < n; i++) indices.push(baseVertex + i);
      }
      const count = indices.length / 3 - first;
      if (count > 0) nodes.push({ node: ni, first, count, extras: node.extras ?? {}, name: node.name ?? null, min, max });
    }
    for (const c of node.children ?? []) visit(c, m);
  };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const scene = json.scenes?.[json.scene ?? 0];
  const roots: number[] = scene?.nodes ?? (json.nodes ?? []).map((_: unknown, i: number) => i);
  for (const r of roots) visit(r, identity);
  return {
    positions: Float32Array.from(positions), normals: Float32Array.from(normals), colors: Float32Array.from(colors),
    indices: Uint32Array.from(indices), nodes, skipped,
  };
}

/**
 * The node whose triangle the ray (origin `o`, direction `d`, model metres) hits first, or null.
 * Möller–Trumbore against every triangle of the nodes whose bounding box the ray crosses.
 */
export function pickNode(model: FlatModel, o: number[], d: number[]): { node: number; distance: number } | null {
  let best: { node: number; distance: number } | null = null;
  const p = model.positions;
  for (const n of model.nodes) {
    if (!rayHitsBox(o, d, n.min, n.max)) continue;
    for (let t = n.first; t < n.first + n.count; t++) {
      const i0 = model.indices[t * 3] * 3, i1 = model.indices[t * 3 + 1] * 3, i2 = model.indices[t * 3 + 2] * 3;
      const e1 = [p[i1] - p[i0], p[i1 + 1] - p[i0 + 1], p[i1 + 2] - p[i0 + 2]];
      const e2 = [p[i2] - p[i0], p[i2 + 1] - p[i0 + 1], p[i2 + 2] - p[i0 + 2]];
      const pv = [d[1] * e2[2] - d[2] * e2[1], d[2] * e2[0] - d[0] * e2[2], d[0] * e2[1] - d[1] * e2[0]];
      const det = e1[0] * pv[0] + e1[1] * pv[1] + e1[2] * pv[2];
      if (Math.abs(det) < 1e-12) continue;
      const inv = 1 / det;
      const tv = [o[0] - p[i0], o[1] - p[i0 + 1], o[2] - p[i0 + 2]];
      const u = (tv[0] * pv[0] + tv[1] * pv[1] + tv[2] * pv[2]) * inv;
      if (u < 0 || u > 1) continue;
      const qv = [tv[1] * e1[2] - tv[2] * e1[1], tv[2] * e1[0] - tv[0] * e1[2], tv[0] * e1[1] - tv[1] * e1[0]];
      const v = (d[0] * qv[0] + d[1] * qv[1] + d[2] * qv[2]) * inv;
      if (v < 0 || u + v > 1) continue;
      const dist = (e2[0] * qv[0] + e2[1] * qv[1] + e2[2] * qv[2]) * inv;
      if (dist > 0 && (!best || dist < best.distance)) best = { node: n.node, distance: dist };
    }
  }
  return best;
}

function rayHitsBox(o: number[], d: number[], min: number[], max: number[]): boolean {
  let t0 = -Infinity, t1 = Infinity;
  for (let k = 0; k < 3; k++) {
    if (Math.abs(d[k]) < 1e-15) {
      if (o[k] < min[k] - 1e-6 || o[k] > max[k] + 1e-6) return false;
      continue;
    }
    const a = (min[k] - o[k]) / d[k], b = (max[k] - o[k]) / d[k];
    t0 = Math.max(t0, Math.min(a, b));
    t1 = Math.min(t1, Math.max(a, b));
  }
  return t1 >= Math.max(t0, 0);
}
