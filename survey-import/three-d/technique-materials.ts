/**
 * Replaces `KHR_techniques_webgl` materials (custom GLSL shaders, an extension Khronos archived and
 * that deck.gl/luma.gl do not run) with plain, unlit glTF 2.0 PBR materials, so the model draws in
 * any viewer:
 *
 * - base colour texture: the technique's texture value whose uniform has the `_3DTILESDIFFUSE`
 *   semantic or a name containing "diffuse", else its first texture value;
 * - base colour factor: a 4-number diffuse value when there is one, else white;
 * - `KHR_materials_unlit`, because technique shaders usually light nothing themselves and such
 *   meshes often have no normals (the tree billboard sample: POSITION and TEXCOORD_0 only);
 * - `alphaMode`, `alphaCutoff`, `doubleSided`, `name` are kept.
 *
 * What the shader did beyond colour is lost: the billboard sample's vertex shader turned its quad
 * to face the camera; the replacement is the quad as modelled (upright, facing glTF +z).
 */

const TECHNIQUES = 'KHR_techniques_webgl';
const UNLIT = 'KHR_materials_unlit';

type Json = Record<string, any>;

/** A texture reference among a technique's values: `{index, texCoord?}`. */
function isTextureInfo(v: unknown): v is { index: number; texCoord?: number } {
  return typeof v === 'object' && v !== null && Number.isInteger((v as Json).index);
}

/**
 * Rewrites, in place, every material of glTF document `json` that uses `KHR_techniques_webgl`, and
 * drops the extension from the document. Returns the indices of the materials replaced.
 */
export function replaceTechniqueMaterials(json: Json): number[] {
  const techniques: Json[] = json.extensions?.[TECHNIQUES]?.techniques ?? [];
  const replaced: number[] = [];
  (json.materials ?? []).forEach((material: Json, i: number) => {
    const ext = material?.extensions?.[TECHNIQUES];
    if (!ext) return;
    const values: Json = ext.values ?? {};
    const uniforms: Json = techniques[ext.technique]?.uniforms ?? {};
    const isDiffuse = (name: string) => uniforms[name]?.semantic === '_3DTILESDIFFUSE' || /diffuse/i.test(name);
    const names = Object.keys(values);
    const textureName = names.find((n) => isTextureInfo(values[n]) && isDiffuse(n)) ?? names.find((n) => isTextureInfo(values[n]));
    const colorName = names.find((n) => Array.isArray(values[n]) && values[n].length === 4 && values[n].every((x: unknown) => typeof x === 'number') && isDiffuse(n));
    const pbr: Json = { baseColorFactor: colorName ? values[colorName] : [1, 1, 1, 1], metallicFactor: 0, roughnessFactor: 1 };
    if (textureName) pbr.baseColorTexture = { index: values[textureName].index, ...(values[textureName].texCoord ? { texCoord: values[textureName].texCoord } : {}) };
    const { extensions, pbrMetallicRoughness: _old, ...rest } = material;
    const { [TECHNIQUES]: _t, ...otherExtensions } = extensions;
    json.materials[i] = { ...rest, pbrMetallicRoughness: pbr, extensions: { ...otherExtensions, [UNLIT]: {} } };
    replaced.push(i);
  });
  if (json.extensions?.[TECHNIQUES]) {
    delete json.extensions[TECHNIQUES];
    if (Object.keys(json.extensions).length === 0) delete json.extensions;
  }
  for (const key of ['extensionsUsed', 'extensionsRequired']) {
    if (!Array.isArray(json[key])) continue;
    json[key] = json[key].filter((e: string) => e !== TECHNIQUES);
    if (replaced.length && key === 'extensionsUsed' && !json[key].includes(UNLIT)) json[key].push(UNLIT);
    if (json[key].length === 0) delete json[key];
  }
  if (replaced.length && !json.extensionsUsed) json.extensionsUsed = [UNLIT];
  return replaced;
}
