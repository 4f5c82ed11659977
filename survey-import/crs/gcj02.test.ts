import { describe, expect, it } from 'vitest';
import { distance } from '@turf/turf';
import type { GeometryCollection, MultiPolygon } from 'geojson';
import {
  bd09ToGcj02,
  bd09ToWgs84,
  gcj02ToBd09,
  gcj02ToWgs84,
  outOfChina,
  transformGeometry,
  wgs84ToBd09,
  wgs84ToGcj02,
} from './gcj02.ts';

/** Haversine distance in metres (turf uses R = 6371008.8 m). */
const metres = (a: number[], b: number[]): number => distance(a, b, { units: 'meters' });

/** A grid of WGS84 points over mainland China, plus Dazhou's county seats. */
const chinaGrid: [number, number][] = [];
for (let lon = 75; lon <= 134; lon += 4.5) {
  for (let lat = 19; lat <= 52; lat += 3) chinaGrid.push([lon, lat]);
}
const dazhouSeats: Record<string, [number, number]> = {
  通川区: [107.497, 31.212],
  宣汉县: [107.724, 31.356],
  开江县: [107.866, 31.085],
  大竹县: [107.202, 30.738],
  渠县: [106.97, 30.838],
  万源市: [108.033, 32.083],
};

describe('GCJ-02', () => {
  it('matches the published eviltransform reference pairs exactly (to 1e-9°)', () => {
    // googollee/eviltransform javascript/test.js: [wgsLat, wgsLng, gcjLat, gcjLng].
    const published = [
      [31.1774276, 121.5272106, 31.17530398364597, 121.531541859215], // Shanghai
      [22.543847, 113.912316, 22.540796131694766, 113.9171764808363], // Shenzhen
      [39.911954, 116.377817, 39.91334545536069, 116.38404722455657], // Beijing
    ];
    for (const [wLat, wLon, gLat, gLon] of published) {
      const [lon, lat] = wgs84ToGcj02(wLon, wLat);
      expect(Math.abs(lon - gLon)).toBeLessThan(1e-9);
      expect(Math.abs(lat - gLat)).toBeLessThan(1e-9);
    }
  });

  it('converts the published GCJ-02 reference points back to WGS84 within 5 m', () => {
    const published = [
      [31.1774276, 121.5272106, 31.17530398364597, 121.531541859215],
      [22.543847, 113.912316, 22.540796131694766, 113.9171764808363],
      [39.911954, 116.377817, 39.91334545536069, 116.38404722455657],
    ];
    for (const [wLat, wLon, gLat, gLon] of published) {
      expect(metres(gcj02ToWgs84(gLon, gLat), [wLon, wLat])).toBeLessThan(5);
    }
  });

  it('round-trips WGS84 → GCJ-02 → WGS84 within 0.01 m across China', () => {
    for (const [lon, lat] of [...chinaGrid, ...Object.values(dazhouSeats)]) {
      if (outOfChina(lon, lat)) continue;
      const back = gcj02ToWgs84(...wgs84ToGcj02(lon, lat));
      expect(metres(back, [lon, lat])).toBeLessThan(0.01);
    }
  });

  it('inverts better than the one-step approximation (pushing the result forward lands on the input)', () => {
    const gcj = wgs84ToGcj02(107.497, 31.212);
    const forward = wgs84ToGcj02(...gcj02ToWgs84(...gcj));
    expect(metres(forward, gcj)).toBeLessThan(0.001);
  });

  it('offsets Dazhou positions by a few hundred metres (100–700 m)', () => {
    for (const [name, p] of Object.entries(dazhouSeats)) {
      const shift = metres(wgs84ToGcj02(...p), p);
      expect(shift, name).toBeGreaterThan(100);
      expect(shift, name).toBeLessThan(700);
    }
  });

  it('leaves points outside China unchanged', () => {
    const abroad: [number, number][] = [[139.767125, 35.681236], [-0.1276, 51.5072], [151.2093, -33.8688], [2.35, 48.85]];
    for (const p of abroad) {
      expect(outOfChina(...p)).toBe(true);
      expect(wgs84ToGcj02(...p)).toEqual(p);
      expect(gcj02ToWgs84(...p)).toEqual(p);
      expect(wgs84ToBd09(...p)).toEqual(p);
      expect(bd09ToWgs84(...p)).toEqual(p);
    }
    expect(outOfChina(107.497, 31.212)).toBe(false);
  });
});

describe('BD-09', () => {
  it('matches the published wandergis/coordtransform GCJ-02 → BD-09 example within 5 m', () => {
    // wandergis/coordtransform README: gcj02tobd09(116.404, 39.915) = [116.41036949371029, 39.92133699351021].
    expect(metres(gcj02ToBd09(116.404, 39.915), [116.41036949371029, 39.92133699351021])).toBeLessThan(5);
    // Same README: bd09togcj02(116.404, 39.915) = [116.39762729119315, 39.90865673957631]
    // (closed-form inverse; ours is iterated, so only metre-level agreement is expected).
    expect(metres(bd09ToGcj02(116.404, 39.915), [116.39762729119315, 39.90865673957631])).toBeLessThan(5);
  });

  it('round-trips GCJ-02 → BD-09 → GCJ-02 and WGS84 → BD-09 → WGS84 within 0.01 m', () => {
    for (const [lon, lat] of [...chinaGrid, ...Object.values(dazhouSeats)]) {
      if (outOfChina(lon, lat)) continue;
      expect(metres(bd09ToGcj02(...gcj02ToBd09(lon, lat)), [lon, lat])).toBeLessThan(0.01);
      expect(metres(bd09ToWgs84(...wgs84ToBd09(lon, lat)), [lon, lat])).toBeLessThan(0.01);
    }
  });

  it('puts Baidu positions further from WGS84 than GCJ-02 in Dazhou (GCJ shift + ~1 km Baidu rotation)', () => {
    const p = dazhouSeats['通川区'];
    const bdShift = metres(wgs84ToBd09(...p), p);
    expect(bdShift).toBeGreaterThan(metres(wgs84ToGcj02(...p), p));
    expect(bdShift).toBeLessThan(2000);
  });
});

describe('transformGeometry', () => {
  const shift = (lon: number, lat: number): [number, number] => [lon + 1, lat + 2];

  it('maps every position of nested geometries and keeps altitude', () => {
    const input: GeometryCollection = {
      type: 'GeometryCollection',
      geometries: [
        { type: 'Point', coordinates: [0, 0, 300] },
        { type: 'MultiPoint', coordinates: [[0, 0], [1, 1]] },
        { type: 'LineString', coordinates: [[0, 0], [1, 1]] },
        { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]]] },
        { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
        { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] },
      ],
    };
    const out = transformGeometry(input, shift);
    expect(out.geometries[0]).toEqual({ type: 'Point', coordinates: [1, 2, 300] });
    expect(out.geometries[1]).toEqual({ type: 'MultiPoint', coordinates: [[1, 2], [2, 3]] });
    expect(out.geometries[3]).toEqual({ type: 'MultiLineString', coordinates: [[[1, 2], [2, 3]]] });
    expect((out.geometries[5] as MultiPolygon).coordinates[0][0]).toEqual([[1, 2], [2, 2], [2, 3], [1, 2]]);
  });

  it('returns a new geometry and leaves the input untouched', () => {
    const input: MultiPolygon = { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] };
    const copy = structuredClone(input);
    const out = transformGeometry(input, shift);
    expect(input).toEqual(copy);
    expect(out).not.toBe(input);
  });

  it('converts a GCJ-02 polygon back to WGS84 point by point', () => {
    const wgs: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [[[[107.49, 31.2], [107.5, 31.2], [107.5, 31.21], [107.49, 31.2]]]],
    };
    const back = transformGeometry(transformGeometry(wgs, wgs84ToGcj02), gcj02ToWgs84);
    back.coordinates[0][0].forEach((p, i) => expect(metres(p, wgs.coordinates[0][0][i])).toBeLessThan(0.01));
  });
});
