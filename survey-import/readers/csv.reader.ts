/**
 * CSV / TXT point reader: delimiter sniffing (comma, semicolon, tab, pipe), RFC 4180 quotes,
 * UTF-8 with or without BOM, GBK fallback (Excel on Chinese Windows saves CSV as GBK).
 *
 * Longitude/latitude columns are found by header, case-insensitively, ignoring spaces and a
 * unit in brackets ("经度(°)"):
 *
 * | axis      | headers (best first)                                            |
 * |-----------|-----------------------------------------------------------------|
 * | longitude | longitude, lon, lng, long, 经度, 东经, x, point_x                 |
 * | latitude  | latitude, lat, 纬度, 北纬, y, point_y                             |
 *
 * `lonField`/`latField` options override detection. Values may be decimal or DMS (dms.ts).
 * Each data row is one 'point' item; "row N" counts data rows from 1 (the header is not a row),
 * blank lines are skipped. A bad value is an error naming the row, the column and the value.
 *
 * With a projected `crs` and columns named X/Y whose values look like a Chinese surveyor's
 * X = northing, Y = easting, the axes are swapped with a warning.
 */
import { ReadError, type InputFile, type ItemIssue, type ReadItem, type ReadOptions, type ReadResult, type SourceCrs } from '../types.ts';
import { checkLonLat, decodeText, encodingLabel, isGeographic, issue } from './common.ts';
import { parseCoordinate } from './dms.ts';

/** Options of the CSV reader on top of the common ones. */
export interface CsvOptions extends ReadOptions {
  /** Header of the longitude (or easting) column; overrides detection. */
  lonField?: string;
  /** Header of the latitude (or northing) column; overrides detection. */
  latField?: string;
}

const LON_NAMES = ['longitude', 'lon', 'lng', 'long', '经度', '东经', 'x', 'point_x'];
const LAT_NAMES = ['latitude', 'lat', '纬度', '北纬', 'y', 'point_y'];

const normalize = (h: string): string => h.trim().toLowerCase().replace(/[（(][^）)]*[）)]/g, '').replace(/\s+/g, '');

/** Picks the delimiter that occurs most often (outside quotes) in the first line. */
export function sniffDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    let count = 0;
    let quoted = false;
    for (const c of firstLine) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Splits CSV text into rows of fields (RFC 4180: "" escapes, quoted newlines), with line numbers. */
export function parseCsv(text: string, delimiter: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      rows.push({ fields, line: rowLine });
      fields = [];
      field = '';
      rowLine = ++line;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    rows.push({ fields, line: rowLine });
  }
  return rows.filter((r) => r.fields.some((f) => f.trim() !== ''));
}

function findColumn(headers: string[], wanted: string | undefined, names: string[], file: string): number {
  if (wanted !== undefined) {
    const i = headers.findIndex((h) => h.trim() === wanted.trim()) ;
    const j = i >= 0 ? i : headers.findIndex((h) => normalize(h) === normalize(wanted));
    if (j < 0) throw new ReadError(file, `column "${wanted}" not found (headers: ${headers.join(', ')})`);
    return j;
  }
  const norm = headers.map(normalize);
  for (const n of names) {
    const i = norm.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/**
 * Reads one CSV/TXT file of points. Throws ReadError when no longitude/latitude columns can be
 * found (listing the headers), or when every row's coordinates are out of lon/lat range in a
 * geographic CRS (they are probably projected: pass `crs`).
 */
export function readCsv(file: InputFile, opts: CsvOptions = {}): ReadResult {
  const warnings: ItemIssue[] = [];
  const errors: ItemIssue[] = [];
  const label = opts.encoding ? encodingLabel(opts.encoding) : null;
  if (opts.encoding && !label) throw new ReadError(file.name, `unknown encoding option "${opts.encoding}"`);
  const decoded = decodeText(file.bytes, label);
  if (decoded.guessed) warnings.push(issue(file.name, null, undefined, undefined, undefined, 'file is not valid UTF-8; decoded as GBK'));
  const text = decoded.text.replace(/^\uFEFF/, '');
  const delimiter = sniffDelimiter(text);
  const rows = parseCsv(text, delimiter);
  if (rows.length === 0) throw new ReadError(file.name, 'file is empty');
  const headers = rows[0]!.fields.map((h) => h.trim());
  const lonCol = findColumn(headers, opts.lonField, LON_NAMES, file.name);
  const latCol = findColumn(headers, opts.latField, LAT_NAMES, file.name);
  if (lonCol < 0 || latCol < 0) {
    throw new ReadError(file.name, `no ${lonCol < 0 ? 'longitude' : 'latitude'} column found (headers: ${headers.join(', ')}); name the columns lon/lat (经度/纬度) or pass lonField/latField`);
  }
  const crs: SourceCrs = opts.crs ?? 'EPSG:4326';
  const geographic = isGeographic(crs);
  let [xCol, yCol] = [lonCol, latCol];
  if (!geographic && normalize(headers[lonCol]!) === 'x' && normalize(headers[latCol]!) === 'y' && rows[1]) {
    const x = Number(rows[1].fields[lonCol]);
    const y = Number(rows[1].fields[latCol]);
    // Chinese surveys write X = northing (~2e6–6e6 m in China), Y = easting (<1e6, or zone-prefixed ≥1e7).
    if (x >= 1e6 && x <= 6.5e6 && (y < 1e6 || y >= 1e7)) {
      [xCol, yCol] = [latCol, lonCol];
      warnings.push(issue(file.name, null, undefined, headers[lonCol], x, `column X holds northings and Y eastings (surveyor's convention); using Y as easting and X as northing`));
    }
  }
  const lonName = headers[xCol]!;
  const latName = headers[yCol]!;

  const items: ReadItem[] = [];
  let outOfRange = 0;
  rows.slice(1).forEach((row, i) => {
    const where = `row ${i + 1}`;
    if (row.fields.length !== headers.length) {
      warnings.push(issue(file.name, i, where, undefined, row.fields.length, `has ${row.fields.length} fields, header has ${headers.length} (line ${row.line})`));
    }
    const properties: Record<string, unknown> = {};
    headers.forEach((h, c) => {
      properties[h || `column ${c + 1}`] = row.fields[c] ?? null;
    });
    const rawLon = (row.fields[xCol] ?? '').trim();
    const rawLat = (row.fields[yCol] ?? '').trim();
    const lon = geographic ? parseCoordinate(rawLon) : plain(rawLon);
    const lat = geographic ? parseCoordinate(rawLat) : plain(rawLat);
    let geometry: ReadItem['geometry'] = null;
    if (!lon || lon.axis === 'lat') {
      errors.push(issue(file.name, i, where, lonName, rawLon, `${lonName} ${JSON.stringify(rawLon)} is not ${lon ? 'a longitude (it says N/S)' : 'a number or degrees-minutes-seconds'}`));
    } else if (!lat || lat.axis === 'lon') {
      errors.push(issue(file.name, i, where, latName, rawLat, `${latName} ${JSON.stringify(rawLat)} is not ${lat ? 'a latitude (it says E/W)' : 'a number or degrees-minutes-seconds'}`));
    } else {
      const bad = geographic ? checkLonLat(lon.value, lat.value) : null;
      if (bad) {
        outOfRange++;
        errors.push(issue(file.name, i, where, bad.field === 'longitude' ? lonName : latName, bad.value, bad.message));
      } else geometry = { type: 'Point', coordinates: [lon.value, lat.value] };
    }
    items.push({ file: file.name, index: i, where, geometry, properties, kind: 'point' });
  });
  if (items.length > 0 && outOfRange === items.length) {
    const first = rows[1]!.fields;
    throw new ReadError(file.name, `every row has coordinates outside longitude/latitude range (row 1: ${lonName}=${first[xCol]}, ${latName}=${first[yCol]}); if they are projected, pass --crs EPSG:<code> (e.g. EPSG:4545)`);
  }
  return { items, crs, crsSource: opts.crs ? 'option' : 'CSV default (EPSG:4326)', warnings, errors };
}

function plain(s: string): { value: number; axis: null } | null {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? { value: Number(s), axis: null } : null;
}
