// Test images are generated with sharp here; production code uses sharp only via thumbnail.ts.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, itFx } from '../../test/fixtures.ts';
import { HEIC_WARNING, ImageDecodeError, makeDerivatives, probeImage, rasterizeSvg, verifyDecodable } from './thumbnail.ts';

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

describe('makeDerivatives', () => {
  itFx('makes a 320 px thumbnail and a preview that is never enlarged', async () => {
    const d = await makeDerivatives(fixtureBytes('drone/phone/google_pixel_gps.jpg'), 'pixel.jpg');
    expect([d.thumbnail!.width, d.thumbnail!.height]).toEqual([320, 240]);
    expect([d.preview!.width, d.preview!.height]).toEqual([1012, 759]);
    expect(isJpeg(d.thumbnail!.bytes)).toBe(true);
    expect(d.panorama).toBeNull();
    expect(Object.keys(d.outputs)).toEqual(['thumbnail', 'preview']);
    expect(d.outputs.thumbnail).toBe(d.thumbnail!.bytes);
    expect(d.warnings).toEqual([]);
  });

  it('limits the preview to 1600 px and the panorama image to 4096 × 2048', async () => {
    const big = new Uint8Array(await sharp({ create: { width: 8192, height: 4096, channels: 3, background: '#6699cc' } }).jpeg().toBuffer());
    const d = await makeDerivatives(big, 'pano.jpg', { panorama: true });
    expect([d.preview!.width, d.preview!.height]).toEqual([1600, 800]);
    expect([d.panorama!.width, d.panorama!.height]).toEqual([4096, 2048]);
    expect(Object.keys(d.outputs)).toEqual(['thumbnail', 'preview', 'panorama']);
  });

  it('auto-rotates by EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const sideways = new Uint8Array(await sharp({ create: { width: 400, height: 200, channels: 3, background: '#ff0000' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    const d = await makeDerivatives(sideways, 'sideways.jpg');
    expect([d.thumbnail!.width, d.thumbnail!.height]).toEqual([160, 320]);
    expect((await sharp(d.thumbnail!.bytes).metadata()).orientation).toBeUndefined(); // metadata stripped
  });

  itFx('turns the 16-bit thermal TIFF into a visible (contrast-stretched) greyscale JPEG', async () => {
    const d = await makeDerivatives(fixtureBytes('drone/dji_xt2_thermal.tiff'), 'xt2.tiff');
    expect([d.thumbnail!.width, d.thumbnail!.height]).toEqual([320, 256]);
    const stats = await sharp(d.preview!.bytes).stats();
    // Raw counts 7534..8011 would be a flat black frame; stretched they span most of 0..255.
    expect(stats.channels[0].max - stats.channels[0].min).toBeGreaterThan(180);
    expect(stats.channels[0].stdev).toBeGreaterThan(20);
  });

  itFx('reads HEIC headers; without an HEVC decoder it warns instead of failing', async () => {
    const heic = fixtureBytes('drone/phone/apple_iphone8_gps_guangdong.heic');
    expect(await probeImage(heic, 'i.heic')).toMatchObject({ format: 'heif', width: 4032, height: 3024, compression: 'hevc' });
    const d = await makeDerivatives(heic, 'iphone.heic');
    if (d.thumbnail) {
      expect(d.thumbnail.width).toBe(320); // a sharp build with libde265
    } else {
      expect(d.warnings).toEqual([`iphone.heic: ${HEIC_WARNING}`]);
      expect(d.outputs).toEqual({});
      expect(await verifyDecodable(heic, 'iphone.heic')).toEqual({ warning: HEIC_WARNING });
    }
  });

  itFx('throws ImageDecodeError naming the file for garbage and for a truncated JPEG', async () => {
    await expect(makeDerivatives(new TextEncoder().encode('not an image'), 'notes.jpg')).rejects.toThrow(/^notes\.jpg: cannot read image: .*unsupported image format/);
    const full = fixtureBytes('drone/phone/google_pixel_gps.jpg');
    const cut = full.slice(0, Math.floor(full.length / 2));
    await expect(probeImage(cut, 'cut.jpg')).resolves.toMatchObject({ width: 1012 }); // header is intact…
    await expect(verifyDecodable(cut, 'cut.jpg')).rejects.toThrow(ImageDecodeError); // …pixels are not
    await expect(makeDerivatives(cut, 'cut.jpg')).rejects.toThrow(/cut\.jpg: cannot read image: .*premature end/);
  });
});

describe('rasterizeSvg', () => {
  it('renders SVG (with CJK text) to a JPEG of the requested size with embedded XMP', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#3a6"/><text x="10" y="60" font-size="30">达州</text></svg>';
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="image/jpeg"/></rdf:RDF></x:xmpmeta>';
    const jpg = await rasterizeSvg(svg, { width: 400, height: 200, xmp });
    const m = await sharp(jpg).metadata();
    expect([m.format, m.width, m.height]).toEqual(['jpeg', 400, 200]);
    expect(m.xmp?.toString()).toContain('dc:format');
  });
});
