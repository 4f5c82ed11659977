import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputFile } from '../types.ts';
import { parseDjiSrt } from './dji-srt.ts';
import { fixture, fixtureBytes, itFx, describeFx, hasFixtures } from '../../test/fixtures.ts';
import { gpanoXmp } from './panorama.ts';
import { readPhotos } from './photo.reader.ts';
import { rasterizeSvg } from './thumbnail.ts';

/** Every file under drone/ (photos, phone photos, no-gps photos and the SRT). */
function droneFiles(): InputFile[] {
  const walk = (rel: string): string[] =>
    readdirSync(fixture(rel)).flatMap((n) => (statSync(fixture(`${rel}/${n}`)).isDirectory() ? walk(`${rel}/${n}`) : [`${rel}/${n}`]));
  return walk('drone').map((rel) => ({ name: path.basename(rel), bytes: fixtureBytes(rel) }));
}

describeFx('readPhotos on the drone fixtures', async () => {
  const files = hasFixtures() ? droneFiles() : [];
  const r = await readPhotos(files);
  const byName = (n: string) => r.photos.find((p) => p.file === n)!;

  it('keeps every photo, including the four without GPS, and reports no errors', () => {
    expect(r.errors).toEqual([]);
    expect(r.photos).toHaveLength(14);
    expect(r.photos.map((p) => p.file).sort()).toEqual(files.filter((f) => !f.name.endsWith('.srt')).map((f) => f.name).sort());
  });

  it('warns "no location" for exactly the four no-gps files, naming the file and field', () => {
    const noLocation = r.warnings.filter((w) => /no location/.test(w.message));
    expect(noLocation.map((w) => w.file).sort()).toEqual(['canon_empty_gps_ifd_bad_irb.jpg', 'dji_m2ea_thermal_gps_stripped.jpg', 'exif_segment_unreachable.jpg', 'no_exif_at_all.jpg']);
    expect(noLocation[0]).toMatchObject({ index: null, field: 'GPSLatitude', value: null });
    for (const w of noLocation) expect(byName(w.file).meta.lat).toBeNull();
  });

  it('warns, per file, when HEIC pixels cannot be decoded here (or not at all if they can)', () => {
    const heic = r.warnings.filter((w) => w.file === 'apple_iphone8_gps_guangdong.heic');
    expect(heic.length).toBeLessThanOrEqual(1); // 0 with a libde265-enabled sharp build
    for (const w of heic) expect(w).toMatchObject({ field: 'image', value: 'heif', message: 'apple_iphone8_gps_guangdong.heic: no thumbnail: HEIC decoding not available' });
    expect(byName('apple_iphone8_gps_guangdong.heic').meta.lat).toBeCloseTo(23.177917, 6);
  });

  it('gives footprints to drone photos with RelativeAltitude, and reasons to the rest', () => {
    for (const n of ['dji_zenmuse_xt_flir_thermal.jpg', 'dji_xt2_thermal.tiff', 'dji_mavic2pro_hasselblad_L1D-20c.jpg', 'dji_zenmuse_h20t_thermal.jpg', 'dji_xt2_thermal.jpg']) {
      expect(byName(n).footprint?.type, n).toBe('Polygon');
      expect(byName(n).footprintReason).toBeUndefined();
    }
    expect(byName('ebee_canon_s110_tiny_1.jpg').footprintReason).toMatch(/ebee_canon_s110_tiny_1\.jpg: no RelativeAltitude/);
    expect(byName('no_exif_at_all.jpg').footprintReason).toMatch(/no position/);
  });

  it('carries heading and its source; none of the fixtures is a panorama', () => {
    expect(byName('dji_zenmuse_h20t_thermal.jpg')).toMatchObject({ heading: 32.5, headingSource: 'gimbal-yaw', isPanorama: false });
    expect(byName('google_pixel8pro_gps_8x8.jpg')).toMatchObject({ heading: 164, headingSource: 'gps-img-direction' });
  });

  it('reads the DJI SRT as (lon, lat, alt): St. Petersburg, Florida', () => {
    expect(r.telemetry).toHaveLength(1);
    const [first, second, third] = r.telemetry[0].points;
    expect(first).toEqual({ index: 0, startMs: 0, endMs: 1000, lat: 27.7716, lon: -82.6669, altitude: 10, height: 0, distance: 2.8 });
    expect([second.altitude, second.distance, third.startMs]).toEqual([9, 2.84, 2000]);
  });
});

describe('readPhotos error handling', () => {
  itFx('reports a non-image and a truncated JPEG as errors naming the file, and keeps going', async () => {
    const full = fixtureBytes('drone/phone/google_pixel_gps.jpg');
    const r = await readPhotos([
      { name: 'notes.jpg', bytes: new TextEncoder().encode('this is not a photo') },
      { name: 'cut.jpg', bytes: full.slice(0, full.length >> 1) },
      { name: 'ok.jpg', bytes: full },
    ]);
    expect(r.photos.map((p) => p.file)).toEqual(['ok.jpg']);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatchObject({ file: 'notes.jpg', index: null, field: 'image' });
    expect(r.errors[0].message).toMatch(/^notes\.jpg: cannot read image: /);
    expect(r.errors[1].message).toMatch(/^cut\.jpg: cannot read image: .*premature end/);
  });

  it('recognises a panorama and gives it no footprint', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2048" height="1024"><rect width="2048" height="512" fill="#8ab4e8"/><rect y="512" width="2048" height="512" fill="#6a9a4a"/></svg>';
    const bytes = await rasterizeSvg(svg, { width: 2048, height: 1024, xmp: gpanoXmp({ width: 2048, height: 1024, headingDeg: 45 }) });
    const r = await readPhotos([{ name: 'pano.jpg', bytes }]);
    expect(r.photos[0]).toMatchObject({ isPanorama: true, heading: 45, headingSource: 'gpano-pose-heading', footprint: null });
    expect(r.photos[0].footprintReason).toMatch(/360° panorama/);
  });
});

describe('parseDjiSrt dialects', () => {
  it('reads the bracketed [latitude: …] format of newer DJI drones', () => {
    const srt = '1\r\n00:00:00,000 --> 00:00:00,033\r\n<font size="28">FrameCnt: 1, DiffTime: 33ms\r\n[iso: 100] [latitude: 31.209876] [longitude: 107.468123] [rel_alt: 52.300 abs_alt: 360.112] </font>\r\n\r\n';
    const t = parseDjiSrt(srt, 'DJI_0001.SRT');
    expect(t.points).toEqual([{ index: 0, startMs: 0, endMs: 33, lat: 31.209876, lon: 107.468123, altitude: 360.112, height: 52.3, distance: null }]);
  });

  it('skips cues before GPS lock and reports cues without a position', () => {
    const srt = '1\n00:00:00,000 --> 00:00:01,000\nGPS (0.0, 0.0, 0), H 0.00m\n\n2\n00:00:01,000 --> 00:00:02,000\nF/2.8, ISO 100\n\n3\n00:00:02,000 --> 00:00:03,000\nGPS (107.5, 31.2, 300)\n';
    const t = parseDjiSrt(srt, 'v.srt');
    expect(t.points.map((p) => [p.lat, p.lon])).toEqual([[31.2, 107.5]]);
    expect(t.warnings[0]).toMatchObject({ file: 'v.srt', index: 0, where: 'cue 1', message: 'v.srt cue 1: GPS 0,0 (no fix yet), skipped' });
    expect(t.errors[0]).toMatchObject({ index: 1, where: 'cue 2', field: 'GPS' });
  });
});
