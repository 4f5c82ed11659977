import { describe, expect, it } from 'vitest';
import { matchPrj } from './prj.ts';

const CGCS_GEOG_ESRI = 'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const gk = (name: string, fe: number, cm: number, base = CGCS_GEOG_ESRI) =>
  `PROJCS["${name}",${base},PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",${fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
const XIAN_GEOG = 'GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

// ESRI strings as written by `gdalsrsinfo -o wkt_esri EPSG:n` (GDAL 3.6), and OGC/WKT2 forms.
const cases: [string, string, number][] = [
  ['WGS84 (ESRI)', 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]', 4326],
  ['CGCS2000 geographic (ESRI)', CGCS_GEOG_ESRI, 4490],
  ['GDA94 with numeric AUTHORITY', 'GEOGCS["GCS_GDA_1994",DATUM["D_GDA_1994",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433],AUTHORITY["EPSG",4283]]', 4283],
  ['CGCS2000 3-degree GK CM 108E (ESRI, Dazhou)', gk('CGCS2000_3_Degree_GK_CM_108E', 500000, 108), 4545],
  ['CGCS2000 3-degree GK CM 75E', gk('CGCS2000_3_Degree_GK_CM_75E', 500000, 75), 4534],
  ['CGCS2000 3-degree GK CM 135E', gk('CGCS2000_3_Degree_GK_CM_135E', 500000, 135), 4554],
  ['CGCS2000 3-degree GK zone 36 (false easting 36 500 000)', gk('CGCS2000_3_Degree_GK_Zone_36', 36500000, 108), 4524],
  ['CGCS2000 3-degree GK zone 25', gk('CGCS2000_3_Degree_GK_Zone_25', 25500000, 75), 4513],
  ['CGCS2000 3-degree GK zone 45', gk('CGCS2000_3_Degree_GK_Zone_45', 45500000, 135), 4533],
  ['CGCS2000 6-degree GK CM 75E (name decides 6 vs 3)', gk('CGCS2000_GK_CM_75E', 500000, 75), 4502],
  ['CGCS2000 6-degree GK CM 105E', gk('CGCS2000_GK_CM_105E', 500000, 105), 4507],
  ['CGCS2000 6-degree GK zone 13', gk('CGCS2000_GK_Zone_13', 13500000, 75), 4491],
  ['CGCS2000 6-degree GK zone 18', gk('CGCS2000_GK_Zone_18', 18500000, 105), 4496],
  ['CGCS2000 CM 105E, name silent: 3-degree assumed', gk('Transverse_Mercator', 500000, 105), 4544],
  ['Xian 1980 3-degree GK CM 114E', gk('Xian_1980_3_Degree_GK_CM_114E', 500000, 114, XIAN_GEOG), 2383],
  ['WGS 84 / UTM 48N (ESRI)', 'PROJCS["WGS_1984_UTM_Zone_48N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]', 32648],
  ['WGS 84 / UTM 49N (ESRI)', 'PROJCS["WGS_1984_UTM_Zone_49N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",111.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]', 32649],
  ['NAD83 / Massachusetts Mainland (ESRI, no authority)', 'PROJCS["NAD_1983_StatePlane_Massachusetts_Mainland_FIPS_2001",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",200000.0],PARAMETER["False_Northing",750000.0],PARAMETER["Central_Meridian",-71.5],PARAMETER["Standard_Parallel_1",41.71666666666667],PARAMETER["Standard_Parallel_2",42.68333333333333],PARAMETER["Latitude_Of_Origin",41.0],UNIT["Meter",1.0]]', 26986],
  ['WKT2 with ID["EPSG",4545]', 'PROJCRS["CGCS2000 / 3-degree Gauss-Kruger CM 108E",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4490]],CONVERSION["3-degree Gauss-Kruger CM 108E",METHOD["Transverse Mercator",ID["EPSG",9807]],PARAMETER["Longitude of natural origin",108,ANGLEUNIT["degree",0.0174532925199433],ID["EPSG",8802]],PARAMETER["False easting",500000,LENGTHUNIT["metre",1],ID["EPSG",8806]]],CS[Cartesian,2],AXIS["northing (X)",north,ORDER[1],LENGTHUNIT["metre",1]],AXIS["easting (Y)",east,ORDER[2],LENGTHUNIT["metre",1]],ID["EPSG",4545]]', 4545],
  ['WKT2 without ID, by parameters', 'PROJCRS["unnamed",BASEGEOGCRS["China Geodetic Coordinate System 2000",DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101]]],CONVERSION["x",METHOD["Transverse Mercator"],PARAMETER["Latitude of natural origin",0],PARAMETER["Longitude of natural origin",108],PARAMETER["Scale factor at natural origin",1],PARAMETER["False easting",500000],PARAMETER["False northing",0]],CS[Cartesian,2],AXIS["northing (X)",north],AXIS["easting (Y)",east],LENGTHUNIT["metre",1]]', 4545],
];

describe('matchPrj', () => {
  it.each(cases)('%s → EPSG code', (_label, wkt, epsg) => {
    expect(matchPrj(wkt)?.epsg).toBe(epsg);
  });

  it('returns null for a projection it does not know', () => {
    expect(matchPrj(gk('CGCS2000_odd', 500000, 108.5))).toBeNull();
    expect(matchPrj('PROJCS["x",GEOGCS["GCS_Mars_2000",DATUM["D_Mars_2000",SPHEROID["Mars",3396190,169.89]]],PROJECTION["Mercator"],UNIT["Meter",1]]')).toBeNull();
  });

  it('returns null for a projected CRS in feet, whatever the parameters', () => {
    expect(matchPrj(gk('CGCS2000_3_Degree_GK_CM_108E', 500000, 108).replace('UNIT["Meter",1.0]]', 'UNIT["Foot_US",0.3048006096012192]]'))).toBeNull();
  });

  it('throws on text that is not WKT', () => {
    expect(() => matchPrj('hello')).toThrow();
  });
});
