/**
 * Orders the stops of a generated tour along a short path, and fits a camera to an extent.
 * Pure functions, no I/O.
 *
 * The visiting order is an open path (start anywhere, end anywhere) over great-circle distances:
 * nearest-neighbour from every start, each improved by 2-opt until no reversal shortens it, and
 * the shortest kept. For the few dozen stops of a tour this is instant and within a few percent of
 * optimal; exact solutions are not worth their cost here.
 */

/** [lon, lat] in degrees. */
export type LonLat = [number, number];

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LonLat, b: LonLat): number {
  const dLat = rad(b[1] - a[1]);
  const dLon = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length in metres of the path visiting `points` in `order`. */
export function pathLengthM(points: readonly LonLat[], order: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < order.length; i++) sum += distanceM(points[order[i - 1]], points[order[i]]);
  return sum;
}

function nearestNeighbour(d: number[][], start: number): number[] {
  const n = d.length;
  const seen = new Array<boolean>(n).fill(false);
  const order = [start];
  seen[start] = true;
  for (let k = 1; k < n; k++) {
    const last = order[order.length - 1];
    let best = -1;
    for (let j = 0; j < n; j++) if (!seen[j] && (best < 0 || d[last][j] < d[last][best])) best = j;
    seen[best] = true;
    order.push(best);
  }
  return order;
}

/** 2-opt for an open path: reverse order[i..j] while that shortens the path; `fixFirst` keeps order[0]. */
function twoOpt(d: number[][], order: number[], fixFirst: boolean): number[] {
  const n = order.length;
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = fixFirst ? 1 : 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = i > 0 ? order[i - 1] : -1;
        const b = order[i];
        const c = order[j];
        const e = j < n - 1 ? order[j + 1] : -1;
        const before = (a >= 0 ? d[a][b] : 0) + (e >= 0 ? d[c][e] : 0);
        const after = (a >= 0 ? d[a][c] : 0) + (e >= 0 ? d[b][e] : 0);
        if (after < before - 1e-6) {
          order.splice(i, j - i + 1, ...order.slice(i, j + 1).reverse());
          improved = true;
        }
      }
    }
  }
  return order;
}

/**
 * A short visiting order of `points` (indices into it), each visited once. With `start`, the path
 * begins there (e.g. a park gate); otherwise anywhere.
 */
export function shortPathOrder(points: readonly LonLat[], start?: number): number[] {
  const n = points.length;
  if (n <= 2) return points.map((_, i) => i);
  const d = points.map((p) => points.map((q) => distanceM(p, q)));
  let best: number[] | null = null;
  let bestLen = Infinity;
  for (const s of start === undefined ? points.map((_, i) => i) : [start]) {
    const order = twoOpt(d, nearestNeighbour(d, s), start !== undefined);
    const len = pathLengthM(points, order);
    if (len < bestLen) {
      bestLen = len;
      best = order;
    }
  }
  return best!;
}

/** Viewport the generated cameras are fitted for (a laptop map beside the stop card). */
export const FIT_VIEWPORT = { width: 900, height: 640 } as const;

/**
 * Centre and zoom showing the extent [xmin, ymin, xmax, ymax] in a `FIT_VIEWPORT`-sized Web
 * Mercator view with `paddingPx` on every side, capped at `maxZoom`.
 */
export function fitCamera(b: [number, number, number, number], opts: { paddingPx?: number; maxZoom?: number; minZoom?: number } = {}): { center: LonLat; zoom: number } {
  const pad = opts.paddingPx ?? 60;
  const mercY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + rad(lat) / 2));
  const w = Math.max(FIT_VIEWPORT.width - 2 * pad, 100);
  const h = Math.max(FIT_VIEWPORT.height - 2 * pad, 100);
  const dx = Math.max(rad(b[2] - b[0]), 1e-9);
  const dy = Math.max(mercY(b[3]) - mercY(b[1]), 1e-9);
  // At zoom z the world is 512·2^z px wide (MapLibre's 512 px tiles) for 2π radians.
  const zx = Math.log2((w * 2 * Math.PI) / (512 * dx));
  const zy = Math.log2((h * 2 * Math.PI) / (512 * dy));
  const zoom = Math.min(opts.maxZoom ?? 18, Math.max(opts.minZoom ?? 3, Math.min(zx, zy)));
  const cy = (mercY(b[1]) + mercY(b[3])) / 2;
  const lat = (2 * Math.atan(Math.exp(cy)) - Math.PI / 2) * (180 / Math.PI);
  return { center: [(b[0] + b[2]) / 2, lat], zoom: Math.round(zoom * 100) / 100 };
}
