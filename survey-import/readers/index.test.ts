import { describe, expect, it } from 'vitest';
import { fixtureFile, itFx, textFile } from '../../test/fixtures.ts';
import { isPhoto, readFiles } from './index.ts';

describe('readFiles', () => {
  itFx('routes each format to its reader and returns one result per logical file', async () => {
    const results = await readFiles([
      fixtureFile('gps/gx_track.kml'),
      fixtureFile('gps/capitals.kmz'),
      fixtureFile('gps/waypoints_only.gpx'),
      fixtureFile('gps/garmin_sample.tcx'),
      fixtureFile('gps/dji_flightlog_2020-12-02.csv'),
      fixtureFile('vector/geojson-validity/hourglass.geojson'),
      fixtureFile('vector/shapefile/utf8_attributes.zip'),
    ]);
    expect(results.map((r) => [r.items[0]!.file, r.items.length])).toEqual([
      ['gx_track.kml', 1], ['capitals.kmz', 5], ['waypoints_only.gpx', 40], ['garmin_sample.tcx', 1],
      ['dji_flightlog_2020-12-02.csv', 92], ['hourglass.geojson', 1], ['utf8_attributes.zip', 2],
    ]);
  });

  itFx('groups loose Shapefile parts by base name', async () => {
    const dir = 'vector/shapefile/';
    const results = await readFiles([
      ...['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => fixtureFile(`${dir}codepage_cp1250/codepage.${e}`)),
      ...['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => fixtureFile(`${dir}lga_2013_aust_gda94/LGA_2013_AUST.${e}`)),
    ]);
    expect(results.map((r) => [r.crs, r.items.length])).toEqual([['EPSG:4326', 2], ['EPSG:4283', 13]]);
  });

  itFx('leaves photos to the photo pipeline', async () => {
    expect(isPhoto('DJI_0001.JPG')).toBe(true);
    expect(isPhoto('IMG_1.heic')).toBe(true);
    expect(isPhoto('parcels.shp')).toBe(false);
    expect(await readFiles([fixtureFile('drone/no-gps/no_exif_at_all.jpg')])).toEqual([]);
  });

  itFx('recognises content when the extension says nothing', async () => {
    const [r] = await readFiles([{ ...fixtureFile('gps/gx_track.kml'), name: 'export.xml' }]);
    expect(r!.items[0]!.kind).toBe('track');
  });

  it('rejects an unsupported file, naming it and the supported extensions', async () => {
    await expect(readFiles([textFile('plan.dwg', 'AC1027')])).rejects.toThrow(/^plan\.dwg: unsupported file type "\.dwg"; supported: \.geojson .*\.kml .*\.csv/);
  });

  itFx('passes the zip-without-shp error through', async () => {
    await expect(readFiles([fixtureFile('vector/shapefile/zip_without_shp.zip')])).rejects.toThrow('zip_without_shp.zip: no .shp file (found counties.dbf, counties.sbn)');
  });
});
