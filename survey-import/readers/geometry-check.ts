/**
 * Structural checks for GeoJSON geometries coming out of any reader: right nesting, finite
 * numbers, lon/lat ranges for geographic CRSs, and polygon rings closed (auto-closed with a
 * warning). Topological validity (self-intersection, ring orientation) is deliberately not
 * checked here: PostGIS does that later with ST_IsValid, where it can also be repaired.
 */
import type { Geometry, Position } from 'geojson';

/** A problem found in one geometry; `fatal` problems make the geometry unusable. */
export interface GeometryProblem {
  field: string;
  value: unknown;
  message: string;
  fatal: boolean;
}

/** Result of checkGeometry: the (possibly repaired) geometry, or null, plus problems. */
export interface CheckedGeometry {
  geometry: Geometry | null;
  problems: GeometryProblem[];
}

type Depth = 0 | 1 | 2 | 3;
const DEPTH: Record<string, Depth> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

/**
 * Checks `input` (parsed JSON) as a GeoJSON geometry in a CRS that is `geographic` or not.
 * Returns a deep copy with unclosed rings closed, or null with a fatal problem.
 */
export function checkGeometry(input: unknown, geographic: boolean): CheckedGeometry {
  const problems: GeometryProblem[] = [];
  const geometry = check(input, geographic, problems);
  return { geometry: problems.some((p) => p.fatal) ? null : geometry, problems };
}

function check(g: unknown, geographic: boolean, problems: GeometryProblem[]): Geometry | null {
  if (g === null || g === undefined) {
    problems.push({ field: 'geometry', value: null, message: 'geometry is null', fatal: true });
    return null;
  }
  if (typeof g !== 'object' || Array.isArray(g)) {
    problems.push({ field: 'geometry', value: g, message: `geometry ${JSON.stringify(g)} is not an object`, fatal: true });
    return null;
  }
  const obj = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (obj.type === 'GeometryCollection') {
    if (!Array.isArray(obj.geometries)) {
      problems.push({ field: 'geometries', value: obj.geometries, message: 'GeometryCollection has no geometries array', fatal: true });
      return null;
    }
    const geometries = obj.geometries.map((c) => check(c, geographic, problems));
    return { type: 'GeometryCollection', geometries: geometries.filter((c): c is Geometry => c !== null) };
  }
  const depth = typeof obj.type === 'string' ? DEPTH[obj.type] : undefined;
  if (depth === undefined) {
    problems.push({ field: 'type', value: obj.type, message: `geometry type ${JSON.stringify(obj.type)} is not a GeoJSON geometry type`, fatal: true });
    return null;
  }
  const coords = positions(obj.coordinates, depth, geographic, problems);
  if (coords === null) return null;
  if (obj.type === 'Polygon') closeRings(coords as Position[][], problems, '');
  if (obj.type === 'MultiPolygon') (coords as Position[][][]).forEach((p, i) => closeRings(p, problems, `polygon ${i + 1} `));
  return { type: obj.type, coordinates: coords } as Geometry;
}

/** Validates nesting and numbers; returns a copy or null (with a fatal problem pushed). */
function positions(c: unknown, depth: Depth, geographic: boolean, problems: GeometryProblem[]): unknown {
  if (depth === 0) {
    const problem = checkNumbers(c, geographic);
    if (problem) {
      problems.push({ ...problem, fatal: true });
      return null;
    }
    return [...(c as number[])];
  }
  if (!Array.isArray(c)) {
    problems.push({ field: 'coordinates', value: c, message: `coordinates ${JSON.stringify(c)} are not an array`, fatal: true });
    return null;
  }
  const out: unknown[] = [];
  for (const child of c) {
    const v = positions(child, (depth - 1) as Depth, geographic, problems);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

function checkNumbers(pos: unknown, geographic: boolean): Omit<GeometryProblem, 'fatal'> | null {
  if (!Array.isArray(pos) || pos.length < 2) {
    return { field: 'coordinates', value: pos, message: `position ${JSON.stringify(pos)} needs at least 2 numbers` };
  }
  const names = geographic ? ['longitude', 'latitude', 'elevation'] : ['x', 'y', 'z'];
  for (let i = 0; i < pos.length; i++) {
    const v: unknown = pos[i];
    const name = names[i] ?? `coordinate ${i + 1}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) return { field: name, value: v, message: `${name} ${JSON.stringify(v)} is not a number` };
  }
  if (geographic) {
    const [lon, lat] = pos as number[];
    if (lon! < -180 || lon! > 180) return { field: 'longitude', value: lon, message: `longitude ${lon} is outside -180..180` };
    if (lat! < -90 || lat! > 90) return { field: 'latitude', value: lat, message: `latitude ${lat} is outside -90..90` };
  }
  return null;
}

function closeRings(rings: Position[][], problems: GeometryProblem[], prefix: string): void {
  rings.forEach((ring, i) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
      ring.push([...first]);
      problems.push({
        field: 'coordinates',
        value: last,
        message: `${prefix}ring ${i + 1} is not closed (first ${JSON.stringify(first)}, last ${JSON.stringify(last)}); closed it`,
        fatal: false,
      });
    }
    if (ring.length < 4) {
      problems.push({ field: 'coordinates', value: ring.length, message: `${prefix}ring ${i + 1} has ${ring.length} positions; a ring needs at least 4`, fatal: true });
    }
  });
}
