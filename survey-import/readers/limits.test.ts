import { describe, expect, it } from 'vitest';
import { ReadError, type ReadResult } from '../types.ts';
import { checkReadLimits, countVertices, FEATURE_LIMITS } from './limits.ts';

const result = (properties: Record<string, unknown>, coordinates: number[][] = [[107, 31]]): ReadResult => ({
  items: [{ file: 'a.geojson', index: 0, where: 'feature 1', kind: 'feature', properties, geometry: coordinates.length === 1 ? { type: 'Point', coordinates: coordinates[0] } : { type: 'LineString', coordinates } }],
  crs: 'EPSG:4326', crsSource: 'test', warnings: [], errors: [],
});

function messageOf(r: ReadResult): string {
  try {
    checkReadLimits(r);
  } catch (err) {
    expect(err).toBeInstanceOf(ReadError);
    return (err as Error).message;
  }
  return 'accepted';
}

describe('checkReadLimits', () => {
  it('accepts ordinary features', () => {
    expect(messageOf(result({ name: '达州高新区 A-01', area: 1200 }, [[107, 31], [107.1, 31.1]]))).toBe('accepted');
  });

  it('refuses a huge attribute, naming file, feature, field and the start of the value', () => {
    expect(messageOf(result({ name: 'x'.repeat(FEATURE_LIMITS.maxAttributeChars + 1) }))).toBe(
      `a.geojson: feature 1: field "name" value "${'x'.repeat(40)}"… (65,537 characters) is longer than the limit of 65,536 characters`);
  });

  it('finds long text nested in an object attribute', () => {
    expect(messageOf(result({ meta: { notes: ['y'.repeat(70_000)] } }))).toMatch(/^a\.geojson: feature 1: field "meta" value "y{40}"… \(70,000 characters\)/);
  });

  it('refuses more vertices than the limit per feature', () => {
    const line = Array.from({ length: FEATURE_LIMITS.maxVertices + 1 }, (_, i) => [107 + i * 1e-7, 31]);
    expect(messageOf(result({}, line))).toBe('a.geojson: feature 1: field "geometry" has more than 200,000 vertices, the limit per feature');
  });

  it('refuses NUL characters in values and names', () => {
    expect(messageOf(result({ name: 'a\0b' }))).toBe('a.geojson: feature 1: field "name" value "a\\u0000b" contains a NUL character (U+0000)');
    expect(messageOf(result({ 'n\0': 1 }))).toMatch(/field "n\\u0000" value "n\\u0000" contains a NUL character/);
  });

  it('counts vertices of every geometry type and stops early', () => {
    expect(countVertices({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]], [[0.2, 0.2], [0.3, 0.2], [0.2, 0.3], [0.2, 0.2]]] })).toBe(8);
    expect(countVertices({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }, { type: 'MultiPoint', coordinates: [[0, 0], [1, 1]] }] })).toBe(3);
    expect(countVertices({ type: 'MultiPoint', coordinates: Array.from({ length: 100 }, () => [0, 0]) }, 10)).toBe(11);
  });
});
