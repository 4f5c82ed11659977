import * as turf from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { lookupSensor } from './camera-sensors.ts';
import { readPhotoMeta } from './exif.ts';
import { fixtureBytes, itFx } from '../../test/fixtures.ts';
import { computeFootprint, enuToLonLat, footprintFromMeta, lensFor, type FootprintInput } from './footprint.ts';

const LAT = 31.2;
const LON = 107.5; // Dazhou
/** 35 mm-equivalent 24 mm lens on a 3:2 image: the full-frame 36×24 mm sensor. */
const BASE: FootprintInput = { lat: LAT, lon: LON, heightM: 100, yawDeg: 0, pitchDeg: -90, focalMm: 24, sensor: { widthMm: 36, heightMm: 24 }, imageWidth: 6000, imageHeight: 4000 };

function ok(r: ReturnType<typeof computeFootprint>) {
  if (r.polygon === null) throw new Error(`expected a footprint, got: ${r.reason}`);
  return r;
}
/**
 * Polygon vertices as east/north metres from the camera, inverting lon/lat with the WGS84
 * ellipsoid's radii of curvature (turf.distance uses a sphere, 0.3 % off in north-south at 31°N).
 */
function enu(poly: Polygon, lat = LAT, lon = LON): Array<[number, number]> {
  const a = 6378137;
  const e2 = 0.00669437999014;
  const rad = Math.PI / 180;
  return poly.coordinates[0].slice(0, -1).map(([x, y]) => {
    const s0 = Math.sin(lat * rad);
    const M = (a * (1 - e2)) / (1 - e2 * s0 * s0) ** 1.5;
    const sm = Math.sin(((lat + y) / 2) * rad);
    const N = a / Math.sqrt(1 - e2 * sm * sm);
    return [(x - lon) * rad * N * Math.cos(((lat + y) / 2) * rad), (y - lat) * rad * M];
  });
}
function extent(pts: Array<[number, number]>) {
  const es = pts.map((p) => p[0]);
  const ns = pts.map((p) => p[1]);
  return { width: Math.max(...es) - Math.min(...es), height: Math.max(...ns) - Math.min(...ns), minN: Math.min(...ns), maxN: Math.max(...ns) };
}

describe('computeFootprint geometry', () => {
  it('nadir at 100 m with a 24 mm (35 mm-eq) lens covers 150 × 100 m', () => {
    const r = ok(computeFootprint(BASE));
    expect(r.kind).toBe('nadir');
    expect(r.capped).toBe(false);
    expect(r.polygon.coordinates[0]).toHaveLength(5);
    expect(turf.area(r.polygon) / 15_000).toBeCloseTo(1, 2); // within 0.5 %
    const x = extent(enu(r.polygon));
    expect(x.width).toBeCloseTo(150, 0);
    expect(x.height).toBeCloseTo(100, 0);
    expect(turf.booleanPointInPolygon([LON, LAT], r.polygon)).toBe(true);
  });

  it('rotates with yaw: at yaw 90° the 150 m side runs north-south', () => {
    const x = extent(enu(ok(computeFootprint({ ...BASE, yawDeg: 90 })).polygon));
    expect(x.width).toBeCloseTo(100, 0);
    expect(x.height).toBeCloseTo(150, 0);
    const diag = extent(enu(ok(computeFootprint({ ...BASE, yawDeg: 45 })).polygon));
    expect(diag.width).toBeCloseTo((150 + 100) / Math.SQRT2, 0); // rotated rectangle's bounding box
  });

  it('uses the portrait orientation of the image', () => {
    const x = extent(enu(ok(computeFootprint({ ...BASE, imageWidth: 4000, imageHeight: 6000 })).polygon));
    expect([Math.round(x.width), Math.round(x.height)]).toEqual([100, 150]);
  });

  it('oblique (pitch -45°) gives a trapezoid whose far edge is longer than the near edge', () => {
    const r = ok(computeFootprint({ ...BASE, pitchDeg: -45 }));
    expect(r.kind).toBe('oblique');
    expect(r.capped).toBe(false);
    const byNorth = enu(r.polygon).sort((a, b) => a[1] - b[1]);
    const near = byNorth.slice(0, 2).sort((a, b) => a[0] - b[0]);
    const far = byNorth.slice(2).sort((a, b) => a[0] - b[0]);
    // Hand computation: near edge 33.33 m north, 141.42 m wide; far edge 300 m north, 424.26 m wide.
    expect(near[0][1]).toBeCloseTo(33.33, 1);
    expect(far[0][1]).toBeCloseTo(300, 0);
    expect(near[1][0] - near[0][0]).toBeCloseTo(141.42, 0);
    expect(far[1][0] - far[0][0]).toBeCloseTo(424.26, 0);
    expect(turf.area(r.polygon) / (((141.42 + 424.26) / 2) * (300 - 33.33))).toBeCloseTo(1, 2);
    expect(turf.booleanPointInPolygon([LON, LAT], r.polygon)).toBe(false); // looks ahead, not down
  });

  it('caps rays near or above the horizon at min(10 × height, 2 km)', () => {
    const r = ok(computeFootprint({ ...BASE, pitchDeg: -10 }));
    expect(r.capped).toBe(true);
    const dists = enu(r.polygon).map(([e, n]) => Math.hypot(e, n));
    expect(Math.max(...dists)).toBeLessThanOrEqual(1000 * 1.001);
    expect(Math.max(...dists)).toBeGreaterThan(999);
    const high = ok(computeFootprint({ ...BASE, heightM: 500, pitchDeg: -20 }));
    expect(Math.max(...enu(high.polygon).map(([e, n]) => Math.hypot(e, n)))).toBeLessThanOrEqual(2000 * 1.001);
    expect(turf.booleanValid(r.polygon)).toBe(true);
  });

  it('returns null with a reason when the camera looks at the horizon', () => {
    const r = computeFootprint({ ...BASE, pitchDeg: 0, sensor: { widthMm: 3.6, heightMm: 2.4 } });
    expect(r.polygon).toBeNull();
    expect(r.reason).toMatch(/horizon.*2\.9° below horizontal/);
  });

  it('rejects non-positive heights and focal lengths', () => {
    expect(computeFootprint({ ...BASE, heightM: 0 }).reason).toMatch(/height 0 must be a positive number/);
    expect(computeFootprint({ ...BASE, focalMm: Number.NaN }).reason).toMatch(/focal length NaN/);
  });

  it('converts local metres to WGS84 with ellipsoidal radii (1 km north at 31.2°N ≈ 0.009020°)', () => {
    const [lon, lat] = enuToLonLat(LAT, LON, 1000, 1000);
    expect(lat - LAT).toBeCloseTo(1000 / 110_874.4, 6); // meridian arc per degree at 31.2°N
    expect(turf.distance([LON, LAT], [lon, LAT], { units: 'meters' })).toBeCloseTo(1000, -1);
  });
});

describe('sensor lookup', () => {
  it('knows common drone cameras and picks the thermal core by image size', () => {
    expect(lookupSensor('FC6310R', 5472)).toMatchObject({ widthMm: 13.2, heightMm: 8.8 });
    expect(lookupSensor('L1D-20c', 100)).toMatchObject({ widthMm: 13.2, heightMm: 8.8 });
    expect(lookupSensor('FLIR', 640)).toMatchObject({ widthMm: 10.88, heightMm: 8.704 });
    expect(lookupSensor('XT2', 336)?.widthMm).toBeCloseTo(5.712, 6);
    expect(lookupSensor('Canon PowerShot S110', 48)).toMatchObject({ widthMm: 7.44, heightMm: 5.58 });
    expect(lookupSensor('ZH20T', 4056)).toBeNull(); // visual camera → 35 mm-equivalent rule
    expect(lookupSensor('Unknown Cam', 100)).toBeNull();
  });

  it('falls back to the 35 mm equivalent, and explains when neither exists', () => {
    const l = lensFor({ model: 'Pixel', width: 6000, height: 4000, focalLength: 4.67, focalLength35mm: 24 });
    expect(l).toMatchObject({ focalMm: 24, sensor: { widthMm: expect.closeTo(36, 9), heightMm: expect.closeTo(24, 9) } });
    expect(lensFor({ model: 'Odd', width: 10, height: 10, focalLength: 5, focalLength35mm: null })).toEqual({
      reason: 'sensor size unknown for Model "Odd" and no FocalLengthIn35mmFormat',
    });
  });
});

describe('footprints of the real fixtures', () => {
  const read = (f: string) => readPhotoMeta(fixtureBytes(f), f);

  itFx('Zenmuse XT nadir at 62.5 m: 52.3 × 41.8 m around the drone', async () => {
    const r = ok(footprintFromMeta(await read('drone/dji_zenmuse_xt_flir_thermal.jpg')));
    expect(r.kind).toBe('nadir');
    expect(r.sensor.source).toMatch(/640×512 17 µm/);
    expect(turf.area(r.polygon)).toBeCloseTo(((62.5 * 10.88) / 13) * ((62.5 * 8.704) / 13), -1);
    expect(turf.booleanPointInPolygon([-74.4899133611111, 40.37750144444445], r.polygon)).toBe(true);
  });

  itFx('XT2 TIFF nadir at 34.7 m: about 675 m²', async () => {
    const r = ok(footprintFromMeta(await read('drone/dji_xt2_thermal.tiff')));
    expect(turf.area(r.polygon)).toBeCloseTo(((34.700001 * 10.88) / 13) * ((34.700001 * 8.704) / 13), -1);
  });

  itFx.each([
    ['drone/dji_mavic2pro_hasselblad_L1D-20c.jpg', 125.3], // pitch +1°: near edge ~307 m ahead, far edge capped
    ['drone/dji_zenmuse_h20t_thermal.jpg', 16.508], // pitch -10.5°
    ['drone/dji_xt2_thermal.jpg', 1.9], // pitch 0°, 1.9 m up
  ])('%s looks ahead: capped oblique footprint within 10 × height', async (file, height) => {
    const meta = await read(file);
    const r = ok(footprintFromMeta(meta));
    expect(r.kind).toBe('oblique');
    expect(r.capped).toBe(true);
    const d = enu(r.polygon, meta.lat!, meta.lon!).map(([e, n]) => Math.hypot(e, n));
    expect(Math.max(...d)).toBeLessThanOrEqual(10 * height * 1.001);
    expect(turf.booleanValid(r.polygon)).toBe(true);
  });

  itFx('gives null with a reason when there is no RelativeAltitude or no position', async () => {
    expect(footprintFromMeta(await read('drone/ebee_canon_s110_tiny_1.jpg')).reason).toMatch(/no RelativeAltitude/);
    expect(footprintFromMeta(await read('drone/phone/google_pixel_gps.jpg')).reason).toMatch(/no RelativeAltitude/);
    expect(footprintFromMeta(await read('drone/no-gps/dji_m2ea_thermal_gps_stripped.jpg')).reason).toMatch(/no position/);
  });
});
