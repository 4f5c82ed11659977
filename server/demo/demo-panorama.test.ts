import { describe, expect, it } from 'vitest';
import { readPhotoMeta } from '../../survey-import/photos/exif.ts';
import { detectPanorama } from '../../survey-import/photos/panorama.ts';
import { probeImage } from '../../survey-import/photos/thumbnail.ts';
import { renderDemoPanorama } from './demo-panorama.ts';

describe('renderDemoPanorama', () => {
  it('draws a 2:1 equirectangular JPEG recognised as a panorama with its heading', async () => {
    const pano = await renderDemoPanorama({ width: 2048, headingDeg: 90, title: 'Dazhou Hi-tech Zone (demo)' });
    expect([pano.width, pano.height]).toEqual([2048, 1024]);
    expect(await probeImage(pano.bytes, 'demo.jpg')).toMatchObject({ format: 'jpeg', width: 2048, height: 1024 });
    const m = await readPhotoMeta(pano.bytes, 'demo.jpg');
    expect(detectPanorama(m)).toEqual({ isPanorama: true, reason: 'XMP GPano:ProjectionType=equirectangular', heading: 90, headingSource: 'gpano-pose-heading' });
    expect([m.lat, m.lon]).toEqual([null, null]);
  });

  it('writes camera, capture time and standpoint as EXIF, read back as a surveyor\'s photo would be', async () => {
    const pano = await renderDemoPanorama({ width: 512, headingDeg: 212.34, position: [107.4681234, 31.2098765] });
    const m = await readPhotoMeta(pano.bytes, 'demo.jpg');
    expect([m.make, m.model, m.capturedAt, m.positionSource]).toEqual(['dazhou-carrier-gis', 'demo-panorama', '2025-05-01T10:00:00+08:00', 'exif-gps']);
    expect(m.lon).toBeCloseTo(107.4681234, 8);
    expect(m.lat).toBeCloseTo(31.2098765, 8);
    expect(detectPanorama(m)).toMatchObject({ isPanorama: true, heading: 212.3 });
  });

  it('defaults to 4096 × 2048, is deterministic per seed, and can omit XMP', async () => {
    const a = await renderDemoPanorama({ seed: 7, xmp: false });
    const b = await renderDemoPanorama({ seed: 7, xmp: false });
    expect([a.width, a.height]).toEqual([4096, 2048]);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const m = await readPhotoMeta(a.bytes, 'demo.jpg');
    expect(m.gpano).toBeNull();
    expect(detectPanorama(m).isPanorama).toBe(true); // still 2:1
  });

  it('rejects odd or silly widths', async () => {
    await expect(renderDemoPanorama({ width: 1001 })).rejects.toThrow(/even number 256\.\.16384, got 1001/);
  });
});
