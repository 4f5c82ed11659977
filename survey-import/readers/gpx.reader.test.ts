import { describe, expect, it } from 'vitest';
import type { LineString, MultiLineString, Position } from 'geojson';
import type { ReadItem } from '../types.ts';
import { fixtureFile, itFx, textFile } from '../../test/fixtures.ts';
import { readGpx } from './gpx.reader.ts';

const positions = (i: ReadItem): Position[] =>
  i.geometry?.type === 'LineString' ? (i.geometry as LineString).coordinates : (i.geometry as MultiLineString).coordinates.flat();
const count = (items: ReadItem[], kind: ReadItem['kind']) => items.filter((i) => i.kind === kind).length;
const sum = (items: ReadItem[], key: string) => items.reduce((s, i) => s + Number(i.properties[key] ?? 0), 0);
const ms = (iso: unknown) => Date.parse(String(iso));

// EXPECTED.md §2: trk, trkseg, trkpt, rte/rtept, wpt, first trkpt (lat, lon), time range.
const table: [string, number, number, number, number, number, number, [number, number] | null, [string, string] | null][] = [
  ['apple_watch_route.gpx', 1, 1, 44, 0, 0, 0, [32.064999, -81.097216], ['2019-12-15T20:19:55Z', '2019-12-15T20:20:38Z']],
  ['garmin_connect_run.gpx', 1, 1, 206, 0, 0, 0, [38.92747367732227, -77.02016168273985], ['2012-10-24T23:29:40Z', '2012-10-24T23:45:28Z']],
  ['strava_run_heartrate.gpx', 1, 1, 42, 0, 0, 0, [37.783292, -122.407225], ['2015-01-19T21:24:20Z', '2015-01-19T21:25:01Z']],
  ['garmin_mapsource_multitrack.gpx', 3, 3, 117, 0, 0, 0, [48.2805591, 8.1783223], ['2008-07-12T09:58:23Z', '2008-07-14T07:09:43Z']],
  ['osm_trace_dc.gpx', 3, 3, 420, 0, 0, 0, [38.891148, -77.005867], ['2007-05-11T15:23:00Z', '2009-09-13T09:54:03Z']],
  ['waypoints_only.gpx', 0, 0, 0, 0, 0, 40, null, null],
  ['opencpn_route.gpx', 0, 0, 0, 1, 16, 0, null, null],
];

describe('readGpx', () => {
  itFx.each(table)('%s: %i trk, %i trkseg, %i trkpt, %i rte / %i rtept, %i wpt', (name, trk, seg, trkpt, rte, rtept, wpt, first, range) => {
    const r = readGpx(fixtureFile(`gps/${name}`));
    expect(r.errors).toEqual([]);
    expect(r.crs).toBe('EPSG:4326');
    const tracks = r.items.filter((i) => i.kind === 'track');
    expect(tracks).toHaveLength(trk);
    expect(sum(tracks, 'segmentCount')).toBe(seg);
    expect(sum(tracks, 'pointCount')).toBe(trkpt);
    expect(tracks.reduce((s, t) => s + positions(t).length, 0)).toBe(trkpt);
    expect(count(r.items, 'route')).toBe(rte);
    expect(sum(r.items.filter((i) => i.kind === 'route'), 'pointCount')).toBe(rtept);
    expect(count(r.items, 'waypoint')).toBe(wpt);
    if (first) {
      const [lon, lat] = positions(tracks[0]!)[0]!;
      expect(lat).toBeCloseTo(first[0], 6);
      expect(lon).toBeCloseTo(first[1], 6);
    }
    if (range) {
      expect(Math.min(...tracks.map((t) => ms(t.properties.startTime)).filter(Number.isFinite))).toBe(ms(range[0]));
      expect(Math.max(...tracks.map((t) => ms(t.properties.endTime)).filter(Number.isFinite))).toBe(ms(range[1]));
    }
  });

  itFx.each([
    ['apple_watch_route.gpx', 14.547609, 14.801034],
    ['garmin_connect_run.gpx', 25.6, 82.8],
    ['strava_run_heartrate.gpx', 11.2, 13.4],
    ['garmin_mapsource_multitrack.gpx', 149.6223145, 319.7756348],
  ])('%s: elevation range %f–%f m', (name, lo, hi) => {
    const tracks = readGpx(fixtureFile(`gps/${name}`)).items;
    expect(Math.min(...tracks.map((t) => Number(t.properties.minEle)))).toBeCloseTo(lo, 2);
    expect(Math.max(...tracks.map((t) => Number(t.properties.maxEle)))).toBeCloseTo(hi, 2);
    expect(positions(tracks[0]!)[0]).toHaveLength(3);
  });

  itFx('osm_trace_dc (GPX 1.0) has no elevation, so its tracks are 2D', () => {
    const r = readGpx(fixtureFile('gps/osm_trace_dc.gpx'));
    expect(r.crsSource).toMatch(/GPX 1\.0/);
    expect(r.items.every((t) => t.properties.minEle === null && positions(t)[0]!.length === 2)).toBe(true);
  });

  itFx('bad_coords.gpx: flags every "undefined"/"x" coordinate instead of making POINT (0 0)', () => {
    const r = readGpx(fixtureFile('gps/bad_coords.gpx'));
    expect(r.items.every((i) => i.geometry === null)).toBe(true);
    const points = r.errors.filter((e) => /^(trkpt|wpt|rtept)/.test(e.where ?? ''));
    expect(points.map((e) => [e.where, e.field, e.value])).toEqual([
      ['trkpt 1 of track 1', 'lat', 'undefined'],
      ['trkpt 2 of track 1', 'lat', 'undefined'],
      ['wpt 1', 'lat', 'undefined'],
      ['wpt 2', 'lat', 'y'],
      ['rtept 1 of route 1', 'lat', 'undefined'],
    ]);
    expect(points[0]!.message).toBe('trkpt 1 of track 1: lat "undefined" is not a number');
    expect(r.errors.filter((e) => e.field === 'geometry').map((e) => e.where)).toEqual(['track 1', 'route 1']);
  });

  itFx('garmin_sample.tcx: 1 activity with 19 trackpoints becomes one track (GDAL cannot read TCX)', () => {
    const r = readGpx(fixtureFile('gps/garmin_sample.tcx'));
    expect(r.items).toHaveLength(1);
    const t = r.items[0]!;
    expect(t.kind).toBe('track');
    expect(t.properties.name).toBe('2007-08-07T02:42:41Z');
    expect(t.properties.trackpointCount).toBe(19);
    expect(Number(t.properties.pointCount) + Number(t.properties.pointsWithoutPosition)).toBe(19);
    expect(positions(t)[0]!.slice(0, 2)).toEqual([-122.4896709, 37.8959665]);
  });

  it('keeps good track points and reports the bad one with its value', () => {
    const gpx = `<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
      <trkpt lat="31.2" lon="107.5"/><trkpt lat="31.3" lon="1071.5"/><trkpt lat="31.4" lon="107.7"/></trkseg></trk></gpx>`;
    const r = readGpx(textFile('t.gpx', gpx));
    expect(positions(r.items[0]!)).toEqual([[107.5, 31.2], [107.7, 31.4]]);
    expect(r.errors.map((e) => e.message)).toEqual(['trkpt 2 of track 1: longitude 1071.5 is outside -180..180']);
  });

  it('throws ReadError naming the file for XML that is neither GPX nor TCX', () => {
    expect(() => readGpx(textFile('x.gpx', '<kml></kml>'))).toThrow(/^x\.gpx: root element <kml>/);
    expect(() => readGpx(textFile('y.gpx', '<gpx><trk>'))).toThrow(/^y\.gpx: /);
  });
});
