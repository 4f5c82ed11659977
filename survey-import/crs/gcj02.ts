/**
 * GCJ-02 ("Mars coordinates", 国测局坐标) and BD-09 (百度坐标) ⇄ WGS84.
 *
 * Chinese map apps (Amap/高德, Tencent, Baidu) and most data scraped from them publish positions
 * in GCJ-02, an obfuscated WGS84 that shifts points by a few hundred metres, or in Baidu's BD-09,
 * which applies one more rotation on top of GCJ-02. Neither is an EPSG system, so survey-import
 * converts them to WGS84 on the way in and the database never stores them.
 *
 * Formulas:
 * - GCJ-02: the widely published reverse-engineered obfuscation on the Krasovsky-1940 ellipsoid
 *   (a = 6378245 m, e² = 0.00669342162296594323), as implemented in googollee/eviltransform
 *   (`gcjDelta`, `outOfChina`, MIT). Its accuracy against the official algorithm is ~1 m.
 * - BD-09: GCJ-02 followed by Baidu's rotation with x_pi = π·3000/180, z += 2e-5·sin(y·x_pi),
 *   θ += 3e-6·cos(x·x_pi), plus (0.0065, 0.006), as published in wandergis/coordtransform (MIT).
 *
 * GCJ-02 has no closed-form inverse. `gcj02ToWgs84` solves it by fixed-point iteration, which
 * converges to < 1e-9° (≈ 0.1 mm) in a handful of steps because the offset varies slowly; the
 * common one-step approximation is off by up to ~1–2 m.
 *
 * All functions take and return `[lon, lat]` in degrees, matching GeoJSON order.
 */
import type { Geometry, Position } from 'geojson';

/** A `[lon, lat]` pair in degrees. */
export type LonLat = [number, number];

/** A function that maps one position to another, e.g. `gcj02ToWgs84`. */
export type PointTransform = (lon: number, lat: number) => LonLat;

const KRASOVSKY_A = 6378245.0;
const KRASOVSKY_EE = 0.00669342162296594323;
const BAIDU_X_PI = (Math.PI * 3000.0) / 180.0;
/** Stop iterating when both components move less than this (degrees, ≈ 0.1 mm). */
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 30;

/**
 * True when a point lies outside the rectangle in which GCJ-02 is applied
 * (72.004–137.8347 °E, 0.8293–55.8271 °N). Outside it, every conversion returns its input
 * unchanged, as every published implementation does.
 */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function offsetLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** GCJ-02 minus WGS84 at a WGS84 point, in degrees `[dLon, dLat]`. */
function gcjDelta(lon: number, lat: number): LonLat {
  const radLat = (lat / 180.0) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - KRASOVSKY_EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(lon - 105.0, lat - 35.0) * 180.0) /
    (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (offsetLon(lon - 105.0, lat - 35.0) * 180.0) /
    ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [dLon, dLat];
}

/** WGS84 → GCJ-02. */
export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const [dLon, dLat] = gcjDelta(lon, lat);
  return [lon + dLon, lat + dLat];
}

/**
 * GCJ-02 → WGS84 by fixed-point iteration: start from the GCJ-02 point, push it forward, and
 * move the estimate by the remaining error until it is below 1e-9° (at most 30 steps).
 */
export function gcj02ToWgs84(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  let wLon = lon;
  let wLat = lat;
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
    const errLon = gLon - lon;
    const errLat = gLat - lat;
    wLon -= errLon;
    wLat -= errLat;
    if (Math.abs(errLon) < INVERSE_TOLERANCE_DEG && Math.abs(errLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return [wLon, wLat];
}

/** GCJ-02 → BD-09 (Baidu). */
export function gcj02ToBd09(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * BAIDU_X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * BAIDU_X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/**
 * BD-09 → GCJ-02. Starts from the published closed-form inverse (accurate to a few cm) and
 * refines it by fixed-point iteration, so a BD-09 round trip is exact to < 1e-9°.
 */
export function bd09ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat];
  const x = lon - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * BAIDU_X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * BAIDU_X_PI);
  let gLon = z * Math.cos(theta);
  let gLat = z * Math.sin(theta);
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const [bLon, bLat] = gcj02ToBd09(gLon, gLat);
    const errLon = bLon - lon;
    const errLat = bLat - lat;
    gLon -= errLon;
    gLat -= errLat;
    if (Math.abs(errLon) < INVERSE_TOLERANCE_DEG && Math.abs(errLat) < INVERSE_TOLERANCE_DEG) break;
  }
  return [gLon, gLat];
}

/** WGS84 → BD-09 (via GCJ-02). */
export function wgs84ToBd09(lon: number, lat: number): LonLat {
  const [gLon, gLat] = wgs84ToGcj02(lon, lat);
  return gcj02ToBd09(gLon, gLat);
}

/** BD-09 → WGS84 (via GCJ-02, both steps iterative). */
export function bd09ToWgs84(lon: number, lat: number): LonLat {
  const [gLon, gLat] = bd09ToGcj02(lon, lat);
  return gcj02ToWgs84(gLon, gLat);
}

function mapPosition(p: Position, fn: PointTransform): Position {
  const [lon, lat] = fn(p[0], p[1]);
  // Keep altitude (and anything after it) untouched: GCJ-02 only offsets the horizontal position.
  return p.length > 2 ? [lon, lat, ...p.slice(2)] : [lon, lat];
}

/**
 * Apply a point transform to every position of a GeoJSON geometry (Point, LineString, Polygon,
 * their Multi* forms and GeometryCollection) and return a new geometry; the input is not
 * modified. Extra members such as `bbox` are dropped because they would no longer be correct.
 */
export function transformGeometry<G extends Geometry>(geometry: G, fn: PointTransform): G {
  const g = geometry as Geometry;
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: mapPosition(g.coordinates, fn) } as G;
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: g.coordinates.map((p) => mapPosition(p, fn)) } as G;
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map((p) => mapPosition(p, fn)) } as G;
    case 'MultiLineString':
      return {
        type: 'MultiLineString',
        coordinates: g.coordinates.map((line) => line.map((p) => mapPosition(p, fn))),
      } as G;
    case 'Polygon':
      return {
        type: 'Polygon',
        coordinates: g.coordinates.map((ring) => ring.map((p) => mapPosition(p, fn))),
      } as G;
    case 'MultiPolygon':
      return {
        type: 'MultiPolygon',
        coordinates: g.coordinates.map((poly) => poly.map((ring) => ring.map((p) => mapPosition(p, fn)))),
      } as G;
    case 'GeometryCollection':
      return {
        type: 'GeometryCollection',
        geometries: g.geometries.map((child) => transformGeometry(child, fn)),
      } as G;
    default:
      throw new Error(`cannot transform geometry of type ${(g as { type: unknown }).type}`);
  }
}
