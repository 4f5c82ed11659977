/**
 * KML 2.2 (OGC 07-147r2) Placemarks: `<name>`, the attributes as `<ExtendedData><Data>` (with the
 * Chinese label as `<displayName>`), and the geometry as a Point, a Polygon (exterior
 * counter-clockwise, holes clockwise) or a MultiGeometry of Polygons.
 */
import type { Geometry, Position } from 'geojson';
import { orientPolygon } from './rings.ts';

/** Escape text for XML content and attributes; drops characters XML 1.0 forbids. */
export function xmlText(v: unknown): string {
  return String(v)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function coords(ring: Position[]): string {
  return ring.map(([x, y]) => `${x},${y}`).join(' ');
}

function polygon(rings: Position[][]): string {
  const [outer, ...holes] = orientPolygon(rings, 'ccw');
  return `<Polygon><outerBoundaryIs><LinearRing><coordinates>${coords(outer)}</coordinates></LinearRing></outerBoundaryIs>${
    holes.map((h) => `<innerBoundaryIs><LinearRing><coordinates>${coords(h)}</coordinates></LinearRing></innerBoundaryIs>`).join('')
  }</Polygon>`;
}

/** KML geometry element for a Point, Polygon or MultiPolygon (empty string for null). */
export function kmlGeometry(g: Geometry | null): string {
  if (!g) return '';
  switch (g.type) {
    case 'Point':
      return `<Point><coordinates>${g.coordinates[0]},${g.coordinates[1]}</coordinates></Point>`;
    case 'Polygon':
      return polygon(g.coordinates);
    case 'MultiPolygon':
      return g.coordinates.length === 1 ? polygon(g.coordinates[0]) : `<MultiGeometry>${g.coordinates.map(polygon).join('')}</MultiGeometry>`;
    default:
      throw new Error(`KML export does not handle ${g.type}`);
  }
}

/** The document start, named after the layer. */
export function kmlHead(name: string, description: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document><name>${xmlText(name)}</name><description>${xmlText(description)}</description>\n`;
}

/** The document end. */
export const KML_TAIL = '</Document>\n</kml>\n';

/** One attribute of a Placemark's ExtendedData. */
export interface KmlData {
  name: string;
  label?: string;
  value: unknown;
}

/** One Placemark. Null values are left out; lists are joined with `;`. */
export function kmlPlacemark(id: string, name: unknown, data: readonly KmlData[], geometry: Geometry | null): string {
  const fields = data
    .filter((d) => d.value !== null && d.value !== undefined)
    .map((d) => `<Data name="${xmlText(d.name)}">${d.label ? `<displayName>${xmlText(d.label)}</displayName>` : ''}<value>${xmlText(Array.isArray(d.value) ? d.value.join(';') : d.value)}</value></Data>`)
    .join('');
  return `<Placemark id="${xmlText(id)}"><name>${xmlText(name ?? '')}</name><ExtendedData>${fields}</ExtendedData>${kmlGeometry(geometry)}</Placemark>\n`;
}
