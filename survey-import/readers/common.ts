/**
 * Helpers shared by the format readers: issue construction, coordinate checks, text decoding
 * and file-name handling. Readers report problems; they never fix coordinates silently.
 */
import type { Position } from 'geojson';
import type { ItemIssue, SourceCrs } from '../types.ts';

/** Builds an ItemIssue whose message starts with the position, e.g. "row 17: longitude …". */
export function issue(
  file: string,
  index: number | null,
  where: string | undefined,
  field: string | undefined,
  value: unknown,
  message: string,
): ItemIssue {
  const out: ItemIssue = { file, index, message: where ? `${where}: ${message}` : message };
  if (where !== undefined) out.where = where;
  if (field !== undefined) out.field = field;
  if (value !== undefined) out.value = value;
  return out;
}

/**
 * Geographic (degree-based) EPSG codes whose coordinates must be within ±180/±90:
 * WGS84, CGCS2000, GDA94, NAD83, ETRS89, Beijing 1954, Xian 1980, and the pseudo-CRSs of
 * Chinese map apps.
 */
const GEOGRAPHIC = new Set<string>([
  'EPSG:4326', 'EPSG:4490', 'EPSG:4283', 'EPSG:4269', 'EPSG:4258', 'EPSG:4214', 'EPSG:4610', 'gcj02', 'bd09',
]);

/** True when coordinates in `crs` are longitude/latitude degrees. */
export function isGeographic(crs: SourceCrs): boolean {
  return GEOGRAPHIC.has(crs);
}

/** A coordinate problem: which axis, the value as found, and why. */
export interface CoordinateProblem {
  field: 'longitude' | 'latitude' | 'x' | 'y' | 'coordinates';
  value: unknown;
  message: string;
}

/**
 * Checks one position: both numbers finite, and within ±180/±90 when `geographic`.
 * Returns the first problem, or null when the position is usable.
 */
export function checkPosition(pos: unknown, geographic: boolean): CoordinateProblem | null {
  if (!Array.isArray(pos) || pos.length < 2) {
    return { field: 'coordinates', value: pos, message: `position ${JSON.stringify(pos)} needs at least 2 numbers` };
  }
  const [x, y] = pos;
  const xName = geographic ? 'longitude' : 'x';
  const yName = geographic ? 'latitude' : 'y';
  if (typeof x !== 'number' || !Number.isFinite(x)) return { field: xName, value: x, message: `${xName} ${JSON.stringify(x)} is not a number` };
  if (typeof y !== 'number' || !Number.isFinite(y)) return { field: yName, value: y, message: `${yName} ${JSON.stringify(y)} is not a number` };
  for (let i = 2; i < pos.length; i++) {
    const z = pos[i];
    if (typeof z !== 'number' || !Number.isFinite(z)) {
      return { field: 'coordinates', value: z, message: `coordinate ${i + 1} ${JSON.stringify(z)} is not a number` };
    }
  }
  if (geographic) {
    if (x < -180 || x > 180) return { field: 'longitude', value: x, message: `longitude ${x} is outside -180..180` };
    if (y < -90 || y > 90) return { field: 'latitude', value: y, message: `latitude ${y} is outside -90..90` };
  }
  return null;
}

/** Like checkPosition for a lon/lat pair parsed from text (CSV, GPX, KML). */
export function checkLonLat(lon: number, lat: number): CoordinateProblem | null {
  return checkPosition([lon, lat] as Position, true);
}

/**
 * Maps the code page names found in .cpg/.cst files and user options ("ANSI 1250", "936",
 * "CP936", "UTF-8", "GB2312"…) to a WHATWG TextDecoder label, or null when unknown.
 */
export function encodingLabel(raw: string): string | null {
  const s = raw.trim().toLowerCase().replace(/^ansi[\s_-]*/, '').replace(/^(cp|ms|windows-?|code\s*page\s*)/, '');
  const aliases: Record<string, string> = {
    'utf-8': 'utf-8', utf8: 'utf-8', '65001': 'utf-8',
    '936': 'gbk', gbk: 'gbk', gb2312: 'gbk', 'gb-2312': 'gbk', 'gb_2312-80': 'gbk',
    gb18030: 'gb18030', '54936': 'gb18030',
    '950': 'big5', big5: 'big5',
    '932': 'shift_jis', 'shift_jis': 'shift_jis', sjis: 'shift_jis',
    '949': 'euc-kr',
    '1250': 'windows-1250', '1251': 'windows-1251', '1252': 'windows-1252', '1253': 'windows-1253',
    '1254': 'windows-1254', '1255': 'windows-1255', '1256': 'windows-1256', '1257': 'windows-1257',
    '1258': 'windows-1258', '874': 'windows-874',
    '88591': 'iso-8859-1', '8859_1': 'iso-8859-1', 'iso-8859-1': 'iso-8859-1', latin1: 'iso-8859-1',
  };
  const label = aliases[s] ?? s;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/** Result of decodeText: the text, the encoding used, and whether it was a guess. */
export interface DecodedText {
  text: string;
  encoding: string;
  /** Set when UTF-8 produced U+FFFD and GBK was used instead. */
  guessed: boolean;
}

/**
 * Decodes bytes with `label` when given; otherwise UTF-16 when a UTF-16 BOM says so, else UTF-8
 * (BOM stripped), falling back to GBK
 * when UTF-8 yields U+FFFD replacement characters and GBK does not (common for Chinese files).
 */
export function decodeText(bytes: Uint8Array, label?: string | null): DecodedText {
  if (label) {
    const encoding = new TextDecoder(label).encoding;
    return { text: new TextDecoder(encoding).decode(bytes), encoding, guessed: false };
  }
  // A UTF-16 byte-order mark (Excel's "Unicode text" export) says what the file is.
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le', guessed: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be', guessed: false };
  const utf8 = new TextDecoder('utf-8').decode(bytes);
  if (!utf8.includes('\uFFFD')) return { text: utf8, encoding: 'utf-8', guessed: false };
  const gbk = new TextDecoder('gbk').decode(bytes);
  if (!gbk.includes('\uFFFD')) return { text: gbk, encoding: 'gbk', guessed: true };
  return { text: utf8, encoding: 'utf-8', guessed: false };
}

/** Lower-case extension without the dot ("parcels.GeoJSON" → "geojson"); "" when none. */
export function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** File name without folders and extension ("layers/POLYGON.shp" → "POLYGON"). */
export function basenameOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}
