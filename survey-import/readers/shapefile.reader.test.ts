import { describe, expect, it } from 'vitest';
import { ReadError } from '../types.ts';
import { fixtureFile, itFx } from '../../test/fixtures.ts';
import { readShapefile } from './shapefile.reader.ts';

const parts = (dir: string, base: string, exts: string[]) => exts.map((e) => fixtureFile(`vector/shapefile/${dir}/${base}.${e}`));

describe('readShapefile', () => {
  itFx('reads the MA senate zip: 40 polygons in EPSG:26986 with its fields', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/ma_senate_epsg26986.zip')]);
    expect(r!.items).toHaveLength(40);
    expect(r!.crs).toBe('EPSG:26986');
    expect(r!.errors).toEqual([]);
    expect(Object.keys(r!.items[0]!.properties)).toEqual(['SENDISTNUM', 'SEN_DIST', 'SEN_FIRST', 'SEN_LAST', 'SEN_PARTY', 'SENATOR', 'URL', 'SHAPE_AREA', 'SHAPE_LEN']);
    expect(typeof r!.items[0]!.properties.SENDISTNUM).toBe('number');
    // The self-intersecting district is read like any other: validity is PostGIS's job.
    const nbm = r!.items.find((i) => i.properties.SEN_DIST === 'Norfolk, Bristol and Middlesex');
    expect(nbm?.geometry?.type).toMatch(/Polygon/);
  });

  itFx('reads 361 train stations, FID 0 "RIVER WORKS" at its exact projected position', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/ma_train_stations_epsg26986.zip')]);
    expect(r!.items).toHaveLength(361);
    expect(r!.crs).toBe('EPSG:26986');
    expect(r!.crsSource).toContain('NAD83 / Massachusetts Mainland');
    const first = r!.items[0]!;
    expect(first.properties.station).toBe('RIVER WORKS');
    expect(Object.keys(first.properties)).toEqual(['objectid', 'station', 'c_railstat', 'amtrak', 'map_sta']);
    const [x, y] = (first.geometry as { coordinates: number[] }).coordinates;
    expect(x).toBeCloseTo(243618.046906829, 6);
    expect(y).toBeCloseTo(911165.749999505, 6);
  });

  itFx('decodes a .cpg "ANSI 1250" DBF as windows-1250', async () => {
    const [r] = await readShapefile(parts('codepage_cp1250', 'codepage', ['shp', 'shx', 'dbf', 'prj', 'cpg']));
    expect(r!.crs).toBe('EPSG:4326');
    expect(r!.items.map((i) => i.properties.field)).toEqual(['??', 'Hněvošický háj']);
  });

  itFx('decodes UTF-8 attributes including an astral-plane emoji', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/utf8_attributes.zip')]);
    expect(r!.items.map((i) => i.properties.field)).toEqual(['💩', 'Hněvošický háj']);
  });

  itFx('assumes EPSG:4326 with a warning when there is no .prj but every coordinate is lon/lat', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/ma_counties_no_prj.zip')]);
    expect(r!.items).toHaveLength(14);
    expect(r!.crs).toBe('EPSG:4326');
    expect(r!.warnings.map((w) => w.message).join()).toMatch(/no \.prj/);
  });

  itFx('takes the CRS from the option over everything else', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/ma_counties_no_prj.zip')], { crs: 'EPSG:4269' });
    expect(r!.crs).toBe('EPSG:4269');
    expect(r!.warnings).toEqual([]);
  });

  itFx('reports each of the 12 NULL shapes of LGA_2013_AUST and keeps the 13 records (GDA94)', async () => {
    const [r] = await readShapefile(parts('lga_2013_aust_gda94', 'LGA_2013_AUST', ['shp', 'shx', 'dbf', 'prj', 'cpg']));
    expect(r!.crs).toBe('EPSG:4283');
    expect(r!.items).toHaveLength(13);
    expect(r!.errors).toHaveLength(12);
    expect(r!.errors.every((e) => e.field === 'geometry' && /NULL shape/.test(e.message) && e.file === 'LGA_2013_AUST.shp')).toBe(true);
    const polygons = r!.items.filter((i) => i.geometry);
    expect(polygons.map((i) => i.properties.LGA_NAME13)).toEqual(['Kangaroo Island (DC)']);
    expect(Object.keys(polygons[0]!.properties)).toEqual(['LGA_CODE13', 'LGA_NAME13', 'STE_CODE11', 'STE_NAME11', 'AREA_SQKM']);
  });

  itFx('finds a layer in a sub-folder of the zip (nested_dir_empty_dbf.zip) and its 0-field DBF', async () => {
    const [r] = await readShapefile([fixtureFile('vector/shapefile/nested_dir_empty_dbf.zip')]);
    expect(r!.items).toHaveLength(2);
    expect(r!.crs).toBe('EPSG:4326');
    expect(r!.items.every((i) => i.geometry?.type === 'Polygon' && Object.keys(i.properties).length === 0)).toBe(true);
  });

  itFx('rejects a zip without .shp, listing what it found', async () => {
    await expect(readShapefile([fixtureFile('vector/shapefile/zip_without_shp.zip')])).rejects.toThrow(
      new ReadError('zip_without_shp.zip', 'no .shp file (found counties.dbf, counties.sbn)'),
    );
  });

  itFx('reads the generated Dazhou parcels in CGCS2000 GK zone 36 (EPSG:4524, false easting 36 500 000)', async () => {
    const [r] = await readShapefile([fixtureFile('vector/generated/dazhou_parcels_cgcs2000_gk_zone36_epsg4524.zip')]);
    expect(r!.items).toHaveLength(25);
    expect(r!.crs).toBe('EPSG:4524');
    const xs = r!.items.flatMap((i) => (i.geometry as { coordinates: number[][][] }).coordinates[0]!.map((p) => p[0]!));
    expect(Math.min(...xs)).toBeCloseTo(36404863.07, 1);
    expect(Math.max(...xs)).toBeCloseTo(36480246.57, 1);
    expect(r!.items[0]!.properties).toEqual({ DKBH: 'DZ-1000', YDXZ: '工业用地', MJ_MU: 42 });
  });

  itFx('refuses projected coordinates without .prj, asking for --crs', async () => {
    const senate = fixtureFile('vector/shapefile/ma_senate_epsg26986.zip');
    const { unzipSync } = await import('fflate');
    const files = Object.entries(unzipSync(senate.bytes))
      .filter(([n]) => /\.(shp|shx|dbf)$/.test(n))
      .map(([name, bytes]) => ({ name, bytes }));
    await expect(readShapefile(files)).rejects.toThrow(/senate\.shp: no \.prj and coordinates such as \(.*\) are not longitude\/latitude; pass --crs/);
  });

  itFx('refuses an unknown .prj, quoting its name', async () => {
    const files = parts('codepage_cp1250', 'codepage', ['shp', 'shx', 'dbf']);
    files.push({ name: 'codepage.prj', bytes: new TextEncoder().encode('PROJCS["Mars_Equirectangular",GEOGCS["GCS_Mars_2000",DATUM["D_Mars_2000",SPHEROID["Mars",3396190,169.89]],PRIMEM["Reference_Meridian",0],UNIT["Degree",0.0174532925199433]],PROJECTION["Equidistant_Cylindrical"],PARAMETER["Central_Meridian",0],UNIT["Meter",1]]') });
    await expect(readShapefile(files)).rejects.toThrow(/codepage\.shp: \.prj "Mars_Equirectangular" is not a recognised CRS; pass --crs/);
  });
});
