import type { Geometry } from 'geojson';
import { describe, expect, it } from 'vitest';
import { toHexEwkb } from './ewkb.ts';

// Expected bytes are what PostGIS itself writes for the same GeoJSON:
// encode(ST_AsEWKB(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(g), 4545)), 'NDR'), 'hex').
const POSTGIS: [string, Geometry, string][] = [
  ['a point, dropping its elevation', { type: 'Point', coordinates: [107.5, 31.25, 400] },
    '0101000020c11100000000000000e05a400000000000403f40'],
  ['a multipoint', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
    '0104000020c1110000020000000101000000000000000000f03f0000000000000040010100000000000000000008400000000000001040'],
  ['a multilinestring', { type: 'MultiLineString', coordinates: [[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]] },
    '0105000020c111000002000000010200000002000000000000000000f03f000000000000004000000000000008400000000000001040010200000003000000000000000000144000000000000018400000000000001c40000000000000204000000000000022400000000000002440'],
  ['a multipolygon with a hole', {
    type: 'MultiPolygon',
    coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]], [[2.1, 2.1], [2.2, 2.1], [2.2, 2.2], [2.1, 2.1]]]],
  }, '0106000020c1110000020000000103000000010000000400000000000000000000000000000000000000000000000000f03f0000000000000000000000000000f03f000000000000f03f00000000000000000000000000000000010300000002000000040000000000000000000040000000000000004000000000000008400000000000000040000000000000084000000000000008400000000000000040000000000000004004000000cdcccccccccc0040cdcccccccccc00409a99999999990140cdcccccccccc00409a999999999901409a99999999990140cdcccccccccc0040cdcccccccccc0040'],
  ['a geometry collection', { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[1, 2], [3, 4]] }] },
    '0107000020c1110000020000000101000000000000000000f03f0000000000000040010200000002000000000000000000f03f000000000000004000000000000008400000000000001040'],
  ['an empty polygon', { type: 'Polygon', coordinates: [] }, '0103000020c111000000000000'],
];

describe('toHexEwkb', () => {
  it.each(POSTGIS)('writes %s byte for byte as PostGIS does', (_what, geometry, expected) => {
    expect(toHexEwkb(geometry, 4545)).toBe(expected);
  });

  it('keeps a degenerate one-point line as it was read, for PostGIS to judge', () => {
    // PostGIS: ST_AsEWKB(ST_SetSRID(ST_GeomFromGeoJSON('{"type":"LineString","coordinates":[[1,2]]}'), 4326))
    expect(toHexEwkb({ type: 'LineString', coordinates: [[1, 2]] }, 4326)).toBe('0102000020e610000001000000000000000000f03f0000000000000040');
  });
});
