/**
 * A glTF 2.0 binary writer for textured photogrammetry meshes: one node (translated to the mesh's
 * centre, so float32 positions keep sub-millimetre precision), one primitive per source mesh with
 * POSITION, TEXCOORD_0 and uint32 indices, unlit materials (`KHR_materials_unlit`: the photos
 * already hold the light) with a JPEG/PNG base colour texture or a flat colour. The file's length
 * is a multiple of 8, so it can sit in any 3D Tiles container.
 */

/** One triangle list. */
export interface TexturedPrimitive {
  /** x, y, z per vertex, glTF axes (y up), relative to `translation`. */
  positions: Float32Array;
  /** u, v per vertex (glTF: v = 0 at the image's top row), or null. */
  uvs: Float32Array | null;
  indices: Uint32Array;
  /** Index into `images`, or null for a flat colour. */
  image: number | null;
  color: [number, number, number, number];
}

/** An encoded image. */
export interface GlbImage {
  bytes: Uint8Array;
  mimeType: 'image/jpeg' | 'image/png';
}

const FLOAT = 5126;
const UINT = 5125;
const pad4 = (n: number) => (n + 3) & ~3;

/** Encodes the primitives as one GLB; `translation` places the node (glTF axes). */
export function writeTexturedGlb(primitives: TexturedPrimitive[], images: GlbImage[], translation: [number, number, number], generator: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const bufferViews: Record<string, unknown>[] = [];
  const accessors: Record<string, unknown>[] = [];
  const view = (bytes: Uint8Array, target?: number): number => {
    bufferViews.push({ buffer: 0, byteOffset: length, byteLength: bytes.length, ...(target ? { target } : {}) });
    chunks.push(bytes);
    const padded = pad4(bytes.length);
    if (padded > bytes.length) chunks.push(new Uint8Array(padded - bytes.length));
    length += padded;
    return bufferViews.length - 1;
  };
  const accessor = (data: Float32Array | Uint32Array, type: 'VEC3' | 'VEC2' | 'SCALAR', target: number, minMax: boolean): number => {
    const comps = type === 'VEC3' ? 3 : type === 'VEC2' ? 2 : 1;
    const acc: Record<string, unknown> = {
      bufferView: view(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), target),
      componentType: data instanceof Float32Array ? FLOAT : UINT, count: data.length / comps, type,
    };
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
  const usedImages = new Map<number, number>();
  const gltfImages: Record<string, unknown>[] = [];
  const textures: Record<string, unknown>[] = [];
  const materials: Record<string, unknown>[] = [];
  const prims = primitives.filter((p) => p.indices.length >= 3).map((p) => {
    const attributes: Record<string, number> = { POSITION: accessor(p.positions, 'VEC3', 34962, true) };
    let material: Record<string, unknown>;
    if (p.image !== null && p.uvs && images[p.image]) {
      attributes.TEXCOORD_0 = accessor(p.uvs, 'VEC2', 34962, false);
      let tex = usedImages.get(p.image);
      if (tex === undefined) {
        gltfImages.push({ bufferView: view(images[p.image].bytes), mimeType: images[p.image].mimeType });
        textures.push({ source: gltfImages.length - 1, sampler: 0 });
        tex = textures.length - 1;
        usedImages.set(p.image, tex);
      }
      material = { pbrMetallicRoughness: { baseColorTexture: { index: tex }, metallicFactor: 0, roughnessFactor: 1 }, extensions: { KHR_materials_unlit: {} } };
    } else {
      material = { pbrMetallicRoughness: { baseColorFactor: p.color, metallicFactor: 0, roughnessFactor: 1 }, extensions: { KHR_materials_unlit: {} } };
    }
    materials.push(material);
    return { attributes, indices: accessor(p.indices, 'SCALAR', 34963, false), material: materials.length - 1, mode: 4 };
  });
  const json: Record<string, unknown> = {
    asset: { version: '2.0', generator },
    extensionsUsed: ['KHR_materials_unlit'],
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, translation }],
    meshes: [{ primitives: prims }],
    materials,
    accessors,
    bufferViews,
    buffers: [{ byteLength: length }],
  };
  if (textures.length) {
    json.textures = textures;
    json.images = gltfImages;
    // LINEAR / LINEAR_MIPMAP_LINEAR, CLAMP_TO_EDGE: atlas charts must not bleed over their borders.
    json.samplers = [{ magFilter: 9729, minFilter: 9987, wrapS: 33071, wrapT: 33071 }];
  }
  const jsonBytes = new TextEncoder().encode(JSON.stringify(json));
  let jsonLen = pad4(jsonBytes.length);
  if ((12 + 8 + jsonLen + 8 + length) % 8 !== 0) jsonLen += 4;
  const total = 12 + 8 + jsonLen + 8 + length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x46546c67, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonLen, true);
  dv.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.length, 20 + jsonLen);
  let o = 20 + jsonLen;
  dv.setUint32(o, length, true);
  dv.setUint32(o + 4, 0x004e4942, true);
  o += 8;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
