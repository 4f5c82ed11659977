import { describe, expect, it } from 'vitest';
import type { Point } from 'geojson';
import { readCsv } from './csv.reader.ts';
import { parseCoordinate } from './dms.ts';
import { encodeGbk } from './testdata/make-dazhou-parcels.ts';
import { fixtureFile, itFx, textFile } from '../../test/fixtures.ts';

const xy = (g: unknown) => (g as Point).coordinates;

describe('readCsv', () => {
  itFx('dji_flightlog: 92 rows from Latitude/Longitude headers; the trailing blank line is not a row', () => {
    const r = readCsv(fixtureFile('gps/dji_flightlog_2020-12-02.csv'));
    expect(r.items).toHaveLength(92);
    expect(r.errors).toEqual([]);
    expect(xy(r.items[0]!.geometry)).toEqual([170.42456545, -44.69009395]);
    expect(xy(r.items[91]!.geometry)).toEqual([170.4245683, -44.69008766]);
    expect(r.items[0]!.properties['Time(text)']).toBe('0m 0.3s');
    expect(r.items[0]!.where).toBe('row 1');
  });

  itFx('latlon_degrees_dms: 23°N,26°W → lon -26, lat 23', () => {
    const r = readCsv(fixtureFile('gps/latlon_degrees_dms.csv'));
    expect(xy(r.items[0]!.geometry)).toEqual([-26, 23]);
  });

  itFx("latlon_minutes_dms: 40° 11′ / 40° 11' 15\" → lat 40.183333, lon 40.1875", () => {
    const [lon, lat] = xy(readCsv(fixtureFile('gps/latlon_minutes_dms.csv')).items[0]!.geometry);
    expect(lat).toBeCloseTo(40.183333, 6);
    expect(lon).toBeCloseTo(40.1875, 6);
  });

  itFx('latlon_bad_coord: the row foo,2,3 is an error naming the row, the column and the value', () => {
    const r = readCsv(fixtureFile('gps/latlon_bad_coord.csv'));
    expect(r.items[0]!.geometry).toBeNull();
    expect(r.errors).toEqual([{ file: 'latlon_bad_coord.csv', index: 0, where: 'row 1', field: 'lat', value: 'foo', message: 'row 1: lat "foo" is not a number or degrees-minutes-seconds' }]);
  });

  it('throws when no lon/lat columns exist, listing the headers found', () => {
    expect(() => readCsv(textFile('t.csv', '名称,面积\n甲,1\n'))).toThrow('t.csv: no longitude column found (headers: 名称, 面积)');
  });

  it('sniffs semicolons and tabs, strips a BOM, honours quotes, reads 经度/纬度', () => {
    const semi = readCsv(textFile('s.csv', '\uFEFF名称;经度;纬度\n"达州; 北";107.5;31.2\n'));
    expect(semi.items[0]!.properties['名称']).toBe('达州; 北');
    expect(xy(semi.items[0]!.geometry)).toEqual([107.5, 31.2]);
    const tab = readCsv(textFile('t.txt', 'name\tLNG\tLAT\nA\t107.5\t31.2\n'));
    expect(xy(tab.items[0]!.geometry)).toEqual([107.5, 31.2]);
  });

  it('decodes a GBK file (Excel on Chinese Windows) with a warning, or silently when told', () => {
    const bytes = encodeGbk('名称,东经,北纬\n通川区招商中心,东经107°30\'15.5",北纬31°12\'\n');
    const guessed = readCsv({ name: 'g.csv', bytes });
    expect(guessed.warnings[0]!.message).toMatch(/GBK/);
    expect(guessed.items[0]!.properties['名称']).toBe('通川区招商中心');
    const [lon, lat] = xy(guessed.items[0]!.geometry);
    expect(lon).toBeCloseTo(107.504306, 6);
    expect(lat).toBeCloseTo(31.2, 6);
    expect(readCsv({ name: 'g.csv', bytes }, { encoding: 'GBK' }).warnings).toEqual([]);
  });

  it('uses lonField/latField when given and reports out-of-range longitudes', () => {
    const r = readCsv(textFile('o.csv', 'E,N\n1071.5,31\n107.5,31\n'), { lonField: 'E', latField: 'N' });
    expect(r.errors[0]!.message).toBe('row 1: longitude 1071.5 is outside -180..180');
    expect(xy(r.items[1]!.geometry)).toEqual([107.5, 31]);
  });

  it('asks for --crs when every row is outside lon/lat range', () => {
    expect(() => readCsv(textFile('p.csv', 'x,y\n452000,3453000\n'))).toThrow(/pass --crs/);
  });

  it("swaps a surveyor's X (northing) / Y (easting) in a projected CRS, with a warning", () => {
    const r = readCsv(textFile('p.csv', 'X,Y\n3453000,452000\n'), { crs: 'EPSG:4545' });
    expect(xy(r.items[0]!.geometry)).toEqual([452000, 3453000]);
    expect(r.warnings[0]!.message).toMatch(/northings/);
  });
});

describe('parseCoordinate', () => {
  it.each([
    ['23°N', 23], ['26°W', -26], ['40° 11′', 40.183333], [`40° 11' 15"`, 40.1875], [`107°30'15.5"E`, 107.504306],
    ['北纬30°45′', 30.75], ['东经107度30分15秒', 107.504167], ['E107.5', 107.5], ['-44.69009395', -44.69009395], ["S 31°12.5'", -31.208333],
  ])('%s → %f', (raw, value) => {
    expect(parseCoordinate(raw)!.value).toBeCloseTo(value, 6);
  });

  it.each(['foo', '', '40° 75′', 'N23°S', '1e3'])('rejects %j', (raw) => {
    expect(parseCoordinate(raw)).toBeNull();
  });
});
