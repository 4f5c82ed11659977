/**
 * GeoJSON geometry → hex EWKB (little-endian, 2D, with SRID), the form PostGIS reads fastest:
 * `'0103000020E6…'::geometry` needs no JSON parsing in the database. Staging sends geometries
 * this way in a `text[]` parameter.
 *
 * Only X and Y are written (like ST_Force2D); nothing is validated here (the readers checked the
 * structure, PostGIS checks validity), so degenerate shapes such as a one-point line or an
 * unclosed ring reach PostGIS exactly as they were read.
 */
import type { Geometry, Position } from 'geojson';

const WKB_TYPE: Record<Geometry['type'], number> = {
  Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6, GeometryCollection: 7,
};
const SRID_FLAG = 0x20000000;

/** Bytes of one geometry's WKB body (without SRID). */
function size(g: Geometry): number {
  switch (g.type) {
    case 'Point': return 5 + 16;
    case 'LineString': return 9 + 16 * g.coordinates.length;
    case 'Polygon': return ringsSize(g.coordinates);
    case 'MultiPoint': return 9 + 21 * g.coordinates.length;
    case 'MultiLineString': return g.coordinates.reduce((n, l) => n + 9 + 16 * l.length, 9);
    case 'MultiPolygon': return g.coordinates.reduce((n, p) => n + ringsSize(p), 9);
    case 'GeometryCollection': return g.geometries.reduce((n, c) => n + size(c), 9);
  }
}

function ringsSize(rings: Position[][]): number {
  let n = 9;
  for (const r of rings) n += 4 + 16 * r.length;
  return n;
}

class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  header(type: number): void {
    this.buf[this.offset] = 1; // little-endian
    this.buf.writeUInt32LE(type, this.offset + 1);
    this.offset += 5;
  }
  uint(n: number): void {
    this.buf.writeUInt32LE(n, this.offset);
    this.offset += 4;
  }
  point(p: Position): void {
    this.buf.writeDoubleLE(p[0], this.offset);
    this.buf.writeDoubleLE(p[1], this.offset + 8);
    this.offset += 16;
  }
  points(ps: Position[]): void {
    this.uint(ps.length);
    for (const p of ps) this.point(p);
  }
  rings(rs: Position[][]): void {
    this.uint(rs.length);
    for (const r of rs) this.points(r);
  }
  geometry(g: Geometry): void {
    this.header(WKB_TYPE[g.type]);
    this.body(g);
  }
  body(g: Geometry): void {
    switch (g.type) {
      case 'Point': return this.point(g.coordinates);
      case 'LineString': return this.points(g.coordinates);
      case 'Polygon': return this.rings(g.coordinates);
      case 'MultiPoint':
        this.uint(g.coordinates.length);
        for (const p of g.coordinates) { this.header(1); this.point(p); }
        return;
      case 'MultiLineString':
        this.uint(g.coordinates.length);
        for (const l of g.coordinates) { this.header(2); this.points(l); }
        return;
      case 'MultiPolygon':
        this.uint(g.coordinates.length);
        for (const p of g.coordinates) { this.header(3); this.rings(p); }
        return;
      case 'GeometryCollection':
        this.uint(g.geometries.length);
        for (const c of g.geometries) this.geometry(c);
    }
  }
}

/** Hex EWKB of `g` in `srid`, e.g. `toHexEwkb({type: 'Point', coordinates: [1, 2]}, 4326)`. */
export function toHexEwkb(g: Geometry, srid: number): string {
  const w = new Writer(Buffer.allocUnsafe(size(g) + 4));
  w.header(WKB_TYPE[g.type] | SRID_FLAG);
  w.uint(srid);
  w.body(g);
  return w.buf.toString('hex');
}
