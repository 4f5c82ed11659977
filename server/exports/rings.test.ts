import { describe, expect, it } from 'vitest';
import { orientGeometry, orientRing, signedArea2 } from './rings.ts';

const ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
const cw = [...ccw].reverse();

describe('ring orientation', () => {
  it('measures a counter-clockwise ring as positive and a clockwise one as negative', () => {
    expect(signedArea2(ccw)).toBe(2);
    expect(signedArea2(cw)).toBe(-2);
  });

  it('reverses only rings that turn the wrong way', () => {
    expect(orientRing(ccw, false)).toBe(ccw);
    expect(orientRing(ccw, true)).toEqual(cw);
  });

  it('orients exteriors one way and holes the other', () => {
    const hole = [[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]];
    const shp = orientGeometry({ type: 'MultiPolygon', coordinates: [[ccw, hole]] }, 'cw');
    expect(signedArea2(shp.coordinates[0][0])).toBeLessThan(0);
    expect(signedArea2(shp.coordinates[0][1])).toBeGreaterThan(0);
    const geojson = orientGeometry(shp, 'ccw');
    expect(geojson.coordinates[0]).toEqual([ccw, [...hole].reverse()]);
  });
});
