/**
 * Polygon ring orientation. Formats disagree: GeoJSON (RFC 7946 §3.1.6) and KML want exterior
 * rings counter-clockwise and holes clockwise; the ESRI Shapefile wants the opposite. PostGIS
 * stores whatever it was given, so the exports orient rings themselves.
 */
import type { Geometry, Position } from 'geojson';

/** Twice the signed area of a closed ring (shoelace): positive when counter-clockwise. */
export function signedArea2(ring: Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return s;
}

/** The ring, reversed if needed so it turns the requested way. */
export function orientRing(ring: Position[], clockwise: boolean): Position[] {
  const ccw = signedArea2(ring) > 0;
  return ccw === clockwise ? [...ring].reverse() : ring;
}

/** The polygon's rings with the exterior `exterior`-wise and the holes the other way. */
export function orientPolygon(rings: Position[][], exterior: 'ccw' | 'cw'): Position[][] {
  const cw = exterior === 'cw';
  return rings.map((r, i) => orientRing(r, i === 0 ? cw : !cw));
}

/** A copy of a (Multi)Polygon with rings oriented as given; other geometries unchanged. */
export function orientGeometry<G extends Geometry>(g: G, exterior: 'ccw' | 'cw'): G {
  if (g.type === 'Polygon') return { ...g, coordinates: orientPolygon(g.coordinates, exterior) };
  if (g.type === 'MultiPolygon') return { ...g, coordinates: g.coordinates.map((p) => orientPolygon(p, exterior)) };
  return g;
}
