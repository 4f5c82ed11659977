import { describe, expect, it } from 'vitest';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { encodeTileLayer } from './mvt-encoder.ts';

function decode(buf: Uint8Array) {
  return new VectorTile(new Pbf(buf));
}

describe('MVT encoder', () => {
  it('writes points, lines and polygons that a standard decoder reads back', () => {
    const buf = encodeTileLayer({
      name: 'land', extent: 4096,
      features: [
        { id: 1, geometry: { type: 'Point', coordinates: [100, 200] }, properties: { name: '地块一', area_m2: 12345.5, floors: 3, gas: true } },
        { id: 2, geometry: { type: 'LineString', coordinates: [[0, 0], [10, 0], [10, 10]] }, properties: { kind: 'road' } },
        { id: 3, geometry: { type: 'Polygon', coordinates: [[[0, 0], [0, 100], [100, 100], [100, 0], [0, 0]], [[10, 10], [90, 10], [90, 90], [10, 90], [10, 10]]] }, properties: { status: 'available' } },
      ],
    });
    const layer = decode(buf).layers.land;
    expect(layer.length).toBe(3);
    expect(layer.extent).toBe(4096);
    const p = layer.feature(0);
    expect(p.id).toBe(1);
    expect(p.type).toBe(1);
    expect(p.properties).toEqual({ name: '地块一', area_m2: 12345.5, floors: 3, gas: true });
    expect(p.loadGeometry()[0][0]).toMatchObject({ x: 100, y: 200 });
    expect(layer.feature(1).loadGeometry()[0].map((q) => [q.x, q.y])).toEqual([[0, 0], [10, 0], [10, 10]]);
    const poly = layer.feature(2);
    expect(poly.type).toBe(3);
    expect(poly.loadGeometry().length).toBe(2);
  });

  it('orients exterior rings positive and holes negative whatever the input winding', () => {
    const ccw = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]];
    const buf = encodeTileLayer({ name: 'l', extent: 4096, features: [{ id: 1, geometry: { type: 'Polygon', coordinates: [ccw, [[10, 10], [10, 90], [90, 90], [90, 10], [10, 10]]] }, properties: {} }] });
    const f = decode(buf).layers.l.feature(0);
    // toGeoJSON classifies rings by winding: one polygon with one hole means the winding was right.
    const gj = f.toGeoJSON(0, 0, 0);
    expect(gj.geometry.type).toBe('Polygon');
    expect((gj.geometry as { coordinates: unknown[] }).coordinates.length).toBe(2);
  });

  it('drops polygons that collapse to nothing and returns an empty tile when nothing is left', () => {
    const buf = encodeTileLayer({ name: 'l', extent: 4096, features: [{ id: 1, geometry: { type: 'Polygon', coordinates: [[[5, 5], [5, 5], [5, 5], [5, 5]]] }, properties: {} }] });
    expect(buf.byteLength).toBe(0);
  });

  it('stores arrays as JSON strings like ST_AsMVT and skips nulls', () => {
    const buf = encodeTileLayer({ name: 'l', extent: 4096, features: [{ id: 7, geometry: { type: 'Point', coordinates: [1, 1] }, properties: { industries: ['电子信息', '装备制造'], price: null } }] });
    expect(decode(buf).layers.l.feature(0).properties).toEqual({ industries: '["电子信息","装备制造"]' });
  });
});
