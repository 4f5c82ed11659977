/**
 * Photo metadata: position, altitude, DJI gimbal/flight angles, capture time, camera, GPano.
 * The only module that uses exifr (house style: one native/metadata library, one file).
 *
 * Parsing is defensive in the immich way: every value is read from an ordered list of tags,
 * parsed as a number where one is expected (DJI writes `"+125.30"`), range-checked, and dropped
 * with a warning when it is NaN or out of range. A missing position is `null`, never (0, 0).
 *
 * exifr is run twice: once for the TIFF/EXIF/GPS IFDs and once for XMP only. In a single merged
 * pass XMP `tiff:Make` and EXIF `Make` share a key and one silently overwrites the other (the
 * Mavic 2 Pro fixture says `Hasselblad` in EXIF and `DJI` in XMP); two passes keep both.
 */
import exifr from 'exifr';
import { readPixelSize, sniffFormat, type ImageFormat } from './image-size.ts';

/** Yaw / pitch / roll in degrees as written by the drone (yaw clockwise from north, pitch -90 = nadir). */
export interface Angles {
  yaw: number | null;
  pitch: number | null;
  roll: number | null;
}

/** Google Photo Sphere XMP (`GPano:*`), used to recognise and orient 360° panoramas. */
export interface GPanoMeta {
  projectionType: string | null;
  usePanoramaViewer: boolean | null;
  fullPanoWidthPixels: number | null;
  fullPanoHeightPixels: number | null;
  croppedAreaImageWidthPixels: number | null;
  croppedAreaImageHeightPixels: number | null;
  croppedAreaLeftPixels: number | null;
  croppedAreaTopPixels: number | null;
  poseHeadingDegrees: number | null;
  posePitchDegrees: number | null;
  poseRollDegrees: number | null;
  initialViewHeadingDegrees: number | null;
}

/** Everything the import needs from one photo's metadata. */
export interface PhotoMeta {
  fileName: string;
  /** Container format from magic bytes. */
  format: ImageFormat;
  /** Stored pixel size (before EXIF orientation), from the container; EXIF only as last resort. */
  width: number | null;
  height: number | null;
  /** EXIF Orientation 1..8, null when absent. */
  orientation: number | null;
  /** WGS84 degrees; both null when the photo has no usable position. */
  lat: number | null;
  lon: number | null;
  /** Where lat/lon came from. */
  positionSource: 'exif-gps' | 'xmp-drone-dji' | null;
  /** GPSAltitude in metres with GPSAltitudeRef applied (below sea level → negative). */
  altitude: number | null;
  /** DJI `RelativeAltitude`: height above the take-off point, metres. */
  relativeAltitude: number | null;
  /** DJI `AbsoluteAltitude`, metres. */
  absoluteAltitude: number | null;
  /** DJI `Gimbal{Yaw,Pitch,Roll}Degree`. */
  gimbal: Angles;
  /** DJI `Flight{Yaw,Pitch,Roll}Degree` (the aircraft body). */
  flight: Angles;
  /** EXIF GPSImgDirection (degrees), e.g. a phone's compass. */
  gpsImgDirection: number | null;
  /** View direction 0..360 clockwise from north: gimbal yaw, else flight yaw, else GPSImgDirection. */
  heading: number | null;
  headingSource: 'gimbal-yaw' | 'flight-yaw' | 'gps-img-direction' | null;
  /**
   * Capture time as an ISO 8601 local time `YYYY-MM-DDTHH:MM:SS`, with an offset appended only
   * when the file states one (OffsetTime* tags). No time zone is invented.
   */
  capturedAt: string | null;
  /** Tag capturedAt came from, e.g. `DateTimeOriginal`. */
  capturedAtTag: string | null;
  /** EXIF IFD0 Make / Model (authoritative). */
  make: string | null;
  model: string | null;
  /** XMP `tiff:Make` / `tiff:Model` when present; may differ from EXIF (recorded, not trusted). */
  xmpMake: string | null;
  xmpModel: string | null;
  lensModel: string | null;
  /** Focal length in mm, and the 35 mm-equivalent focal length. */
  focalLength: number | null;
  focalLength35mm: number | null;
  /** GPano XMP, or null when the file has none. */
  gpano: GPanoMeta | null;
  /**
   * Every tag read, JSON-safe for a jsonb column: `{ exif: {ifd0, exif, gps, interop}, xmp: {<ns>: …} }`.
   * Binary values over 16 bytes (thumbnails, maker blobs) are dropped, NaN/Infinity dropped,
   * NUL characters removed (Postgres jsonb rejects them) and strings over 4096 chars replaced by
   * a `[N characters dropped]` marker.
   */
  raw: Record<string, unknown>;
  /** Values that were present but unusable, each naming the tag and value. */
  warnings: string[];
}

type Dict = Record<string, unknown>;

/** exifr options for the TIFF/EXIF/GPS pass; values stay raw so dates are not shifted into a time zone. */
const EXIF_PASS = {
  tiff: true,
  ifd0: true,
  exif: true,
  gps: true,
  interop: true,
  ifd1: false, // the embedded thumbnail: not wanted
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  mergeOutput: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
} as const;

/** exifr options for the XMP pass (grouped by namespace). */
const XMP_PASS = {
  tiff: false,
  ifd0: false,
  exif: false,
  gps: false,
  interop: false,
  ifd1: false,
  xmp: true,
  multiSegment: true,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  mergeOutput: false,
  reviveValues: false,
} as const;

/** Date tags in order of preference, each with the EXIF 2.31 offset tag that qualifies it. */
const DATE_TAGS: ReadonlyArray<{ tag: string; block: 'exif' | 'ifd0'; offsetTag: string }> = [
  { tag: 'DateTimeOriginal', block: 'exif', offsetTag: 'OffsetTimeOriginal' },
  { tag: 'CreateDate', block: 'exif', offsetTag: 'OffsetTimeDigitized' },
  { tag: 'DateTimeDigitized', block: 'exif', offsetTag: 'OffsetTimeDigitized' },
  { tag: 'ModifyDate', block: 'ifd0', offsetTag: 'OffsetTime' },
];

/**
 * Reads a photo's metadata. Never throws for bad metadata: unreadable segments and bad values
 * become `warnings`, and the fields stay null. (Whether the pixels decode is thumbnail.ts's job.)
 */
export async function readPhotoMeta(bytes: Uint8Array, fileName: string): Promise<PhotoMeta> {
  const warnings: string[] = [];
  const format = sniffFormat(bytes);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const tiffOut = (await safeParse(buf, EXIF_PASS, 'EXIF', warnings)) ?? {};
  const xmpOut = (await safeParse(buf, XMP_PASS, 'XMP', warnings)) ?? {};
  const ifd0 = asDict(tiffOut.ifd0);
  const exif = asDict(tiffOut.exif);
  const gps = asDict(tiffOut.gps);
  const dji = asDict(xmpOut['drone-dji']);
  // exifr files XMP `tiff:` under `ifd0`; older versions used `tiff`.
  const xmpTiff = { ...asDict(xmpOut.tiff), ...asDict(xmpOut.ifd0) };
  const gpanoNs = asDict(xmpOut.GPano);

  const num = (src: Dict, tag: string, min: number, max: number, label = tag) => rangedNumber(src[tag], min, max, label, warnings);

  // Position: EXIF GPS, else DJI XMP (DJI spells it GpsLongtitude on some firmware).
  let lat = gpsCoordinate(gps.GPSLatitude, gps.GPSLatitudeRef, 'GPSLatitude', 90, warnings);
  let lon = gpsCoordinate(gps.GPSLongitude, gps.GPSLongitudeRef, 'GPSLongitude', 180, warnings);
  let positionSource: PhotoMeta['positionSource'] = lat !== null && lon !== null ? 'exif-gps' : null;
  if (positionSource === null) {
    const dLat = num(dji, 'GpsLatitude', -90, 90, 'drone-dji:GpsLatitude');
    const dLon = rangedNumber(dji.GpsLongitude ?? dji.GpsLongtitude, -180, 180, 'drone-dji:GpsLongitude', warnings);
    if (dLat !== null && dLon !== null) {
      [lat, lon, positionSource] = [dLat, dLon, 'xmp-drone-dji'];
    }
  }
  if (lat === 0 && lon === 0) {
    warnings.push(`${fileName}: GPS position is exactly 0,0 (an unset receiver), treated as no location`);
    positionSource = null;
  }
  if (positionSource === null) [lat, lon] = [null, null];

  let altitude = num(gps, 'GPSAltitude', -12_000, 100_000);
  if (altitude !== null && altitudeRefBelowSea(gps.GPSAltitudeRef)) altitude = -Math.abs(altitude);

  const angle = (src: Dict, tag: string, limit: number) => num(src, tag, -limit, limit, `drone-dji:${tag}`);
  const gimbal: Angles = {
    yaw: angle(dji, 'GimbalYawDegree', 360),
    pitch: angle(dji, 'GimbalPitchDegree', 180),
    roll: angle(dji, 'GimbalRollDegree', 180),
  };
  const flight: Angles = {
    yaw: angle(dji, 'FlightYawDegree', 360),
    pitch: angle(dji, 'FlightPitchDegree', 180),
    roll: angle(dji, 'FlightRollDegree', 180),
  };
  const gpsImgDirection = num(gps, 'GPSImgDirection', 0, 360);
  const [heading, headingSource] = pickHeading(gimbal.yaw, flight.yaw, gpsImgDirection);

  const { capturedAt, capturedAtTag } = pickDate(ifd0, exif, warnings);
  const size = readPixelSize(bytes) ?? tiffSize(format, ifd0) ?? exifSize(exif);

  return {
    fileName,
    format,
    width: size?.width ?? null,
    height: size?.height ?? null,
    orientation: num(ifd0, 'Orientation', 1, 8),
    lat,
    lon,
    positionSource,
    altitude,
    relativeAltitude: num(dji, 'RelativeAltitude', -2_000, 20_000, 'drone-dji:RelativeAltitude'),
    absoluteAltitude: num(dji, 'AbsoluteAltitude', -12_000, 100_000, 'drone-dji:AbsoluteAltitude'),
    gimbal,
    flight,
    gpsImgDirection,
    heading,
    headingSource,
    capturedAt,
    capturedAtTag,
    make: text(ifd0.Make),
    model: text(ifd0.Model),
    xmpMake: text(xmpTiff.Make),
    xmpModel: text(xmpTiff.Model),
    lensModel: text(exif.LensModel),
    focalLength: num(exif, 'FocalLength', 0.1, 5_000),
    // 0 means "unknown" in EXIF; not worth a warning.
    focalLength35mm: exif.FocalLengthIn35mmFormat === 0 ? null : num(exif, 'FocalLengthIn35mmFormat', 1, 10_000),
    gpano: readGPano(gpanoNs, warnings),
    raw: {
      exif: jsonSafe({ ifd0, exif, gps, interop: asDict(tiffOut.interop) }) ?? {},
      xmp: jsonSafe(xmpOut) ?? {},
    },
    warnings: warnings.map((w) => (w.startsWith(`${fileName}:`) ? w : `${fileName}: ${w}`)),
  };
}

/** Normalises any angle to 0 ≤ a < 360. */
export function normalizeDegrees(a: number): number {
  const r = a % 360;
  return r < 0 ? r + 360 : r === 0 ? 0 : r; // `0` also turns -0 into 0
}

/** Ordered choice: gimbal yaw (where the camera points), flight yaw, GPSImgDirection. */
function pickHeading(gimbalYaw: number | null, flightYaw: number | null, imgDir: number | null): [number | null, PhotoMeta['headingSource']] {
  if (gimbalYaw !== null) return [normalizeDegrees(gimbalYaw), 'gimbal-yaw'];
  if (flightYaw !== null) return [normalizeDegrees(flightYaw), 'flight-yaw'];
  if (imgDir !== null) return [normalizeDegrees(imgDir), 'gps-img-direction'];
  return [null, null];
}

async function safeParse(buf: Buffer, options: object, what: string, warnings: string[]): Promise<Dict | null> {
  try {
    const out = await exifr.parse(buf, options);
    return out && typeof out === 'object' ? (out as Dict) : null;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // "Unknown file format" just means the container holds no metadata exifr understands.
    warnings.push(`${what} could not be read (${msg}); continuing without it`);
    return null;
  }
}

function asDict(v: unknown): Dict {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Dict) : {};
}

/** Parses numbers written as numbers or strings (`"+125.30"`, `" -8.5 "`); anything else is null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  if (Array.isArray(v) && v.length === 1) return toNumber(v[0]);
  return null;
}

function rangedNumber(v: unknown, min: number, max: number, label: string, warnings: string[]): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = toNumber(v);
  if (n === null) {
    warnings.push(`${label} ${JSON.stringify(jsonSafe(v))} is not a number, dropped`);
    return null;
  }
  if (n < min || n > max) {
    warnings.push(`${label} ${n} is outside ${min}..${max}, dropped`);
    return null;
  }
  return n;
}

/** Degrees from an EXIF rational triple [d, m, s] (or a plain number) and its N/S/E/W reference. */
function gpsCoordinate(value: unknown, ref: unknown, tag: string, limit: number, warnings: string[]): number | null {
  if (value === undefined || value === null) return null;
  let deg: number | null = null;
  if (Array.isArray(value) && value.length >= 1 && value.length <= 3) {
    const parts = value.map(toNumber);
    const [d, m = 0, s = 0] = parts;
    // ≤ 60, not < 60: rational rounding gives e.g. [31, 11, 60] for 31°12′ (exiftool-written GPS).
    if (parts.every((p) => p !== null) && d! >= 0 && m! >= 0 && m! <= 60 && s! >= 0 && s! <= 60) {
      deg = d! + m! / 60 + s! / 3600;
    }
  } else {
    deg = toNumber(value);
  }
  if (deg === null || deg < -limit || deg > limit) {
    warnings.push(`${tag} ${JSON.stringify(jsonSafe(value))} is not a coordinate within ±${limit}, dropped`);
    return null;
  }
  const r = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
  return r === 'S' || r === 'W' ? -Math.abs(deg) : deg;
}

/** GPSAltitudeRef is a BYTE: 1 = below sea level. exifr hands it over as bytes or a number. */
function altitudeRefBelowSea(ref: unknown): boolean {
  if (ref instanceof Uint8Array) return ref[0] === 1;
  if (Array.isArray(ref)) return ref[0] === 1;
  if (typeof ref === 'string') return ref.trim() === '1' || /below/i.test(ref);
  return ref === 1;
}

const DATE_RE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET_RE = /^([+-])(\d{2}):?(\d{2})$/;

/** First valid date from DATE_TAGS, as local ISO with the file's offset when it states one. */
function pickDate(ifd0: Dict, exif: Dict, warnings: string[]): { capturedAt: string | null; capturedAtTag: string | null } {
  for (const { tag, block, offsetTag } of DATE_TAGS) {
    const src = block === 'exif' ? exif : ifd0;
    const v = src[tag];
    if (v === undefined || v === null || v === '') continue;
    const local = parseExifDate(v);
    if (!local) {
      warnings.push(`${tag} ${JSON.stringify(jsonSafe(v))} is not a valid date, dropped`);
      continue;
    }
    const offset = local.offset ?? parseOffset(exif[offsetTag]) ?? parseOffset(exif.OffsetTime);
    return { capturedAt: offset ? `${local.iso}${offset}` : local.iso, capturedAtTag: tag };
  }
  return { capturedAt: null, capturedAtTag: null };
}

/** `2019:10:03 09:10:11` → `2019-10-03T09:10:11` (plus any offset written inline). */
export function parseExifDate(v: unknown): { iso: string; offset: string | null } | null {
  if (typeof v !== 'string') return null;
  const m = DATE_RE.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', tz] = m;
  const [Y, M, D, H, Mi, S] = [y, mo, d, h, mi, s].map(Number);
  if (Y < 1900 || M < 1 || M > 12 || D < 1 || D > daysIn(Y, M) || H > 23 || Mi > 59 || S > 60) return null;
  return { iso: `${y}-${mo}-${d}T${h}:${mi}:${s}`, offset: tz === 'Z' ? 'Z' : tz ? parseOffset(tz) : null };
}

function parseOffset(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = OFFSET_RE.exec(v.trim());
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function tiffSize(format: ImageFormat, ifd0: Dict): { width: number; height: number } | null {
  if (format !== 'tiff') return null;
  const w = toNumber(ifd0.ImageWidth);
  const h = toNumber(ifd0.ImageHeight ?? ifd0.ImageLength);
  return w && h && w > 0 && h > 0 ? { width: w, height: h } : null;
}

function exifSize(exif: Dict): { width: number; height: number } | null {
  const w = toNumber(exif.ExifImageWidth);
  const h = toNumber(exif.ExifImageHeight);
  return w && h && w > 0 && h > 0 ? { width: w, height: h } : null;
}

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(/\u0000/g, '').trim();
  return s === '' ? null : s;
}

function readGPano(ns: Dict, warnings: string[]): GPanoMeta | null {
  if (Object.keys(ns).length === 0) return null;
  const n = (tag: string, min: number, max: number) => rangedNumber(ns[tag], min, max, `GPano:${tag}`, warnings);
  const use = ns.UsePanoramaViewer;
  return {
    projectionType: text(ns.ProjectionType)?.toLowerCase() ?? null,
    usePanoramaViewer: typeof use === 'boolean' ? use : typeof use === 'string' ? /^true$/i.test(use.trim()) : null,
    fullPanoWidthPixels: n('FullPanoWidthPixels', 1, 1e6),
    fullPanoHeightPixels: n('FullPanoHeightPixels', 1, 1e6),
    croppedAreaImageWidthPixels: n('CroppedAreaImageWidthPixels', 1, 1e6),
    croppedAreaImageHeightPixels: n('CroppedAreaImageHeightPixels', 1, 1e6),
    croppedAreaLeftPixels: n('CroppedAreaLeftPixels', 0, 1e6),
    croppedAreaTopPixels: n('CroppedAreaTopPixels', 0, 1e6),
    poseHeadingDegrees: n('PoseHeadingDegrees', -360, 360),
    posePitchDegrees: n('PosePitchDegrees', -90, 90),
    poseRollDegrees: n('PoseRollDegrees', -180, 180),
    initialViewHeadingDegrees: n('InitialViewHeadingDegrees', -360, 360),
  };
}

/** Windows XP* tags are UCS-2 little-endian bytes. */
const XP_TAGS = new Set(['XPTitle', 'XPComment', 'XPAuthor', 'XPKeywords', 'XPSubject']);
const MAX_STRING = 4096;
const MAX_BYTES_KEPT = 16;

/** Converts exifr output to something JSON.stringify and Postgres jsonb accept unchanged. */
export function jsonSafe(v: unknown, key = '', depth = 0): unknown {
  if (v === null || v === undefined || depth > 8) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const s = v.replace(/\u0000/g, '');
    return s.length > MAX_STRING ? `[${s.length} characters dropped]` : s;
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
    const bytes = v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    if (XP_TAGS.has(key)) return jsonSafe(Buffer.from(bytes).toString('utf16le'), '', depth);
    return bytes.length <= MAX_BYTES_KEPT ? Array.from(bytes) : undefined;
  }
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, '', depth + 1) ?? null);
  if (typeof v === 'object') {
    const out: Dict = {};
    for (const [k, x] of Object.entries(v as Dict)) {
      const safe = jsonSafe(x, k, depth + 1);
      if (safe !== undefined) out[k.replace(/\u0000/g, '')] = safe;
    }
    return out;
  }
  return undefined;
}
