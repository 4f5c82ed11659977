/**
 * Runs CesiumGS's 3d-tiles-validator (not on the npm registry: build it from its public source, e.g.
 * into /tmp/tv with `npm install`, then pass that folder) on every kind of tileset the server writes:
 * the demo tileset (plain and `?compat=single-content`), the compat rewrites of the fixture tilesets
 * (../shared/fixtures/tiles3d) and an OSGB conversion (test/oblique-export.ts; needs osgconv), each
 * served the way `ThreeDService.tilesetFile` serves it (placement transform, derived copies, split
 * contents). Prints one line per tileset with the validator's error/warning/info counts.
 *
 *   npx tsx scripts/validate-tilesets.ts /tmp/tv
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildDemoTileset } from '../server/demo/demo-tileset.ts';
import { deriveRenderableContents, derivedTilesetPath } from '../survey-import/three-d/renderable-contents.ts';
import { splitMultipleContents } from '../server/three-d/three-d.service.ts';
import { buildObliqueExport } from '../test/oblique-export.ts';
import { convertObliqueExport } from '../survey-import/oblique/oblique-tileset.ts';
import { placementTransform, multiply4 } from '../survey-import/three-d/enu.ts';
import os from 'node:os';

const validatorDir = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !fs.existsSync(path.join(validatorDir, 'src', 'main.ts'))) {
  console.error('usage: npx tsx scripts/validate-tilesets.ts <3d-tiles-validator source folder (with node_modules)>');
  process.exit(2);
}

const FIXTURES_DIR = path.resolve(process.env.FIXTURES_DIR ?? path.join('..', 'shared', 'fixtures'));
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-validate-'));
const write = (name: string, files: Map<string, Uint8Array>) => {
  for (const [k, v] of files) { const p = path.join(out, name, k); fs.mkdirSync(path.dirname(p), { recursive: true }); fs.writeFileSync(p, v); }
};
const readDir = (dir: string) => {
  const files = new Map<string, Uint8Array>();
  const walk = (abs: string, rel: string) => { for (const e of fs.readdirSync(abs, { withFileTypes: true })) { if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`); else files.set(rel + e.name, new Uint8Array(fs.readFileSync(path.join(abs, e.name)))); } };
  walk(dir, ''); return files;
};
// Served like tilesetFile: placement → root.transform; compat → derived JSON + split.
const serve = (files: Map<string, Uint8Array>, compat: boolean, placement: { lon: number; lat: number; height: number; heading: number } | null) => {
  const res = new Map(files);
  const derived = deriveRenderableContents(files).files;
  for (const [k, v] of derived) res.set(k, v);
  for (const [k] of files) {
    if (!k.endsWith('.json')) continue;
    const src = compat ? (res.get(derivedTilesetPath(k)) ?? files.get(k)!) : files.get(k)!;
    const json = JSON.parse(new TextDecoder().decode(src));
    if (!json.root) continue;
    if (placement && k === 'tileset.json') { const own = json.root.transform; const m = placementTransform(placement); json.root.transform = own ? multiply4(m, own) : m; }
    if (compat) json.root = splitMultipleContents(json.root, json.geometricError);
    res.set(k, new TextEncoder().encode(JSON.stringify(json)));
  }
  for (const k of [...res.keys()]) if (k.endsWith('.derived.json')) res.delete(k);
  return res;
};
const sq = (lon: number, lat: number, d = 0.0003) => ({ type: 'Polygon' as const, coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] });
const demo = buildDemoTileset([
  { code: 'F1', name: '厂房1', kind: 'factory', status: 'available', heightM: 12, geometry: sq(107.5, 31.2) },
  { code: 'F2', name: '厂房2', kind: 'factory', status: 'occupied', heightM: 15, geometry: sq(107.502, 31.2) },
  { code: 'O1', name: '写字楼', kind: 'office', status: 'reserved', heightM: 40, geometry: sq(107.501, 31.202) },
  { code: 'O2', name: '写字楼2', kind: 'office', status: 'reserved', heightM: 30, geometry: sq(107.5035, 31.2025) },
]).files;
write('demo', serve(demo, false, null));
write('demo-compat', serve(demo, true, null));
const place = { lon: 107.2, lat: 31.75, height: 0, heading: 30 };
for (const dir of ['1.1/MetadataGranularities', '1.1/MultipleContents', '1.1/SparseImplicitQuadtree', '1.0/Composite', '1.0/InstancedWithBatchTable', '1.0/TilesetWithTreeBillboards', '1.0/BatchedWithBatchTable']) {
  const files = readDir(path.join(FIXTURES_DIR, 'tiles3d', dir));
  write(`compat-${dir.replace('/', '-')}`, serve(files, true, dir.startsWith('1.1') ? place : null));
}
const noCrs = { crsInfo: async () => null, projectToLonLat: async () => [] as [number, number][] };
const obl = await convertObliqueExport('x.zip', buildObliqueExport(), noCrs, 'en');
write('osgb', serve(obl.files, false, obl.placement));
write('osgb-compat', serve(obl.files, true, obl.placement));
for (const name of fs.readdirSync(out).sort()) {
  let report: any;
  try {
    const txt = execFileSync(path.resolve('node_modules/.bin/tsx'), ['src/main.ts', '--tilesetFile', path.join(out, name, 'tileset.json')], { cwd: validatorDir, encoding: 'utf8', maxBuffer: 64 << 20 });
    report = JSON.parse(txt.slice(txt.indexOf('{')));
  } catch (e: any) { const txt = String(e.stdout ?? ''); report = JSON.parse(txt.slice(txt.indexOf('{'))); }
  const types = new Map<string, number>();
  const walk = (issues: any[]) => { for (const i of issues ?? []) { if (i.severity !== 'INFO') types.set(`${i.severity} ${i.type}`, (types.get(`${i.severity} ${i.type}`) ?? 0) + 1); walk(i.causes); } };
  walk(report.issues);
  console.log(`${name}: errors ${report.numErrors}, warnings ${report.numWarnings}, infos ${report.numInfos} ${JSON.stringify(Object.fromEntries(types))}`);
}
fs.rmSync(out, { recursive: true, force: true });
