import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { geometryBBox, labelPoint } from './geometry.util.ts';

// An L-shaped parcel: its bounding-box centre (1, 1) lies outside it, in the missing quadrant.
const L_SHAPE: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2], [0, 0]]] };

describe('geometryBBox', () => {
  it('spans every position of every part, holes and collections included', () => {
    expect(geometryBBox(L_SHAPE)).toEqual([0, 0, 2, 2]);
    expect(geometryBBox({ type: 'MultiPolygon', coordinates: [L_SHAPE.coordinates, [[[5, -1], [6, -1], [6, 0], [5, -1]]]] })).toEqual([0, -1, 6, 2]);
    expect(geometryBBox({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [107.5, 31.2] }, { type: 'LineString', coordinates: [[107, 31], [108, 32]] }] }))
      .toEqual([107, 31, 108, 32]);
  });

  it('gives null for nothing to measure', () => {
    expect(geometryBBox(null)).toBeNull();
    expect(geometryBBox({ type: 'MultiPoint', coordinates: [] })).toBeNull();
  });
});

describe('labelPoint', () => {
  it('puts the label inside an L-shaped polygon, not at its bounding-box centre', () => {
    const [x, y] = labelPoint(L_SHAPE)!;
    const inside = (x >= 0 && x <= 2 && y >= 0 && y <= 1) || (x >= 0 && x <= 1 && y >= 1 && y <= 2);
    expect(inside).toBe(true);
    expect([x, y]).not.toEqual([1, 1]);
  });

  it('avoids a hole and labels the largest part of a MultiPolygon', () => {
    const withHole: Polygon = { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]] };
    const [x, y] = labelPoint(withHole)!;
    expect(x > 1 && x < 3 && y > 1 && y < 3).toBe(false);
    const [mx] = labelPoint({ type: 'MultiPolygon', coordinates: [[[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]]], withHole.coordinates] })!;
    expect(mx).toBeLessThan(4);
  });

  it('returns a point as itself and null for lines', () => {
    expect(labelPoint({ type: 'Point', coordinates: [107.5, 31.2] })).toEqual([107.5, 31.2]);
    expect(labelPoint({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })).toBeNull();
  });
});
