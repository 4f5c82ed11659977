/**
 * Synthetic 360° equirectangular demo panoramas, drawn from scratch as SVG and rasterised with
 * sharp, so a fresh install has panoramas to show without shipping anyone's photos. The output
 * is our own content and may be shipped.
 *
 * The scene: a sky gradient with a sun, distant hills, a row of box "buildings" (a park's
 * factories and offices) standing on the horizon, a green ground fading to the camera, and
 * compass letters N/E/S/W on the horizon so a viewer's heading can be checked by eye. GPano XMP
 * (equirectangular, PoseHeadingDegrees) is embedded with sharp's `withXmp`, and EXIF with the
 * camera (`dazhou-carrier-gis` / `demo-panorama`), the capture time and, when given, the GPS
 * position, so the normal panorama import reads the result as a surveyor's 360° camera file: a
 * panorama with its heading, time and standpoint (the demo's tours upload them that way,
 * `demo-tours.ts`).
 *
 * In an equirectangular image x maps linearly to compass direction and y to elevation: the
 * centre column faces `headingDeg`, the middle row is the horizon.
 */
import sharp from 'sharp';
import { gpanoXmp } from '../../survey-import/photos/panorama.ts';

/** Camera and capture time written into every demo panorama's EXIF (Beijing time). */
export const DEMO_PANORAMA_EXIF = { make: 'dazhou-carrier-gis', model: 'demo-panorama', takenAt: '2025:05:01 10:00:00', offset: '+08:00' } as const;

/** Options of {@link renderDemoPanorama}. */
export interface DemoPanoramaOptions {
  /** Width in pixels (height = width / 2). Default 4096. */
  width?: number;
  /** Compass heading of the image centre, degrees. Default 0 (north in the middle). */
  headingDeg?: number;
  /** Optional caption drawn in the sky, e.g. the park name. CJK needs a CJK font on the host. */
  title?: string;
  /** Seed for the building layout; the same seed draws the same scene. Default 1. */
  seed?: number;
  /** Embed GPano XMP. Default true. */
  xmp?: boolean;
  /** Standpoint `[lon, lat]` (WGS84) written as EXIF GPS; none by default. */
  position?: readonly [number, number];
}

/** A rendered demo panorama. */
export interface DemoPanorama {
  bytes: Uint8Array;
  width: number;
  height: number;
  headingDeg: number;
}

/** Renders a demo panorama JPEG (see the module comment). */
export async function renderDemoPanorama(opts: DemoPanoramaOptions = {}): Promise<DemoPanorama> {
  const width = Math.round(opts.width ?? 4096);
  if (!(width >= 256 && width <= 16384 && width % 2 === 0)) throw new RangeError(`demo panorama width must be an even number 256..16384, got ${opts.width}`);
  const height = width / 2;
  const headingDeg = opts.headingDeg ?? 0;
  const svg = demoPanoramaSvg(width, height, headingDeg, opts.title, opts.seed ?? 1);
  const xmp = opts.xmp === false ? undefined : gpanoXmp({ width, height, headingDeg, software: 'dazhou-carrier-gis demo-panorama' });
  let img = sharp(Buffer.from(svg, 'utf8'), { limitInputPixels: false })
    .resize(width, height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 85, mozjpeg: true })
    .withExif(demoExif(opts.position));
  if (xmp) img = img.withXmp(xmp);
  const out = await img.toBuffer();
  return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), width, height, headingDeg };
}

/** EXIF of a demo panorama: camera, capture time and, when given, the GPS standpoint. */
function demoExif(position: readonly [number, number] | undefined): Record<string, Record<string, string>> {
  const exif: Record<string, Record<string, string>> = {
    IFD0: { Make: DEMO_PANORAMA_EXIF.make, Model: DEMO_PANORAMA_EXIF.model },
    IFD2: { DateTimeOriginal: DEMO_PANORAMA_EXIF.takenAt, OffsetTimeOriginal: DEMO_PANORAMA_EXIF.offset },
  };
  if (position) {
    const [lon, lat] = position;
    exif.IFD3 = { GPSLatitudeRef: lat < 0 ? 'S' : 'N', GPSLatitude: dms(lat), GPSLongitudeRef: lon < 0 ? 'W' : 'E', GPSLongitude: dms(lon) };
  }
  return exif;
}

/** EXIF GPS rationals "d/1 m/1 s/1000000" of a coordinate (micro-second precision, ≈ 0.03 mm). */
function dms(value: number): string {
  const micro = Math.round(Math.abs(value) * 3600 * 1e6);
  const deg = Math.floor(micro / 3600e6);
  const min = Math.floor((micro - deg * 3600e6) / 60e6);
  const sec = micro - deg * 3600e6 - min * 60e6;
  return `${deg}/1 ${min}/1 ${sec}/1000000`;
}

/** The SVG source of a demo panorama (exported for inspection and tests). */
export function demoPanoramaSvg(w: number, h: number, headingDeg: number, title: string | undefined, seed: number): string {
  const horizon = h / 2;
  const rnd = mulberry32(seed);
  /** x of a compass direction, wrapped into the image. */
  const xOf = (azimuthDeg: number) => ((((azimuthDeg - headingDeg) / 360 + 0.5) % 1) + 1) % 1 * w;
  const parts: string[] = [];

  // Hills: a smooth ridge line just above the horizon, periodic so it wraps seamlessly.
  const ridge: string[] = [];
  const phase = [rnd() * 6.28, rnd() * 6.28, rnd() * 6.28];
  for (let i = 0; i <= 128; i++) {
    const t = (i / 128) * 2 * Math.PI;
    const y = horizon - h * (0.035 + 0.02 * Math.sin(2 * t + phase[0]) + 0.012 * Math.sin(5 * t + phase[1]) + 0.006 * Math.sin(11 * t + phase[2]));
    ridge.push(`${((i / 128) * w).toFixed(1)},${y.toFixed(1)}`);
  }
  parts.push(`<polygon points="0,${horizon} ${ridge.join(' ')} ${w},${horizon}" fill="#7f9c8a"/>`);

  // Buildings: boxes on the horizon. Nearer ones are taller; windows in rows.
  const count = 14;
  for (let i = 0; i < count; i++) {
    const cx = ((i + 0.2 + rnd() * 0.6) / count) * w;
    const bw = w * (0.012 + rnd() * 0.025);
    const bh = h * (0.03 + rnd() * 0.09);
    const shade = 150 + Math.floor(rnd() * 70);
    const x = cx - bw / 2;
    const y = horizon - bh;
    parts.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bw.toFixed(1)}" height="${bh.toFixed(1)}" fill="rgb(${shade},${shade - 8},${shade - 20})" stroke="#5a5a5a" stroke-width="${(w / 4096).toFixed(2)}"/>`);
    parts.push(`<rect x="${x.toFixed(1)}" y="${(y - h * 0.004).toFixed(1)}" width="${bw.toFixed(1)}" height="${(h * 0.004).toFixed(1)}" fill="#4d5b6a"/>`);
    const rows = Math.max(1, Math.floor(bh / (h * 0.012)));
    const cols = Math.max(1, Math.floor(bw / (w * 0.005)));
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const wx = x + ((c + 0.25) / cols) * bw;
        const wy = y + ((r + 0.3) / rows) * bh;
        parts.push(`<rect x="${wx.toFixed(1)}" y="${wy.toFixed(1)}" width="${((0.5 / cols) * bw).toFixed(1)}" height="${((0.4 / rows) * bh).toFixed(1)}" fill="#9ec3e0"/>`);
      }
    }
  }

  // Compass letters on the horizon.
  // Each letter is also drawn one image width left and right, so a letter on the seam wraps.
  for (const [label, az] of [['N', 0], ['E', 90], ['S', 180], ['W', 270]] as const) for (const shift of [-w, 0, w]) {
    parts.push(`<text x="${(xOf(az) + shift).toFixed(1)}" y="${(horizon + h * 0.06).toFixed(1)}" font-family="sans-serif" font-weight="bold" font-size="${(h * 0.04).toFixed(1)}" text-anchor="middle" fill="#ffffff" stroke="#333" stroke-width="${(h * 0.002).toFixed(2)}">${label}</text>`);
  }
  if (title) {
    parts.push(`<text x="${(w / 2).toFixed(1)}" y="${(h * 0.18).toFixed(1)}" font-family="sans-serif" font-size="${(h * 0.05).toFixed(1)}" text-anchor="middle" fill="#ffffff" fill-opacity="0.9">${escapeXml(title)}</text>`);
  }

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2a5d9f"/><stop offset="1" stop-color="#cfe3f3"/></linearGradient>
    <linearGradient id="ground" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fae6b"/><stop offset="1" stop-color="#4f6b35"/></linearGradient>
  </defs>
  <rect width="${w}" height="${horizon}" fill="url(#sky)"/>
  <circle cx="${xOf(135).toFixed(1)}" cy="${(h * 0.2).toFixed(1)}" r="${(h * 0.03).toFixed(1)}" fill="#fff6c8"/>
  <rect y="${horizon}" width="${w}" height="${horizon}" fill="url(#ground)"/>
  <rect y="${(horizon + h * 0.1).toFixed(1)}" width="${w}" height="${(h * 0.03).toFixed(1)}" fill="#8a8a86"/>
  ${parts.join('\n  ')}
</svg>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Small deterministic PRNG (public-domain mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
