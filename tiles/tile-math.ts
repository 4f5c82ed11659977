/**
 * Web-Mercator tile arithmetic (XYZ scheme, EPSG:3857): validating z/x/y, tile envelopes and the
 * tiles a bounding box touches (used to purge exactly the cached tiles a change affects).
 */
import { AppError } from '../core/errors.ts';

/** Highest zoom served. */
export const MAX_ZOOM = 22;
const R = 6378137;
const HALF = Math.PI * R;

/** A tile address. */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** Thrown for a z/x/y that does not address a tile; names the bad value. */
export class TileCoordError extends AppError {
  constructor(message: string, value: unknown) {
    super('bad_request', `tile z/x/y: ${message}`, { parameter: 'z/x/y', value });
    this.name = 'TileCoordError';
  }
}

const DIGITS = /^\d{1,8}$/;

function tileNumber(name: 'z' | 'x' | 'y', v: string): number {
  if (!DIGITS.test(v)) throw new TileCoordError(`${name} must be a non-negative integer, got "${v}"`, v);
  return Number(v);
}

/** Parse and validate z/x/y strings (y may carry the `.mvt`/`.pbf` extension already stripped). */
export function parseTile(z: string, x: string, y: string): TileCoord {
  const t = { z: tileNumber('z', z), x: tileNumber('x', x), y: tileNumber('y', y) };
  if (t.z > MAX_ZOOM) throw new TileCoordError(`z must be within 0..${MAX_ZOOM}, got ${t.z}`, t.z);
  const n = 2 ** t.z;
  if (t.x >= n) throw new TileCoordError(`x must be within 0..${n - 1} at zoom ${t.z}, got ${t.x}`, t.x);
  if (t.y >= n) throw new TileCoordError(`y must be within 0..${n - 1} at zoom ${t.z}, got ${t.y}`, t.y);
  return t;
}

/** Tile envelope in EPSG:3857 metres: [minX, minY, maxX, maxY]. */
export function tileBounds3857({ z, x, y }: TileCoord): [number, number, number, number] {
  const size = (2 * HALF) / 2 ** z;
  return [-HALF + x * size, HALF - (y + 1) * size, -HALF + (x + 1) * size, HALF - y * size];
}

/** Longitude/latitude of a tile corner (x, y may be fractional). */
export function tileToLonLat(z: number, x: number, y: number): [number, number] {
  const n = 2 ** z;
  const lon = (x / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [lon, lat];
}

/** Tile envelope in EPSG:4326: [west, south, east, north]. */
export function tileBounds4326({ z, x, y }: TileCoord): [number, number, number, number] {
  const [w, n] = tileToLonLat(z, x, y);
  const [e, s] = tileToLonLat(z, x + 1, y + 1);
  return [w, s, e, n];
}

/** Fractional tile coordinates of a lon/lat at zoom z. */
export function lonLatToTile(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const clampedLat = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  const rad = (clampedLat * Math.PI) / 180;
  const x = ((lon + 180) / 360) * n;
  const y = ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n;
  return [x, y];
}

/**
 * Every tile at zoom z that a lon/lat bbox touches, with a margin in tile units (the tile buffer:
 * a feature near an edge is drawn in the neighbour's buffer too).
 */
export function tilesForBBox(bbox: [number, number, number, number], z: number, margin = 64 / 4096): TileCoord[] {
  const n = 2 ** z;
  const [x0f, y0f] = lonLatToTile(bbox[0], bbox[3], z);
  const [x1f, y1f] = lonLatToTile(bbox[2], bbox[1], z);
  const x0 = Math.max(0, Math.floor(x0f - margin));
  const y0 = Math.max(0, Math.floor(y0f - margin));
  const x1 = Math.min(n - 1, Math.floor(x1f + margin));
  const y1 = Math.min(n - 1, Math.floor(y1f + margin));
  const out: TileCoord[] = [];
  for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push({ z, x, y });
  return out;
}
