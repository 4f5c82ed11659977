/**
 * Ground footprint of a drone photo: the area of flat ground the picture shows.
 *
 * Model: a pinhole camera at height `relativeAltitude` above a flat ground plane, pointing along
 * gimbal yaw (clockwise from north) and pitch (0 = horizontal, -90 = straight down), rolled by
 * gimbal roll. Each image corner is a ray; where it meets the ground is a footprint corner.
 * Nadir shots give a rectangle rotated by yaw; oblique shots a trapezoid, far edge longer.
 *
 * Horizon cap: rays that meet the ground far away (or never) are clipped. A ray less than
 * `minDepressionDeg` (default 5°) below horizontal, or meeting the ground beyond
 * `min(maxDistanceFactor × height, maxDistanceM)` (default min(10 h, 2 km)), is stopped at that
 * cap distance along its own compass direction, so the far edge becomes an arc of the cap circle.
 * If even the lowest ray misses the cap (camera looking at the horizon or up), there is no
 * footprint (null with a reason).
 *
 * Geometry is computed in a local East-North-Up frame in metres and converted to WGS84 with the
 * WGS84 ellipsoid's meridian and prime-vertical radii of curvature at the photo's latitude
 * (error well under 1 m over the few-km extent a footprint can have).
 *
 * Terrain is assumed flat at take-off height: DJI RelativeAltitude is height above the take-off
 * point, not above the ground under the drone. We never guess height from AbsoluteAltitude.
 */
import type { Polygon } from 'geojson';
import { lookupSensor, type SensorSize } from './camera-sensors.ts';
import type { PhotoMeta } from './exif.ts';

/** What the footprint needs; footprintFromMeta fills it from PhotoMeta. */
export interface FootprintInput {
  lat: number;
  lon: number;
  /** Height above ground, metres (> 0). */
  heightM: number;
  /** Camera yaw, degrees clockwise from north. */
  yawDeg: number;
  /** Camera pitch, degrees; -90 = nadir, 0 = horizontal. */
  pitchDeg: number;
  /** Camera roll, degrees (positive = right side down). Default 0. */
  rollDeg?: number;
  /** Focal length, mm (same units as the sensor). */
  focalMm: number;
  /** Sensor long side × short side, mm. */
  sensor: { widthMm: number; heightMm: number };
  /** Stored image size: decides whether the sensor's long side is horizontal. Default landscape. */
  imageWidth?: number | null;
  imageHeight?: number | null;
}

/** Options of the horizon cap (see the module comment). */
export interface FootprintOptions {
  /** Rays shallower than this many degrees below horizontal are capped. Default 5. */
  minDepressionDeg?: number;
  /** Cap distance as a multiple of height. Default 10. */
  maxDistanceFactor?: number;
  /** Absolute cap distance, metres. Default 2000. */
  maxDistanceM?: number;
  /** Points per image edge when the cap applies (arc smoothness). Default 8. */
  edgeSamples?: number;
}

/** A footprint, or null with the reason. */
export type FootprintResult =
  | {
      polygon: Polygon;
      kind: 'nadir' | 'oblique';
      /** True when the horizon/distance cap clipped part of the view. */
      capped: boolean;
      sensor: SensorSize;
      focalMm: number;
      reason?: undefined;
    }
  | { polygon: null; reason: string };

const DEFAULTS: Required<FootprintOptions> = { minDepressionDeg: 5, maxDistanceFactor: 10, maxDistanceM: 2000, edgeSamples: 8 };
/** Pitch within this many degrees of -90 counts as nadir (labelling only; the maths is the same). */
const NADIR_TOLERANCE_DEG = 1;
/** Diagonal of a 36×24 mm frame, the basis of "35 mm-equivalent" focal lengths (CIPA DC-004). */
const FULL_FRAME_DIAGONAL_MM = Math.hypot(36, 24);

const RAD = Math.PI / 180;
type V3 = [number, number, number];

/**
 * Footprint of a photo from its metadata: sensor from the camera table, else from the
 * 35 mm-equivalent focal length; yaw from gimbal, else flight yaw; pitch and roll from the gimbal.
 */
export function footprintFromMeta(meta: PhotoMeta, options: FootprintOptions = {}): FootprintResult {
  const where = meta.fileName;
  if (meta.lat === null || meta.lon === null) return { polygon: null, reason: `${where}: no position` };
  if (meta.relativeAltitude === null) {
    return { polygon: null, reason: `${where}: no RelativeAltitude (height above ground); not guessed from absolute altitude` };
  }
  if (meta.relativeAltitude <= 0) return { polygon: null, reason: `${where}: RelativeAltitude ${meta.relativeAltitude} m is not above ground` };
  if (meta.gimbal.pitch === null) return { polygon: null, reason: `${where}: no GimbalPitchDegree, camera direction unknown` };
  const yaw = meta.gimbal.yaw ?? meta.flight.yaw;
  if (yaw === null) return { polygon: null, reason: `${where}: no GimbalYawDegree or FlightYawDegree` };

  const lens = lensFor(meta);
  if ('reason' in lens) return { polygon: null, reason: `${where}: ${lens.reason}` };

  return computeFootprint(
    {
      lat: meta.lat,
      lon: meta.lon,
      heightM: meta.relativeAltitude,
      yawDeg: yaw,
      pitchDeg: meta.gimbal.pitch,
      rollDeg: meta.gimbal.roll ?? 0,
      focalMm: lens.focalMm,
      sensor: lens.sensor,
      imageWidth: meta.width,
      imageHeight: meta.height,
    },
    options,
    lens.sensor,
  );
}

/**
 * Focal length and sensor for a photo: table sensor + real focal length, else the
 * 35 mm-equivalent focal length with a full-frame diagonal split by the image aspect ratio.
 */
export function lensFor(meta: Pick<PhotoMeta, 'model' | 'width' | 'height' | 'focalLength' | 'focalLength35mm'>):
  | { focalMm: number; sensor: SensorSize }
  | { reason: string } {
  const longSide = meta.width && meta.height ? Math.max(meta.width, meta.height) : null;
  const table = lookupSensor(meta.model, longSide);
  if (table && meta.focalLength) return { focalMm: meta.focalLength, sensor: table };
  if (meta.focalLength35mm) {
    const [w, h] = meta.width && meta.height ? [Math.max(meta.width, meta.height), Math.min(meta.width, meta.height)] : [3, 2];
    const d = Math.hypot(w, h);
    return {
      focalMm: meta.focalLength35mm,
      sensor: { widthMm: (FULL_FRAME_DIAGONAL_MM * w) / d, heightMm: (FULL_FRAME_DIAGONAL_MM * h) / d, source: `35 mm equivalent (FocalLengthIn35mmFormat ${meta.focalLength35mm})` },
    };
  }
  if (table) return { reason: `Model ${JSON.stringify(meta.model)} has a known sensor but FocalLength is missing` };
  return { reason: `sensor size unknown for Model ${JSON.stringify(meta.model)} and no FocalLengthIn35mmFormat` };
}

/** Footprint from explicit camera parameters (see the module comment for the model). */
export function computeFootprint(input: FootprintInput, options: FootprintOptions = {}, sensorInfo?: SensorSize): FootprintResult {
  const o = { ...DEFAULTS, ...options };
  const { heightM: h, focalMm: f } = input;
  for (const [name, v] of [['height', h], ['focal length', f], ['sensor width', input.sensor.widthMm], ['sensor height', input.sensor.heightMm]] as const) {
    if (!(Number.isFinite(v) && v > 0)) return { polygon: null, reason: `${name} ${v} must be a positive number` };
  }
  if (![input.lat, input.lon, input.yawDeg, input.pitchDeg].every(Number.isFinite)) {
    return { polygon: null, reason: 'position, yaw and pitch must be finite numbers' };
  }

  const portrait = (input.imageHeight ?? 0) > (input.imageWidth ?? 0);
  const sw = portrait ? input.sensor.heightMm : input.sensor.widthMm;
  const sh = portrait ? input.sensor.widthMm : input.sensor.heightMm;
  const tx = sw / (2 * f); // tan of half the horizontal field of view
  const ty = sh / (2 * f);
  const { forward, right, up } = cameraAxes(input.yawDeg, input.pitchDeg, input.rollDeg ?? 0);

  const cap = Math.min(o.maxDistanceFactor * h, o.maxDistanceM, h / Math.tan(o.minDepressionDeg * RAD));
  const ray = (x: number, y: number): V3 => add(forward, add(scale(right, x * tx), scale(up, y * ty)));

  // The lowest image ray decides whether any ground is in view at all.
  const corners: Array<[number, number]> = [[-1, -1], [1, -1], [1, 1], [-1, 1]]; // BL, BR, TR, TL
  const lowest = Math.max(...corners.map(([x, y]) => depressionDeg(ray(x, y))), depressionDeg(ray(0, -1)));
  if (lowest < o.minDepressionDeg) {
    return { polygon: null, reason: `camera looks at the horizon: the lowest image ray is ${lowest.toFixed(1)}° below horizontal (< ${o.minDepressionDeg}°)` };
  }

  const ground = (d: V3): { p: [number, number]; capped: boolean } => {
    const horiz = Math.hypot(d[0], d[1]);
    const dist = d[2] < 0 ? (h * horiz) / -d[2] : Infinity;
    if (dist <= cap) return { p: [(h * d[0]) / -d[2], (h * d[1]) / -d[2]], capped: false };
    return { p: [(cap * d[0]) / horiz, (cap * d[1]) / horiz], capped: true };
  };

  let pts = corners.map(([x, y]) => ground(ray(x, y)));
  const capped = pts.some((p) => p.capped);
  if (capped) {
    // Sample the image border so the clipped far edge follows the cap circle.
    const n = Math.max(1, Math.round(o.edgeSamples));
    pts = [];
    for (let c = 0; c < 4; c++) {
      const [x0, y0] = corners[c];
      const [x1, y1] = corners[(c + 1) % 4];
      for (let i = 0; i < n; i++) pts.push(ground(ray(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n)));
    }
  }
  const enu = dedupe(pts.map((p) => p.p));
  const ring = enu.map(([e, n]) => enuToLonLat(input.lat, input.lon, e, n));
  ring.push(ring[0]);
  const pitchNadir = Math.abs(input.pitchDeg + 90) <= NADIR_TOLERANCE_DEG;
  return {
    polygon: { type: 'Polygon', coordinates: [ensureCounterClockwise(ring)] },
    kind: pitchNadir ? 'nadir' : 'oblique',
    capped,
    sensor: sensorInfo ?? { ...input.sensor, source: 'given' },
    focalMm: f,
  };
}

/**
 * Camera axes in ENU for yaw (clockwise from north), pitch (up positive) and roll
 * (right side down positive). `up` is the image's up direction.
 */
export function cameraAxes(yawDeg: number, pitchDeg: number, rollDeg: number): { forward: V3; right: V3; up: V3 } {
  const [y, p, r] = [yawDeg * RAD, pitchDeg * RAD, rollDeg * RAD];
  const forward: V3 = [Math.sin(y) * Math.cos(p), Math.cos(y) * Math.cos(p), Math.sin(p)];
  const right0: V3 = [Math.cos(y), -Math.sin(y), 0];
  const up0 = cross(right0, forward);
  return {
    forward,
    right: add(scale(right0, Math.cos(r)), scale(up0, -Math.sin(r))),
    up: add(scale(up0, Math.cos(r)), scale(right0, Math.sin(r))),
  };
}

/** WGS84 semi-major axis and first eccentricity squared. */
const A = 6378137;
const E2 = 6.69437999014e-3;

/**
 * Local east/north offset (m) → [lon, lat]. Uses the meridian radius M and prime-vertical
 * radius N at the origin latitude (then at the mid latitude for longitude).
 */
export function enuToLonLat(lat0: number, lon0: number, east: number, north: number): [number, number] {
  const s0 = Math.sin(lat0 * RAD);
  const M = (A * (1 - E2)) / Math.pow(1 - E2 * s0 * s0, 1.5);
  const lat = lat0 + north / M / RAD;
  const latMid = (lat0 + lat) / 2;
  const sm = Math.sin(latMid * RAD);
  const N = A / Math.sqrt(1 - E2 * sm * sm);
  const lon = lon0 + east / (N * Math.cos(latMid * RAD)) / RAD;
  return [lon, lat];
}

function depressionDeg(d: V3): number {
  return -Math.atan2(d[2], Math.hypot(d[0], d[1])) / RAD;
}

function dedupe(pts: Array<[number, number]>): Array<[number, number]> {
  return pts.filter((p, i) => {
    const q = pts[(i + pts.length - 1) % pts.length];
    return i === 0 || Math.hypot(p[0] - q[0], p[1] - q[1]) > 1e-6;
  });
}

/** GeoJSON (RFC 7946) wants exterior rings counter-clockwise. */
function ensureCounterClockwise(ring: Array<[number, number]>): Array<[number, number]> {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s < 0 ? ring.slice().reverse() : ring;
}

function add(a: V3, b: V3): V3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function scale(a: V3, k: number): V3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}
function cross(a: V3, b: V3): V3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
