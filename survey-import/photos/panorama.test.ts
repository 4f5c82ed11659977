import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPhotoMeta, type PhotoMeta } from './exif.ts';
import { EXIFTOOL, fixtureBytes, hasExiftool, itFx } from '../../test/fixtures.ts';
import { detectPanorama, gpanoXmp } from './panorama.ts';
import { probeImage, rasterizeSvg } from './thumbnail.ts';

/** A plain 2:1 gradient JPEG without any metadata. */
function gradientSvg(w: number, h: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#3366aa"/><stop offset="1" stop-color="#88aa55"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/></svg>`;
}
const meta = (m: Partial<PhotoMeta>) => ({ width: null, height: null, gpano: null, heading: null, headingSource: null, ...m }) as PhotoMeta;

describe('detectPanorama rules', () => {
  it('accepts 2:1 within 1 % when at least 2000 px wide, and nothing else', () => {
    expect(detectPanorama(meta({ width: 4000, height: 2000 })).isPanorama).toBe(true);
    expect(detectPanorama(meta({ width: 4096, height: 2048 })).isPanorama).toBe(true);
    expect(detectPanorama(meta({ width: 4070, height: 2048 })).isPanorama).toBe(true); // -0.6 %
    expect(detectPanorama(meta({ width: 4096, height: 2000 })).reason).toBe('not 2:1 with width ≥ 2000 (4096×2000) and no GPano XMP');
    expect(detectPanorama(meta({ width: 1000, height: 500 })).isPanorama).toBe(false);
    expect(detectPanorama(meta({})).reason).toBe('image size unknown and no GPano XMP');
  });

  it('trusts an explicit GPano projection either way', () => {
    const gp = (projectionType: string) => ({ projectionType, poseHeadingDegrees: -45 }) as PhotoMeta['gpano'];
    expect(detectPanorama(meta({ width: 800, height: 600, gpano: gp('equirectangular') }))).toEqual({
      isPanorama: true,
      reason: 'XMP GPano:ProjectionType=equirectangular',
      heading: 315,
      headingSource: 'gpano-pose-heading',
    });
    expect(detectPanorama(meta({ width: 4000, height: 2000, gpano: gp('cylindrical') })).isPanorama).toBe(false);
  });

  it('falls back to the photo heading (gimbal, flight, GPSImgDirection) without PoseHeadingDegrees', () => {
    const r = detectPanorama(meta({ width: 4000, height: 2000, heading: 81.3, headingSource: 'gimbal-yaw' }));
    expect([r.heading, r.headingSource]).toEqual([81.3, 'gimbal-yaw']);
  });

  itFx('does not call the real drone and phone photos panoramas', async () => {
    for (const f of ['drone/dji_mavic2pro_hasselblad_L1D-20c.jpg', 'drone/phone/apple_iphone8_gps_guangdong.heic', 'drone/dji_xt2_thermal.tiff']) {
      expect(detectPanorama(await readPhotoMeta(fixtureBytes(f), f)).isPanorama, f).toBe(false);
    }
  });
});

describe('panoramas written by sharp and by exiftool', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pano-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads GPano XMP that sharp embedded', async () => {
    const jpg = await rasterizeSvg(gradientSvg(512, 256), { width: 512, height: 256, xmp: gpanoXmp({ width: 512, height: 256, headingDeg: 200 }) });
    const m = await readPhotoMeta(jpg, 'small-pano.jpg');
    expect(m.gpano).toMatchObject({ projectionType: 'equirectangular', usePanoramaViewer: true, fullPanoWidthPixels: 512, poseHeadingDegrees: 200 });
    expect(detectPanorama(m)).toMatchObject({ isPanorama: true, heading: 200 }); // 512 px wide: only GPano makes it one
  });

  it('recognises a 2:1 JPEG without XMP by its aspect ratio', async () => {
    const jpg = await rasterizeSvg(gradientSvg(4096, 2048), { width: 4096, height: 2048 });
    const m = await readPhotoMeta(jpg, 'plain.jpg');
    expect([m.width, m.height, m.gpano]).toEqual([4096, 2048, null]);
    expect(detectPanorama(m)).toMatchObject({ isPanorama: true, reason: '2:1 aspect (4096×2048) without GPano XMP', heading: null });
  });

  it.skipIf(!hasExiftool)('reads GPano and GPS tags written by exiftool', async () => {
    const file = path.join(dir, 'f.jpg');
    await writeFile(file, await rasterizeSvg(gradientSvg(4096, 2048), { width: 4096, height: 2048 }));
    execFileSync(EXIFTOOL, ['-XMP-GPano:ProjectionType=equirectangular', '-XMP-GPano:PoseHeadingDegrees=135', '-GPSLatitude=31.2', '-GPSLatitudeRef=N', '-GPSLongitude=107.5', '-GPSLongitudeRef=E', '-overwrite_original', file], { stdio: 'ignore' });
    const m = await readPhotoMeta(new Uint8Array(await readFile(file)), 'f.jpg');
    expect(m.lat).toBeCloseTo(31.2, 9);
    expect(m.lon).toBeCloseTo(107.5, 9);
    expect(m.gpano?.projectionType).toBe('equirectangular');
    expect(detectPanorama(m)).toEqual({ isPanorama: true, reason: 'XMP GPano:ProjectionType=equirectangular', heading: 135, headingSource: 'gpano-pose-heading' });
  });
});
