/**
 * Turns an uploaded BIM model into what the platform serves: a GLB and an element property index.
 *
 * | upload  | GLB                                   | index                                           |
 * |---------|---------------------------------------|-------------------------------------------------|
 * | `.ifc`  | converted with web-ifc (ifc-convert)  | IFC elements: type, name, storey, property sets |
 * | `.glb`  | the upload itself                     | one element per named node (name, extras)       |
 * | `.gltf` | repacked as GLB (embedded data: URIs) | same as `.glb`                                  |
 */
import { ifcSchemaOf, ifcSiteReference, type IfcSiteReference } from './ifc-georef.ts';
import type { IfcElement, PropertyIndex } from './ifc-convert.ts';
import { readGlbJson } from '../three-d/glb-writer.ts';
import { AppError } from '../../core/errors.ts';

export type { PropertyIndex, IfcElement };

/** Why a model was refused. */
export class BimError extends AppError {
  constructor(message: string, readonly kind: 'invalid' | 'unsupported' = 'invalid') {
    super(kind === 'unsupported' ? 'unsupported_media_type' : 'bad_request', message);
    this.name = 'BimError';
  }
}

/** A model ready to store. */
export interface ModelPackage {
  format: 'ifc' | 'glb' | 'gltf';
  glb: Uint8Array;
  index: PropertyIndex;
  schema: string | null;
  /** IfcSite reference, when the file has one. */
  site: IfcSiteReference | null;
  /** Project (IFC) or scene (glTF) name. */
  name: string | null;
  warnings: string[];
}

/** Reads, converts and indexes a model file by its extension. */
export async function packageModel(fileName: string, bytes: Uint8Array): Promise<ModelPackage> {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'ifc') {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64));
    if (!head.startsWith('ISO-10303-21')) throw new BimError('is not an IFC STEP file (it must start with "ISO-10303-21;")');
    const schema = ifcSchemaOf(bytes);
    if (!schema || !/^IFC(2X3|4|4X3)/.test(schema)) throw new BimError(`IFC schema ${JSON.stringify(schema)} is not supported (IFC2X3, IFC4, IFC4X3)`, 'unsupported');
    const { convertIfc } = await import('./ifc-convert.ts');
    let conv;
    try {
      conv = await convertIfc(bytes);
    } catch (err) {
      throw new BimError(`web-ifc could not read the file: ${(err as Error).message}`);
    }
    if (conv.index.elements.length === 0) throw new BimError('the IFC file has no building elements');
    return { format: 'ifc', glb: conv.glb, index: conv.index, schema: conv.schema ?? schema, site: ifcSiteReference(bytes), name: conv.index.project, warnings: conv.warnings };
  }
  if (ext === 'glb') {
    let json;
    try {
      json = readGlbJson(bytes);
    } catch (err) {
      throw new BimError((err as Error).message);
    }
    return { format: 'glb', glb: bytes, index: nodeIndex(json), schema: null, site: null, name: sceneName(json), warnings: [] };
  }
  if (ext === 'gltf') {
    const glb = gltfToGlb(bytes);
    const json = readGlbJson(glb);
    return { format: 'gltf', glb, index: nodeIndex(json), schema: null, site: null, name: sceneName(json), warnings: [] };
  }
  throw new BimError(`"${fileName}" is not a model: upload .ifc, .glb or .gltf`, 'unsupported');
}


function sceneName(json: Record<string, unknown>): string | null {
  const scenes = json.scenes as { name?: string }[] | undefined;
  return scenes?.[0]?.name ?? null;
}

/** One element per node that has a mesh: its name and extras (IFC-like fields when present). */
export function nodeIndex(json: Record<string, unknown>): PropertyIndex {
  const nodes = (json.nodes ?? []) as { name?: string; mesh?: number; extras?: Record<string, unknown> }[];
  const elements: IfcElement[] = [];
  const counts: Record<string, number> = {};
  nodes.forEach((n, i) => {
    if (n.mesh === undefined) return;
    const x = n.extras ?? {};
    const type = typeof x.type === 'string' ? x.type : 'GltfNode';
    counts[type] = (counts[type] ?? 0) + 1;
    const { expressID, globalId, type: _t, name, storey, propertySets, ...rest } = x as Record<string, unknown>;
    const sets = (propertySets && typeof propertySets === 'object' ? propertySets : {}) as IfcElement['propertySets'];
    if (Object.keys(rest).length) sets.extras = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : (v as string | number | boolean)]));
    elements.push({
      expressID: typeof expressID === 'number' ? expressID : i, globalId: typeof globalId === 'string' ? globalId : null, type,
      name: typeof name === 'string' ? name : n.name ?? null, storey: typeof storey === 'string' ? storey : null, propertySets: sets, node: i,
    });
  });
  return { schema: null, project: sceneName(json), storeys: [], counts, elements };
}

/** Repacks a .gltf whose buffers are embedded (data: URIs) as a GLB; external files are refused. */
export function gltfToGlb(bytes: Uint8Array): Uint8Array {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new BimError(`is not valid glTF JSON: ${(err as Error).message}`);
  }
  if ((json.asset as { version?: string })?.version !== '2.0') throw new BimError('only glTF 2.0 is supported', 'unsupported');
  const buffers = (json.buffers ?? []) as { uri?: string; byteLength: number }[];
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let total = 0;
  for (const [i, b] of buffers.entries()) {
    const m = /^data:[^,]*;base64,(.*)$/.exec(b.uri ?? '');
    if (!m) throw new BimError(`buffer ${i} refers to external file "${b.uri}": upload a .glb, or a .gltf with embedded buffers`);
    const data = Uint8Array.from(Buffer.from(m[1], 'base64'));
    offsets.push(total);
    parts.push(data);
    total += (data.length + 3) & ~3;
  }
  for (const img of (json.images ?? []) as { uri?: string }[]) {
    if (img.uri && !img.uri.startsWith('data:')) throw new BimError(`image "${img.uri}" is an external file: upload a .glb, or a .gltf with embedded images`);
  }
  const views = (json.bufferViews ?? []) as { buffer: number; byteOffset?: number }[];
  for (const v of views) {
    v.byteOffset = (v.byteOffset ?? 0) + offsets[v.buffer];
    v.buffer = 0;
  }
  json.buffers = total ? [{ byteLength: total }] : [];
  const bin = new Uint8Array(total);
  parts.forEach((p, i) => bin.set(p, offsets[i]));
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  const jsonLen = (jsonBytes.length + 3) & ~3;
  const size = 12 + 8 + jsonLen + (total ? 8 + total : 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x46546c67, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, size, true);
  dv.setUint32(12, jsonLen, true);
  dv.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLen);
  if (total) {
    dv.setUint32(20 + jsonLen, total, true);
    dv.setUint32(24 + jsonLen, 0x004e4942, true);
    out.set(bin, 28 + jsonLen);
  }
  return out;
}
