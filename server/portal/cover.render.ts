/**
 * A park's rendered map for its cover and link previews (Open Graph wants 1200×630): the park's
 * outline and its available carriers drawn as SVG in Node and rasterised to PNG by sharp (the only
 * sharp user in the portal). No basemap and no network: the shapes come from our own tables.
 */
import sharp from 'sharp';
import type { Geometry, Position } from 'geojson';

/** Size of the cover image. */
export const COVER_SIZE = { width: 1200, height: 630 } as const;

const KIND_COLORS: Record<string, string> = { land: '#2e7d32', factory: '#1565c0', office: '#6a1b9a' };

function rings(g: Geometry): Position[][] {
  if (g.type === 'Polygon') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat();
  return [];
}

/** The SVG of a park's outline and carriers, fitted to the cover with a margin. */
export function coverSvg(outline: Geometry, bbox: [number, number, number, number], carriers: { kind: string; geometry: Geometry }[]): string {
  const { width, height } = COVER_SIZE;
  const kx = Math.cos(((bbox[1] + bbox[3]) / 2) * Math.PI / 180);
  const w = Math.max((bbox[2] - bbox[0]) * kx, 1e-6);
  const h = Math.max(bbox[3] - bbox[1], 1e-6);
  const scale = Math.min((width - 120) / w, (height - 120) / h);
  const ox = (width - w * scale) / 2;
  const oy = (height - h * scale) / 2;
  const pt = ([x, y]: Position) => `${(ox + (x - bbox[0]) * kx * scale).toFixed(1)},${(oy + (bbox[3] - y) * scale).toFixed(1)}`;
  const path = (g: Geometry) => rings(g).map((r) => `M${r.map(pt).join('L')}Z`).join('');
  const shapes = carriers.map((c) => `<path d="${path(c.geometry)}" fill="${KIND_COLORS[c.kind] ?? '#555'}" fill-opacity="0.8" stroke="#fff" stroke-width="1"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<defs><pattern id="g" width="40" height="40" patternUnits="userSpaceOnUse"><path d="M40 0H0V40" fill="none" stroke="#dfe6ee" stroke-width="1"/></pattern></defs>`
    + `<rect width="100%" height="100%" fill="#f3f6f9"/><rect width="100%" height="100%" fill="url(#g)"/>`
    + `<path d="${path(outline)}" fill="#ff7043" fill-opacity="0.12" stroke="#e64a19" stroke-width="4" fill-rule="evenodd"/>`
    + shapes + '</svg>';
}

/** The cover as PNG bytes. */
export async function coverPng(outline: Geometry, bbox: [number, number, number, number], carriers: { kind: string; geometry: Geometry }[]): Promise<Buffer> {
  return sharp(Buffer.from(coverSvg(outline, bbox, carriers))).png({ compressionLevel: 8 }).toBuffer();
}
