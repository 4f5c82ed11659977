import { describe, expect, it } from 'vitest';
import type { LineString, Polygon } from 'geojson';
import { fixtureFile, itFx, textFile } from '../../test/fixtures.ts';
import { readKml } from './kml.reader.ts';

describe('readKml', () => {
  itFx('gx_track.kml: one track of 7 gx:coord "lon lat alt" with its time range', () => {
    const r = readKml(fixtureFile('gps/gx_track.kml'));
    expect(r.items).toHaveLength(1);
    const t = r.items[0]!;
    expect(t.kind).toBe('track');
    const coords = (t.geometry as LineString).coordinates;
    expect(coords).toHaveLength(7);
    expect(coords[0]).toEqual([-122.207881, 37.371915, 156]);
    expect(t.properties).toMatchObject({ coordCount: 7, startTime: '2010-05-28T02:02:09Z', endTime: '2010-05-28T02:02:56Z' });
  });

  itFx('google_location_history.kml: 15 placemarks, 9 gx:coord in all; those without coordinates are errors', () => {
    const r = readKml(fixtureFile('gps/google_location_history.kml'));
    expect(r.items).toHaveLength(15);
    expect(r.items.reduce((s, i) => s + Number(i.properties.coordCount ?? 0), 0)).toBe(9);
    expect(r.items[0]!.properties.folder).toBe('Location history from 2015-08-01 to 2015-08-08');
    expect(r.items[1]!.properties).toMatchObject({ name: 'Moving', Category: 'Moving', Distance: '173' });
    const empty = r.items.filter((i) => i.geometry === null);
    expect(r.errors).toHaveLength(empty.length);
    expect(r.errors[0]!.message).toBe('placemark 1 "In transit": has no coordinates');
  });

  itFx('polygon_with_hole.kml: one polygon with an outer and one inner ring', () => {
    const r = readKml(fixtureFile('gps/polygon_with_hole.kml'));
    expect(r.items).toHaveLength(1);
    const p = r.items[0]!.geometry as Polygon;
    expect(p.coordinates).toHaveLength(2);
    expect(p.coordinates[0]![0]).toEqual([-122.366278, 37.818844, 30]);
    expect(r.items[0]!.properties.name).toBe('hollow box');
  });

  itFx('bad_coords.kml: all 3 placemarks with "no" coordinates are reported (GDAL keeps 1)', () => {
    const r = readKml(fixtureFile('gps/bad_coords.kml'));
    expect(r.items).toHaveLength(3);
    expect(r.items.every((i) => i.geometry === null)).toBe(true);
    expect(r.errors.map((e) => [e.index, e.field, e.value])).toEqual([
      [0, 'longitude', 'no,no'],
      [1, 'longitude', 'no,no,0'],
      [2, 'longitude', 'no,30'],
    ]);
    expect(r.errors[1]!.message).toBe('placemark 2 "unextruded": LineString coordinates "no,no,0": longitude "no" is not a number');
  });

  itFx('capitals.kmz: doc.kml with 5 points', () => {
    const r = readKml(fixtureFile('gps/capitals.kmz'));
    expect(r.items).toHaveLength(5);
    expect(r.items.every((i) => i.kind === 'point' && i.geometry?.type === 'Point')).toBe(true);
    expect(r.items[0]!.properties.folder).toBe('capitali-europee');
    expect(r.crsSource).toMatch(/KMZ/);
  });

  itFx('etna_groundoverlay.kmz: a GroundOverlay becomes an overlay item with its LatLonBox, href and rotation', () => {
    const r = readKml(fixtureFile('gps/etna_groundoverlay.kmz'));
    expect(r.items).toHaveLength(1);
    const o = r.items[0]!;
    expect(o.kind).toBe('overlay');
    expect(o.properties).toMatchObject({
      href: 'etna.jpg', imageInArchive: true, folder: 'Ground Overlays',
      north: 37.91904192681665, south: 37.46543388598137, east: 15.35832653742206, west: 14.60128369746704, rotation: -0.1556640799496235,
    });
    expect((o.geometry as Polygon).coordinates[0]).toEqual([
      [14.60128369746704, 37.46543388598137], [15.35832653742206, 37.46543388598137],
      [15.35832653742206, 37.91904192681665], [14.60128369746704, 37.91904192681665], [14.60128369746704, 37.46543388598137],
    ]);
  });

  it('MultiGeometry with two polygons becomes a MultiPolygon; ExtendedData is kept', () => {
    const kml = `<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>地块A</name>
      <ExtendedData><SchemaData><SimpleData name="DKBH">DZ-1</SimpleData></SchemaData></ExtendedData>
      <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>107,31 107.1,31 107.1,31.1 107,31</coordinates></LinearRing></outerBoundaryIs></Polygon>
      <Polygon><outerBoundaryIs><LinearRing><coordinates>108,31 108.1,31 108.1,31.1 108,31</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark></kml>`;
    const r = readKml(textFile('m.kml', kml));
    expect(r.items[0]!.geometry?.type).toBe('MultiPolygon');
    expect(r.items[0]!.properties).toMatchObject({ name: '地块A', DKBH: 'DZ-1' });
  });
});

describe('readKml encodings', () => {
  it('honours an XML declaration of GB2312 (Chinese GPS exports)', async () => {
    const { encodeGbk } = await import('./testdata/make-dazhou-parcels.ts');
    const kml = '<?xml version="1.0" encoding="GB2312"?><kml><Placemark><name>达州站</name><Point><coordinates>107.5,31.2</coordinates></Point></Placemark></kml>';
    const r = readKml({ name: 'gb.kml', bytes: encodeGbk(kml) });
    expect(r.items[0]!.properties.name).toBe('达州站');
  });
});
