/**
 * Reads the OpenSceneGraph ASCII scene format (`.osgt`, what `osgconv in.osgb out.osgt` writes)
 * as far as ContextCapture / Smart3D oblique models need it:
 *
 * - `osg::PagedLOD`: centre and radius (`UserCenter x y z r`), `RangeMode`, `RangeList` and
 *   `RangeDataList` (the file of each range; `""` for a child held in this file), its `Children`;
 * - `osg::LOD` (first child only), `osg::Group`, `osg::Geode`, `osg::MatrixTransform` (`Matrix`, OSG's
 *   row-vector layout: translation in the last row) and `osg::PositionAttitudeTransform` (position only);
 * - `osg::Geometry`: `VertexArray` (Vec3Array / Vec3dArray), the first `TexCoordArrayList` array
 *   (Vec2Array), `PrimitiveSetList` (DrawElementsUInt/UShort/UByte and DrawArrays in TRIANGLES,
 *   TRIANGLE_STRIP or TRIANGLE_FAN; lines and points are dropped), its StateSet's `osg::Image`
 *   (written inline by `osgconv -O WriteImageHint=IncludeData`: size, pixel format, base64 pixels;
 *   shared images are referenced again by UniqueID) and the material's front diffuse colour.
 *
 * The format is a tree of lines: `Key values… {` opens a block, `}` closes it, other lines are
 * `Key values…`; strings are double-quoted with backslash escapes. Numbers come with 6 significant
 * digits (osgconv's stream precision): sub-millimetre for local coordinates below 1 km.
 */

/** A block or a property line of the scene text. */
interface Item {
  head: string[];
  /** Present for blocks (`… {`). */
  items?: Item[];
  line: number;
}

/** A triangle mesh in the file's coordinates (after the transforms above it). */
export interface OsgMesh {
  /** x, y, z per vertex. */
  positions: Float64Array;
  /** u, v per vertex, or null. */
  uvs: Float32Array | null;
  /** Three vertex indices per triangle. */
  indices: Uint32Array;
  /** Texture image (osgconv `WriteImageHint=IncludeData`: raw pixels), or null. */
  texture: OsgImage | null;
  /** Front diffuse colour RGBA 0..1. */
  color: [number, number, number, number];
}

/** An image as osgconv writes it inline: raw pixels, rows from the bottom (OpenGL), base64. */
export interface OsgImage {
  /** `FileName` of the image in the export (for messages). */
  name: string;
  width: number;
  height: number;
  /** OpenGL pixel format (6407 RGB, 6408 RGBA, 32992 BGR, 32993 BGRA, 6409 luminance, 6410 luminance-alpha). */
  pixelFormat: number;
  /** OpenGL data type (5121 = unsigned byte). */
  dataType: number;
  /** Pixels, base64; decoded lazily by the tile writer. */
  data: string;
}

/** One PagedLOD node: its meshes and the files of its finer levels. */
export interface OsgLod {
  /** Centre and radius of the node's bound, when the file gives them. */
  center: [number, number, number] | null;
  radius: number | null;
  rangeMode: 'PIXEL_SIZE_ON_SCREEN' | 'DISTANCE_FROM_EYE_POINT';
  /** Meshes of the children held in this file (the level shown before refining). */
  meshes: OsgMesh[];
  /** Finer levels: file name (relative to this file) and the range in which it is shown. */
  files: { file: string; min: number; max: number }[];
  /** PagedLOD nodes nested inside the held children (rare). */
  nested: OsgLod[];
}

/** What one file holds: its PagedLOD nodes and meshes outside any PagedLOD. */
export interface OsgScene {
  lods: OsgLod[];
  meshes: OsgMesh[];
}

/** A file that is not an osgt scene we can read. The message names the line. */
export class OsgtError extends Error {}

/** Parses the text into blocks and lines. Quoted strings may span lines (base64 image data does). */
export function parseOsgtTree(text: string): Item[] {
  if (!/^#Ascii Scene/.test(text)) throw new OsgtError('not an OpenSceneGraph ASCII scene (no "#Ascii Scene" header)');
  const root: Item = { head: [], items: [], line: 0 };
  const stack: Item[] = [root];
  let tokens: string[] = [];
  let line = 1;
  let startLine = 1;
  const endLine = () => {
    if (tokens.length === 0) return;
    const top = stack[stack.length - 1];
    if (tokens.length === 1 && tokens[0] === '}') {
      if (stack.length === 1) throw new OsgtError(`line ${startLine}: "}" without an open block`);
      stack.pop();
    } else if (tokens[tokens.length - 1] === '{') {
      const block: Item = { head: tokens.slice(0, -1), items: [], line: startLine };
      top.items!.push(block);
      stack.push(block);
    } else if (tokens[tokens.length - 1] === '}') {
      // A value and the closing brace on one line (osgconv writes `"…base64…" }`).
      top.items!.push({ head: tokens.slice(0, -1), line: startLine });
      if (stack.length === 1) throw new OsgtError(`line ${startLine}: "}" without an open block`);
      stack.pop();
    } else {
      top.items!.push({ head: tokens, line: startLine });
    }
    tokens = [];
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) { // \n
      endLine();
      line++;
      i++;
    } else if (c === 32 || c === 9 || c === 13) {
      i++;
    } else if (c === 35 && tokens.length === 0) { // # comment line
      while (i < n && text.charCodeAt(i) !== 10) i++;
    } else if (c === 34) { // "
      if (tokens.length === 0) startLine = line;
      const parts: string[] = [];
      let j = ++i;
      while (i < n && text.charCodeAt(i) !== 34) {
        if (text.charCodeAt(i) === 92) { // backslash
          parts.push(text.slice(j, i));
          i++;
          j = i;
        } else if (text.charCodeAt(i) === 10) line++;
        i++;
      }
      if (i >= n) throw new OsgtError(`line ${startLine}: unterminated string`);
      parts.push(text.slice(j, i));
      tokens.push(parts.join(''));
      i++;
    } else {
      if (tokens.length === 0) startLine = line;
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 32 || d === 9 || d === 13 || d === 10) break;
        j++;
      }
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  endLine();
  if (stack.length !== 1) throw new OsgtError(`the scene ends inside the block opened on line ${stack[stack.length - 1].line}`);
  return root.items!;
}

const child = (b: Item, key: string): Item | undefined => b.items?.find((i) => i.head[0] === key);
const numbersOf = (b: Item | undefined): number[] => {
  const out: number[] = [];
  for (const i of b?.items ?? []) for (const t of i.head) out.push(Number(t));
  return out;
};
/** The single `osg::…` object block inside a property block (e.g. `VertexArray TRUE { osg::Vec3Array {…} }`). */
const objectIn = (b: Item | undefined): Item | undefined => b?.items?.find((i) => i.items && i.head[0]?.startsWith('osg'));

type Matrix = number[];
const IDENTITY: Matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
/** Row-vector product: applying `a` then `b`. */
function mul(a: Matrix, b: Matrix): Matrix {
  const out = new Array(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c];
  return out;
}

/** Objects a file defines once and refers to again by UniqueID. */
interface Ctx {
  images: Map<string, OsgImage | null>;
}

/** An `Image TRUE { … }` block (or a reference to one written earlier). */
function readImage(b: Item, ctx: Ctx): OsgImage | null {
  const id = child(b, 'UniqueID')?.head[1];
  const size = child(b, 'Size')?.head.slice(1).map(Number);
  const data = child(b, 'Data');
  if (!size || !data) return id !== undefined ? (ctx.images.get(id) ?? null) : null;
  const encoded = (data.items ?? []).map((i) => i.head.join('')).join('');
  const img: OsgImage = {
    name: child(b, 'FileName')?.head[1] ?? '', width: size[0], height: size[1],
    pixelFormat: Number(child(b, 'PixelFormat')?.head[1]), dataType: Number(child(b, 'DataType')?.head[1]), data: encoded,
  };
  const ok = Number.isInteger(img.width) && Number.isInteger(img.height) && img.width > 0 && img.height > 0 && encoded.length > 0;
  if (id !== undefined) ctx.images.set(id, ok ? img : null);
  return ok ? img : null;
}

function readGeometry(g: Item, m: Matrix, ctx: Ctx): OsgMesh | null {
  const vertexBlock = objectIn(child(g, 'VertexArray'));
  const v = numbersOf(vertexBlock && child(vertexBlock, 'vector'));
  if (v.length < 9 || v.some((x) => !Number.isFinite(x))) return null;
  const n = Math.floor(v.length / 3);
  const positions = new Float64Array(n * 3);
  const ident = m === IDENTITY;
  for (let i = 0; i < n; i++) {
    const x = v[i * 3], y = v[i * 3 + 1], z = v[i * 3 + 2];
    if (ident) {
      positions[i * 3] = x; positions[i * 3 + 1] = y; positions[i * 3 + 2] = z;
    } else {
      positions[i * 3] = x * m[0] + y * m[4] + z * m[8] + m[12];
      positions[i * 3 + 1] = x * m[1] + y * m[5] + z * m[9] + m[13];
      positions[i * 3 + 2] = x * m[2] + y * m[6] + z * m[10] + m[14];
    }
  }
  let uvs: Float32Array | null = null;
  const tcList = child(g, 'TexCoordArrayList');
  const tc = tcList?.items?.find((i) => i.items && i.head[0]?.startsWith('osg::Vec2'));
  if (tc) {
    const t = numbersOf(child(tc, 'vector'));
    if (t.length >= n * 2) uvs = Float32Array.from(t.slice(0, n * 2));
  }
  const indices: number[] = [];
  for (const ps of child(g, 'PrimitiveSetList')?.items ?? []) {
    if (!ps.items) continue;
    const mode = child(ps, 'Mode')?.head[1] ?? 'TRIANGLES';
    let idx: number[];
    if (ps.head[0].startsWith('osg::DrawElements')) {
      idx = numbersOf(child(ps, 'vector'));
    } else if (ps.head[0] === 'osg::DrawArrays') {
      const first = Number(child(ps, 'First')?.head[1] ?? 0);
      const count = Number(child(ps, 'Count')?.head[1] ?? 0);
      idx = Array.from({ length: count }, (_, k) => first + k);
    } else continue;
    if (mode === 'TRIANGLES') {
      for (let k = 0; k + 2 < idx.length; k += 3) indices.push(idx[k], idx[k + 1], idx[k + 2]);
    } else if (mode === 'TRIANGLE_STRIP') {
      for (let k = 0; k + 2 < idx.length; k++) indices.push(...(k % 2 === 0 ? [idx[k], idx[k + 1], idx[k + 2]] : [idx[k + 1], idx[k], idx[k + 2]]));
    } else if (mode === 'TRIANGLE_FAN') {
      for (let k = 1; k + 1 < idx.length; k++) indices.push(idx[0], idx[k], idx[k + 1]);
    }
  }
  const valid = indices.filter((_, k) => k % 3 === 0).length;
  if (valid === 0) return null;
  for (const i of indices) if (!(i >= 0 && i < n)) throw new OsgtError(`line ${g.line}: index ${i} is outside the ${n} vertices`);
  // StateSet: texture image and material colour.
  let texture: OsgImage | null = null;
  let color: [number, number, number, number] = [1, 1, 1, 1];
  const walk = (b: Item) => {
    for (const i of b.items ?? []) {
      if (i.head[0] === 'Image' && i.items && texture === null) texture = readImage(i, ctx);
      if (i.head[0] === 'Diffuse' && i.head[1] === 'TRUE' && i.head[2] === 'Front') {
        const c = i.head.slice(3, 7).map(Number);
        if (c.length === 4 && c.every(Number.isFinite)) color = c as typeof color;
      }
      if (i.items) walk(i);
    }
  };
  const ss = child(g, 'StateSet');
  if (ss) walk(ss);
  return { positions, uvs, indices: Uint32Array.from(indices), texture, color };
}

/** Collects meshes and PagedLODs under a node. */
function collect(node: Item, m: Matrix, meshes: OsgMesh[], lods: OsgLod[], depth: number, ctx: Ctx): void {
  if (depth > 64) throw new OsgtError(`line ${node.line}: nodes nest deeper than 64`);
  const type = node.head[0];
  if (type === 'osg::Geometry') {
    const mesh = readGeometry(node, m, ctx);
    if (mesh) meshes.push(mesh);
    return;
  }
  if (type === 'osg::PagedLOD') {
    lods.push(readPagedLod(node, m, depth, ctx));
    return;
  }
  let next = m;
  if (type === 'osg::MatrixTransform') {
    const mat = numbersOf(child(node, 'Matrix'));
    if (mat.length === 16 && mat.every(Number.isFinite)) next = mul(mat, m);
  } else if (type === 'osg::PositionAttitudeTransform') {
    const p = child(node, 'Position')?.head.slice(1).map(Number);
    if (p && p.length === 3 && p.every(Number.isFinite)) next = mul([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, p[0], p[1], p[2], 1], m);
  }
  const kids = [...(child(node, 'Children')?.items ?? []), ...(child(node, 'Drawables')?.items ?? [])].filter((i) => i.items);
  const chosen = type === 'osg::LOD' ? kids.slice(0, 1) : kids;
  for (const k of chosen) collect(k, next, meshes, lods, depth + 1, ctx);
}

function readPagedLod(node: Item, m: Matrix, depth: number, ctx: Ctx): OsgLod {
  const uc = child(node, 'UserCenter')?.head.slice(1).map(Number);
  let center: [number, number, number] | null = null;
  let radius: number | null = null;
  if (uc && uc.length >= 4 && uc.every(Number.isFinite)) {
    const [x, y, z] = uc;
    center = m === IDENTITY ? [x, y, z] : [x * m[0] + y * m[4] + z * m[8] + m[12], x * m[1] + y * m[5] + z * m[9] + m[13], x * m[2] + y * m[6] + z * m[10] + m[14]];
    radius = uc[3];
  }
  const rangeMode = child(node, 'RangeMode')?.head[1] === 'DISTANCE_FROM_EYE_POINT' ? 'DISTANCE_FROM_EYE_POINT' : 'PIXEL_SIZE_ON_SCREEN';
  const ranges = (child(node, 'RangeList')?.items ?? []).map((i) => i.head.map(Number));
  const names = (child(node, 'RangeDataList')?.items ?? []).map((i) => i.head[0] ?? '');
  const kids = (child(node, 'Children')?.items ?? []).filter((i) => i.items);
  const meshes: OsgMesh[] = [];
  const nested: OsgLod[] = [];
  const files: OsgLod['files'] = [];
  for (let i = 0; i < Math.max(ranges.length, kids.length); i++) {
    const file = names[i] ?? '';
    const [min, max] = ranges[i] ?? [0, Infinity];
    if (file) files.push({ file, min, max });
    else if (kids[i]) collect(kids[i], m, meshes, nested, depth + 1, ctx);
  }
  return { center, radius, rangeMode, meshes, files, nested };
}

/** Reads an osgt scene: its PagedLODs (in order) and the meshes outside them. */
export function readOsgt(text: string): OsgScene {
  const items = parseOsgtTree(text);
  const meshes: OsgMesh[] = [];
  const lods: OsgLod[] = [];
  const ctx: Ctx = { images: new Map() };
  for (const i of items) if (i.items) collect(i, IDENTITY, meshes, lods, 0, ctx);
  return { lods, meshes };
}
