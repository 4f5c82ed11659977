import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { ReadError } from '../types.ts';
import { crsFromMember, readGeoJson, readGeoJsonSeqChunks } from './geojson.reader.ts';
import { FIXTURES_DIR, fixtureFile, itFx, textFile, hasFixtures } from '../../test/fixtures.ts';

const validity = hasFixtures() ? fs.readdirSync(path.join(FIXTURES_DIR, 'vector/geojson-validity')) : ['(fixtures absent)'];

describe('readGeoJson', () => {
  itFx.each(validity)('reads %s without errors (validity is checked later, in PostGIS)', (name) => {
    const r = readGeoJson(fixtureFile(`vector/geojson-validity/${name}`));
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(1);
    expect(r.crs).toBe('EPSG:4326');
    expect(r.items[0]!.geometry?.type).toMatch(/Polygon/);
  });

  itFx('counts the vertices GEOS counts, reading bare geometries and Features alike', () => {
    const n = (name: string) => {
      const g = readGeoJson(fixtureFile(`vector/geojson-validity/${name}`)).items[0]!.geometry!;
      const rings = g.type === 'Polygon' ? g.coordinates : g.type === 'MultiPolygon' ? g.coordinates.flat() : [];
      return rings.reduce((s, r) => s + r.length, 0);
    };
    expect(n('switzerland_kinked.geojson')).toBe(750);
    expect(n('self_intersecting_real_parcel_issue2627.geojson')).toBe(162);
    expect(n('self_intersecting_field_issue1094.geojson')).toBe(34);
    expect(n('hourglass.geojson')).toBe(5);
    expect(n('multipolygons_overlap.geojson')).toBe(15);
    expect(n('VALID_polygon_internal_hole.geojson')).toBe(10);
    expect(readGeoJson(fixtureFile('vector/geojson-validity/self_intersecting_real_parcel_issue2627.geojson')).items[0]!.where).toBe('geometry');
  });

  itFx('closes the unclosed ring of not_closing_ring.geojson (4 positions) with a warning', () => {
    const r = readGeoJson(fixtureFile('vector/geojson-validity/not_closing_ring.geojson'));
    const ring = (r.items[0]!.geometry as Polygon).coordinates[0]!;
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toMatch(/^feature 1: ring 1 is not closed/);
  });

  itFx('reads the 25 generated Dazhou reference parcels in WGS84', () => {
    const r = readGeoJson(fixtureFile('vector/generated/dazhou_parcels_wgs84_reference.geojson'));
    expect(r.items).toHaveLength(25);
    expect(r.errors).toEqual([]);
    expect(r.items[0]!.properties).toEqual({ DKBH: 'DZ-1000', YDXZ: '工业用地', MJ_MU: 42 });
  });

  it.each([
    [{ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4490' } }, 'EPSG:4490'],
    [{ type: 'name', properties: { name: 'EPSG:4545' } }, 'EPSG:4545'],
    [{ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG:6.6:4326' } }, 'EPSG:4326'],
    [{ type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } }, 'EPSG:4326'],
    [{ type: 'name', properties: { name: 'http://www.opengis.net/def/crs/EPSG/0/4547' } }, 'EPSG:4547'],
    [{ type: 'EPSG', properties: { code: 4524 } }, 'EPSG:4524'],
  ])('reads the legacy crs member %j as %s', (member, crs) => {
    expect(crsFromMember(member)).toBe(crs);
  });

  it('keeps projected coordinates as they are and names the CRS', () => {
    const r = readGeoJson(textFile('p.geojson', JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4545' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [452000, 3453000] } }] })));
    expect(r.crs).toBe('EPSG:4545');
    expect(r.errors).toEqual([]);
    expect(r.items[0]!.geometry).toEqual({ type: 'Point', coordinates: [452000, 3453000] });
  });

  it('rejects a crs member it cannot map to EPSG', () => {
    expect(() => readGeoJson(textFile('x.geojson', JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'LOCAL_CS' } }, features: [] })))).toThrow(/x\.geojson: crs member .* is not an EPSG CRS/);
  });

  it('reports a null geometry, a NaN and an out-of-range longitude per feature, and keeps the good one', () => {
    const fc = '{"type":"FeatureCollection","features":[' +
      '{"type":"Feature","properties":{"n":1},"geometry":null},' +
      '{"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":["abc",30]}},' +
      '{"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[1071.5,30]}},' +
      '{"type":"Feature","properties":{"n":4},"geometry":{"type":"Point","coordinates":[107.5,95]}},' +
      '{"type":"Feature","properties":{"n":5},"geometry":{"type":"Point","coordinates":[107.5,31.2]}}]}';
    const r = readGeoJson(textFile('bad.geojson', fc));
    expect(r.items).toHaveLength(5);
    expect(r.errors.map((e) => [e.index, e.field, e.value, e.message])).toEqual([
      [0, 'geometry', null, 'feature 1: geometry is null'],
      [1, 'longitude', 'abc', 'feature 2: longitude "abc" is not a number'],
      [2, 'longitude', 1071.5, 'feature 3: longitude 1071.5 is outside -180..180'],
      [3, 'latitude', 95, 'feature 4: latitude 95 is outside -90..90'],
    ]);
    expect(r.items[4]!.geometry).toEqual({ type: 'Point', coordinates: [107.5, 31.2] });
    expect(r.items[2]!.geometry).toBeNull();
  });

  it('reads GeoJSONSeq one feature per line, reporting a broken line without losing the others', () => {
    const lines = [
      '{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[107.1,31.1]}}',
      '{"type":"Feature","properties":{"id":2},"geometry":{"type":"Point","coordinates":[107.2,31.2]',
      '\x1e{"type":"Feature","properties":{"id":3},"geometry":{"type":"Point","coordinates":[107.3,31.3]}}',
    ];
    const r = readGeoJson(textFile('big.geojsonl', lines.join('\n') + '\n'));
    expect(r.items.map((i) => i.properties.id)).toEqual([1, 3]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.where).toBe('line 2');
  });

  it('throws ReadError naming the file for text that is not JSON', () => {
    expect(() => readGeoJson(textFile('broken.geojson', '{"type": "FeatureCollection", '))).toThrow(ReadError);
    expect(() => readGeoJson(textFile('broken.geojson', '{"type": "FeatureCollection", '))).toThrow(/^broken\.geojson: not valid JSON/);
  });
});

describe('readGeoJsonSeqChunks', () => {
  const merged = (file: Parameters<typeof readGeoJson>[0], chunkItems: number) => {
    const parts = [...readGeoJsonSeqChunks(file, {}, chunkItems)];
    return {
      parts: parts.map((p) => p.part),
      items: parts.flatMap((p) => p.items),
      errors: parts.flatMap((p) => p.errors),
      warnings: parts.flatMap((p) => p.warnings),
      crs: parts[0]!.crs,
    };
  };

  it('gives, chunk by chunk, the items, positions and issues readGeoJson gives for the whole file', () => {
    const lines = [
      '\uFEFF{"type":"Feature","properties":{"id":1},"geometry":{"type":"Point","coordinates":[107.1,31.1]}}',
      '',
      '{"type":"Feature","properties":{"id":2},"geometry":{"type":"Point","coordinates":[107.2,31.2]',
      '\x1e{"type":"Feature","properties":{"id":3},"geometry":{"type":"Polygon","coordinates":[[[107,31],[107.1,31],[107.1,31.1]]]}}',
      '{"type":"Feature","properties":{"id":4},"geometry":{"type":"Point","coordinates":[1071.5,31.2]}}',
      '{"type":"Feature","properties":{"id":5,"名称":"地块"},"geometry":{"type":"Point","coordinates":[107.5,31.5]}}',
    ];
    const file = textFile('big.geojsonl', lines.join('\r\n') + '\r\n');
    const whole = readGeoJson(file);
    const chunked = merged(file, 2);
    expect(chunked.parts).toEqual([0, 1, 2]);
    expect(chunked.items).toEqual(whole.items);
    expect(chunked.errors).toEqual(whole.errors);
    expect(chunked.warnings).toEqual(whole.warnings);
    expect(chunked.crs).toBe(whole.crs);
    expect(chunked.items.map((i) => i.where)).toEqual(['feature 1 (line 1)', 'feature 3 (line 4)', 'feature 4 (line 5)', 'feature 5 (line 6)']);
  });

  it('decodes a GBK sequence whole and reports the guess once, in the first part', () => {
    // The key and value in GBK ("名称" C3FB B3C6, "达州地块" B4EF D6DD B5D8 BFE9); the rest is ASCII.
    const gbk = Buffer.concat([
      Buffer.from('{"type":"Feature","properties":{"'), Buffer.from([0xc3, 0xfb, 0xb3, 0xc6]), Buffer.from('":"'),
      Buffer.from([0xb4, 0xef, 0xd6, 0xdd, 0xb5, 0xd8, 0xbf, 0xe9]),
      Buffer.from('"},"geometry":{"type":"Point","coordinates":[107.5,31.2]}}\n'),
    ]);
    const file = { name: 'gbk.geojsonl', bytes: new Uint8Array(gbk) };
    const chunked = merged(file, 1);
    expect(chunked.items[0]!.properties).toEqual({ 名称: '达州地块' });
    expect(chunked.warnings.map((w) => w.message)).toEqual(['file is not valid UTF-8; decoded as GBK']);
    expect(chunked).toMatchObject({ items: readGeoJson(file).items, warnings: readGeoJson(file).warnings });
  });
});
