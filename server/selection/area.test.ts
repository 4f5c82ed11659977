/**
 * The candidate table's drawn-area predicate (area.ts) on its own: exact
 * orientation where floating point cannot tell, touching and crossing boundaries, holes, and the
 * WKB it reads. (Against PostGIS itself: test/selection.test.ts, "decides drawn areas …".)
 */
import { describe, expect, it } from 'vitest';
import { intersectsArea, orient, packWkb, prepareArea } from './area.ts';

/** WKB (little-endian) of a MultiPolygon. */
function wkb(polys: number[][][][]): Uint8Array {
  const bytes: Buffer[] = [];
  const head = (type: number) => { const b = Buffer.alloc(5); b.writeUInt8(1, 0); b.writeUInt32LE(type, 1); bytes.push(b); };
  const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n, 0); bytes.push(b); };
  head(6);
  u32(polys.length);
  for (const poly of polys) {
    head(3);
    u32(poly.length);
    for (const ring of poly) {
      u32(ring.length);
      for (const [x, y] of ring) { const b = Buffer.alloc(16); b.writeDoubleLE(x, 0); b.writeDoubleLE(y, 8); bytes.push(b); }
    }
  }
  return new Uint8Array(Buffer.concat(bytes));
}

const square = (x: number, y: number, s: number) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const site = (polys: number[][][][]) => {
  const g = packWkb(wkb(polys))!;
  return (area: number[][][]) => intersectsArea(g.packed, g.minX, g.minY, g.maxX, g.maxY, prepareArea({ type: 'Polygon', coordinates: area }));
};

describe('exact orientation', () => {
  it('tells left from right where the floating-point determinant rounds to the wrong sign or to 0', () => {
    // Points on the line y = x near 107.3, nudged by one unit in the last place.
    const a = 107.3, up = a + 2 ** -46;
    expect(orient(0.5, 0.5, 12, 12, a, a)).toBe(0);
    expect(orient(0.5, 0.5, 12, 12, a, up)).toBe(1);
    expect(orient(0.5, 0.5, 12, 12, up, a)).toBe(-1);
    // A classic: 0.1 + 0.2 is not 0.3, and the exact test knows it.
    expect(orient(0, 0, 0.1, 0.1, 0.1 + 0.2, 0.3)).toBe(-orient(0, 0, 0.1, 0.1, 0.3, 0.1 + 0.2));
  });
});

describe('intersectsArea', () => {
  const s = site([[square(107.0, 31.0, 0.01)]]);
  it('touching at a vertex or along an edge intersects; a hair away does not', () => {
    expect(s([[[107.01, 31.01], [107.02, 31.01], [107.02, 31.02], [107.01, 31.01]]])).toBe(true);
    expect(s([square(107.01, 31.0, 0.01)])).toBe(true);
    const hair = 107.01 + 2 ** -46;
    expect(s([[[hair, 31.0], [107.03, 31.0], [107.03, 31.01], [hair, 31.01], [hair, 31.0]]])).toBe(false);
  });
  it('one inside the other intersects; a site inside a hole does not', () => {
    expect(s([square(107.004, 31.004, 0.001)])).toBe(true);
    expect(s([square(106.9, 30.9, 0.3)])).toBe(true);
    expect(s([square(106.9, 30.9, 0.3), square(106.99, 30.99, 0.05).reverse()])).toBe(false);
  });
  it('reads the holes and every part of a MultiPolygon', () => {
    const holed = site([[square(107.0, 31.0, 0.01), square(107.002, 31.002, 0.006)], [square(107.1, 31.0, 0.01)]]);
    expect(holed([square(107.004, 31.004, 0.001)])).toBe(false);
    expect(holed([square(107.104, 31.004, 0.001)])).toBe(true);
  });
  it('refuses geometry it cannot read', () => {
    expect(packWkb(new Uint8Array([1, 1, 0, 0, 0]))).toBeNull();
  });
});
