/**
 * A ContextCapture / Smart3D OSGB export (`metadata.xml` + `Data/Tile_±xxx_±yyy/*.osgb` PagedLOD
 * trees) → a 3D Tiles 1.1 tileset with glb contents, keeping the LOD tree:
 *
 * - every `osg::PagedLOD` becomes a tile whose content holds the geometry of the level shown before
 *   refining, and whose children are the PagedLODs of the finer files it names (REPLACE refinement);
 * - geometric errors follow the PagedLOD ranges: OSG shows the finer file once the node's bounding
 *   sphere covers `T` pixels (PIXEL_SIZE_ON_SCREEN, diameter 2r), 3D Tiles refines once
 *   `geometricError · k / distance` exceeds the screen-space error (16 px, CesiumJS's default);
 *   both switch at the same distance when `geometricError = 16 · 2r / T`. For DISTANCE_FROM_EYE_POINT
 *   (finer file within `D` metres) `geometricError = 16 · D / k`, k = 935 px (1080 px, 60° field of
 *   view). Leaves have 0; no child exceeds its parent;
 * - textures (raw pixels from `osgconv -O WriteImageHint=IncludeData`) are encoded as JPEG (PNG when
 *   they have an alpha channel) in unlit glTF materials;
 * - placement from `metadata.xml`: `EPSG:n` (a projected system known to PostGIS, e.g. CGCS2000
 *   Gauss-Krüger EPSG:4545, or WKT ending in an EPSG authority) with `<SRSOrigin>`, or
 *   `ENU:lat,lon`. The tileset stays in local metres; its root transform holds the linear map from
 *   the projection's grid to east-north-up metres at the origin (meridian convergence and scale
 *   factor, measured by projecting the origin and two points 100 m away), and the returned
 *   placement puts the model's ground (1st percentile of the coarsest level's heights) on the map's
 *   ground: the map has no terrain, so true elevations would float the model.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { geodeticToEcef, eastNorthUpToFixedFrame, type Placement } from '../three-d/enu.ts';
import { convertOsgb, osgconvAvailable } from './osgconv.ts';
import { readOsgt, type OsgImage, type OsgLod, type OsgMesh, type OsgScene } from './osgt.ts';
import { ObliqueError, type Lang } from './oblique-errors.ts';
import { writeTexturedGlb, type GlbImage, type TexturedPrimitive } from './textured-glb.ts';

/** PostGIS look-ups the placement needs (the three-d repository). */
export interface CrsResolver {
  crsInfo(code: number): Promise<{ projected: boolean } | null>;
  projectToLonLat(code: number, points: [number, number][]): Promise<[number, number][]>;
}

/** What the conversion made. */
export interface ObliqueTileset {
  /** tileset.json and the glb contents, by path. */
  files: Map<string, Uint8Array>;
  /** Where the tileset's local origin goes (height: lowers the model's ground to 0). */
  placement: Placement;
  /** Centre of the model [lon, lat]. */
  center: [number, number];
  /** `<SRS>` as found, and the ground's elevation in the export's vertical datum (m). */
  srs: string;
  groundElevation: number;
  /** Tiles written, .osgb files read. */
  tiles: number;
  osgbFiles: number;
  warnings: string[];
}

/** Screen-space error (px) at which a tile refines, as in CesiumJS. */
const MAX_SSE = 16;
/** Pixels per radian-ish for distance ranges: 1080 px high, 60° vertical field of view. */
const K_PIXELS = 1080 / (2 * Math.tan(Math.PI / 6));
/** Most .osgb files one export may have. */
const MAX_OSGB_FILES = 50_000;
/** osgconv processes at once. */
const CONCURRENCY = 2;

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();

/** `<SRS>` and `<SRSOrigin>` of metadata.xml. */
export function parseMetadataXml(text: string): { srs: string | null; origin: string | null } {
  const tag = (name: string) => {
    const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text);
    return m ? decodeXml(m[1]) : null;
  };
  return { srs: tag('SRS'), origin: tag('SRSOrigin') };
}

type Srs = { kind: 'epsg'; code: number } | { kind: 'enu'; lat: number; lon: number };

/** Reads the SRS forms ContextCapture writes; null when none fits. */
export function parseSrs(srs: string): Srs | null {
  const enu = /^ENU\s*:\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/i.exec(srs);
  if (enu) {
    const lat = Number(enu[1]), lon = Number(enu[2]);
    return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { kind: 'enu', lat, lon } : null;
  }
  const epsg = /^EPSG\s*:\s*(\d{4,6})(?:\s*\+\s*\d+)?\s*$/i.exec(srs);
  if (epsg) return { kind: 'epsg', code: Number(epsg[1]) };
  // WKT: the CRS's own authority is the last one.
  if (/^(PROJCS|PROJCRS|COMPD_CS|COMPOUNDCRS)\[/i.test(srs)) {
    const all = [...srs.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d{4,6})"?\s*\]/gi)];
    const projcs = /^(PROJCS|PROJCRS)/i.test(srs) ? all[all.length - 1] : null;
    if (projcs) return { kind: 'epsg', code: Number(projcs[1]) };
  }
  return null;
}

interface Box { min: [number, number, number]; max: [number, number, number] }
const emptyBox = (): Box => ({ min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] });
const isEmpty = (b: Box) => !(b.min[0] <= b.max[0]);
function grow(b: Box, o: Box): void {
  for (let k = 0; k < 3; k++) {
    b.min[k] = Math.min(b.min[k], o.min[k]);
    b.max[k] = Math.max(b.max[k], o.max[k]);
  }
}
function meshBox(meshes: OsgMesh[]): Box {
  const b = emptyBox();
  for (const m of meshes) {
    const p = m.positions;
    for (let i = 0; i < p.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        if (p[i + k] < b.min[k]) b.min[k] = p[i + k];
        if (p[i + k] > b.max[k]) b.max[k] = p[i + k];
      }
    }
  }
  return b;
}
function boxVolume(b: Box): number[] {
  const c = [0, 1, 2].map((k) => (b.min[k] + b.max[k]) / 2);
  const h = [0, 1, 2].map((k) => Math.max((b.max[k] - b.min[k]) / 2, 0.01));
  return [c[0], c[1], c[2], h[0], 0, 0, 0, h[1], 0, 0, 0, h[2]];
}

interface Tile {
  boundingVolume: { box: number[] };
  geometricError: number;
  refine?: 'REPLACE';
  content?: { uri: string };
  children?: Tile[];
}

/** Geometric error of a PagedLOD from its ranges (see the header), ≤ `parentGe`. */
export function lodGeometricError(lod: OsgLod, box: Box, parentGe: number): number {
  if (lod.files.length === 0) return 0;
  const r = lod.radius ?? (isEmpty(box) ? 0 : Math.hypot(box.max[0] - box.min[0], box.max[1] - box.min[1], box.max[2] - box.min[2]) / 2);
  let ge: number;
  if (lod.rangeMode === 'PIXEL_SIZE_ON_SCREEN') {
    const t = Math.min(...lod.files.map((f) => f.min));
    ge = t > 0 && Number.isFinite(t) ? (MAX_SSE * 2 * r) / t : parentGe;
  } else {
    const d = Math.max(...lod.files.map((f) => f.max));
    ge = Number.isFinite(d) && d > 0 ? (MAX_SSE * d) / K_PIXELS : parentGe;
  }
  return Math.min(Number.isFinite(ge) ? ge : parentGe, parentGe);
}

/** Raw OSG pixels → JPEG (PNG with alpha); null for formats we cannot decode. */
async function encodeImage(img: OsgImage): Promise<GlbImage | null> {
  const channels: Record<number, number> = { 6407: 3, 6408: 4, 32992: 3, 32993: 4, 6409: 1, 6410: 2 };
  const ch = channels[img.pixelFormat];
  if (!ch || img.dataType !== 5121) return null;
  const raw = Buffer.from(img.data, 'base64');
  const rowBytes = img.width * ch;
  const stride = Math.floor(raw.length / img.height);
  if (stride < rowBytes) return null;
  let pixels = raw;
  if (stride !== rowBytes || img.pixelFormat === 32992 || img.pixelFormat === 32993) {
    pixels = Buffer.alloc(rowBytes * img.height);
    for (let y = 0; y < img.height; y++) raw.copy(pixels, y * rowBytes, y * stride, y * stride + rowBytes);
    if (img.pixelFormat === 32992 || img.pixelFormat === 32993) {
      for (let i = 0; i < pixels.length; i += ch) [pixels[i], pixels[i + 2]] = [pixels[i + 2], pixels[i]];
    }
  }
  // OSG's first row is the image's bottom and its v = 0; glTF's v = 0 is the encoded image's first
  // (top) row: writing the rows in memory order keeps the texture coordinates as they are.
  const s = sharp(pixels, { raw: { width: img.width, height: img.height, channels: ch as 1 | 2 | 3 | 4 } });
  const alpha = ch === 2 || ch === 4;
  const bytes = alpha ? await s.png().toBuffer() : await s.toColourspace('srgb').jpeg({ quality: 85 }).toBuffer();
  return { bytes: new Uint8Array(bytes), mimeType: alpha ? 'image/png' : 'image/jpeg' };
}

/**
 * What can be checked of an export before any .osgb is read (osgconv present, metadata.xml, its SRS
 * and origin, the tile root files), with the georeference worked out: plain data, so a worker
 * process without a database can do the conversion ({@link buildObliqueTileset}).
 */
export interface ObliquePlan {
  /** Folder of metadata.xml inside the zip ('' or 'top/'). */
  prefix: string;
  /** `<SRS>` as written. */
  srs: string;
  srsKind: 'epsg' | 'enu';
  /** Origin's lon/lat, grid → ENU 2×2 map (column-major), translation of the local frame, origin height. */
  lon0: number;
  lat0: number;
  a: number[];
  translation: [number, number, number];
  z0: number;
  /** Tile root files `Data/<Tile>/<Tile>.osgb`, sorted. */
  roots: string[];
  /** .osgb files in the export (an upper bound of those read). */
  osgbCount: number;
}

/** Stages of a conversion, with counts, for progress reports. */
export type ObliqueProgress = (stage: 'reading' | 'writing', done: number, total: number) => void;

/**
 * Converts the files of an export (paths as in the zip or folder) into a tileset. `name` names the
 * upload in messages. Throws `ObliqueError`s naming the file at fault, worded in `lang`.
 */
export async function convertObliqueExport(name: string, files: ReadonlyMap<string, Uint8Array>, crs: CrsResolver, lang: Lang, progress?: ObliqueProgress): Promise<ObliqueTileset> {
  return buildObliqueTileset(name, files, await prepareObliqueExport(name, files, crs, lang), lang, progress);
}

/**
 * The checks that need no .osgb to be read, and the placement (PostGIS through `crs`). Throws
 * `ObliqueError`s (osgconv missing: 415; no metadata.xml, no/unknown SRS, bad origin, no tile
 * root files, too many files: 400).
 */
export async function prepareObliqueExport(name: string, files: ReadonlyMap<string, Uint8Array>, crs: CrsResolver, lang: Lang): Promise<ObliquePlan> {
  if (!(await osgconvAvailable())) throw new ObliqueError('osgconv_missing', { file: name }, lang, 'unsupported_media_type');
  // metadata.xml at the root or in the single top folder.
  const metaPath = [...files.keys()].filter((p) => /(^|\/)metadata\.xml$/i.test(p) && p.split('/').length <= 2).sort((a, b) => a.length - b.length)[0];
  if (!metaPath) throw new ObliqueError('no_metadata', { file: name }, lang);
  const prefix = metaPath.slice(0, metaPath.length - 'metadata.xml'.length);
  const meta = parseMetadataXml(new TextDecoder().decode(files.get(metaPath)));
  const metaName = metaPath;
  if (!meta.srs) throw new ObliqueError('no_srs', { file: metaName }, lang);
  const srs = parseSrs(meta.srs);
  if (!srs) throw new ObliqueError('unknown_srs', { file: metaName, value: meta.srs.slice(0, 120), why: lang === 'en' ? 'not EPSG:n, ENU:lat,lon or a WKT with an EPSG authority' : '不是 EPSG:n、ENU:纬度,经度 或带 EPSG 编号的 WKT' }, lang);
  const originRaw = meta.origin ?? '0,0,0';
  const origin = originRaw.split(/[\s,]+/).filter(Boolean).map(Number);
  if (origin.length < 2 || origin.length > 3 || origin.some((v) => !Number.isFinite(v))) throw new ObliqueError('bad_origin', { file: metaName, value: originRaw }, lang);
  const [x0, y0, z0 = 0] = origin;

  // Placement: lon/lat of the origin and the grid → ENU linear map.
  let lon0: number, lat0: number;
  let a = [1, 0, 0, 1]; // column-major 2×2: grid x → (e, n), grid y → (e, n)
  let translation: [number, number, number] = [0, 0, 0];
  if (srs.kind === 'enu') {
    lon0 = srs.lon;
    lat0 = srs.lat;
    translation = [x0, y0, z0];
  } else {
    const info = await crs.crsInfo(srs.code);
    if (!info) throw new ObliqueError('unknown_srs', { file: metaName, value: meta.srs.slice(0, 120), why: lang === 'en' ? `EPSG:${srs.code} is not a coordinate system PostGIS knows` : `PostGIS 不认识 EPSG:${srs.code}` }, lang);
    if (!info.projected) throw new ObliqueError('unknown_srs', { file: metaName, value: meta.srs.slice(0, 120), why: lang === 'en' ? `EPSG:${srs.code} is not a projected system in metres` : `EPSG:${srs.code} 不是以米为单位的投影坐标系` }, lang);
    const pts = await crs.projectToLonLat(srs.code, [[x0, y0], [x0 + 100, y0], [x0, y0 + 100]]);
    if (pts.length !== 3 || pts.flat().some((v) => !Number.isFinite(v)) || Math.abs(pts[0][1]) > 90) {
      throw new ObliqueError('bad_origin', { file: metaName, value: originRaw }, lang);
    }
    [lon0, lat0] = pts[0];
    const m = eastNorthUpToFixedFrame(lon0, lat0, 0);
    const enu = (lon: number, lat: number) => {
      const e = geodeticToEcef(lon, lat, 0);
      const d = [e[0] - m[12], e[1] - m[13], e[2] - m[14]];
      return [d[0] * m[0] + d[1] * m[1] + d[2] * m[2], d[0] * m[4] + d[1] * m[5] + d[2] * m[6]];
    };
    const ex = enu(...pts[1]), ey = enu(...pts[2]);
    a = [ex[0] / 100, ex[1] / 100, ey[0] / 100, ey[1] / 100];
  }

  // Tile root files: Data/<Tile>/<Tile>.osgb.
  const dataPrefix = `${prefix}Data/`;
  const osgbPaths = [...files.keys()].filter((p) => p.startsWith(dataPrefix) && /\.osgb$/i.test(p));
  if (osgbPaths.length > MAX_OSGB_FILES) throw new ObliqueError('too_many_files', { file: name, max: MAX_OSGB_FILES }, lang);
  const roots = osgbPaths.filter((p) => {
    const parts = p.slice(dataPrefix.length).split('/');
    return parts.length === 2 && parts[1].replace(/\.osgb$/i, '') === parts[0];
  }).sort();
  if (roots.length === 0) throw new ObliqueError('no_data', { file: name }, lang);
  return { prefix, srs: meta.srs, srsKind: srs.kind, lon0, lat0, a, translation, z0, roots, osgbCount: osgbPaths.length };
}

/**
 * Reads every .osgb reachable from the plan's roots (osgconv; scratch files in `scratchDir` or the
 * system's temporary folder) and writes the tileset. Throws
 * `ObliqueError`s naming the file (missing level, corrupt .osgb, unreadable scene, no triangles).
 */
export async function buildObliqueTileset(name: string, files: ReadonlyMap<string, Uint8Array>, plan: ObliquePlan, lang: Lang, progress?: ObliqueProgress, scratchDir?: string): Promise<ObliqueTileset> {
  const { prefix, roots, lon0, lat0, a, translation, z0 } = plan;
  const srs = { kind: plan.srsKind };
  const meta = { srs: plan.srs };
  // osgconv's scratch files: under `scratchDir` when given (a job's work folder, removed even when the
  // process is killed), else the system's temporary folder.
  if (scratchDir) await mkdir(scratchDir, { recursive: true });
  const tmp = await mkdtemp(path.join(scratchDir ?? os.tmpdir(), 'dz-osgb-'));
  const scenes = new Map<string, OsgScene>();
  const rel = (p: string) => p.slice(prefix.length);
  try {
    // Read every reachable file, level by level, CONCURRENCY osgconv processes at a time.
    let counter = 0;
    const read = async (p: string): Promise<void> => {
      const n = counter++;
      const src = path.join(tmp, `${n}.osgb`);
      await writeFile(src, files.get(p)!);
      let text: string;
      try {
        text = await convertOsgb(src, path.join(tmp, `w${n}`));
      } catch (err) {
        throw new ObliqueError('corrupt_osgb', { file: rel(p), detail: (err as Error).message.replaceAll(src, rel(p)).replaceAll(tmp, '') }, lang);
      } finally {
        await rm(src, { force: true });
      }
      try {
        scenes.set(p, readOsgt(text));
      } catch (err) {
        throw new ObliqueError('bad_scene', { file: rel(p), detail: (err as Error).message }, lang);
      }
      progress?.('reading', scenes.size, plan.osgbCount);
    };
    const childPaths = (p: string, scene: OsgScene): string[] => {
      const out: string[] = [];
      const visit = (lod: OsgLod) => {
        for (const f of lod.files) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(p), f.file.replace(/\\/g, '/')));
          if (!files.has(target)) throw new ObliqueError('missing_level', { file: rel(p), missing: rel(target).startsWith('..') ? f.file : rel(target) }, lang);
          out.push(target);
        }
        lod.nested.forEach(visit);
      };
      scene.lods.forEach(visit);
      return out;
    };
    let level = roots;
    const queued = new Set(roots);
    while (level.length) {
      for (let i = 0; i < level.length; i += CONCURRENCY) await Promise.all(level.slice(i, i + CONCURRENCY).map(read));
      const next: string[] = [];
      for (const p of level) {
        for (const c of childPaths(p, scenes.get(p)!)) {
          if (!queued.has(c)) {
            queued.add(c);
            next.push(c);
          }
        }
      }
      level = next;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  // Tiles.
  const out = new Map<string, Uint8Array>();
  // Contents to write (for progress): meshes of every PagedLOD level and of every scene's own geometry.
  let contentCount = 0;
  const countLods = (l: OsgLod): void => { if (l.meshes.length) contentCount++; l.nested.forEach(countLods); };
  for (const sc of scenes.values()) { sc.lods.forEach(countLods); if (sc.meshes.length) contentCount++; }
  const warnings: string[] = [];
  const images = new Map<OsgImage, Promise<GlbImage | null>>();
  const badImages = new Set<string>();
  let tileCount = 0;
  const writeContent = async (uri: string, meshes: OsgMesh[], box: Box): Promise<void> => {
    const c = [0, 1, 2].map((k) => (box.min[k] + box.max[k]) / 2);
    const glbImages: GlbImage[] = [];
    const index = new Map<OsgImage, number>();
    const prims: TexturedPrimitive[] = [];
    for (const m of meshes) {
      let image: number | null = null;
      if (m.texture && m.uvs) {
        if (!images.has(m.texture)) images.set(m.texture, encodeImage(m.texture));
        const enc = await images.get(m.texture)!;
        if (enc) {
          if (!index.has(m.texture)) {
            glbImages.push(enc);
            index.set(m.texture, glbImages.length - 1);
          }
          image = index.get(m.texture)!;
        } else badImages.add(m.texture.name || uri);
      }
      const p = m.positions;
      const pos = new Float32Array(p.length);
      for (let i = 0; i < p.length; i += 3) {
        // Local (x east, y north, z up) → glTF (x, z, -y).
        pos[i] = p[i] - c[0];
        pos[i + 1] = p[i + 2] - c[2];
        pos[i + 2] = -(p[i + 1] - c[1]);
      }
      prims.push({ positions: pos, uvs: m.uvs, indices: m.indices, image, color: m.color });
    }
    out.set(uri, writeTexturedGlb(prims, glbImages, [c[0], c[2], -c[1]], 'dazhou-carrier-gis oblique (OSGB)'));
    progress?.('writing', out.size, contentCount);
  };
  const uriFor = (p: string, k: number, many: boolean) => `${rel(p).replace(/\.osgb$/i, '')}${many ? `_${k}` : ''}.glb`;
  const onPath = new Set<string>();

  const tilesOfScene = async (p: string, parentGe: number): Promise<{ tiles: Tile[]; box: Box }> => {
    const scene = scenes.get(p)!;
    const box = emptyBox();
    if (onPath.has(p)) return { tiles: [], box }; // a file naming its own ancestor: cut the cycle
    onPath.add(p);
    const many = scene.lods.length + (scene.meshes.length ? 1 : 0) > 1;
    const tiles: Tile[] = [];
    let k = 0;
    const lodTile = async (lod: OsgLod, uri: string): Promise<Tile | null> => {
      const own = meshBox(lod.meshes);
      const ge = lodGeometricError(lod, own, parentGe);
      const children: Tile[] = [];
      const tb = emptyBox();
      if (!isEmpty(own)) grow(tb, own);
      for (const f of lod.files) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(p), f.file.replace(/\\/g, '/')));
        const sub = await tilesOfScene(target, ge);
        children.push(...sub.tiles);
        if (!isEmpty(sub.box)) grow(tb, sub.box);
      }
      for (const n of lod.nested) {
        const t = await lodTile(n, uri.replace(/\.glb$/, `_n${k++}.glb`));
        if (t) {
          children.push(t);
          grow(tb, boxOf(t));
        }
      }
      if (isEmpty(tb)) return null;
      const tile: Tile = { boundingVolume: { box: boxVolume(tb) }, geometricError: ge, refine: 'REPLACE' };
      if (lod.meshes.length) {
        await writeContent(uri, lod.meshes, own);
        tile.content = { uri };
      }
      if (children.length) tile.children = children;
      tileCount++;
      return tile;
    };
    for (let i = 0; i < scene.lods.length; i++) {
      const t = await lodTile(scene.lods[i], uriFor(p, i, many));
      if (t) {
        tiles.push(t);
        grow(box, boxOf(t));
      }
    }
    if (scene.meshes.length) {
      const own = meshBox(scene.meshes);
      const uri = uriFor(p, scene.lods.length, many);
      await writeContent(uri, scene.meshes, own);
      tiles.push({ boundingVolume: { box: boxVolume(own) }, geometricError: 0, content: { uri } });
      tileCount++;
      grow(box, own);
    }
    onPath.delete(p);
    return { tiles, box };
  };
  const boxes = new WeakMap<Tile, Box>();
  const boxOf = (t: Tile): Box => {
    let b = boxes.get(t);
    if (!b) {
      const v = t.boundingVolume.box;
      b = { min: [v[0] - v[3], v[1] - v[7], v[2] - v[11]], max: [v[0] + v[3], v[1] + v[7], v[2] + v[11]] };
      boxes.set(t, b);
    }
    return b;
  };

  const rootChildren: Tile[] = [];
  const all = emptyBox();
  const groundZ: number[] = [];
  for (const r of roots) {
    for (const lod of scenes.get(r)!.lods) for (const m of lod.meshes) for (let i = 2; i < m.positions.length; i += 3) groundZ.push(m.positions[i]);
    for (const m of scenes.get(r)!.meshes) for (let i = 2; i < m.positions.length; i += 3) groundZ.push(m.positions[i]);
    const sub = await tilesOfScene(r, Infinity);
    rootChildren.push(...sub.tiles);
    if (!isEmpty(sub.box)) grow(all, sub.box);
  }
  if (rootChildren.length === 0 || isEmpty(all)) throw new ObliqueError('empty_model', { file: name }, lang);
  if (badImages.size) warnings.push(`textures in a pixel format that cannot be decoded were left out (untextured colour instead): ${[...badImages].slice(0, 10).join(', ')}`);
  // Infinity (a root PagedLOD without a finer level given as pixel 0) → the model's size.
  const diagonal = Math.hypot(all.max[0] - all.min[0], all.max[1] - all.min[1], all.max[2] - all.min[2]);
  const fix = (t: Tile, parent: number) => {
    if (!Number.isFinite(t.geometricError)) t.geometricError = Math.min(diagonal, parent);
    t.geometricError = Math.min(t.geometricError, parent);
    for (const c of t.children ?? []) fix(c, t.geometricError);
  };
  const rootGe = Math.max(diagonal, ...rootChildren.map((t) => (Number.isFinite(t.geometricError) ? t.geometricError : 0)));
  for (const t of rootChildren) fix(t, rootGe);
  groundZ.sort((p, q) => p - q);
  const zGround = groundZ.length ? groundZ[Math.floor(groundZ.length * 0.01)] : all.min[2];
  const transform = [a[0], a[1], 0, 0, a[2], a[3], 0, 0, 0, 0, 1, 0, translation[0], translation[1], translation[2], 1];
  const tileset = {
    asset: { version: '1.1', generator: 'dazhou-carrier-gis oblique (OSGB)' },
    geometricError: rootGe,
    root: { transform, boundingVolume: { box: boxVolume(all) }, geometricError: rootGe, refine: 'REPLACE', children: rootChildren },
  };
  out.set('tileset.json', new TextEncoder().encode(JSON.stringify(tileset)));
  // Centre of the model: the box centre through the transform, as metres east/north of the origin.
  const cx = (all.min[0] + all.max[0]) / 2, cy = (all.min[1] + all.max[1]) / 2;
  const e = a[0] * cx + a[2] * cy + translation[0], n = a[1] * cx + a[3] * cy + translation[1];
  const center: [number, number] = [lon0 + e / (111320 * Math.cos((lat0 * Math.PI) / 180)), lat0 + n / 110574];
  const height = -(zGround + translation[2]) || 0;
  warnings.push(`model lowered by ${(zGround + translation[2]).toFixed(2)} m so that its ground sits on the map (elevation ${((srs.kind === 'epsg' ? z0 : 0) + zGround + translation[2]).toFixed(2)} m in the export's vertical datum)`);
  return {
    files: out, placement: { lon: lon0, lat: lat0, height, heading: 0 }, center, srs: meta.srs, groundElevation: (srs.kind === 'epsg' ? z0 : 0) + zGround + translation[2],
    tiles: tileCount, osgbFiles: scenes.size, warnings,
  };
}
