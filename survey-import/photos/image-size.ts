/**
 * Pixel dimensions read from the image container itself (JPEG SOF, PNG IHDR, HEIF `ispe`),
 * without decoding. EXIF `ExifImageWidth` is often the camera's original size (a re-saved DJI
 * photo claims 5472×3648 but is 100×67), so the container wins. TIFF dimensions come from IFD0,
 * which exif.ts already has.
 */

/** Container format recognised from magic bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'tiff' | 'heif' | 'webp' | 'gif' | 'unknown';

/** Recognises the container from its first bytes. */
export function sniffFormat(b: Uint8Array): ImageFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a))) return 'tiff';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(ascii(b, 8, 4))) return 'heif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (b.length >= 6 && ascii(b, 0, 4) === 'GIF8') return 'gif';
  return 'unknown';
}

/** Width and height as stored (before EXIF orientation), or null when not found. */
export function readPixelSize(b: Uint8Array): { width: number; height: number } | null {
  switch (sniffFormat(b)) {
    case 'jpeg':
      return jpegSize(b);
    case 'png':
      return b.length >= 24 ? ok(u32(b, 16), u32(b, 20)) : null;
    case 'heif':
      return heifSize(b);
    default:
      return null;
  }
}

/** Walks JPEG markers to the first SOFn segment. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return ok((b[i + 7] << 8) | b[i + 8], (b[i + 5] << 8) | b[i + 6]);
    }
    if (marker === 0xda || len < 2) return null; // scan data before any SOF: give up
    i += 2 + len;
  }
  return null;
}

/**
 * HEIF stores image sizes in `ispe` properties; a gridded iPhone photo has one per 512×512 tile
 * plus one for the whole grid, so the largest is the picture.
 */
function heifSize(b: Uint8Array): { width: number; height: number } | null {
  let best: { width: number; height: number } | null = null;
  const limit = Math.min(b.length - 16, 1 << 20); // properties live in the meta box near the start
  for (let i = 4; i < limit; i++) {
    if (b[i] === 0x69 && b[i + 1] === 0x73 && b[i + 2] === 0x70 && b[i + 3] === 0x65) {
      const s = ok(u32(b, i + 8), u32(b, i + 12));
      if (s && (!best || s.width * s.height > best.width * best.height)) best = s;
    }
  }
  return best;
}

function ok(width: number, height: number) {
  return width > 0 && height > 0 && width < 1_000_000 && height < 1_000_000 ? { width, height } : null;
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
}
function ascii(b: Uint8Array, o: number, n: number): string {
  return String.fromCharCode(...b.subarray(o, o + n));
}
