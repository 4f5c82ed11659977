/**
 * Validates an OGC 3D Tiles tileset (1.0 or 1.1) given as the files of an uploaded zip:
 *
 * - the root `tileset.json` (and every external tileset it references) is JSON with `asset.version`,
 *   `geometricError` and a `root` tile;
 * - every tile has a sane bounding volume (`box` 12 finite numbers with a non-degenerate extent,
 *   `region` in radians with west/east within ±π, south ≤ north within ±π/2, min ≤ max height,
 *   `sphere` with a radius ≥ 0), a finite `geometricError` ≥ 0 and, if given, a 16-number `transform`;
 * - every referenced file exists: `content.uri` (1.0 `url` too), `contents[]` (1.1), external
 *   tilesets, and for implicit tiling (1.1 `implicitTiling` or the 1.0 `3DTILES_implicit_tiling`
 *   extension) every subtree reachable through `childSubtreeAvailability` and every content the
 *   subtrees mark available, expanded from the `{level}/{x}/{y}/{z}` templates;
 * - no URI escapes the tileset (`..` above its root, absolute paths, other hosts);
 * - binary contents start with the magic their extension promises (b3dm, i3dm, pnts, cmpt, glb)
 *   and their header's byteLength equals the file size.
 *
 * Errors name the file and the tile (e.g. `tileset.json root.children[2]: content "a.b3dm" is not in
 * the zip`). The result also tells whether the tileset is georeferenced and where it is.
 */
import { ecefToGeodetic, transformPoint } from './enu.ts';
import { AppError } from '../../core/errors.ts';

/** A refused tileset. `entry` names the file at fault. */
export class TilesetError extends AppError {
  constructor(message: string, readonly entry?: string) {
    super('bad_request', message, entry ? { entry } : undefined);
    this.name = 'TilesetError';
  }
}

/** What validation found out. */
export interface TilesetReport {
  /** `asset.version` of the root tileset. */
  version: string;
  /** Tiles walked (explicit tiles plus available implicit tiles). */
  tiles: number;
  /** Files referenced as content (including external tilesets and subtrees). */
  referenced: string[];
  /** Files in the zip that nothing references (kept and served, but reported). */
  unreferenced: string[];
  /** Whether the root places itself on the globe (transform, region, or ECEF-sized box/sphere). */
  georeferenced: boolean;
  /** Approximate centre [lon°, lat°] when georeferenced. */
  center: [number, number] | null;
}

/** Limits for the walk, so a hostile tileset cannot make the server loop forever. */
const MAX_TILES = 1_000_000;
const MAX_DEPTH = 64;
/** Below this distance from the Earth's centre a box/sphere centre is local, not ECEF. */
const ECEF_MIN_RADIUS = 6_000_000;

const MAGIC: Record<string, string> = { b3dm: 'b3dm', i3dm: 'i3dm', pnts: 'pnts', cmpt: 'cmpt', glb: 'glTF' };

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function finiteArray(v: unknown, n: number): v is number[] {
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Directory part of a path inside the tileset ('' for the root). */
function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

/**
 * Resolves a content URI relative to the file that references it, to a path inside the tileset;
 * null for data: URIs (embedded, nothing to find). Throws when it escapes the tileset.
 */
export function resolveUri(uri: string, from: string, where: string): string | null {
  if (typeof uri !== 'string' || uri === '') throw new TilesetError(`${where}: content uri must be a non-empty string`, from);
  if (uri.startsWith('data:')) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('//')) throw new TilesetError(`${where}: uri "${uri}" points outside the tileset`, from);
  const clean = uri.split(/[?#]/)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(clean);
  } catch {
    throw new TilesetError(`${where}: uri "${uri}" is not valid percent-encoding`, from);
  }
  if (decoded.startsWith('/') || decoded.includes('\\') || /^[A-Za-z]:/.test(decoded)) {
    throw new TilesetError(`${where}: uri "${uri}" is an absolute path`, from);
  }
  const parts = dirOf(from).split('/').filter(Boolean);
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new TilesetError(`${where}: uri "${uri}" escapes the tileset with ".."`, from);
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Checks one bounding volume; returns a message or null. */
export function boundingVolumeProblem(bv: unknown): string | null {
  if (!isObj(bv)) return 'boundingVolume is missing';
  if (bv.box !== undefined) {
    if (!finiteArray(bv.box, 12)) return 'boundingVolume.box must be 12 finite numbers';
    const b = bv.box;
    const len = (i: number) => Math.hypot(b[i], b[i + 1], b[i + 2]);
    if (len(3) + len(6) + len(9) === 0) return 'boundingVolume.box has zero extent';
    return null;
  }
  if (bv.region !== undefined) {
    if (!finiteArray(bv.region, 6)) return 'boundingVolume.region must be 6 finite numbers';
    const [w, s, e, n, lo, hi] = bv.region;
    const PI = Math.PI + 1e-9;
    if (Math.abs(w) > PI || Math.abs(e) > PI) return `boundingVolume.region west/east must be radians within ±π, got ${w}, ${e}`;
    if (Math.abs(s) > PI / 2 || Math.abs(n) > PI / 2) return `boundingVolume.region south/north must be radians within ±π/2, got ${s}, ${n}`;
    if (s > n) return `boundingVolume.region south ${s} is north of north ${n}`;
    if (lo > hi) return `boundingVolume.region minimum height ${lo} is above maximum ${hi}`;
    return null;
  }
  if (bv.sphere !== undefined) {
    if (!finiteArray(bv.sphere, 4)) return 'boundingVolume.sphere must be 4 finite numbers';
    if (bv.sphere[3] < 0) return `boundingVolume.sphere radius must be ≥ 0, got ${bv.sphere[3]}`;
    return null;
  }
  if (isObj(bv.extensions)) return null; // e.g. 3DTILES_bounding_volume_S2: not checked further
  return 'boundingVolume needs a box, region or sphere';
}

/** Reads one bit of an availability bitstream or constant. */
type Availability = (index: number) => boolean;

interface Subtree {
  tile: Availability;
  content: Availability[];
  child: Availability;
}

/** Parses a `.subtree` file (binary, magic "subt") or a JSON subtree. */
export function parseSubtree(bytes: Uint8Array, name: string, files: ReadonlyMap<string, Uint8Array>): Subtree {
  let json: Json;
  let bin: Uint8Array | null = null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && String.fromCharCode(...bytes.subarray(0, 4)) === 'subt') {
    const jsonLen = Number(view.getBigUint64(8, true));
    const binLen = Number(view.getBigUint64(16, true));
    if (24 + jsonLen + binLen > bytes.length) throw new TilesetError(`subtree "${name}" is shorter than its header says`, name);
    json = parseJson(bytes.subarray(24, 24 + jsonLen), name);
    bin = bytes.subarray(24 + jsonLen, 24 + jsonLen + binLen);
  } else {
    json = parseJson(bytes, name);
  }
  const buffers = Array.isArray(json.buffers) ? (json.buffers as Json[]) : [];
  const views = Array.isArray(json.bufferViews) ? (json.bufferViews as Json[]) : [];
  const bufferBytes = buffers.map((b, i) => {
    if (typeof b.uri === 'string') {
      const p = resolveUri(b.uri, name, `subtree buffer ${i}`);
      const f = p === null ? null : files.get(p);
      if (!f) throw new TilesetError(`subtree "${name}": buffer "${b.uri}" is not in the zip`, name);
      return f;
    }
    if (!bin) throw new TilesetError(`subtree "${name}": buffer ${i} has no uri and there is no binary chunk`, name);
    return bin;
  });
  const availability = (a: unknown, what: string): Availability => {
    if (!isObj(a)) throw new TilesetError(`subtree "${name}": ${what} is missing`, name);
    if (typeof a.constant === 'number') {
      const c = a.constant === 1;
      return () => c;
    }
    const vi = typeof a.bitstream === 'number' ? a.bitstream : typeof a.bufferView === 'number' ? a.bufferView : -1;
    const v = views[vi];
    if (!v) throw new TilesetError(`subtree "${name}": ${what} refers to bufferView ${vi}, which does not exist`, name);
    const buf = bufferBytes[v.buffer as number];
    const off = Number(v.byteOffset ?? 0);
    const len = Number(v.byteLength);
    if (!buf || off + len > buf.length) throw new TilesetError(`subtree "${name}": bufferView ${vi} lies outside its buffer`, name);
    const bits = buf.subarray(off, off + len);
    return (i) => i >> 3 < bits.length && ((bits[i >> 3] >> (i & 7)) & 1) === 1;
  };
  const contentRaw = Array.isArray(json.contentAvailability) ? json.contentAvailability : json.contentAvailability ? [json.contentAvailability] : [];
  return {
    tile: availability(json.tileAvailability, 'tileAvailability'),
    content: contentRaw.map((c, i) => availability(c, `contentAvailability[${i}]`)),
    child: availability(json.childSubtreeAvailability, 'childSubtreeAvailability'),
  };
}

function parseJson(bytes: Uint8Array, name: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TilesetError(`"${name}" is not valid JSON: ${(err as Error).message}`, name);
  }
  if (!isObj(v)) throw new TilesetError(`"${name}" must hold a JSON object`, name);
  return v;
}

/** Morton (Z-order) decode of `index` into `dims` coordinates. */
function mortonDecode(index: number, dims: 2 | 3): number[] {
  const out = new Array<number>(dims).fill(0);
  for (let bit = 0; index > 0; bit++) {
    for (let d = 0; d < dims; d++) {
      out[d] |= (index & 1) << bit;
      index = Math.floor(index / 2);
    }
  }
  return out;
}

function expandTemplate(template: string, level: number, c: number[]): string {
  return template.replace(/\{level\}/g, String(level)).replace(/\{x\}/g, String(c[0])).replace(/\{y\}/g, String(c[1])).replace(/\{z\}/g, String(c[2] ?? 0));
}

/** Validates the tileset whose root JSON is `root` inside `files` (paths relative to the zip root). */
export function validateTileset(files: ReadonlyMap<string, Uint8Array>, root = 'tileset.json'): TilesetReport {
  const rootBytes = files.get(root);
  if (!rootBytes) throw new TilesetError(`the zip has no "${root}" at its root (nor in a single top folder)`, root);
  const referenced = new Set<string>([root]);
  const visitedTilesets = new Set<string>();
  let tiles = 0;

  const requireFile = (p: string | null, uri: string, file: string, where: string) => {
    if (p === null) return;
    const bytes = files.get(p);
    if (!bytes) throw new TilesetError(`${file} ${where}: "${uri}" is not in the zip`, file);
    referenced.add(p);
    checkMagic(p, bytes);
    if (/\.json$/i.test(p)) walkTileset(p);
  };

  const checkContent = (content: unknown, file: string, where: string, implicit: boolean) => {
    if (!isObj(content)) throw new TilesetError(`${file} ${where}: content must be an object`, file);
    const uri = (content.uri ?? content.url) as string;
    const p = resolveUri(uri, file, `${file} ${where}`);
    if (!implicit) requireFile(p, uri, file, `${where} content`);
    if (content.boundingVolume !== undefined) {
      const problem = boundingVolumeProblem(content.boundingVolume);
      if (problem) throw new TilesetError(`${file} ${where}.content: ${problem}`, file);
    }
    return p;
  };

  const walkImplicit = (tile: Json, implicit: Json, file: string, where: string) => {
    const scheme = implicit.subdivisionScheme;
    if (scheme !== 'QUADTREE' && scheme !== 'OCTREE') throw new TilesetError(`${file} ${where}: implicitTiling.subdivisionScheme must be QUADTREE or OCTREE, got ${JSON.stringify(scheme)}`, file);
    const dims = scheme === 'QUADTREE' ? 2 : 3;
    const branching = dims === 2 ? 4 : 8;
    const subtreeLevels = implicit.subtreeLevels;
    const availableLevels = (implicit.availableLevels ?? (typeof implicit.maximumLevel === 'number' ? implicit.maximumLevel + 1 : undefined)) as number;
    if (!Number.isInteger(subtreeLevels) || (subtreeLevels as number) < 1 || (subtreeLevels as number) > 32) throw new TilesetError(`${file} ${where}: implicitTiling.subtreeLevels must be an integer ≥ 1`, file);
    if (!Number.isInteger(availableLevels) || availableLevels < 1 || availableLevels > 64) throw new TilesetError(`${file} ${where}: implicitTiling.availableLevels must be an integer ≥ 1`, file);
    const subtreeTemplate = (isObj(implicit.subtrees) ? (implicit.subtrees.uri ?? implicit.subtrees.url) : undefined) as string;
    if (typeof subtreeTemplate !== 'string') throw new TilesetError(`${file} ${where}: implicitTiling.subtrees.uri is missing`, file);
    const contentTemplates: string[] = [];
    if (isObj(tile.content)) contentTemplates.push((tile.content.uri ?? tile.content.url) as string);
    if (Array.isArray(tile.contents)) for (const c of tile.contents) if (isObj(c)) contentTemplates.push((c.uri ?? c.url) as string);
    const levels = subtreeLevels as number;
    const queue: { level: number; coord: number[] }[] = [{ level: 0, coord: new Array(dims).fill(0) }];
    while (queue.length) {
      const { level, coord } = queue.shift()!;
      const uri = expandTemplate(subtreeTemplate, level, coord);
      const p = resolveUri(uri, file, `${file} ${where} implicit subtree`);
      if (p === null) throw new TilesetError(`${file} ${where}: subtree uri cannot be a data: URI`, file);
      const bytes = files.get(p);
      if (!bytes) throw new TilesetError(`${file} ${where}: implicit subtree "${uri}" (level ${level}) is not in the zip`, file);
      referenced.add(p);
      const sub = parseSubtree(bytes, p, files);
      let levelOffset = 0;
      for (let l = 0; l < levels && level + l < availableLevels; l++) {
        const count = branching ** l;
        for (let m = 0; m < count; m++) {
          if (!sub.tile(levelOffset + m)) continue;
          if (++tiles > MAX_TILES) throw new TilesetError(`${file}: more than ${MAX_TILES} tiles`, file);
          const local = mortonDecode(m, dims as 2 | 3);
          const global = coord.map((c, d) => c * 2 ** l + local[d]);
          sub.content.forEach((avail, ci) => {
            if (!avail(levelOffset + m) || contentTemplates[ci] === undefined) return;
            const cUri = expandTemplate(contentTemplates[ci], level + l, global);
            requireFile(resolveUri(cUri, file, `${file} ${where}`), cUri, file, `${where} implicit content (level ${level + l})`);
          });
        }
        levelOffset += count;
      }
      if (level + levels < availableLevels) {
        const count = branching ** levels;
        for (let m = 0; m < count; m++) {
          if (!sub.child(m)) continue;
          const local = mortonDecode(m, dims as 2 | 3);
          queue.push({ level: level + levels, coord: coord.map((c, d) => c * 2 ** levels + local[d]) });
        }
      }
    }
  };

  const walkTile = (tile: unknown, file: string, where: string, depth: number) => {
    if (!isObj(tile)) throw new TilesetError(`${file} ${where}: a tile must be an object`, file);
    if (depth > MAX_DEPTH) throw new TilesetError(`${file} ${where}: tiles nest deeper than ${MAX_DEPTH}`, file);
    if (++tiles > MAX_TILES) throw new TilesetError(`${file}: more than ${MAX_TILES} tiles`, file);
    const problem = boundingVolumeProblem(tile.boundingVolume);
    if (problem) throw new TilesetError(`${file} ${where}: ${problem}`, file);
    if (typeof tile.geometricError !== 'number' || !Number.isFinite(tile.geometricError) || tile.geometricError < 0) {
      throw new TilesetError(`${file} ${where}: geometricError must be a finite number ≥ 0, got ${JSON.stringify(tile.geometricError)}`, file);
    }
    if (tile.transform !== undefined && !finiteArray(tile.transform, 16)) throw new TilesetError(`${file} ${where}: transform must be 16 finite numbers`, file);
    if (tile.refine !== undefined && !/^(ADD|REPLACE)$/i.test(String(tile.refine))) throw new TilesetError(`${file} ${where}: refine must be ADD or REPLACE, got ${JSON.stringify(tile.refine)}`, file);
    const implicit = (tile.implicitTiling ?? (isObj(tile.extensions) ? tile.extensions['3DTILES_implicit_tiling'] : undefined)) as Json | undefined;
    if (tile.content !== undefined) checkContent(tile.content, file, where, !!implicit);
    if (tile.contents !== undefined) {
      if (!Array.isArray(tile.contents)) throw new TilesetError(`${file} ${where}: contents must be an array`, file);
      tile.contents.forEach((c, i) => checkContent(c, file, `${where}.contents[${i}]`, !!implicit));
    }
    if (implicit) {
      if (!isObj(implicit)) throw new TilesetError(`${file} ${where}: implicitTiling must be an object`, file);
      walkImplicit(tile, implicit, file, where);
    }
    if (tile.children !== undefined) {
      if (!Array.isArray(tile.children)) throw new TilesetError(`${file} ${where}: children must be an array`, file);
      tile.children.forEach((c, i) => walkTile(c, file, `${where}.children[${i}]`, depth + 1));
    }
  };

  const walkTileset = (file: string): Json => {
    if (visitedTilesets.has(file)) throw new TilesetError(`${file}: external tilesets reference each other in a cycle`, file);
    visitedTilesets.add(file);
    const json = parseJson(files.get(file)!, file);
    if (!isObj(json.asset) || typeof json.asset.version !== 'string') throw new TilesetError(`${file}: asset.version is missing`, file);
    if (typeof json.geometricError !== 'number' || !Number.isFinite(json.geometricError) || json.geometricError < 0) {
      throw new TilesetError(`${file}: geometricError must be a finite number ≥ 0`, file);
    }
    if (!isObj(json.root)) throw new TilesetError(`${file}: root tile is missing`, file);
    walkTile(json.root, file, 'root', 0);
    return json;
  };

  const rootJson = walkTileset(root);
  const version = String((rootJson.asset as Json).version);
  const { georeferenced, center } = georeference(rootJson.root as Json);
  const unreferenced = [...files.keys()].filter((k) => !referenced.has(k)).sort();
  return { version, tiles, referenced: [...referenced].sort(), unreferenced, georeferenced, center };
}

/** Throws when a binary content's magic or byteLength does not match its file. */
function checkMagic(p: string, bytes: Uint8Array): void {
  const ext = p.slice(p.lastIndexOf('.') + 1).toLowerCase();
  const magic = MAGIC[ext];
  if (!magic) return;
  if (bytes.length < 12) throw new TilesetError(`"${p}" is too short to be a ${ext} (${bytes.length} bytes)`, p);
  const got = String.fromCharCode(...bytes.subarray(0, 4));
  if (got !== magic) throw new TilesetError(`"${p}" does not start with the ${ext} magic "${magic}" (found ${JSON.stringify(got)})`, p);
  const byteLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (byteLength !== bytes.length) throw new TilesetError(`"${p}" header says ${byteLength} bytes but the file has ${bytes.length}`, p);
}

/** Whether the root tile places the tileset on the globe, and where. */
export function georeference(root: Json): { georeferenced: boolean; center: [number, number] | null } {
  const bv = (root.boundingVolume ?? {}) as Json;
  const t = finiteArray(root.transform, 16) ? root.transform : null;
  let local: [number, number, number] | null = null;
  if (finiteArray(bv.region, 6)) {
    const [w, s, e, n] = bv.region;
    return { georeferenced: true, center: [((w + e) / 2) * (180 / Math.PI), ((s + n) / 2) * (180 / Math.PI)] };
  }
  if (finiteArray(bv.box, 12)) local = [bv.box[0], bv.box[1], bv.box[2]];
  else if (finiteArray(bv.sphere, 4)) local = [bv.sphere[0], bv.sphere[1], bv.sphere[2]];
  if (!local) return { georeferenced: !!t, center: null };
  const ecef = t ? transformPoint(t, ...local) : local;
  if (Math.hypot(...ecef) < ECEF_MIN_RADIUS) return { georeferenced: false, center: null };
  const [lon, lat] = ecefToGeodetic(...ecef);
  return { georeferenced: true, center: [lon, lat] };
}

/**
 * Finds the root tileset.json of an uploaded zip: at the root, or inside a single top folder
 * (zips made by right-clicking a folder). Returns the prefix to strip ('' or 'folder/').
 */
export function tilesetPrefix(names: readonly string[]): string {
  if (names.includes('tileset.json')) return '';
  const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')));
  if (tops.size === 1) {
    const [top] = tops;
    if (top && names.includes(`${top}tileset.json`)) return top;
  }
  throw new TilesetError('the zip has no "tileset.json" at its root (nor in a single top folder)', 'tileset.json');
}
