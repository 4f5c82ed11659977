/**
 * Renderable copies of the tile contents deck.gl's Tile3DLayer (loaders.gl 4.5) cannot draw,
 * derived once at upload; the uploaded files stay untouched and are what the plain URLs serve.
 *
 * | content | derived copy |
 * |---|---|
 * | i3dm | a b3dm with one glTF node per instance (`instanced-to-batched.ts`) |
 * | cmpt | its inner tiles, one content each (nested cmpt flattened; inner i3dm baked as above) |
 * | b3dm / glb using `KHR_techniques_webgl` | the same tile with unlit PBR materials (`technique-materials.ts`) |
 *
 * Derived contents sit next to their original as `<original>.derived-<n>.<ext>`. Every tileset
 * JSON (root or external) that references one gets a rewritten copy `<json>.derived.json` whose
 * content URIs point at the copies: a content becomes its one copy, or, for a cmpt of several
 * tiles, a 3D Tiles 1.1 `contents` array (the server then splits it into single-content children,
 * `splitMultipleContents`). Implicit-tiling content templates are left as they are.
 *
 * A content that cannot be converted (a gltfFormat 0 i3dm whose URI is not a GLB of the tileset,
 * a glTF 1.0 model, a legacy header, …) is left as uploaded, with a warning naming the file.
 */
import { resolveUri } from './tileset-validator.ts';
import { magicOf, parseGlb, parseModelTile, replaceTileGltf, splitCompositeTiles, TileFormatError, writeGlbChunks } from './tile-formats.ts';
import { bakeInstances } from './instanced-to-batched.ts';
import { replaceTechniqueMaterials } from './technique-materials.ts';

/** Path of the `n`-th renderable copy of content `path`. */
export function derivedContentPath(path: string, n: number, ext: string): string {
  return `${path}.derived-${n}.${ext}`;
}

/** Path of the rewritten copy of tileset JSON `path` that points at the renderable copies. */
export function derivedTilesetPath(path: string): string {
  return `${path}.derived.json`;
}

/** What `deriveRenderableContents` made. */
export interface RenderableContents {
  /** New files: renderable contents and rewritten tileset JSONs (never an uploaded path). */
  files: Map<string, Uint8Array>;
  /** Per converted content: what it became (for reports and tests). */
  converted: { path: string; from: string; to: string[]; note?: string }[];
  /** Contents left as uploaded, and materials replaced, each naming the file. */
  warnings: string[];
}

type Json = Record<string, any>;

/** One renderable part of a content. */
interface Part {
  ext: string;
  bytes: Uint8Array;
  note?: string;
}

const TECHNIQUES = 'KHR_techniques_webgl';

function glbUsesTechniques(glb: Uint8Array): boolean {
  return JSON.stringify(parseGlb(glb).json.extensionsUsed ?? []).includes(TECHNIQUES);
}

/** A GLB with its technique materials replaced, or null when it has none. */
function fixGlb(glb: Uint8Array): { glb: Uint8Array; materials: number[] } | null {
  if (!glbUsesTechniques(glb)) return null;
  const parsed = parseGlb(glb);
  const materials = replaceTechniqueMaterials(parsed.json);
  return { glb: writeGlbChunks(parsed), materials };
}

const materialNote = (m: number[]) => `material${m.length > 1 ? 's' : ''} ${m.join(', ')} used ${TECHNIQUES} (custom shaders): replaced by unlit PBR with the technique's diffuse texture`;

/**
 * The renderable parts of one tile's bytes, or null when it draws as it is. `path` locates it (for
 * gltfFormat 0 URIs); `nested` is true inside a cmpt, where every part must be listed.
 */
function partsOf(bytes: Uint8Array, path: string, files: ReadonlyMap<string, Uint8Array>, depth: number, nested: boolean): Part[] | null {
  const magic = magicOf(bytes);
  if (magic === 'i3dm') {
    const baked = bakeInstances(bytes, {
      externalGltf: (uri) => {
        try {
          const p = resolveUri(uri, path, path);
          return p === null ? null : files.get(p) ?? null;
        } catch {
          return null; // a URI outside the tileset is as absent as a missing file
        }
      },
    });
    const notes = [`${baked.instances.length} instances baked as glTF nodes`];
    if (baked.replacedMaterials.length) notes.push(materialNote(baked.replacedMaterials));
    return [{ ext: 'b3dm', bytes: baked.b3dm, note: notes.join('; ') }];
  }
  if (magic === 'cmpt') {
    if (depth > 8) throw new TileFormatError('cmpt tiles nest deeper than 8');
    return splitCompositeTiles(bytes).flatMap((inner) => partsOf(inner, path, files, depth + 1, true) ?? []);
  }
  if (magic === 'b3dm') {
    const fixed = fixGlb(parseModelTile(bytes).gltf);
    if (fixed) return [{ ext: 'b3dm', bytes: replaceTileGltf(bytes, fixed.glb), note: materialNote(fixed.materials) }];
    return nested ? [{ ext: 'b3dm', bytes: bytes.slice() }] : null;
  }
  if (magic === 'glTF') {
    const fixed = fixGlb(bytes);
    if (fixed) return [{ ext: 'glb', bytes: fixed.glb, note: materialNote(fixed.materials) }];
    return nested ? [{ ext: 'glb', bytes: bytes.slice() }] : null;
  }
  if (magic === 'pnts') return nested ? [{ ext: 'pnts', bytes: bytes.slice() }] : null;
  if (nested) throw new TileFormatError(`cmpt holds a tile with unknown magic ${JSON.stringify(magic)}`);
  return null;
}

/**
 * Derives the renderable copies of a validated tileset's contents (`files`: path → bytes, root
 * `tileset.json`). Pure: returns new files, changes nothing.
 */
export function deriveRenderableContents(files: ReadonlyMap<string, Uint8Array>, root = 'tileset.json'): RenderableContents {
  const out = new Map<string, Uint8Array>();
  const converted: RenderableContents['converted'] = [];
  const warnings: string[] = [];
  /** Per content path: the derived paths, or null when it is served as uploaded. */
  const done = new Map<string, string[] | null>();

  const derive = (path: string): string[] | null => {
    if (done.has(path)) return done.get(path)!;
    done.set(path, null);
    const bytes = files.get(path);
    if (!bytes) return null;
    let parts: Part[] | null;
    try {
      parts = partsOf(bytes, path, files, 0, false);
    } catch (err) {
      // Malformed binary data can also surface as a RangeError from a DataView: the upload is valid
      // 3D Tiles as far as the validator checks, so it goes on without the copy.
      if (!(err instanceof TileFormatError) && !(err instanceof RangeError)) throw err;
      warnings.push(`${path}: left as uploaded, the 3D view may not draw it (${err.message})`);
      return null;
    }
    if (!parts) return null;
    if (parts.length === 0) {
      warnings.push(`${path}: holds no tile the 3D view can draw; left as uploaded`);
      return null;
    }
    const paths = parts.map((p, n) => derivedContentPath(path, n, p.ext));
    const taken = paths.find((p) => files.has(p));
    if (taken) {
      warnings.push(`${path}: its renderable copy would overwrite the uploaded "${taken}"; left as uploaded`);
      return null;
    }
    parts.forEach((p, n) => out.set(paths[n], p.bytes));
    const notes = parts.map((p) => p.note).filter(Boolean) as string[];
    converted.push({ path, from: magicOf(bytes), to: paths, ...(notes.length ? { note: notes.join('; ') } : {}) });
    for (const note of notes) if (note.includes(TECHNIQUES)) warnings.push(`${path}: ${note} in the copy the 3D view draws`);
    done.set(path, paths);
    return paths;
  };

  /** New content objects for `content` of JSON `file`, or null when it stays. */
  const rewriteContent = (content: Json, file: string, queue: string[]): Json[] | null => {
    const uri = content?.uri ?? content?.url;
    if (typeof uri !== 'string') return null;
    const path = resolveUri(uri, file, file);
    if (path === null) return null;
    if (/\.json$/i.test(path)) {
      queue.push(path);
      return null;
    }
    const derived = derive(path);
    if (!derived) return null;
    const clean = uri.split(/[?#]/)[0];
    const { url: _url, ...rest } = content;
    return derived.map((d) => ({ ...rest, uri: clean + d.slice(path.length) }));
  };

  const seen = new Set<string>();
  const queue = [root];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file) || !files.has(file)) continue;
    seen.add(file);
    const json = JSON.parse(new TextDecoder().decode(files.get(file)!));
    let changed = false;
    const walk = (tile: Json, depth: number) => {
      if (!tile || typeof tile !== 'object' || depth > 64) return;
      const implicit = tile.implicitTiling ?? tile.extensions?.['3DTILES_implicit_tiling'];
      if (!implicit) {
        if (Array.isArray(tile.contents)) {
          tile.contents = tile.contents.flatMap((c: Json) => {
            const next = rewriteContent(c, file, queue);
            if (next) changed = true;
            return next ?? [c];
          });
        }
        if (tile.content) {
          const next = rewriteContent(tile.content, file, queue);
          if (next) {
            changed = true;
            if (next.length === 1) tile.content = next[0];
            else {
              delete tile.content;
              tile.contents = [...next, ...(Array.isArray(tile.contents) ? tile.contents : [])];
            }
          }
        }
      }
      for (const child of Array.isArray(tile.children) ? tile.children : []) walk(child, depth + 1);
    };
    walk(json.root, 0);
    if (!changed) continue;
    const target = derivedTilesetPath(file);
    if (files.has(target)) {
      warnings.push(`${file}: its rewritten copy would overwrite the uploaded "${target}"; the 3D view gets the tileset as uploaded`);
      continue;
    }
    out.set(target, new TextEncoder().encode(JSON.stringify(json)));
  }
  return { files: out, converted, warnings };
}
