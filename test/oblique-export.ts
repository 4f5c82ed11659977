/**
 * Builds ContextCapture-style OSGB exports for tests: scenes written as OpenSceneGraph ASCII
 * (`.osgt`) here and turned into real binary `.osgb` files by Debian's `osgconv`, laid out as
 * `metadata.xml` + `Data/Tile_+000_+000/…`. The default export has three levels:
 *
 *   Tile_+000_+000.osgb        PagedLOD r 40, shown below 80 px, then → L17_0.osgb   (geometricError 16·80/80 = 16)
 *   Tile_+000_+000_L17_0.osgb  Group of 2 PagedLODs r 20, below 80 px, → L18_0 / L18_1 (8 each)
 *   Tile_+000_+000_L18_{0,1}.osgb  Geodes (leaves, 0)
 *
 * Every level is a textured grid over a 60 × 60 m square (the finer, the denser), 30 m high at
 * its middle, with a texture of its own colour, so a render shows which level is drawn.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Whether osgconv is installed (CI installs openscenegraph). */
export function hasOsgconv(): boolean {
  try {
    execFileSync('osgconv', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (process.env.CI) throw new Error('osgconv not found; .ci/run installs openscenegraph');
      return false;
    }
    return true;
  }
}

/** A solid-colour RGB image, raw pixels base64, as osgt writes inline images. */
function image(rgb: [number, number, number], size = 8): string {
  const px = Buffer.alloc(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    // A checker so the texture is not flat.
    const k = ((i % size) + Math.floor(i / size)) % 2 === 0 ? 1 : 0.7;
    px[i * 3] = Math.round(rgb[0] * k); px[i * 3 + 1] = Math.round(rgb[1] * k); px[i * 3 + 2] = Math.round(rgb[2] * k);
  }
  return [
    'Image TRUE {', 'ClassName osg::Image', 'FileName "tex.jpg"', 'WriteHint 2 0', 'Origin 0', `Size ${size} ${size} 1`,
    'InternalTextureFormat 6407', 'PixelFormat 6407', 'DataType 5121', 'Packing 1', 'AllocationMode 1',
    'Data 1 {', `"${px.toString('base64')}"`, '}', '}',
  ].join('\n');
}

/** A textured grid geometry over [x0, x1] × [y0, y1] (local metres), a roof-like bump of `h` m at the middle. */
export function gridGeometry(x0: number, y0: number, x1: number, y1: number, n: number, h: number, rgb: [number, number, number], z0 = 0): string {
  const v: string[] = [];
  const t: string[] = [];
  const idx: number[] = [];
  for (let j = 0; j <= n; j++) {
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n, y = y0 + ((y1 - y0) * j) / n;
      const d = Math.max(Math.abs(x - 30) / 30, Math.abs(y - 30) / 30);
      v.push(`${x.toFixed(3)} ${y.toFixed(3)} ${(z0 + h * Math.max(0, 1 - d)).toFixed(3)}`);
      t.push(`${(i / n).toFixed(4)} ${(j / n).toFixed(4)}`);
    }
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const a = j * (n + 1) + i;
      idx.push(a, a + 1, a + n + 2, a, a + n + 2, a + n + 1);
    }
  }
  return [
    'osg::Geometry {',
    'StateSet TRUE {', 'osg::StateSet {', 'TextureModeList 1 {', 'Data 1 {', 'GL_TEXTURE_2D ON', '}', '}',
    'TextureAttributeList 1 {', 'Data 1 {', 'osg::Texture2D {', image(rgb), '}', 'Value OFF', '}', '}', '}', '}',
    'PrimitiveSetList 1 {', 'osg::DrawElementsUInt {', 'Mode TRIANGLES', `vector ${idx.length} {`, idx.join(' '), '}', '}', '}',
    'VertexArray TRUE {', 'osg::Vec3Array {', 'Binding BIND_PER_VERTEX', `vector ${v.length} {`, ...v, '}', '}', '}',
    'TexCoordArrayList 1 {', 'osg::Vec2Array {', 'Binding BIND_PER_VERTEX', `vector ${t.length} {`, ...t, '}', '}', '}',
    '}',
  ].join('\n');
}

/** A PagedLOD node (osgt) holding `geometry`, refining to `file` above `pixels` on screen. */
export function pagedLod(center: [number, number, number], radius: number, pixels: number, file: string, geometry: string): string {
  return [
    'osg::PagedLOD {', 'CenterMode USER_DEFINED_CENTER', `UserCenter ${center.join(' ')} ${radius}`, 'RangeMode PIXEL_SIZE_ON_SCREEN',
    'RangeList 2 {', `0 ${pixels}`, `${pixels} 1e+30`, '}', 'DatabasePath FALSE',
    'RangeDataList 2 {', '""', `"${file}"`, '}', 'PriorityList 2 {', '0 1', '0 1', '}',
    'Children 1 {', 'osg::Geode {', 'Drawables 1 {', geometry, '}', '}', '}', '}',
  ].join('\n');
}

/** The scene file: header, and a UniqueID on every object (osgconv's reader needs them). */
export function osgtScene(body: string): string {
  let id = 0;
  const lines = body.split('\n').flatMap((l) => (/^osg::\w+ \{$/.test(l) || l === 'ClassName osg::Image' ? [l, `UniqueID ${++id}`] : [l]));
  return `#Ascii Scene\n#Version 161\n#Generator OpenSceneGraph 3.6.5\n\n${lines.join('\n')}\n`;
}

/** Writes `text` as osgt and converts it to a binary .osgb at `out`. */
export function writeOsgb(out: string, text: string): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-osgt-'));
  try {
    const src = path.join(tmp, 'scene.osgt');
    fs.writeFileSync(src, text);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync('osgconv', ['-O', 'WriteImageHint=IncludeData', src, out], { stdio: 'pipe', env: { ...process.env, OSG_OPTIMIZER: 'OFF' } });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Options of the generated export. */
export interface ExportOptions {
  srs?: string;
  origin?: string;
  /** Leave out this file (relative to the tile folder) to make an incomplete export. */
  omit?: string;
  /** Ground height of the local coordinates (the model's z). */
  z0?: number;
}

/** The three-level export as files (path → bytes), ready to zip or to write as a folder. */
export function buildObliqueExport(opts: ExportOptions = {}): Map<string, Uint8Array> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-oblique-'));
  const z0 = opts.z0 ?? 0;
  try {
    const t = path.join(dir, 'Data', 'Tile_+000_+000');
    writeOsgb(path.join(t, 'Tile_+000_+000.osgb'), osgtScene(pagedLod([30, 30, z0 + 15], 40, 80, 'Tile_+000_+000_L17_0.osgb', gridGeometry(0, 0, 60, 60, 2, 30, [200, 60, 40], z0))));
    writeOsgb(path.join(t, 'Tile_+000_+000_L17_0.osgb'), osgtScene([
      'osg::Group {', 'Children 2 {',
      pagedLod([15, 30, z0 + 15], 20, 80, 'Tile_+000_+000_L18_0.osgb', gridGeometry(0, 0, 30, 60, 4, 30, [40, 160, 60], z0)),
      pagedLod([45, 30, z0 + 15], 20, 80, 'Tile_+000_+000_L18_1.osgb', gridGeometry(30, 0, 60, 60, 4, 30, [40, 160, 60], z0)),
      '}', '}',
    ].join('\n')));
    for (const k of [0, 1]) {
      writeOsgb(path.join(t, `Tile_+000_+000_L18_${k}.osgb`), osgtScene(['osg::Geode {', 'Drawables 1 {', gridGeometry(30 * k, 0, 30 * k + 30, 60, 8, 30, [40, 80, 200], z0), '}', '}'].join('\n')));
    }
    const files = new Map<string, Uint8Array>();
    files.set('metadata.xml', new TextEncoder().encode(
      `<?xml version="1.0" encoding="utf-8"?>\n<ModelMetadata version="1">\n\t<SRS>${opts.srs ?? 'ENU:31.2,107.5'}</SRS>\n\t<SRSOrigin>${opts.origin ?? '0,0,0'}</SRSOrigin>\n\t<Texture>\n\t\t<ColorSource>Visible</ColorSource>\n\t</Texture>\n</ModelMetadata>\n`));
    for (const f of fs.readdirSync(t)) {
      if (f === opts.omit) continue;
      files.set(`Data/Tile_+000_+000/${f}`, new Uint8Array(fs.readFileSync(path.join(t, f))));
    }
    return files;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
