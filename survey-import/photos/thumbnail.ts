/**
 * Image decoding and JPEG derivatives (thumbnail, preview, panorama viewer image).
 * The only module that uses sharp (house style: one native library, one file).
 *
 * | derivative | size limit (fit inside)  | used by                                  |
 * |------------|--------------------------|------------------------------------------|
 * | thumbnail  | 320 × 320                | map popups, lists                        |
 * | preview    | 1600 × 1600              | the photo viewer                         |
 * | panorama   | 4096 × 2048              | the 360° viewer (equirectangular only)   |
 *
 * Every derivative is auto-rotated by EXIF Orientation, never enlarged, sRGB JPEG without
 * metadata (sharp strips it by default — originals keep theirs in the asset store). 16-bit grey
 * inputs (radiometric thermal TIFF) are contrast-stretched, or they come out as flat grey.
 *
 * HEIC: the sharp prebuilt binaries ship libheif without an HEVC decoder, so iPhone HEIC headers
 * can be read (size, EXIF) but not their pixels. That is a per-file warning
 * `no thumbnail: HEIC decoding not available`, never an import failure.
 */
import sharp from 'sharp';
import { AppError, FileError } from '../../core/errors.ts';

/** Size limits of the derivatives (see the table above). */
export const DERIVATIVE_SIZES = {
  thumbnail: { width: 320, height: 320 },
  preview: { width: 1600, height: 1600 },
  panorama: { width: 4096, height: 2048 },
} as const;

/** Warning text when the platform cannot decode HEVC-coded HEIF. */
export const HEIC_WARNING = 'no thumbnail: HEIC decoding not available';

/** What the decoder says about an image without decoding its pixels. */
export interface ImageProbe {
  /** sharp/libvips format name: jpeg, png, tiff, heif, webp, gif… */
  format: string;
  width: number;
  height: number;
  /** EXIF orientation 1..8 as libvips reads it, or null. */
  orientation: number | null;
  /** Compression for HEIF containers (`hevc`, `av1`), else null. */
  compression: string | null;
  /** Sample format (`uchar`, `ushort`, `float`…) and band count. */
  depth: string | null;
  channels: number;
  /** libvips interpretation, e.g. `srgb`, `b-w`, `grey16`. */
  space: string | null;
}

/** One JPEG derivative. */
export interface Derivative {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** File extension for the asset store. */
  ext: 'jpg';
}

/** All derivatives of one image; null where not made, with the reason in `warnings`. */
export interface Derivatives {
  thumbnail: Derivative | null;
  preview: Derivative | null;
  /** Only when asked for (`panorama: true`). */
  panorama: Derivative | null;
  /** The derivatives that were made, keyed by asset-store variant name (JPEG bytes). */
  outputs: Partial<Record<DerivativeVariant, Uint8Array>>;
  warnings: string[];
}

/** Asset-store variant names of the derivatives. */
export type DerivativeVariant = 'thumbnail' | 'preview' | 'panorama';

/** Thrown when an image cannot be read or decoded; names the file and the decoder's reason. */
export class ImageDecodeError extends FileError {
  constructor(
    file: string,
    readonly reason: string,
  ) {
    super(file, `cannot read image: ${reason}`);
    this.name = 'ImageDecodeError';
  }
}

/** Reads the header (format, size, orientation). Throws ImageDecodeError for non-images. */
export async function probeImage(bytes: Uint8Array, fileName: string): Promise<ImageProbe> {
  try {
    const m = await sharp(bytes).metadata();
    if (!m.format || !m.width || !m.height) throw new AppError('bad_request', 'no image size in header');
    return {
      format: m.format,
      width: m.width,
      height: m.height,
      orientation: m.orientation ?? null,
      compression: (m as { compression?: string }).compression ?? null,
      depth: m.depth ?? null,
      channels: m.channels ?? 0,
      space: m.space ?? null,
    };
  } catch (err) {
    throw new ImageDecodeError(fileName, errorText(err));
  }
}

/**
 * Decodes the whole image once at low resolution to prove the pixels are readable
 * (a truncated JPEG has a fine header). Returns a warning instead of throwing for HEIC
 * the platform cannot decode; throws ImageDecodeError for corrupt data.
 */
export async function verifyDecodable(bytes: Uint8Array, fileName: string, probe?: ImageProbe): Promise<{ warning: string | null }> {
  const p = probe ?? (await probeImage(bytes, fileName));
  try {
    await sharp(bytes, { failOn: 'truncated' }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    return { warning: null };
  } catch (err) {
    if (isUndecodableHeif(p, err)) return { warning: HEIC_WARNING };
    throw new ImageDecodeError(fileName, errorText(err));
  }
}

/**
 * Makes the thumbnail and preview (and, with `panorama: true`, the equirectangular viewer
 * image). Throws ImageDecodeError for corrupt input; HEIC without a decoder gives nulls + warning.
 */
export async function makeDerivatives(bytes: Uint8Array, fileName: string, opts: { panorama?: boolean } = {}): Promise<Derivatives> {
  const probe = await probeImage(bytes, fileName);
  // Thermal TIFFs are 16-bit grey counts in a narrow band (the XT2 fixture spans 7534..8011);
  // libvips' own cast to 8 bit divides by 256 and gives a flat grey frame, so stretch in JS.
  const thermal = (probe.depth === 'ushort' || probe.depth === 'short') && probe.channels === 1;
  let stretched: { data: Buffer; width: number; height: number } | null = null;
  if (thermal) {
    try {
      stretched = await stretchGrey16(bytes);
    } catch (err) {
      throw new ImageDecodeError(fileName, errorText(err));
    }
  }
  const base = () =>
    stretched
      ? sharp(stretched.data, { raw: { width: stretched.width, height: stretched.height, channels: 1 } })
      : sharp(bytes, { failOn: 'truncated' }).rotate();
  const make = async (limit: { width: number; height: number }, quality: number): Promise<Derivative> => {
    const { data, info } = await base()
      .resize({ ...limit, fit: 'inside', withoutEnlargement: true })
      .toColourspace(stretched || probe.space === 'b-w' ? 'b-w' : 'srgb')
      .jpeg({ quality, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, ext: 'jpg' };
  };

  try {
    const thumbnail = await make(DERIVATIVE_SIZES.thumbnail, 75);
    const preview = await make(DERIVATIVE_SIZES.preview, 82);
    const panorama = opts.panorama ? await make(DERIVATIVE_SIZES.panorama, 85) : null;
    const outputs: Derivatives['outputs'] = { thumbnail: thumbnail.bytes, preview: preview.bytes };
    if (panorama) outputs.panorama = panorama.bytes;
    return { thumbnail, preview, panorama, outputs, warnings: [] };
  } catch (err) {
    if (isUndecodableHeif(probe, err)) {
      return { thumbnail: null, preview: null, panorama: null, outputs: {}, warnings: [`${fileName}: ${HEIC_WARNING}`] };
    }
    throw new ImageDecodeError(fileName, errorText(err));
  }
}

/**
 * Auto-rotated 16-bit grey pixels mapped to 8 bit between their 1st and 99th percentiles
 * (a few hot or dead pixels must not flatten the rest).
 */
async function stretchGrey16(bytes: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes, { failOn: 'truncated' })
    .rotate()
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const px = new Uint16Array(data.buffer, data.byteOffset, data.byteLength >> 1);
  const hist = new Uint32Array(65536);
  for (const v of px) hist[v]++;
  const percentile = (q: number) => {
    const target = q * px.length;
    let acc = 0;
    for (let v = 0; v < 65536; v++) if ((acc += hist[v]) >= target) return v;
    return 65535;
  };
  const lo = percentile(0.01);
  const hi = Math.max(percentile(0.99), lo + 1);
  const out = Buffer.allocUnsafe(px.length);
  const k = 255 / (hi - lo);
  for (let i = 0; i < px.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((px[i] - lo) * k)));
  return { data: out, width: info.width, height: info.height };
}

/** Options of {@link rasterizeSvg}. */
export interface RasterizeOptions {
  /** Output size in pixels (the SVG is scaled to it). */
  width: number;
  height: number;
  /** XMP packet to embed (e.g. GPano tags for a panorama). */
  xmp?: string;
  /** JPEG quality 1..100, default 85. */
  quality?: number;
}

/**
 * Renders an SVG document to a JPEG, optionally embedding an XMP packet (sharp ≥ 0.34 `withXmp`).
 * Used to produce our own demo content (synthetic panoramas) and test images.
 */
export async function rasterizeSvg(svg: string, opts: RasterizeOptions): Promise<Uint8Array> {
  let s = sharp(Buffer.from(svg, 'utf8'), { limitInputPixels: false })
    .resize(opts.width, opts.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: opts.quality ?? 85, mozjpeg: true });
  if (opts.xmp) s = s.withXmp(opts.xmp);
  const out = await s.toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** HEIF whose pixels this libvips build cannot decode (HEVC without libde265). */
function isUndecodableHeif(probe: ImageProbe, err: unknown): boolean {
  if (probe.format !== 'heif') return false;
  // The error text varies ("…has not been built in: HEVC", or "bad seek" from the tiled grid
  // reader), so the header's compression decides; the message is only a fallback.
  return probe.compression === 'hevc' || /hevc|libde265|not been built in/i.test(errorText(err));
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}
