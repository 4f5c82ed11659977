import { describe, expect, it } from 'vitest';
import { dbfFieldNames, fitUtf8, writeShapefile } from './shapefile-writer.ts';

// The reader is an independent implementation (mbostock's shapefile); no types ship with it.
const shapefileModule = 'shapefile';
const shapefile = (await import(shapefileModule)) as {
  read(shp: Uint8Array, dbf: Uint8Array, options?: { encoding?: string }): Promise<GeoJSON.FeatureCollection>;
};

describe('dbfFieldNames', () => {
  it('cuts names to 10 characters and keeps them unique', () => {
    const names = dbfFieldNames(['plot_ratio_min', 'plot_ratio_max', 'PLOT_RATIO_x', 'id', '面积']);
    expect([...names.values()]).toEqual(['plot_ratio', 'plot_rat_1', 'PLOT_RAT_2', 'id', '__']);
  });
});

describe('fitUtf8', () => {
  it('never splits a character', () => {
    expect(new TextDecoder().decode(fitUtf8('达州市', 7))).toBe('达州');
    expect(fitUtf8('abc', 10)).toHaveLength(3);
  });
});

describe('writeShapefile', () => {
  const fields = [
    { name: 'id', type: 'integer' as const },
    { name: 'name', type: 'string' as const },
    { name: 'area_m2', type: 'number' as const },
    { name: 'gas', type: 'boolean' as const },
    { name: 'available_from', type: 'date' as const },
  ];

  it('writes polygons with holes, exterior clockwise, that an independent reader reads back', async () => {
    const outerCcw = [[107, 31], [107.01, 31], [107.01, 31.01], [107, 31.01], [107, 31]];
    const holeCw = [[107.002, 31.002], [107.002, 31.004], [107.004, 31.004], [107.004, 31.002], [107.002, 31.002]];
    const files = writeShapefile('MultiPolygon', fields, [
      { geometry: { type: 'MultiPolygon', coordinates: [[outerCcw, holeCw]] }, properties: { id: 1, name: '达州高新区', area_m2: 1234.56, gas: true, available_from: '2026-02-01' } },
      { geometry: null, properties: { id: 22, name: null, area_m2: null, gas: null, available_from: null } },
    ]);
    const fc = await shapefile.read(files.shp, files.dbf, { encoding: 'utf-8' });
    expect(fc.features).toHaveLength(2);
    const [a, b] = fc.features;
    expect(a.properties).toMatchObject({ id: 1, name: '达州高新区', area_m2: 1234.56, gas: true });
    expect(a.properties!.available_.getFullYear()).toBe(2026);
    // The reader turns clockwise rings into exteriors: one polygon with one hole.
    expect(a.geometry).toEqual({ type: 'Polygon', coordinates: [[...outerCcw].reverse(), [...holeCw].reverse()] });
    expect(b.geometry).toBeNull();
    expect(b.properties).toMatchObject({ id: 22, name: null, area_m2: null, gas: null });
  });

  it('writes points as shape type 1 with the file length in the header', () => {
    const files = writeShapefile('Point', fields.slice(0, 2), [{ geometry: { type: 'Point', coordinates: [107.5, 31.2] }, properties: { id: 1, name: 'x' } }]);
    const v = new DataView(files.shp.buffer);
    expect(v.getInt32(0, false)).toBe(9994);
    expect(v.getInt32(24, false) * 2).toBe(files.shp.length);
    expect(v.getInt32(32, true)).toBe(1);
    expect(files.shx.length).toBe(108);
  });
});
