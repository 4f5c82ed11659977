/**
 * GeoJSON reader: FeatureCollection, single Feature, bare Geometry, and GeoJSON Text Sequences
 * (one feature per line, optionally RFC 8142 record separators) for files too big to hold as
 * one JSON document comfortably.
 *
 * CRS: `opts.crs`, else the legacy `crs` member (named "urn:ogc:def:crs:EPSG::4490",
 * "EPSG:4545", OGC CRS84, or the 2008 `{type: "EPSG", properties: {code}}` form), else
 * EPSG:4326 as RFC 7946 requires. An unrecognised `crs` member is a ReadError.
 *
 * Per feature: a null/invalid geometry or a bad coordinate is an error naming the feature, the
 * field and the value (the item is kept with geometry null); an unclosed polygon ring is closed
 * with a warning. Self-intersections are left for PostGIS.
 *
 * Big sequences are read in chunks (readGeoJsonSeqChunks) so an import never holds every feature
 * of a file at once and can stage one chunk while it parses the next.
 */
import { isUtf8 } from 'node:buffer';
import { ReadError, type InputFile, type ItemIssue, type ReadItem, type ReadOptions, type ReadResult, type SourceCrs } from '../types.ts';
import { decodeText, encodingLabel, extensionOf, isGeographic, issue } from './common.ts';
import { checkGeometry } from './geometry-check.ts';

/** Extensions read as GeoJSON Text Sequences (one JSON value per line). */
export const GEOJSON_SEQ_EXTENSIONS = ['geojsonl', 'geojsons', 'geojsonseq', 'ndjson', 'jsonl'];

/**
 * EPSG code named by a GeoJSON `crs` member, or null when the member names something else.
 * Accepts "urn:ogc:def:crs:EPSG::4490", "urn:ogc:def:crs:EPSG:6.6:4326", "EPSG:4545",
 * "http://www.opengis.net/def/crs/EPSG/0/4545", "urn:ogc:def:crs:OGC:1.3:CRS84".
 */
export function crsFromMember(member: unknown): SourceCrs | null {
  if (!member || typeof member !== 'object') return null;
  const m = member as { type?: unknown; properties?: Record<string, unknown> };
  if (m.type === 'EPSG' && m.properties && Number.isInteger(Number(m.properties.code))) return `EPSG:${Number(m.properties.code)}`;
  const name = m.properties?.name;
  if (typeof name !== 'string') return null;
  if (/CRS:?84$/i.test(name)) return 'EPSG:4326';
  const epsg = /EPSG(?::[\d.]*:|:|\/\d+\/)(\d+)$/i.exec(name.trim());
  return epsg ? `EPSG:${Number(epsg[1])}` : null;
}

interface Candidate {
  value: unknown;
  where: string;
  /** Position in the file (0-based feature index). */
  index: number;
}

/** Reads one GeoJSON or GeoJSONSeq file. Throws ReadError when it is not JSON / not GeoJSON. */
export function readGeoJson(file: InputFile, opts: ReadOptions = {}): ReadResult {
  const warnings: ItemIssue[] = [];
  const errors: ItemIssue[] = [];
  const decoded = decodeText(file.bytes, opts.encoding ? encodingLabel(opts.encoding) : null);
  if (decoded.guessed) warnings.push(issue(file.name, null, undefined, undefined, undefined, 'file is not valid UTF-8; decoded as GBK'));
  const text = decoded.text.replace(/^\uFEFF/, '');

  let root: unknown;
  let candidates: Candidate[];
  const seq = GEOJSON_SEQ_EXTENSIONS.includes(extensionOf(file.name)) || text.trimStart().startsWith('\x1e');
  if (!seq) {
    try {
      root = JSON.parse(text);
    } catch (err) {
      // Several JSON objects one per line is a sequence even when named .geojson.
      if (!looksLikeSequence(text)) throw new ReadError(file.name, `not valid JSON (${(err as Error).message})`);
    }
  }
  if (root === undefined) {
    candidates = [];
    text.split(/\r?\n/).forEach((line, i) => {
      const l = line.replace(/^\x1e/, '').trim();
      if (!l) return;
      const index = candidates.length;
      try {
        candidates.push({ value: JSON.parse(l), where: `feature ${index + 1} (line ${i + 1})`, index });
      } catch (err) {
        errors.push(issue(file.name, index, `line ${i + 1}`, undefined, l.slice(0, 60), `not valid JSON (${(err as Error).message})`));
        candidates.push({ value: undefined, where: `line ${i + 1}`, index });
      }
    });
  } else {
    candidates = topLevel(file.name, root);
  }

  const declared = root && typeof root === 'object' ? (root as { crs?: unknown }).crs : undefined;
  let crs: SourceCrs = 'EPSG:4326';
  let crsSource = 'GeoJSON default (RFC 7946)';
  if (opts.crs) {
    crs = opts.crs;
    crsSource = 'option';
  } else if (declared !== undefined && declared !== null) {
    const found = crsFromMember(declared);
    if (!found) throw new ReadError(file.name, `crs member ${JSON.stringify(declared)} is not an EPSG CRS; pass --crs EPSG:<code>`);
    crs = found;
    crsSource = `crs member: ${JSON.stringify((declared as { properties?: unknown }).properties)}`;
  }
  const items: ReadItem[] = [];
  toItems(file.name, candidates, isGeographic(crs), items, errors, warnings);
  return { items, crs, crsSource, warnings, errors };
}

/** Turns parsed candidates into items (and errors/warnings naming feature, field and value). */
function toItems(fileName: string, candidates: Candidate[], geographic: boolean, items: ReadItem[], errors: ItemIssue[], warnings: ItemIssue[]): void {
  for (const c of candidates) {
    if (c.value === undefined) continue; // already reported as a JSON error
    const v = c.value as { type?: unknown; geometry?: unknown; properties?: unknown };
    const isFeature = v && typeof v === 'object' && v.type === 'Feature';
    if (v && typeof v === 'object' && !isFeature && typeof v.type === 'string' && !/^(Point|MultiPoint|LineString|MultiLineString|Polygon|MultiPolygon|GeometryCollection)$/.test(v.type)) {
      errors.push(issue(fileName, c.index, c.where, 'type', v.type, `"${v.type}" is not a Feature or geometry`));
      continue;
    }
    const rawGeometry = isFeature ? v.geometry : v;
    const props = isFeature && v.properties && typeof v.properties === 'object' ? { ...(v.properties as Record<string, unknown>) } : {};
    const checked = checkGeometry(rawGeometry, geographic);
    for (const p of checked.problems) {
      (p.fatal ? errors : warnings).push(issue(fileName, c.index, c.where, p.field, p.value, p.message));
    }
    items.push({ file: fileName, index: c.index, where: c.where, geometry: checked.geometry, properties: props, kind: 'feature' });
  }
}

/** One part of a file read in chunks; `part` 0 is the first (it carries the file-level issues). */
export interface ReadChunk extends ReadResult {
  part: number;
}

/** True when readGeoJsonSeqChunks should read `file` (a GeoJSONSeq by its extension). */
export function isGeoJsonSeq(file: InputFile): boolean {
  return GEOJSON_SEQ_EXTENSIONS.includes(extensionOf(file.name));
}

/**
 * Reads a GeoJSON Text Sequence in chunks of at most `chunkItems` lines, with the same items,
 * positions ("feature 3 (line 4)"), CRS and issues as readGeoJson gives for the whole file.
 * UTF-8 files are decoded block by block; other encodings (an option, or the GBK guess) are
 * decoded whole first.
 */
export function* readGeoJsonSeqChunks(file: InputFile, opts: ReadOptions = {}, chunkItems = 5000): Generator<ReadChunk> {
  const crs: SourceCrs = opts.crs ?? 'EPSG:4326';
  const crsSource = opts.crs ? 'option' : 'GeoJSON default (RFC 7946)';
  const geographic = isGeographic(crs);
  const fileIssues: ItemIssue[] = [];
  let part = 0;
  let lineNo = 0;
  let count = 0;
  let candidates: Candidate[] = [];
  let errors: ItemIssue[] = [];
  const flush = (): ReadChunk => {
    const items: ReadItem[] = [];
    const warnings: ItemIssue[] = part === 0 ? fileIssues : [];
    toItems(file.name, candidates, geographic, items, errors, warnings);
    const chunk = { items, crs, crsSource, warnings, errors, part: part++ };
    candidates = [];
    errors = [];
    return chunk;
  };
  for (const block of textBlocks(file, opts, fileIssues)) {
    const lines = block.split(/\r?\n/);
    for (const line of lines) {
      const i = lineNo++;
      const l = (i === 0 ? line.replace(/^\uFEFF/, '') : line).replace(/^\x1e/, '').trim();
      if (!l) continue;
      const index = count++;
      try {
        candidates.push({ value: JSON.parse(l), where: `feature ${index + 1} (line ${i + 1})`, index });
      } catch (err) {
        errors.push(issue(file.name, index, `line ${i + 1}`, undefined, l.slice(0, 60), `not valid JSON (${(err as Error).message})`));
        candidates.push({ value: undefined, where: `line ${i + 1}`, index });
      }
      if (candidates.length >= chunkItems) yield flush();
    }
  }
  if (candidates.length || errors.length || part === 0) yield flush();
}

const NEWLINE = 0x0a;
const BLOCK_BYTES = 1 << 20;
const REPLACEMENT_UTF8 = Buffer.from('\uFFFD', 'utf8');

/**
 * The file's text in blocks that end at a line break (the last block may not). Valid UTF-8 is
 * decoded block by block; anything else whole, with decodeText's GBK guess reported in `fileIssues`.
 */
function* textBlocks(file: InputFile, opts: ReadOptions, fileIssues: ItemIssue[]): Generator<string> {
  const bytes = file.bytes;
  const label = opts.encoding ? encodingLabel(opts.encoding) : null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Valid UTF-8 without U+FFFD is exactly what decodeText would decode as UTF-8 without guessing.
  const utf8 = label ? label === 'utf-8' : isUtf8(bytes) && buf.indexOf(REPLACEMENT_UTF8) < 0;
  if (!utf8) {
    const decoded = decodeText(bytes, label);
    if (decoded.guessed) fileIssues.push(issue(file.name, null, undefined, undefined, undefined, 'file is not valid UTF-8; decoded as GBK'));
    yield decoded.text;
    return;
  }
  // The BOM is kept here and stripped from the first line only, as readGeoJson strips it from the text.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + BLOCK_BYTES, bytes.length);
    if (end < bytes.length) {
      const nl = buf.indexOf(NEWLINE, end);
      end = nl < 0 ? bytes.length : nl;
    }
    yield decoder.decode(bytes.subarray(start, end));
    // The newline at `end` separates this block from the next, so it is skipped.
    start = end + 1;
  }
}

function looksLikeSequence(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^\x1e/, '').trim()).filter(Boolean);
  return lines.length > 1 && lines.every((l) => l.startsWith('{'));
}

function topLevel(file: string, root: unknown): Candidate[] {
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new ReadError(file, 'not a GeoJSON object (expected FeatureCollection, Feature or geometry)');
  }
  const r = root as { type?: unknown; features?: unknown };
  if (r.type === 'FeatureCollection') {
    if (!Array.isArray(r.features)) throw new ReadError(file, 'FeatureCollection has no features array');
    return r.features.map((value, index) => ({ value, index, where: `feature ${index + 1}` }));
  }
  if (r.type === 'Topology') throw new ReadError(file, 'TopoJSON is not supported; convert it to GeoJSON first');
  if (r.type === 'Feature') return [{ value: root, index: 0, where: 'feature 1' }];
  if (typeof r.type === 'string' && /^(Point|MultiPoint|LineString|MultiLineString|Polygon|MultiPolygon|GeometryCollection)$/.test(r.type)) {
    return [{ value: root, index: 0, where: 'geometry' }];
  }
  throw new ReadError(file, `GeoJSON type ${JSON.stringify(r.type)} is not FeatureCollection, Feature or a geometry`);
}
