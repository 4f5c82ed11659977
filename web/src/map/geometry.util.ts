/**
 * Small geometry helpers for the client: bounding boxes for "fly to", and a label point that
 * lies inside a polygon (a coarse pole-of-inaccessibility search, enough for labels).
 */
import type { Geometry, Position } from 'geojson';

/** [minLon, minLat, maxLon, maxLat]. */
export type BBox = [number, number, number, number];

function eachPosition(geom: Geometry, fn: (p: Position) => void): void {
  switch (geom.type) {
    case 'Point': fn(geom.coordinates); break;
    case 'MultiPoint': case 'LineString': geom.coordinates.forEach(fn); break;
    case 'MultiLineString': case 'Polygon': geom.coordinates.forEach((r) => r.forEach(fn)); break;
    case 'MultiPolygon': geom.coordinates.forEach((p) => p.forEach((r) => r.forEach(fn))); break;
    case 'GeometryCollection': geom.geometries.forEach((g) => eachPosition(g, fn)); break;
  }
}

/** Bounding box of `geom`, or null when it has no positions. */
export function geometryBBox(geom: Geometry | null | undefined): BBox | null {
  if (!geom) return null;
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  eachPosition(geom, ([x, y]) => {
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  });
  return Number.isFinite(b[0]) ? b : null;
}

function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2);
}

function insideRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentDistance2(x: number, y: number, a: Position, b: Position): number {
  let [px, py] = a;
  let dx = b[0] - px;
  let dy = b[1] - py;
  if (dx !== 0 || dy !== 0) {
    const t = ((x - px) * dx + (y - py) * dy) / (dx * dx + dy * dy);
    if (t > 1) { px = b[0]; py = b[1]; } else if (t > 0) { px += dx * t; py += dy * t; }
  }
  dx = x - px;
  dy = y - py;
  return dx * dx + dy * dy;
}

/**
 * A point well inside a (Multi)Polygon's largest part, for placing its label; the position itself
 * for points. Searches a 24×24 grid for the inside point farthest from the boundary.
 */
export function labelPoint(geom: Geometry | null | undefined): Position | null {
  if (!geom) return null;
  if (geom.type === 'Point') return geom.coordinates;
  const polygons = geom.type === 'Polygon' ? [geom.coordinates] : geom.type === 'MultiPolygon' ? geom.coordinates : null;
  if (!polygons || polygons.length === 0) return null;
  const poly = polygons.reduce((best, p) => (ringArea(p[0]) > ringArea(best[0]) ? p : best));
  const bbox = geometryBBox({ type: 'Polygon', coordinates: poly })!;
  const n = 24;
  let best: Position | null = null;
  let bestD = -1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = bbox[0] + ((i + 0.5) / n) * (bbox[2] - bbox[0]);
      const y = bbox[1] + ((j + 0.5) / n) * (bbox[3] - bbox[1]);
      if (!insideRing(x, y, poly[0]) || poly.slice(1).some((hole) => insideRing(x, y, hole))) continue;
      let d = Infinity;
      for (const ring of poly) for (let k = 1; k < ring.length; k++) d = Math.min(d, segmentDistance2(x, y, ring[k - 1], ring[k]));
      if (d > bestD) { bestD = d; best = [x, y]; }
    }
  }
  return best ?? [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
}
