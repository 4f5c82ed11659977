/**
 * ESRI Shapefile writer: `.shp` + `.shx` geometry and index, `.dbf` attributes (dBASE III),
 * `.prj` (WGS84) and `.cpg` (UTF-8), written byte by byte after the ESRI Shapefile Technical
 * Description (July 1998) and the dBASE III file format. Small on purpose: 2D only, shape types
 * Point (1) and Polygon (5), null shapes for missing geometries.
 *
 * | rule | how it is met |
 * |---|---|
 * | file header: big-endian file code 9994 and length (16-bit words), little-endian version 1000, shape type, bbox | `header()` |
 * | record header: big-endian record number (from 1) and content length (words) | `writeShapefile` |
 * | polygon rings: exterior clockwise, holes counter-clockwise; a MultiPolygon is one Polygon record with all rings | `orientGeometry(g, 'cw')` |
 * | `.shx`: same header, then per record big-endian offset and content length (words) | `writeShapefile` |
 * | DBF field names: ASCII, ≤ 10 characters, unique | `dbfFieldNames()`; the mapping is returned for a `fields.txt` |
 * | DBF text: UTF-8 (declared by the `.cpg`), at most 254 bytes, cut on a character boundary | `fitUtf8()` |
 * | DBF numbers: right-aligned ASCII (`N`), width and decimals from the data; logicals `L` (T/F/?); dates `D` (YYYYMMDD) | `dbfColumn()` |
 *
 * Everything is built in memory (the exports cap the feature count), because `.shp` and `.dbf`
 * headers need totals and column widths known before the first record.
 */
import type { Geometry, Position } from 'geojson';
import { orientGeometry } from './rings.ts';

/** Attribute value types the DBF writer understands. */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'string[]' | 'enum';

/** One attribute column: its name in the data and its value type. */
export interface ShapefileField {
  name: string;
  type: FieldType;
}

/** One record: a Point or (Multi)Polygon geometry (or null) and its attribute values by field name. */
export interface ShapefileRecord {
  geometry: Geometry | null;
  properties: Record<string, unknown>;
}

/** The files of one shapefile, and the DBF name chosen for each field. */
export interface ShapefileFiles {
  shp: Uint8Array;
  shx: Uint8Array;
  dbf: Uint8Array;
  prj: string;
  cpg: string;
  /** Field name in the data → DBF column name (≤ 10 ASCII characters). */
  dbfNames: Map<string, string>;
}

/** WGS84 geographic coordinates in the ESRI WKT dialect that `.prj` files use. */
export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const SHAPE = { null: 0, point: 1, polyline: 3, polygon: 5 } as const;
const MAX_TEXT_BYTES = 254;
const utf8 = new TextEncoder();

/**
 * DBF column names for `names`: non-ASCII characters replaced by `_`, cut to 10 characters and
 * made unique (case-insensitively) with a `_1`, `_2`… suffix, e.g. `plot_ratio_min` → `plot_ratio`
 * and `plot_ratio_max` → `plot_rat_1`.
 */
export function dbfFieldNames(names: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const name of names) {
    const clean = name.replace(/[^A-Za-z0-9_]/g, '_') || 'field';
    let candidate = clean.slice(0, 10);
    for (let k = 1; used.has(candidate.toUpperCase()); k++) {
      const suffix = `_${k}`;
      candidate = clean.slice(0, 10 - suffix.length) + suffix;
    }
    used.add(candidate.toUpperCase());
    out.set(name, candidate);
  }
  return out;
}

/** UTF-8 bytes of `s`, cut to at most `max` bytes without splitting a character. */
export function fitUtf8(s: string, max: number): Uint8Array {
  const bytes = utf8.encode(s);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off continuation bytes
  return bytes.subarray(0, end);
}

interface DbfColumn {
  name: string;
  dbfName: string;
  kind: 'C' | 'N' | 'L' | 'D';
  width: number;
  decimals: number;
  encode(v: unknown): Uint8Array;
}

function decimalsOf(n: number): number {
  const s = String(n);
  if (/e/i.test(s)) return 8;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : Math.min(8, s.length - dot - 1);
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(';');
  return String(v);
}

/** Choose a DBF column type and width for a field from its type and the values it holds. */
function dbfColumn(field: ShapefileField, dbfName: string, values: unknown[]): DbfColumn {
  const base = { name: field.name, dbfName };
  const pad = (bytes: Uint8Array, width: number, right: boolean) => {
    const out = new Uint8Array(width).fill(0x20);
    out.set(bytes.subarray(0, width), right ? width - Math.min(width, bytes.length) : 0);
    return out;
  };
  if (field.type === 'boolean') {
    return { ...base, kind: 'L', width: 1, decimals: 0, encode: (v) => utf8.encode(v === true ? 'T' : v === false ? 'F' : '?') };
  }
  if (field.type === 'date') {
    return { ...base, kind: 'D', width: 8, decimals: 0, encode: (v) => pad(utf8.encode(typeof v === 'string' ? v.slice(0, 10).replaceAll('-', '') : ''), 8, false) };
  }
  if (field.type === 'integer' || field.type === 'number') {
    const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const decimals = field.type === 'integer' ? 0 : Math.max(0, ...nums.map(decimalsOf));
    const width = Math.max(1, ...nums.map((n) => n.toFixed(decimals).length));
    return {
      ...base, kind: 'N', width, decimals,
      encode: (v) => pad(utf8.encode(typeof v === 'number' && Number.isFinite(v) ? v.toFixed(decimals) : ''), width, true),
    };
  }
  const width = Math.max(1, ...values.map((v) => fitUtf8(textOf(v), MAX_TEXT_BYTES).length));
  return { ...base, kind: 'C', width, decimals: 0, encode: (v) => pad(fitUtf8(textOf(v), width), width, false) };
}

function writeDbf(fields: readonly ShapefileField[], records: readonly ShapefileRecord[], dbfNames: Map<string, string>, today: Date): Uint8Array {
  const columns = fields.map((f) => dbfColumn(f, dbfNames.get(f.name)!, records.map((r) => r.properties[f.name])));
  const headerLength = 32 + 32 * columns.length + 1;
  const recordLength = 1 + columns.reduce((s, c) => s + c.width, 0);
  const buf = new Uint8Array(headerLength + recordLength * records.length + 1);
  const view = new DataView(buf.buffer);
  view.setUint8(0, 0x03); // dBASE III without memo
  view.setUint8(1, today.getUTCFullYear() - 1900);
  view.setUint8(2, today.getUTCMonth() + 1);
  view.setUint8(3, today.getUTCDate());
  view.setUint32(4, records.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  columns.forEach((c, i) => {
    const at = 32 + 32 * i;
    buf.set(utf8.encode(c.dbfName), at); // ASCII, ≤ 10 bytes, NUL-padded by the zeroed buffer
    view.setUint8(at + 11, c.kind.charCodeAt(0));
    view.setUint8(at + 16, c.width);
    view.setUint8(at + 17, c.decimals);
  });
  view.setUint8(headerLength - 1, 0x0d);
  let at = headerLength;
  for (const r of records) {
    buf[at++] = 0x20; // not deleted
    for (const c of columns) {
      buf.set(c.encode(r.properties[c.name]), at);
      at += c.width;
    }
  }
  buf[at] = 0x1a;
  return buf;
}

type Box = [number, number, number, number];

function boxOf(points: Position[]): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
  return b;
}

/** The record content (without the 8-byte record header) of one geometry. */
function shapeContent(g: Geometry | null, shapeType: number): { bytes: Uint8Array; box: Box | null } {
  if (!g) {
    const bytes = new Uint8Array(4); // shape type 0 = null shape, already zero
    return { bytes, box: null };
  }
  if (shapeType === SHAPE.point) {
    if (g.type !== 'Point') throw new Error(`shapefile of points got a ${g.type}`);
    const bytes = new Uint8Array(20);
    const v = new DataView(bytes.buffer);
    v.setInt32(0, SHAPE.point, true);
    v.setFloat64(4, g.coordinates[0], true);
    v.setFloat64(12, g.coordinates[1], true);
    return { bytes, box: [g.coordinates[0], g.coordinates[1], g.coordinates[0], g.coordinates[1]] };
  }
  let rings: number[][][];
  if (shapeType === SHAPE.polyline) {
    // A polyline's parts are its lines; the record layout is the polygon's.
    if (g.type !== 'LineString' && g.type !== 'MultiLineString') throw new Error(`shapefile of lines got a ${g.type}`);
    rings = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
  } else {
    if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') throw new Error(`shapefile of polygons got a ${g.type}`);
    const oriented = orientGeometry(g, 'cw');
    rings = oriented.type === 'Polygon' ? oriented.coordinates : oriented.coordinates.flat();
  }
  const points = rings.flat();
  const box = boxOf(points);
  const bytes = new Uint8Array(44 + 4 * rings.length + 16 * points.length);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, shapeType, true);
  box.forEach((n, i) => v.setFloat64(4 + 8 * i, n, true));
  v.setInt32(36, rings.length, true);
  v.setInt32(40, points.length, true);
  let start = 0;
  rings.forEach((r, i) => {
    v.setInt32(44 + 4 * i, start, true);
    start += r.length;
  });
  let at = 44 + 4 * rings.length;
  for (const [x, y] of points) {
    v.setFloat64(at, x, true);
    v.setFloat64(at + 8, y, true);
    at += 16;
  }
  return { bytes, box };
}

/** The 100-byte header shared by `.shp` and `.shx`. */
function header(fileBytes: number, shapeType: number, box: Box): Uint8Array {
  const bytes = new Uint8Array(100);
  const v = new DataView(bytes.buffer);
  v.setInt32(0, 9994, false);
  v.setInt32(24, fileBytes / 2, false);
  v.setInt32(28, 1000, true);
  v.setInt32(32, shapeType, true);
  box.forEach((n, i) => v.setFloat64(36 + 8 * i, n, true));
  return bytes;
}

/**
 * Write a shapefile of `geometryType` features. Polygon layers take Polygon and MultiPolygon
 * geometries (written as shape type Polygon); line layers take LineString and MultiLineString
 * (shape type PolyLine, Z dropped); point layers take Points.
 */
export function writeShapefile(
  geometryType: 'Point' | 'MultiPolygon' | 'MultiLineString',
  fields: readonly ShapefileField[],
  records: readonly ShapefileRecord[],
  today = new Date(),
): ShapefileFiles {
  const shapeType = geometryType === 'Point' ? SHAPE.point : geometryType === 'MultiLineString' ? SHAPE.polyline : SHAPE.polygon;
  const contents = records.map((r) => shapeContent(r.geometry, shapeType));
  const total: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { box } of contents) {
    if (!box) continue;
    total[0] = Math.min(total[0], box[0]);
    total[1] = Math.min(total[1], box[1]);
    total[2] = Math.max(total[2], box[2]);
    total[3] = Math.max(total[3], box[3]);
  }
  const fileBox: Box = Number.isFinite(total[0]) ? total : [0, 0, 0, 0];

  const shpBytes = 100 + contents.reduce((s, c) => s + 8 + c.bytes.length, 0);
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(100 + 8 * contents.length);
  shp.set(header(shpBytes, shapeType, fileBox), 0);
  shx.set(header(shx.length, shapeType, fileBox), 0);
  const shpView = new DataView(shp.buffer);
  const shxView = new DataView(shx.buffer);
  let at = 100;
  contents.forEach((c, i) => {
    shxView.setInt32(100 + 8 * i, at / 2, false);
    shxView.setInt32(104 + 8 * i, c.bytes.length / 2, false);
    shpView.setInt32(at, i + 1, false);
    shpView.setInt32(at + 4, c.bytes.length / 2, false);
    shp.set(c.bytes, at + 8);
    at += 8 + c.bytes.length;
  });

  const dbfNames = dbfFieldNames(fields.map((f) => f.name));
  return { shp, shx, dbf: writeDbf(fields, records, dbfNames, today), prj: WGS84_PRJ, cpg: 'UTF-8', dbfNames };
}
