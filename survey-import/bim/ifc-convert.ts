/**
 * IFC → GLB + element property index, with web-ifc (the only file that touches it).
 *
 * Geometry: every element web-ifc meshes becomes one glTF node (`extras.expressID`, `GlobalId`,
 * `type`), its placed geometries baked into world coordinates (web-ifc's: metres after the unit
 * scale, y up), one material per colour. Coordinates far from the origin (projects with survey
 * offsets) are recentred and the offset reported in `extras.offset`.
 *
 * Properties: elements are the products contained in a storey (IfcRelContainedInSpatialStructure)
 * or aggregated below one (IfcRelAggregates: spaces, stair flights…), plus any meshed product; each
 * gets its IFC type, Name, storey and property sets / quantity sets (IfcRelDefinesByProperties,
 * and those of its type object) resolved to plain values.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as WebIFC from 'web-ifc';
import { writeGlb, type GlbMaterial, type GlbMesh } from '../three-d/glb-writer.ts';
import { AppError } from '../../core/errors.ts';

/** One element of the property index. */
export interface IfcElement {
  expressID: number;
  globalId: string | null;
  /** IFC class, e.g. "IfcWallStandardCase". */
  type: string;
  name: string | null;
  /** Name of the storey it belongs to, or null. */
  storey: string | null;
  /** Property and quantity sets: set name → property name → value. */
  propertySets: Record<string, Record<string, string | number | boolean | null>>;
  /** Index of its node in the GLB, or null when it has no geometry. */
  node: number | null;
}

/** The element property index of a model (`propertiesUrl`). */
export interface PropertyIndex {
  schema: string | null;
  project: string | null;
  storeys: { expressID: number; name: string | null; elevation: number | null }[];
  /** Number of elements per IFC class. */
  counts: Record<string, number>;
  elements: IfcElement[];
}

/** Result of a conversion. */
export interface IfcConversion {
  glb: Uint8Array;
  index: PropertyIndex;
  schema: string | null;
  warnings: string[];
}

/** Beyond this distance (m) from the origin, geometry is recentred to keep float32 precision. */
const RECENTER_BEYOND_M = 10_000;

let apiPromise: Promise<WebIFC.IfcAPI> | null = null;

/** One initialised web-ifc API per process (the WASM module loads once). */
function ifcApi(): Promise<WebIFC.IfcAPI> {
  if (!apiPromise) {
    apiPromise = (async () => {
      const api = new WebIFC.IfcAPI();
      const dir = path.dirname(createRequire(import.meta.url).resolve('web-ifc'));
      api.SetWasmPath(dir + path.sep, true);
      await api.Init();
      return api;
    })();
    apiPromise.catch(() => (apiPromise = null));
  }
  return apiPromise;
}

type Line = Record<string, unknown> & { expressID: number; type: number };

function val(v: unknown): unknown {
  if (v && typeof v === 'object' && 'value' in (v as Record<string, unknown>)) return (v as { value: unknown }).value;
  return v ?? null;
}
function text(v: unknown): string | null {
  const x = val(v);
  return x === null || x === undefined || x === '' ? null : String(x);
}
function refs(v: unknown): number[] {
  if (!Array.isArray(v)) return v && typeof v === 'object' && 'value' in v ? [Number((v as { value: unknown }).value)] : [];
  return v.map((r) => Number(val(r)));
}
function plainValue(v: unknown): string | number | boolean | null {
  const x = val(v);
  if (x === null || x === undefined) return null;
  if (typeof x === 'number' || typeof x === 'boolean') return x;
  const s = String(x);
  if (s === 'T' || s === '.T.') return true;
  if (s === 'F' || s === '.F.') return false;
  return s;
}

/** Converts IFC bytes to a GLB and a property index. Throws when web-ifc cannot read the file. */
export async function convertIfc(bytes: Uint8Array): Promise<IfcConversion> {
  const api = await ifcApi();
  const warnings: string[] = [];
  const modelID = api.OpenModel(bytes, { COORDINATE_TO_ORIGIN: false });
  if (modelID < 0) throw new AppError('bad_request', 'web-ifc could not open the file');
  try {
    const schema = api.GetModelSchema(modelID) ?? null;
    const line = (id: number): Line | null => {
      try {
        return api.GetLine(modelID, id, false) as Line;
      } catch {
        return null;
      }
    };
    const ids = (type: number): number[] => {
      const v = api.GetLineIDsWithType(modelID, type);
      const out: number[] = [];
      for (let i = 0; i < v.size(); i++) out.push(v.get(i));
      return out;
    };
    const typeName = (id: number) => api.GetNameFromTypeCode(api.GetLineType(modelID, id));

    // Spatial structure: storeys, and which storey each element belongs to.
    const storeys = ids(WebIFC.IFCBUILDINGSTOREY).map((id) => {
      const l = line(id);
      const e = val(l?.Elevation);
      return { expressID: id, name: text(l?.Name), elevation: typeof e === 'number' ? e : null };
    });
    const storeyName = new Map(storeys.map((s) => [s.expressID, s.name ?? `#${s.expressID}`]));
    const storeyOf = new Map<number, number>();
    const aggregates = new Map<number, number[]>();
    for (const id of ids(WebIFC.IFCRELAGGREGATES)) {
      const l = line(id);
      if (!l) continue;
      const parent = refs(l.RelatingObject)[0];
      aggregates.set(parent, [...(aggregates.get(parent) ?? []), ...refs(l.RelatedObjects)]);
    }
    const assign = (el: number, storey: number, depth = 0) => {
      if (storeyOf.has(el) || depth > 16) return;
      storeyOf.set(el, storey);
      for (const c of aggregates.get(el) ?? []) assign(c, storey, depth + 1);
    };
    for (const id of ids(WebIFC.IFCRELCONTAINEDINSPATIALSTRUCTURE)) {
      const l = line(id);
      if (!l) continue;
      const structure = refs(l.RelatingStructure)[0];
      for (const el of refs(l.RelatedElements)) assign(el, storeyName.has(structure) ? structure : storeyOf.get(structure) ?? -1);
    }
    for (const s of storeys) for (const c of aggregates.get(s.expressID) ?? []) assign(c, s.expressID);

    // Property definitions per object (instance psets, then type psets).
    const psetsOf = new Map<number, number[]>();
    for (const id of ids(WebIFC.IFCRELDEFINESBYPROPERTIES)) {
      const l = line(id);
      if (!l) continue;
      const def = refs(l.RelatingPropertyDefinition);
      for (const o of refs(l.RelatedObjects)) psetsOf.set(o, [...(psetsOf.get(o) ?? []), ...def]);
    }
    const typeOf = new Map<number, number>();
    for (const id of ids(WebIFC.IFCRELDEFINESBYTYPE)) {
      const l = line(id);
      if (!l) continue;
      const t = refs(l.RelatingType)[0];
      for (const o of refs(l.RelatedObjects)) typeOf.set(o, t);
    }
    const psetCache = new Map<number, [string, Record<string, string | number | boolean | null>] | null>();
    const readPset = (id: number) => {
      if (psetCache.has(id)) return psetCache.get(id)!;
      const l = line(id);
      let out: [string, Record<string, string | number | boolean | null>] | null = null;
      if (l) {
        const props: Record<string, string | number | boolean | null> = {};
        for (const pid of [...refs(l.HasProperties), ...refs(l.Quantities)]) {
          const p = line(pid);
          if (!p) continue;
          const name = text(p.Name) ?? `#${pid}`;
          const value = p.NominalValue ?? p.LengthValue ?? p.AreaValue ?? p.VolumeValue ?? p.CountValue ?? p.WeightValue ?? p.TimeValue;
          if (value !== undefined) props[name] = plainValue(value);
          else if (p.EnumerationValues !== undefined) props[name] = refs(p.EnumerationValues).length ? null : (Array.isArray(p.EnumerationValues) ? (p.EnumerationValues as unknown[]).map((v) => String(val(v))).join(', ') : null);
        }
        out = [text(l.Name) ?? `#${id}`, props];
      }
      psetCache.set(id, out);
      return out;
    };
    const propertySetsOf = (id: number) => {
      const sets: IfcElement['propertySets'] = {};
      const t = typeOf.get(id);
      const typeLine = t !== undefined ? line(t) : null;
      const typePsets = typeLine ? refs(typeLine.HasPropertySets) : [];
      for (const pid of [...typePsets, ...(psetsOf.get(id) ?? [])]) {
        const ps = readPset(pid);
        if (ps) sets[ps[0]] = { ...(sets[ps[0]] ?? {}), ...ps[1] };
      }
      return sets;
    };

    // Geometry, one node per meshed element.
    const materials: GlbMaterial[] = [];
    const materialIndex = new Map<string, number>();
    const meshes: GlbMesh[] = [];
    const nodeOf = new Map<number, number>();
    let min = [Infinity, Infinity, Infinity];
    let max = [-Infinity, -Infinity, -Infinity];
    const raw: { expressID: number; prims: { pos: Float32Array; nrm: Float32Array; idx: Uint32Array; mat: number }[] }[] = [];
    const worldPos: Float64Array[] = [];
    api.StreamAllMeshes(modelID, (mesh) => {
      const prims: { pos: Float32Array; nrm: Float32Array; idx: Uint32Array; mat: number }[] = [];
      for (let g = 0; g < mesh.geometries.size(); g++) {
        const pg = mesh.geometries.get(g);
        const geom = api.GetGeometry(modelID, pg.geometryExpressID);
        const verts = api.GetVertexArray(geom.GetVertexData(), geom.GetVertexDataSize());
        const index = api.GetIndexArray(geom.GetIndexData(), geom.GetIndexDataSize());
        const m = pg.flatTransformation;
        const n = verts.length / 6;
        const posW = new Float64Array(n * 3);
        const nrm = new Float32Array(n * 3);
        for (let i = 0; i < n; i++) {
          const x = verts[i * 6], y = verts[i * 6 + 1], z = verts[i * 6 + 2];
          const nx = verts[i * 6 + 3], ny = verts[i * 6 + 4], nz = verts[i * 6 + 5];
          posW[i * 3] = m[0] * x + m[4] * y + m[8] * z + m[12];
          posW[i * 3 + 1] = m[1] * x + m[5] * y + m[9] * z + m[13];
          posW[i * 3 + 2] = m[2] * x + m[6] * y + m[10] * z + m[14];
          const tx = m[0] * nx + m[4] * ny + m[8] * nz, ty = m[1] * nx + m[5] * ny + m[9] * nz, tz = m[2] * nx + m[6] * ny + m[10] * nz;
          const len = Math.hypot(tx, ty, tz) || 1;
          nrm[i * 3] = tx / len;
          nrm[i * 3 + 1] = ty / len;
          nrm[i * 3 + 2] = tz / len;
          for (let k = 0; k < 3; k++) {
            const v = posW[i * 3 + k];
            if (v < min[k]) min[k] = v;
            if (v > max[k]) max[k] = v;
          }
        }
        geom.delete();
        const c = pg.color;
        const key = [c.x, c.y, c.z, c.w].map((v) => v.toFixed(3)).join(',');
        let mat = materialIndex.get(key);
        if (mat === undefined) {
          mat = materials.length;
          materials.push({ color: [c.x, c.y, c.z, c.w], doubleSided: true });
          materialIndex.set(key, mat);
        }
        worldPos.push(posW);
        prims.push({ pos: new Float32Array(0), nrm, idx: Uint32Array.from(index), mat });
      }
      raw.push({ expressID: mesh.expressID, prims });
    });
    if (!Number.isFinite(min[0])) {
      min = [0, 0, 0];
      max = [0, 0, 0];
    }
    // Recentre horizontally only when far out; keep y (up) so the ground stays at 0.
    const far = Math.max(...min.map(Math.abs), ...max.map(Math.abs)) > RECENTER_BEYOND_M;
    const offset = far ? [(min[0] + max[0]) / 2, 0, (min[2] + max[2]) / 2] : [0, 0, 0];
    if (far) warnings.push(`model coordinates lie ${Math.round(Math.hypot(offset[0], offset[2]))} m from the origin; recentred (offset in extras.offset)`);
    let wp = 0;
    for (const r of raw) {
      for (const p of r.prims) {
        const w = worldPos[wp++];
        p.pos = new Float32Array(w.length);
        for (let i = 0; i < w.length; i++) p.pos[i] = w[i] - offset[i % 3];
      }
      const l = line(r.expressID);
      nodeOf.set(r.expressID, meshes.length);
      meshes.push({
        name: text(l?.GlobalId) ?? `#${r.expressID}`,
        extras: { expressID: r.expressID, globalId: text(l?.GlobalId), type: typeName(r.expressID), name: text(l?.Name) },
        primitives: r.prims.map((p) => ({ positions: p.pos, normals: p.nrm, indices: p.idx, material: p.mat })),
      });
    }

    const elementIds = new Set<number>([...storeyOf.keys(), ...nodeOf.keys()]);
    for (const s of storeys) elementIds.delete(s.expressID);
    const elements: IfcElement[] = [];
    const counts: Record<string, number> = {};
    for (const id of [...elementIds].sort((a, b) => a - b)) {
      const l = line(id);
      if (!l) continue;
      const type = typeName(id);
      if (/^Ifc(Site|Building|Project)$/.test(type)) continue;
      counts[type] = (counts[type] ?? 0) + 1;
      const st = storeyOf.get(id);
      elements.push({
        expressID: id, globalId: text(l.GlobalId), type, name: text(l.Name),
        storey: st !== undefined && storeyName.has(st) ? storeyName.get(st)! : null,
        propertySets: propertySetsOf(id), node: nodeOf.get(id) ?? null,
      });
    }
    const project = ids(WebIFC.IFCPROJECT).map((id) => text(line(id)?.Name))[0] ?? null;
    const glb = writeGlb({
      meshes, materials, generator: `dazhou-carrier-gis ifc-convert (web-ifc ${api.GetVersion?.() ?? ''})`.trim(),
      extras: { source: 'ifc', schema, upAxis: 'y', units: 'm', offset },
    });
    return { glb, index: { schema, project, storeys, counts, elements }, schema, warnings };
  } finally {
    api.CloseModel(modelID);
  }
}
