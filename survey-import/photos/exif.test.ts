import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { jsonSafe, normalizeDegrees, parseExifDate, readPhotoMeta, toNumber } from './exif.ts';
import { EXIFTOOL, fixture, fixtureBytes, hasExiftool, itFx, hasFixtures } from '../../test/fixtures.ts';

/** EXPECTED.md section 1, verbatim (null = "–"). */
const EXPECTED = [
  { file: 'drone/dji_mavic2pro_hasselblad_L1D-20c.jpg', make: 'Hasselblad', model: 'L1D-20c', w: 100, h: 67, lat: 47.354184, lon: 10.191316, alt: 1252, relAlt: 125.3, gimbalYaw: -127.1, gimbalPitch: 1.0, flightYaw: -97.0, dto: '2019-10-03T09:10:11' },
  { file: 'drone/dji_zenmuse_xt_flir_thermal.jpg', make: 'DJI', model: 'FLIR', w: 640, h: 512, lat: 40.377501, lon: -74.489913, alt: -8.5, relAlt: 62.5, gimbalYaw: -78.8, gimbalPitch: -89.9, flightYaw: -78.0, dto: '2019-04-30T15:56:18' },
  { file: 'drone/dji_xt2_thermal.tiff', make: 'DJI', model: 'XT2', w: 640, h: 512, lat: 39.917, lon: -2.825024, alt: 881.909, relAlt: 34.700001, gimbalYaw: 81.300003, gimbalPitch: -89.900002, flightYaw: 90.0, dto: '2019-05-24T15:06:38' },
  { file: 'drone/dji_zenmuse_h20t_thermal.jpg', make: 'DJI', model: 'ZH20T', w: 640, h: 512, lat: 40.563781, lon: -79.764963, alt: 221.404, relAlt: 16.508, gimbalYaw: 32.5, gimbalPitch: -10.5, flightYaw: 30.3, dto: '2021-05-28T10:33:46' },
  { file: 'drone/dji_xt2_thermal.jpg', make: 'DJI', model: 'FLIR', w: 640, h: 512, lat: 9.972157, lon: 76.377786, alt: 39.1, relAlt: 1.9, gimbalYaw: 82.400002, gimbalPitch: 0, flightYaw: 81.900002, dto: '2018-07-27T14:51:54' },
  { file: 'drone/ebee_canon_s110_tiny_1.jpg', make: 'Canon', model: 'Canon PowerShot S110', w: 48, h: 36, lat: 41.22637, lon: -81.705501, alt: 438.1885965, relAlt: null, gimbalYaw: null, gimbalPitch: null, flightYaw: null, dto: '2015-07-31T14:32:14' },
  { file: 'drone/ebee_canon_s110_tiny_2.jpg', make: 'Canon', model: 'Canon PowerShot S110', w: 48, h: 36, lat: 41.226543, lon: -81.705974, alt: 439.496368, relAlt: null, gimbalYaw: null, gimbalPitch: null, flightYaw: null, dto: '2015-07-31T14:32:18' },
  { file: 'drone/phone/google_pixel_gps.jpg', make: 'Google', model: 'Pixel', w: 1012, h: 759, lat: 50.299603, lon: 14.820294, alt: 252, relAlt: null, gimbalYaw: null, gimbalPitch: null, flightYaw: null, dto: '2018-07-25T16:34:23' },
  { file: 'drone/phone/apple_iphone8_gps_guangdong.heic', make: 'Apple', model: 'iPhone 8', w: 4032, h: 3024, lat: 23.177917, lon: 113.394317, alt: 42.81033687, relAlt: null, gimbalYaw: null, gimbalPitch: null, flightYaw: null, dto: '2018-02-05T15:11:44' },
  { file: 'drone/phone/google_pixel8pro_gps_8x8.jpg', make: 'Google', model: 'Pixel 8 Pro', w: 8, h: 8, lat: 40.400069, lon: -3.714647, alt: 634, relAlt: null, gimbalYaw: null, gimbalPitch: null, flightYaw: null, dto: '2023-10-06T22:53:51' },
];

const NO_GPS = [
  'drone/no-gps/no_exif_at_all.jpg',
  'drone/no-gps/canon_empty_gps_ifd_bad_irb.jpg',
  'drone/no-gps/exif_segment_unreachable.jpg',
  'drone/no-gps/dji_m2ea_thermal_gps_stripped.jpg',
];

/** |a - b| ≤ tol (the exact tolerance EXPECTED.md asks for, not toBeCloseTo's half-digit rule). */
function near(actual: number | null, expected: number, tol: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('readPhotoMeta on the EXPECTED.md photo table', () => {
  itFx.each(EXPECTED)('$file', async (e) => {
    const m = await readPhotoMeta(fixtureBytes(e.file), e.file);
    near(m.lat, e.lat, 1e-6 + 5e-7); // table values are rounded to 6 dp
    near(m.lon, e.lon, 1e-6 + 5e-7);
    near(m.altitude, e.alt, 0.01);
    expect(m.make).toBe(e.make);
    expect(m.model).toBe(e.model);
    expect([m.width, m.height]).toEqual([e.w, e.h]);
    expect(m.capturedAt?.slice(0, 19)).toBe(e.dto);
    expect(m.capturedAtTag).toBe('DateTimeOriginal');
    for (const [actual, expected] of [
      [m.relativeAltitude, e.relAlt],
      [m.gimbal.yaw, e.gimbalYaw],
      [m.gimbal.pitch, e.gimbalPitch],
      [m.flight.yaw, e.flightYaw],
    ] as const) {
      if (expected === null) expect(actual).toBeNull();
      else near(actual, expected, 1e-6);
    }
    expect(m.warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(m.raw))).toEqual(m.raw); // JSON round-trips unchanged
  });
});

describe('readPhotoMeta details', () => {
  itFx('applies GPSAltitudeRef = below sea level: the Zenmuse XT photo is at -8.5 m', async () => {
    const m = await readPhotoMeta(fixtureBytes('drone/dji_zenmuse_xt_flir_thermal.jpg'), 'xt.jpg');
    expect(m.altitude).toBe(-8.5);
    expect(m.absoluteAltitude).toBe(-8.56);
  });

  itFx('keeps EXIF Make/Model for the Mavic 2 Pro and records the different XMP tiff:Make/Model', async () => {
    const m = await readPhotoMeta(fixtureBytes('drone/dji_mavic2pro_hasselblad_L1D-20c.jpg'), 'mavic.jpg');
    expect([m.make, m.model, m.xmpMake, m.xmpModel]).toEqual(['Hasselblad', 'L1D-20c', 'DJI', 'Test_Pro']);
    expect(m.absoluteAltitude).toBe(1252.12);
    expect(m.gimbal).toEqual({ yaw: -127.1, pitch: 1, roll: 0 });
    expect(m.flight).toEqual({ yaw: -97, pitch: 0.9, roll: 0 });
    expect([m.focalLength, m.focalLength35mm]).toEqual([10.26, 28]);
    // Container size wins over EXIF's original 5472×3648.
    expect((m.raw.exif as any).exif.ExifImageWidth).toBe(5472);
  });

  itFx('takes the heading from gimbal yaw, then flight yaw, then GPSImgDirection, as 0..360', async () => {
    const mavic = await readPhotoMeta(fixtureBytes('drone/dji_mavic2pro_hasselblad_L1D-20c.jpg'), 'm.jpg');
    expect(mavic.headingSource).toBe('gimbal-yaw');
    expect(mavic.heading).toBeCloseTo(232.9, 9);
    const iphone = await readPhotoMeta(fixtureBytes('drone/phone/apple_iphone8_gps_guangdong.heic'), 'i.heic');
    expect(iphone.headingSource).toBe('gps-img-direction');
    expect(iphone.heading).toBeCloseTo(25.27185089974293, 9);
    const canon = await readPhotoMeta(fixtureBytes('drone/ebee_canon_s110_tiny_1.jpg'), 'c.jpg');
    expect([canon.heading, canon.headingSource]).toEqual([null, null]);
  });

  itFx('reads the iPhone HEIC (exifr reads HEIF boxes) including its pixel size from ispe', async () => {
    const m = await readPhotoMeta(fixtureBytes('drone/phone/apple_iphone8_gps_guangdong.heic'), 'i.heic');
    expect(m.format).toBe('heif');
    expect([m.width, m.height]).toEqual([4032, 3024]);
    expect(m.lensModel).toBe('iPhone 8 back camera 3.99mm f/1.8');
  });

  itFx('keeps the stated offset when OffsetTimeOriginal exists and invents none otherwise', async () => {
    const pixel8 = await readPhotoMeta(fixtureBytes('drone/phone/google_pixel8pro_gps_8x8.jpg'), 'p.jpg');
    expect(pixel8.capturedAt).toBe('2023-10-06T22:53:51+02:00');
    const pixel = await readPhotoMeta(fixtureBytes('drone/phone/google_pixel_gps.jpg'), 'p.jpg');
    expect(pixel.capturedAt).toBe('2018-07-25T16:34:23');
  });

  itFx('drops the 38 kB Pixel 8 HDR+ maker blob from the raw dump but keeps the tag', async () => {
    const m = await readPhotoMeta(fixtureBytes('drone/phone/google_pixel8pro_gps_8x8.jpg'), 'p.jpg');
    const note = (m.raw.xmp as any).GCamera.HdrPlusMakernote;
    expect(note).toMatch(/^\[\d+ characters dropped\]$/);
    expect(JSON.stringify(m.raw).length).toBeLessThan(10_000);
  });

  itFx.each(NO_GPS)('%s: lat/lon null (never 0,0), no throw', async (file) => {
    const m = await readPhotoMeta(fixtureBytes(file), file);
    expect(m.lat).toBeNull();
    expect(m.lon).toBeNull();
    expect(m.positionSource).toBeNull();
    expect(m.width).toBeGreaterThan(0);
  });

  itFx('reads what the no-gps files do have', async () => {
    const canon = await readPhotoMeta(fixtureBytes('drone/no-gps/canon_empty_gps_ifd_bad_irb.jpg'), 'c.jpg');
    expect([canon.make, canon.model, canon.width, canon.height, canon.capturedAt]).toEqual(['Canon', 'Canon EOS 30D', 600, 900, '2007-08-15T10:13:13']);
    const m2ea = await readPhotoMeta(fixtureBytes('drone/no-gps/dji_m2ea_thermal_gps_stripped.jpg'), 'm.jpg');
    expect([m2ea.make, m2ea.model, m2ea.width, m2ea.height, m2ea.capturedAt]).toEqual(['DJI', 'MAVIC2-ENTERPRISE-ADVANCED', 640, 512, '2021-02-04T17:10:53']);
    expect(m2ea.gimbal).toEqual({ yaw: null, pitch: null, roll: null });
    const bare = await readPhotoMeta(fixtureBytes('drone/no-gps/no_exif_at_all.jpg'), 'b.jpg');
    expect([bare.width, bare.height, bare.capturedAt]).toEqual([250, 188, null]);
  });

  it('does not throw on bytes that are not an image', async () => {
    const m = await readPhotoMeta(new TextEncoder().encode('not a photo'), 'notes.jpg');
    expect([m.format, m.lat, m.width]).toEqual(['unknown', null, null]);
  });
});

describe('value parsing helpers', () => {
  it('parses DJI signed strings and rejects junk', () => {
    expect(toNumber('+125.30')).toBe(125.3);
    expect(toNumber(' -8.5 ')).toBe(-8.5);
    expect(toNumber('12abc')).toBeNull();
    expect(toNumber(Number.NaN)).toBeNull();
    expect(toNumber('')).toBeNull();
  });
  it('parses EXIF dates without inventing a zone and rejects impossible ones', () => {
    expect(parseExifDate('2019:10:03 09:10:11')).toEqual({ iso: '2019-10-03T09:10:11', offset: null });
    expect(parseExifDate('2007-08-15T10:13:13+02:00')).toEqual({ iso: '2007-08-15T10:13:13', offset: '+02:00' });
    expect(parseExifDate('0000:00:00 00:00:00')).toBeNull();
    expect(parseExifDate('2019:02:30 10:00:00')).toBeNull();
    expect(parseExifDate('1970-01-01')).toBeNull();
  });
  it('normalises angles to 0..360', () => {
    expect(normalizeDegrees(-127.1)).toBeCloseTo(232.9, 9);
    expect(normalizeDegrees(360)).toBe(0);
    expect(normalizeDegrees(-0)).toBe(0);
  });
  it('makes values JSON-safe', () => {
    expect(jsonSafe({ a: Number.NaN, b: new Uint8Array(1000), c: new Uint8Array([2, 3, 0, 0]), d: 'x\u0000y', e: new Date(0) })).toEqual({
      c: [2, 3, 0, 0],
      d: 'xy',
      e: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe.skipIf(!hasExiftool || !hasFixtures())('cross-check against exiftool -n -json', () => {
  itFx('agrees with exiftool on every photo fixture', async () => {
    const files = [...EXPECTED.map((e) => e.file), ...NO_GPS];
    const tags = ['GPSLatitude', 'GPSLongitude', 'GPSAltitude', 'RelativeAltitude', 'GimbalYawDegree', 'GimbalPitchDegree', 'FlightYawDegree', 'DateTimeOriginal', 'Make', 'Model', 'ImageWidth', 'ImageHeight', 'FocalLength', 'FocalLengthIn35mmFormat'];
    const out = execFileSync(EXIFTOOL, ['-n', '-json', ...tags.map((t) => `-${t}`), ...files.map((f) => fixture(f))], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows = JSON.parse(out) as Record<string, unknown>[];
    expect(rows).toHaveLength(files.length);
    const num = (v: unknown) => (v === undefined ? null : Number(v));
    for (const [i, row] of rows.entries()) {
      const m = await readPhotoMeta(fixtureBytes(files[i]), files[i]);
      const ctx = files[i];
      // exiftool reports an empty GPS IFD as no GPSLatitude at all; so must we.
      if (row.GPSLatitude === undefined) expect(m.lat, ctx).toBeNull();
      else expect(Math.abs(m.lat! - num(row.GPSLatitude)!), ctx).toBeLessThan(1e-9);
      if (row.GPSLongitude === undefined) expect(m.lon, ctx).toBeNull();
      else expect(Math.abs(m.lon! - num(row.GPSLongitude)!), ctx).toBeLessThan(1e-9);
      if (row.GPSAltitude !== undefined) expect(Math.abs(m.altitude! - num(row.GPSAltitude)!), ctx).toBeLessThan(0.01);
      expect(m.relativeAltitude, ctx).toBe(num(row.RelativeAltitude));
      expect(m.gimbal.yaw, ctx).toBe(num(row.GimbalYawDegree));
      expect(m.gimbal.pitch, ctx).toBe(num(row.GimbalPitchDegree));
      expect(m.flight.yaw, ctx).toBe(num(row.FlightYawDegree));
      expect(m.make, ctx).toBe(row.Make ?? null);
      expect(m.model, ctx).toBe(row.Model ?? null);
      expect([m.width, m.height], ctx).toEqual([row.ImageWidth, row.ImageHeight]);
      expect(m.focalLength, ctx).toBe(num(row.FocalLength));
      expect(m.focalLength35mm, ctx).toBe(num(row.FocalLengthIn35mmFormat) || null);
      // exiftool may prefer a FLIR-segment DateTimeOriginal with sub-seconds; compare to the second.
      const dto = typeof row.DateTimeOriginal === 'string' ? row.DateTimeOriginal.slice(0, 19).replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T') : null;
      if (dto) expect(m.capturedAt?.slice(0, 19), ctx).toBe(dto);
    }
  });
});
