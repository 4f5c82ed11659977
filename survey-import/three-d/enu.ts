/**
 * WGS84 geodetic ⇄ ECEF and the east-north-up frame 3D Tiles uses to place a local model on the
 * globe (`Transforms.eastNorthUpToFixedFrame` in CesiumJS), computed here without a dependency.
 *
 * A tileset whose coordinates are local metres (x east, y north, z up; glTF content is y-up and
 * the 3D Tiles runtime turns it z-up) is placed at (lon, lat, height) with
 * `root.transform = ENU(lon, lat, height) · Rz(-heading)`: heading is degrees clockwise from north,
 * so heading 90° turns the model's north (+y) to the east. Matrices are 4×4 column-major, as in
 * tileset.json.
 */

/** WGS84 semi-major axis (m). */
export const WGS84_A = 6378137;
/** WGS84 flattening. */
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);

const RAD = Math.PI / 180;

/** Geodetic (degrees, metres above the ellipsoid) → ECEF metres. */
export function geodeticToEcef(lon: number, lat: number, height: number): [number, number, number] {
  const l = lon * RAD;
  const p = lat * RAD;
  const sinP = Math.sin(p);
  const n = WGS84_A / Math.sqrt(1 - E2 * sinP * sinP);
  return [
    (n + height) * Math.cos(p) * Math.cos(l),
    (n + height) * Math.cos(p) * Math.sin(l),
    (n * (1 - E2) + height) * sinP,
  ];
}

/** ECEF metres → geodetic [lon°, lat°, height m] (iterative; converges to < 1 mm in a few steps). */
export function ecefToGeodetic(x: number, y: number, z: number): [number, number, number] {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - E2));
  let h = 0;
  for (let i = 0; i < 8; i++) {
    const sinP = Math.sin(lat);
    const n = WGS84_A / Math.sqrt(1 - E2 * sinP * sinP);
    h = Math.abs(Math.cos(lat)) > 1e-12 ? p / Math.cos(lat) - n : Math.abs(z) - n * (1 - E2);
    lat = Math.atan2(z, p * (1 - (E2 * n) / (n + h)));
  }
  return [lon / RAD, lat / RAD, h];
}

/** The east-north-up frame at (lon, lat, height) as a column-major 4×4 matrix (local → ECEF). */
export function eastNorthUpToFixedFrame(lon: number, lat: number, height: number): number[] {
  const l = lon * RAD;
  const p = lat * RAD;
  const east = [-Math.sin(l), Math.cos(l), 0];
  const north = [-Math.sin(p) * Math.cos(l), -Math.sin(p) * Math.sin(l), Math.cos(p)];
  const up = [Math.cos(p) * Math.cos(l), Math.cos(p) * Math.sin(l), Math.sin(p)];
  const o = geodeticToEcef(lon, lat, height);
  return [...east, 0, ...north, 0, ...up, 0, ...o, 1];
}

/** Product of two column-major 4×4 matrices, `a · b`. */
export function multiply4(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
      out[c * 4 + r] = s;
    }
  }
  return out;
}

/** Placement of a local model: where its origin goes and which way its +y (north) turns. */
export interface Placement {
  lon: number;
  lat: number;
  /** Metres above the WGS84 ellipsoid (the map has no terrain; 0 is the map surface). */
  height: number;
  /** Degrees clockwise from north. */
  heading: number;
}

/** `ENU(lon, lat, height) · Rz(-heading)`: the root transform of a placed tileset. */
export function placementTransform(p: Placement): number[] {
  const h = -p.heading * RAD;
  const c = Math.cos(h);
  const s = Math.sin(h);
  const rz = [c, s, 0, 0, -s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  return multiply4(eastNorthUpToFixedFrame(p.lon, p.lat, p.height), rz);
}

/** Applies a column-major 4×4 matrix to a point. */
export function transformPoint(m: readonly number[], x: number, y: number, z: number): [number, number, number] {
  return [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
  ];
}

/** Checks a placement and returns it, or a message naming the bad value. */
export function checkPlacement(p: Placement): string | null {
  if (!Number.isFinite(p.lon) || p.lon < -180 || p.lon > 180) return `lon must be within -180..180, got ${p.lon}`;
  if (!Number.isFinite(p.lat) || p.lat < -85 || p.lat > 85) return `lat must be within -85..85, got ${p.lat}`;
  if (!Number.isFinite(p.height) || p.height < -1000 || p.height > 10000) return `height must be within -1000..10000 m, got ${p.height}`;
  if (!Number.isFinite(p.heading) || p.heading < -360 || p.heading > 360) return `heading must be within -360..360 degrees, got ${p.heading}`;
  return null;
}
