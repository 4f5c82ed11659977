/**
 * GPX 1.0/1.1 and Garmin TCX reader.
 *
 * | GPX element | item kind  | geometry                                            |
 * |-------------|------------|-----------------------------------------------------|
 * | `<wpt>`     | 'waypoint' | Point [lon, lat(, ele)]                              |
 * | `<rte>`     | 'route'    | LineString of its `<rtept>`s                          |
 * | `<trk>`     | 'track'    | LineString (one segment) or MultiLineString (several) |
 *
 * TCX (which GDAL cannot open): each Activity or Course is one 'track', one segment per
 * `<Track>`. Trackpoints without `<Position>` (pauses, indoor laps) are counted, not errors:
 * `trackpointCount` counts every `<Trackpoint>`, `pointsWithoutPosition` those left out.
 *
 * Track/route properties: name, desc, type, pointCount, segmentCount, startTime, endTime
 * (ISO strings as written), minEle, maxEle. Geometries are 3D only when every point has an
 * elevation, so PostGIS never sees mixed dimensions.
 *
 * A point whose lat/lon is missing, non-numeric ("undefined", as OsmAnd writes) or out of
 * range is an error naming the element and the value, and is left out; GDAL would turn it
 * into POINT (0 0). A route/track left with fewer than 2 usable points has geometry null.
 */
import type { Position } from 'geojson';
import type { InputFile, ItemIssue, ReadItem, ReadOptions, ReadResult } from '../types.ts';
import { ReadError } from '../types.ts';
import { checkLonLat, issue } from './common.ts';
import { FEATURE_LIMITS } from './limits.ts';
import { child, childText, children, decodeXml, descendants, localName, parseXml, type Element } from './xml.ts';

/** One parsed point before it becomes part of a geometry. */
interface Pt {
  lon: number;
  lat: number;
  ele?: number;
  time?: string;
}

/** Accumulates the points of one route or track and derives its properties. */
class PointSet {
  segments: Pt[][] = [];
  add(segment: Pt[]): void {
    this.segments.push(segment);
  }
  properties(): Record<string, unknown> {
    const pts = this.segments.flat();
    const eles = pts.map((p) => p.ele).filter((e): e is number => e !== undefined);
    const times = pts.map((p) => p.time).filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)));
    times.sort((a, b) => Date.parse(a) - Date.parse(b));
    return {
      pointCount: pts.length,
      segmentCount: this.segments.filter((s) => s.length > 0).length,
      startTime: times[0] ?? null,
      endTime: times[times.length - 1] ?? null,
      minEle: eles.length ? Math.min(...eles) : null,
      maxEle: eles.length ? Math.max(...eles) : null,
    };
  }
  /** LineString/MultiLineString of segments with ≥ 2 points, or null. */
  geometry(): ReadItem['geometry'] {
    const all = this.segments.flat();
    const threeD = all.length > 0 && all.every((p) => p.ele !== undefined);
    const lines = this.segments
      .filter((s) => s.length >= 2)
      .map((s) => s.map((p): Position => (threeD ? [p.lon, p.lat, p.ele!] : [p.lon, p.lat])));
    if (lines.length === 0) return null;
    return lines.length === 1 ? { type: 'LineString', coordinates: lines[0]! } : { type: 'MultiLineString', coordinates: lines };
  }
}

interface Ctx {
  file: string;
  items: ReadItem[];
  warnings: ItemIssue[];
  errors: ItemIssue[];
}

/** Parses a number; undefined when absent, NaN when present but not numeric. */
function num(s: string | null | undefined): number | undefined {
  if (s === null || s === undefined || s.trim() === '') return undefined;
  const t = s.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : NaN;
}

/**
 * Reads a GPX point element (wpt/rtept/trkpt); reports and returns null when its coordinates
 * are unusable. `index` is the item the point belongs to.
 */
function gpxPoint(ctx: Ctx, el: Element, index: number, where: string): Pt | null {
  const latRaw = el.getAttribute('lat');
  const lonRaw = el.getAttribute('lon');
  const lat = num(latRaw);
  const lon = num(lonRaw);
  if (lat === undefined || Number.isNaN(lat)) {
    ctx.errors.push(issue(ctx.file, index, where, 'lat', latRaw, `lat ${JSON.stringify(latRaw)} is not a number`));
    return null;
  }
  if (lon === undefined || Number.isNaN(lon)) {
    ctx.errors.push(issue(ctx.file, index, where, 'lon', lonRaw, `lon ${JSON.stringify(lonRaw)} is not a number`));
    return null;
  }
  const bad = checkLonLat(lon, lat);
  if (bad) {
    ctx.errors.push(issue(ctx.file, index, where, bad.field === 'longitude' ? 'lon' : 'lat', bad.value, bad.message));
    return null;
  }
  const pt: Pt = { lon, lat };
  const eleText = childText(el, 'ele');
  const ele = num(eleText);
  if (ele !== undefined && Number.isNaN(ele)) {
    ctx.warnings.push(issue(ctx.file, index, where, 'ele', eleText, `ele ${JSON.stringify(eleText)} is not a number; ignored`));
  } else if (ele !== undefined) pt.ele = ele;
  const time = childText(el, 'time');
  if (time) pt.time = time;
  return pt;
}

/** Text properties common to wpt/rte/trk. */
function describe(el: Element): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of ['name', 'desc', 'cmt', 'type', 'sym', 'src']) {
    const v = childText(el, k);
    if (v !== undefined) props[k] = v;
  }
  return props;
}

function readGpxDoc(ctx: Ctx, root: Element): void {
  let wpt = 0;
  let rte = 0;
  let trk = 0;
  for (const el of children(root)) {
    const name = localName(el);
    const index = ctx.items.length;
    if (name === 'wpt') {
      const where = `wpt ${++wpt}`;
      const pt = gpxPoint(ctx, el, index, where);
      const props = describe(el);
      if (pt?.ele !== undefined) props.ele = pt.ele;
      if (pt?.time) props.time = pt.time;
      const geometry = pt ? { type: 'Point' as const, coordinates: pt.ele !== undefined ? [pt.lon, pt.lat, pt.ele] : [pt.lon, pt.lat] } : null;
      ctx.items.push({ file: ctx.file, index, where, geometry, properties: props, kind: 'waypoint' });
    } else if (name === 'rte') {
      const where = `route ${++rte}`;
      const set = new PointSet();
      set.add(children(el, 'rtept').map((p, i) => gpxPoint(ctx, p, index, `rtept ${i + 1} of ${where}`)).filter((p): p is Pt => p !== null));
      pushLine(ctx, set, index, where, describe(el), 'route');
    } else if (name === 'trk') {
      const where = `track ${++trk}`;
      const set = new PointSet();
      let n = 0;
      for (const seg of children(el, 'trkseg')) {
        set.add(children(seg, 'trkpt').map((p) => gpxPoint(ctx, p, index, `trkpt ${++n} of ${where}`)).filter((p): p is Pt => p !== null));
      }
      pushLine(ctx, set, index, where, describe(el), 'track');
    }
  }
}

function pushLine(ctx: Ctx, set: PointSet, index: number, where: string, props: Record<string, unknown>, kind: 'route' | 'track'): void {
  const geometry = set.geometry();
  if (!geometry) {
    const n = set.segments.flat().length;
    ctx.errors.push(issue(ctx.file, index, where, 'geometry', n, `has ${n} usable point${n === 1 ? '' : 's'}; a line needs at least 2`));
  }
  ctx.items.push({ file: ctx.file, index, where, geometry, properties: { ...props, ...set.properties() }, kind });
}

function readTcxDoc(ctx: Ctx, root: Element): void {
  const units = [...descendants(root, 'Activity'), ...descendants(root, 'Course')];
  units.forEach((unit, u) => {
    const index = ctx.items.length;
    const where = `${localName(unit).toLowerCase()} ${u + 1}`;
    const set = new PointSet();
    let n = 0;
    let noPosition = 0;
    for (const track of descendants(unit, 'Track')) {
      const seg: Pt[] = [];
      for (const tp of children(track, 'Trackpoint')) {
        const tpWhere = `Trackpoint ${++n} of ${where}`;
        const pos = child(tp, 'Position');
        if (!pos) {
          noPosition++;
          continue;
        }
        const latRaw = childText(pos, 'LatitudeDegrees');
        const lonRaw = childText(pos, 'LongitudeDegrees');
        const lat = num(latRaw);
        const lon = num(lonRaw);
        if (lat === undefined || Number.isNaN(lat) || lon === undefined || Number.isNaN(lon)) {
          const bad = lat === undefined || Number.isNaN(lat) ? ['LatitudeDegrees', latRaw] : ['LongitudeDegrees', lonRaw];
          ctx.errors.push(issue(ctx.file, index, tpWhere, bad[0], bad[1], `${bad[0]} ${JSON.stringify(bad[1] ?? null)} is not a number`));
          continue;
        }
        const range = checkLonLat(lon, lat);
        if (range) {
          ctx.errors.push(issue(ctx.file, index, tpWhere, range.field, range.value, range.message));
          continue;
        }
        const pt: Pt = { lon, lat };
        const ele = num(childText(tp, 'AltitudeMeters'));
        if (ele !== undefined && !Number.isNaN(ele)) pt.ele = ele;
        const time = childText(tp, 'Time');
        if (time) pt.time = time;
        seg.push(pt);
      }
      set.add(seg);
    }
    const props: Record<string, unknown> = { name: childText(unit, 'Id') ?? childText(unit, 'Name') ?? null };
    const sport = unit.getAttribute('Sport');
    if (sport) props.sport = sport;
    props.trackpointCount = n;
    props.pointsWithoutPosition = noPosition;
    pushLine(ctx, set, index, where, props, 'track');
  });
}

/**
 * Refuses a track or route with more points than a feature may have (readers/limits.ts) before
 * the XML is parsed: a million-point GPX would take a minute and gigabytes as a DOM.
 */
function checkPointCounts(file: string, text: string): void {
  const max = FEATURE_LIMITS.maxVertices;
  let feature = 'the file';
  let n = 0;
  const counters = { trk: 0, rte: 0, unit: 0 };
  for (const m of text.matchAll(/<(?:[\w-]+:)?(trk|rte|Activity|Course|trkpt|rtept|Trackpoint)[\s>/]/g)) {
    const tag = m[1];
    if (tag === 'trk') feature = `track ${++counters.trk}`;
    else if (tag === 'rte') feature = `route ${++counters.rte}`;
    else if (tag === 'Activity' || tag === 'Course') feature = `${tag.toLowerCase()} ${++counters.unit}`;
    else if (++n > max) throw new ReadError(file, `${feature}: field "geometry" has more than ${max.toLocaleString('en')} vertices, the limit per feature`);
    if (tag === 'trk' || tag === 'rte' || tag === 'Activity' || tag === 'Course') n = 0;
  }
}

/**
 * Reads one .gpx or .tcx file (detected by root element, not extension). Throws ReadError when
 * the XML is broken or the root is neither `<gpx>` nor `<TrainingCenterDatabase>`.
 */
export function readGpx(file: InputFile, _opts: ReadOptions = {}): ReadResult {
  const text = decodeXml(file.bytes);
  checkPointCounts(file.name, text);
  const { root, parserWarnings } = parseXml(file.name, text);
  const ctx: Ctx = { file: file.name, items: [], warnings: [], errors: [] };
  for (const w of parserWarnings) ctx.warnings.push(issue(file.name, null, undefined, undefined, undefined, `XML: ${w.split('\n')[0]}`));
  const rootName = localName(root);
  if (rootName === 'gpx') readGpxDoc(ctx, root);
  else if (rootName === 'TrainingCenterDatabase') readTcxDoc(ctx, root);
  else throw new ReadError(file.name, `root element <${root.nodeName}> is neither <gpx> nor <TrainingCenterDatabase>`);
  const crsSource = rootName === 'gpx' ? `GPX ${root.getAttribute('version') ?? ''} (always WGS84)`.replace('  ', ' ') : 'TCX (always WGS84)';
  return { items: ctx.items, crs: 'EPSG:4326', crsSource, warnings: ctx.warnings, errors: ctx.errors };
}
