/**
 * Exact "does this site intersect the drawn area" in JavaScript, for the candidate table
 * (selection.table.ts): the predicate `candidates` runs in PostgreSQL,
 * `ST_Intersects(c.geom, <drawn area, EPSG:4326>)`, on the same float8 coordinates.
 *
 * PostGIS hands polygon/polygon intersects to GEOS, whose orientation test is exact for such
 * inputs (double-double arithmetic on differences of doubles), so its answer is the mathematical
 * one for the closed point sets. The same answer here: two areas intersect when a segment of one
 * touches or crosses a segment of the other, or, failing that, when one vertex of some ring of
 * one lies inside the other (no boundary contact means each ring lies wholly inside or wholly
 * outside the other area). Inside is the even-odd rule over all rings (GEOS's ray-crossing
 * locator), which for valid (multi)polygons is the polygon with its holes. Every orientation is
 * decided exactly: in floating point when the result is far from 0 (Shewchuk's error bound),
 * otherwise in BigInt on the exact binary values.
 *
 * Geometry layout ("packed"): one Float64Array per site,
 * `[ringCount, n₁, x, y, x, y, …, n₂, x, y, …]` with every ring of every polygon in turn (the
 * grouping into polygons is not needed by the even-odd rule), each ring closed as stored.
 */

/** A drawn area prepared for many tests: its rings (flat x,y) and bounding boxes. */
export interface PreparedArea {
  rings: Float64Array[];
  minX: number; minY: number; maxX: number; maxY: number;
}

/** GeoJSON Polygon/MultiPolygon coordinates as a prepared area. */
export function prepareArea(area: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }): PreparedArea {
  const polys = (area.type === 'Polygon' ? [area.coordinates] : area.coordinates) as number[][][][];
  const rings: Float64Array[] = [];
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const poly of polys) {
    for (const ring of poly) {
      const r = new Float64Array(ring.length * 2);
      ring.forEach((p, i) => {
        r[2 * i] = p[0];
        r[2 * i + 1] = p[1];
        if (p[0] < minX) minX = p[0];
        if (p[0] > maxX) maxX = p[0];
        if (p[1] < minY) minY = p[1];
        if (p[1] > maxY) maxY = p[1];
      });
      rings.push(r);
    }
  }
  return { rings, minX, minY, maxX, maxY };
}

/**
 * A WKB Polygon or MultiPolygon (2D, as `ST_AsBinary` writes it) in the packed layout with its
 * bounding box; null for anything else (then the table leaves drawn areas to SQL).
 */
export function packWkb(wkb: Uint8Array): { packed: Float64Array; minX: number; minY: number; maxX: number; maxY: number } | null {
  const view = new DataView(wkb.buffer, wkb.byteOffset, wkb.byteLength);
  // Two walks: the first checks the structure and counts, the second copies into one array.
  const walk = (out: Float64Array | null): number => {
    let pos = 0, o = 1, rings = 0;
    const polygon = (little: boolean) => {
      const nr = view.getUint32(pos, little);
      pos += 4;
      for (let r = 0; r < nr; r++) {
        const np = view.getUint32(pos, little);
        pos += 4;
        rings++;
        if (out) {
          out[o] = np;
          for (let k = 0; k < 2 * np; k++) out[o + 1 + k] = view.getFloat64(pos + 8 * k, little);
        }
        o += 1 + 2 * np;
        pos += 16 * np;
        if (pos > wkb.byteLength) throw new RangeError('short WKB');
      }
    };
    const little = view.getUint8(0) === 1;
    const type = view.getUint32(1, little);
    pos = 5;
    if (type === 3) polygon(little);
    else if (type === 6) {
      const n = view.getUint32(pos, little);
      pos += 4;
      for (let i = 0; i < n; i++) {
        const l = view.getUint8(pos) === 1;
        if (view.getUint32(pos + 1, l) !== 3) return -1;
        pos += 5;
        polygon(l);
      }
    } else return -1;
    if (out) out[0] = rings;
    return o;
  };
  let size: number;
  try {
    size = walk(null);
  } catch {
    return null;
  }
  if (size < 0) return null;
  const packed = new Float64Array(size);
  walk(packed);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  let o = 1;
  for (let r = 0; r < packed[0]; r++) {
    const n = packed[o];
    for (let k = o + 1; k < o + 1 + 2 * n; k += 2) {
      const x = packed[k], y = packed[k + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    o += 1 + 2 * n;
  }
  return { packed, minX, minY, maxX, maxY };
}

// ───────────────────────────── exact orientation ─────────────────────────────

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** `x` × 2^1074 as an exact BigInt (every finite double is an integer multiple of 2^-1074). */
function scaled(x: number): bigint {
  F64[0] = x;
  const hi = U32[LITTLE ? 1 : 0], lo = U32[LITTLE ? 0 : 1];
  const e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e > 0) m = (m | (1n << 52n)) << BigInt(e - 1);
  return hi >>> 31 ? -m : m;
}

/** Sign of the orientation determinant computed exactly. */
function orientExact(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const [AX, AY, BX, BY, CX, CY] = [ax, ay, bx, by, cx, cy].map(scaled);
  const d = (BX - AX) * (CY - AY) - (BY - AY) * (CX - AX);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

/** Shewchuk's ccwerrboundA: (3 + 16ε)ε. */
const ERR = (3 + 16 * 2 ** -53) * 2 ** -53;

/** Sign of the orientation of c relative to a→b: 1 left (counter-clockwise), -1 right, 0 collinear; exact. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const l = (bx - ax) * (cy - ay);
  const r = (by - ay) * (cx - ax);
  const det = l - r;
  const bound = ERR * (Math.abs(l) + Math.abs(r));
  if (det > bound) return 1;
  if (-det > bound) return -1;
  return orientExact(ax, ay, bx, by, cx, cy);
}

/** Whether closed segments p1p2 and q1q2 share a point; exact. */
function segmentsMeet(p1x: number, p1y: number, p2x: number, p2y: number, q1x: number, q1y: number, q2x: number, q2y: number): boolean {
  const o1 = orient(p1x, p1y, p2x, p2y, q1x, q1y);
  const o2 = orient(p1x, p1y, p2x, p2y, q2x, q2y);
  if (o1 * o2 > 0) return false;
  const o3 = orient(q1x, q1y, q2x, q2y, p1x, p1y);
  const o4 = orient(q1x, q1y, q2x, q2y, p2x, p2y);
  if (o3 * o4 > 0) return false;
  if (o1 !== 0 || o2 !== 0 || o3 !== 0 || o4 !== 0) {
    // Proper crossing, or an endpoint on the other segment's line: then it lies on the segment
    // when it is within the segment's box (the line test above is exact).
    if (o1 * o2 < 0 && o3 * o4 < 0) return true;
    if (o1 === 0 && within(q1x, q1y, p1x, p1y, p2x, p2y)) return true;
    if (o2 === 0 && within(q2x, q2y, p1x, p1y, p2x, p2y)) return true;
    if (o3 === 0 && within(p1x, p1y, q1x, q1y, q2x, q2y)) return true;
    if (o4 === 0 && within(p2x, p2y, q1x, q1y, q2x, q2y)) return true;
    return false;
  }
  // All four collinear: the segments meet when their boxes overlap.
  return Math.max(Math.min(p1x, p2x), Math.min(q1x, q2x)) <= Math.min(Math.max(p1x, p2x), Math.max(q1x, q2x))
    && Math.max(Math.min(p1y, p2y), Math.min(q1y, q2y)) <= Math.min(Math.max(p1y, p2y), Math.max(q1y, q2y));
}

/** Point (collinear with a–b) within the segment's box. */
function within(x: number, y: number, ax: number, ay: number, bx: number, by: number): boolean {
  return x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by);
}

/** Even-odd: whether (x, y) is inside the rings (a point on a ring counts either way; callers have ruled contact out). */
function insideRings(x: number, y: number, rings: readonly Float64Array[]): boolean {
  let inside = false;
  for (const r of rings) {
    for (let k = 0; k + 3 < r.length; k += 2) {
      const ax = r[k], ay = r[k + 1], bx = r[k + 2], by = r[k + 3];
      if ((ay > y) === (by > y)) continue;
      // Upward edge: crossing right of the point when the point is left of it.
      const o = orient(ax, ay, bx, by, x, y);
      if (by > ay ? o > 0 : o < 0) inside = !inside;
    }
  }
  return inside;
}

/** The rings of a packed geometry. */
function ringsOf(packed: Float64Array): Float64Array[] {
  const rings: Float64Array[] = [];
  let o = 1;
  for (let r = 0; r < packed[0]; r++) {
    const n = packed[o];
    rings.push(packed.subarray(o + 1, o + 1 + 2 * n));
    o += 1 + 2 * n;
  }
  return rings;
}

/**
 * `ST_Intersects(site, area)` for a site in the packed layout with bounding box `box`
 * ([minX, minY, maxX, maxY]); exact.
 */
export function intersectsArea(packed: Float64Array, minX: number, minY: number, maxX: number, maxY: number, area: PreparedArea): boolean {
  if (minX > area.maxX || maxX < area.minX || minY > area.maxY || maxY < area.minY) return false;
  const rings = ringsOf(packed);
  for (const s of rings) {
    for (let i = 0; i + 3 < s.length; i += 2) {
      const ax = s[i], ay = s[i + 1], bx = s[i + 2], by = s[i + 3];
      const sx0 = Math.min(ax, bx), sx1 = Math.max(ax, bx), sy0 = Math.min(ay, by), sy1 = Math.max(ay, by);
      if (sx0 > area.maxX || sx1 < area.minX || sy0 > area.maxY || sy1 < area.minY) continue;
      for (const d of area.rings) {
        for (let k = 0; k + 3 < d.length; k += 2) {
          const cx = d[k], cy = d[k + 1], dx = d[k + 2], dy = d[k + 3];
          if (Math.max(cx, dx) < sx0 || Math.min(cx, dx) > sx1 || Math.max(cy, dy) < sy0 || Math.min(cy, dy) > sy1) continue;
          if (segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy)) return true;
        }
      }
    }
  }
  for (const s of rings) if (s.length >= 2 && insideRings(s[0], s[1], area.rings)) return true;
  for (const d of area.rings) if (d.length >= 2 && insideRings(d[0], d[1], rings)) return true;
  return false;
}
