/**
 * KML / KMZ reader (Google Earth, 奥维互动地图 / LocaSpace exports, Google Location History).
 *
 * | KML element                          | item kind | geometry                                 |
 * |--------------------------------------|-----------|------------------------------------------|
 * | Placemark with Point                 | 'point'   | Point                                    |
 * | Placemark with gx:Track/gx:MultiTrack| 'track'   | LineString / MultiLineString             |
 * | Placemark with LineString/Polygon/…  | 'feature' | as written; several → Multi* or collection |
 * | GroundOverlay                        | 'overlay' | Polygon of its LatLonBox (or gx:LatLonQuad) |
 *
 * Properties: name, description, address, folder (enclosing Folder/Document names joined by
 * " / "), time / begin / end, every ExtendedData Data and SchemaData SimpleData value. Tracks add
 * coordCount, startTime, endTime. Overlays add href, north/south/east/west, rotation
 * (degrees counter-clockwise, as in KML; the polygon is the unrotated box) and imageInArchive.
 *
 * Coordinates that are not numbers ("no,no") make an error for that geometry, naming the
 * placemark and the value (GDAL keeps only 1 of the 3 bad placemarks in bad_coords.kml; all 3
 * are reported here). A Placemark with empty coordinates only (as Location History writes) is
 * an error "no coordinates"; the item is still returned with geometry null.
 */
import type { Geometry, Position } from 'geojson';
import { ReadError, type InputFile, type ItemIssue, type ReadItem, type ReadOptions, type ReadResult } from '../types.ts';
import { extensionOf, issue } from './common.ts';
import { checkGeometry } from './geometry-check.ts';
import { child, childText, children, decodeXml, descendants, localName, parseXml, type Element } from './xml.ts';
import { isZip, unzip } from './zip.ts';
import { AppError } from '../../core/errors.ts';

interface Ctx {
  file: string;
  items: ReadItem[];
  warnings: ItemIssue[];
  errors: ItemIssue[];
  archive: Set<string>;
}

/** Thrown inside geometry parsing; becomes an ItemIssue for the placemark. */
class CoordError extends AppError {
  constructor(readonly field: string, readonly value: string, message: string) {
    super('bad_request', message, { field, value });
  }
}

/** Parses a KML <coordinates> text ("lon,lat[,alt] lon,lat[,alt] …"). */
function parseCoordinates(text: string, element: string): Position[] {
  const tuples = text.trim().replace(/\s*,\s*/g, ',').split(/\s+/).filter(Boolean);
  return tuples.map((t) => {
    const parts = t.split(',');
    const nums = parts.map(Number);
    const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(nums[i]));
    if (parts.length < 2 || bad >= 0) {
      const axis = bad === 0 ? 'longitude' : bad === 1 ? 'latitude' : bad > 1 ? 'altitude' : 'coordinates';
      throw new CoordError(axis, t, `${element} coordinates "${t}": ${parts.length < 2 ? 'need lon,lat' : `${axis} "${parts[bad]}" is not a number`}`);
    }
    return nums.slice(0, 3);
  });
}

function coordsOf(el: Element, element: string): Position[] {
  const c = child(el, 'coordinates');
  return c ? parseCoordinates(c.textContent ?? '', element) : [];
}

/** gx:Track → its positions and when-times. */
function track(el: Element): { coords: Position[]; times: string[] } {
  const coords = children(el, 'coord').map((c) => {
    const t = (c.textContent ?? '').trim();
    const parts = t.split(/\s+/);
    const nums = parts.map(Number);
    const bad = parts.findIndex((_, i) => !Number.isFinite(nums[i]));
    if (parts.length < 2 || bad >= 0) throw new CoordError(bad === 1 ? 'latitude' : 'longitude', t, `gx:coord "${t}" is not "lon lat alt"`);
    return nums.slice(0, 3);
  });
  const times = children(el, 'when').map((w) => (w.textContent ?? '').trim()).filter(Boolean);
  return { coords, times };
}

interface Parsed {
  geometries: Geometry[];
  tracks: number;
  /** Geometries that are not tracks (non-empty Point/LineString/Polygon…). */
  others: number;
  times: string[];
  coordCount: number;
}

/** Collects the geometries of a Placemark or MultiGeometry, in order; empty ones are skipped. */
function geometriesOf(el: Element, out: Parsed): void {
  for (const g of children(el)) {
    switch (localName(g)) {
      case 'Point': {
        const c = coordsOf(g, 'Point');
        if (c.length) {
          out.geometries.push({ type: 'Point', coordinates: c[0]! });
          out.others++;
        }
        break;
      }
      case 'LineString': {
        const c = coordsOf(g, 'LineString');
        if (c.length) {
          out.geometries.push({ type: 'LineString', coordinates: c });
          out.others++;
        }
        break;
      }
      case 'LinearRing': {
        const c = coordsOf(g, 'LinearRing');
        if (c.length) {
          out.geometries.push({ type: 'Polygon', coordinates: [c] });
          out.others++;
        }
        break;
      }
      case 'Polygon': {
        const outer = descendants(child(g, 'outerBoundaryIs') ?? g, 'LinearRing')[0];
        const rings = outer ? [coordsOf(outer, 'Polygon outer ring')] : [];
        for (const inner of children(g, 'innerBoundaryIs')) {
          for (const r of children(inner, 'LinearRing')) rings.push(coordsOf(r, 'Polygon inner ring'));
        }
        if (rings.length && rings[0]!.length) {
          out.geometries.push({ type: 'Polygon', coordinates: rings.filter((r) => r.length) });
          out.others++;
        }
        break;
      }
      case 'MultiGeometry':
        geometriesOf(g, out);
        break;
      case 'Track':
      case 'MultiTrack': {
        const tracks = localName(g) === 'Track' ? [g] : children(g, 'Track');
        for (const t of tracks) {
          const { coords, times } = track(t);
          out.times.push(...times);
          out.coordCount += coords.length;
          out.tracks++;
          if (coords.length === 1) out.geometries.push({ type: 'Point', coordinates: coords[0]! });
          else if (coords.length > 1) out.geometries.push({ type: 'LineString', coordinates: coords });
        }
        break;
      }
    }
  }
}

/** Combines several geometries: same kind → Multi*, mixed → GeometryCollection. */
function combine(gs: Geometry[]): Geometry | null {
  if (gs.length === 0) return null;
  if (gs.length === 1) return gs[0]!;
  const types = new Set(gs.map((g) => g.type));
  if (types.size === 1) {
    const t = gs[0]!.type;
    if (t === 'Point') return { type: 'MultiPoint', coordinates: gs.map((g) => (g as { coordinates: Position }).coordinates) };
    if (t === 'LineString') return { type: 'MultiLineString', coordinates: gs.map((g) => (g as { coordinates: Position[] }).coordinates) };
    if (t === 'Polygon') return { type: 'MultiPolygon', coordinates: gs.map((g) => (g as { coordinates: Position[][] }).coordinates) };
  }
  return { type: 'GeometryCollection', geometries: gs };
}

function baseProperties(el: Element, folder: string): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of ['name', 'description', 'address']) {
    const v = childText(el, k);
    if (v !== undefined) props[k] = v;
  }
  if (folder) props.folder = folder;
  const when = child(el, 'TimeStamp');
  if (when) props.time = childText(when, 'when') ?? null;
  const span = child(el, 'TimeSpan');
  if (span) {
    props.begin = childText(span, 'begin') ?? null;
    props.end = childText(span, 'end') ?? null;
  }
  const ext = child(el, 'ExtendedData');
  if (ext) {
    for (const d of children(ext, 'Data')) {
      const name = d.getAttribute('name');
      if (name) props[name] = childText(d, 'value') ?? null;
    }
    for (const sd of descendants(ext, 'SimpleData')) {
      const name = sd.getAttribute('name');
      if (name) props[name] = (sd.textContent ?? '').trim();
    }
  }
  return props;
}

function readPlacemark(ctx: Ctx, el: Element, folder: string, n: number): void {
  const index = ctx.items.length;
  const name = childText(el, 'name');
  const where = `placemark ${n}${name ? ` "${name}"` : ''}`;
  const props = baseProperties(el, folder);
  const parsed: Parsed = { geometries: [], tracks: 0, others: 0, times: [], coordCount: 0 };
  let geometry: Geometry | null = null;
  try {
    geometriesOf(el, parsed);
    geometry = combine(parsed.geometries);
    if (!geometry) {
      ctx.errors.push(issue(ctx.file, index, where, 'coordinates', '', 'has no coordinates'));
    } else {
      const checked = checkGeometry(geometry, true);
      for (const p of checked.problems) (p.fatal ? ctx.errors : ctx.warnings).push(issue(ctx.file, index, where, p.field, p.value, p.message));
      geometry = checked.geometry;
    }
  } catch (err) {
    if (!(err instanceof CoordError)) throw err;
    ctx.errors.push(issue(ctx.file, index, where, err.field, err.value, err.message));
    geometry = null;
  }
  let kind: ReadItem['kind'] = 'feature';
  if (parsed.tracks > 0 && parsed.others === 0) kind = 'track';
  else if (geometry?.type === 'Point') kind = 'point';
  if (parsed.tracks > 0) {
    const sorted = parsed.times.filter((t) => !Number.isNaN(Date.parse(t))).sort((a, b) => Date.parse(a) - Date.parse(b));
    Object.assign(props, { coordCount: parsed.coordCount, startTime: sorted[0] ?? null, endTime: sorted[sorted.length - 1] ?? null });
  }
  ctx.items.push({ file: ctx.file, index, where, geometry, properties: props, kind });
}

function readOverlay(ctx: Ctx, el: Element, folder: string, n: number): void {
  const index = ctx.items.length;
  const name = childText(el, 'name');
  const where = `GroundOverlay ${n}${name ? ` "${name}"` : ''}`;
  const props = baseProperties(el, folder);
  const href = childText(child(el, 'Icon') ?? el, 'href') ?? null;
  props.href = href;
  props.imageInArchive = href !== null && ctx.archive.has(href.replace(/^\.\//, ''));
  const box = child(el, 'LatLonBox');
  const quad = descendants(el, 'LatLonQuad')[0];
  let geometry: Geometry | null = null;
  if (box) {
    const v: Record<string, number> = {};
    for (const k of ['north', 'south', 'east', 'west', 'rotation']) {
      const t = childText(box, k);
      const x = t === undefined ? (k === 'rotation' ? 0 : NaN) : Number(t);
      if (!Number.isFinite(x)) {
        ctx.errors.push(issue(ctx.file, index, where, k, t ?? null, `LatLonBox ${k} ${JSON.stringify(t ?? null)} is not a number`));
        ctx.items.push({ file: ctx.file, index, where, geometry: null, properties: props, kind: 'overlay' });
        return;
      }
      v[k] = x;
      props[k] = x;
    }
    const { north: N, south: S, east: E, west: W } = v as Record<'north' | 'south' | 'east' | 'west', number>;
    geometry = { type: 'Polygon', coordinates: [[[W, S], [E, S], [E, N], [W, N], [W, S]]] };
  } else if (quad) {
    try {
      const c = coordsOf(quad, 'gx:LatLonQuad');
      geometry = { type: 'Polygon', coordinates: [[...c, c[0]!]] };
    } catch (err) {
      if (!(err instanceof CoordError)) throw err;
      ctx.errors.push(issue(ctx.file, index, where, err.field, err.value, err.message));
    }
  } else {
    ctx.errors.push(issue(ctx.file, index, where, 'LatLonBox', null, 'has neither LatLonBox nor gx:LatLonQuad'));
  }
  if (geometry) {
    const checked = checkGeometry(geometry, true);
    for (const p of checked.problems) (p.fatal ? ctx.errors : ctx.warnings).push(issue(ctx.file, index, where, p.field, p.value, p.message));
    geometry = checked.geometry;
  }
  ctx.items.push({ file: ctx.file, index, where, geometry, properties: props, kind: 'overlay' });
}

/** Walks containers in document order, tracking Folder/Document names for `folder`. */
function walk(ctx: Ctx, el: Element, path: string[], counters: { placemark: number; overlay: number }): void {
  for (const c of children(el)) {
    const name = localName(c);
    const folder = path.join(' / ');
    if (name === 'Placemark') readPlacemark(ctx, c, folder, ++counters.placemark);
    else if (name === 'GroundOverlay') readOverlay(ctx, c, folder, ++counters.overlay);
    else if (name === 'Folder' || name === 'Document') {
      const n = childText(c, 'name');
      walk(ctx, c, n ? [...path, n] : path, counters);
    }
  }
}

/** Picks the KML inside a KMZ: doc.kml at the root, else the shallowest .kml. */
function kmlFromKmz(file: InputFile): { text: string; archive: Set<string> } {
  const names: string[] = [];
  const entries = unzip(file.name, file.bytes, (p) => {
    names.push(p);
    return extensionOf(p) === 'kml';
  });
  if (entries.length === 0) throw new ReadError(file.name, `KMZ holds no .kml file (found ${names.join(', ') || 'nothing'})`);
  entries.sort((a, b) => (a.path === 'doc.kml' ? -1 : b.path === 'doc.kml' ? 1 : a.path.split('/').length - b.path.split('/').length || a.path.localeCompare(b.path)));
  return { text: decodeXml(entries[0]!.bytes), archive: new Set(names) };
}

/**
 * Reads one .kml or .kmz file (a zip is recognised by its bytes, whatever the extension).
 * Throws ReadError for broken XML, a KMZ without .kml, or a root that is not <kml>.
 */
export function readKml(file: InputFile, _opts: ReadOptions = {}): ReadResult {
  const kmz = isZip(file.bytes);
  const { text, archive } = kmz ? kmlFromKmz(file) : { text: decodeXml(file.bytes), archive: new Set<string>() };
  const { root, parserWarnings } = parseXml(file.name, text);
  if (localName(root) !== 'kml') throw new ReadError(file.name, `root element <${root.nodeName}> is not <kml>`);
  const ctx: Ctx = { file: file.name, items: [], warnings: [], errors: [], archive };
  for (const w of parserWarnings) ctx.warnings.push(issue(file.name, null, undefined, undefined, undefined, `XML: ${w.split('\n')[0]}`));
  walk(ctx, root, [], { placemark: 0, overlay: 0 });
  return { items: ctx.items, crs: 'EPSG:4326', crsSource: kmz ? 'KMZ (always WGS84)' : 'KML (always WGS84)', warnings: ctx.warnings, errors: ctx.errors };
}
