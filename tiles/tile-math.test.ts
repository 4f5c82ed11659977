import { describe, expect, it } from 'vitest';
import { lonLatToTile, parseTile, tileBounds4326, tilesForBBox, TileCoordError } from './tile-math.ts';

describe('parseTile', () => {
  it('accepts a tile inside the zoom level', () => {
    expect(parseTile('12', '3271', '1697')).toEqual({ z: 12, x: 3271, y: 1697 });
  });

  it.each([
    ['23', '0', '0', /z must be within 0\.\.22, got 23/],
    ['2', '4', '0', /x must be within 0\.\.3 at zoom 2, got 4/],
    ['2', '0', '9', /y must be within 0\.\.3 at zoom 2, got 9/],
    ['a', '0', '0', /z must be a non-negative integer, got "a"/],
    ['1', '-1', '0', /x must be a non-negative integer, got "-1"/],
  ])('rejects %s/%s/%s naming the bad value', (z, x, y, msg) => {
    expect(() => parseTile(z, x, y)).toThrow(TileCoordError);
    expect(() => parseTile(z, x, y)).toThrow(msg);
  });
});

describe('tile geometry', () => {
  it('puts Dazhou city centre in the tile whose bounds contain it', () => {
    const [fx, fy] = lonLatToTile(107.497, 31.212, 12);
    const t = { z: 12, x: Math.floor(fx), y: Math.floor(fy) };
    const [w, s, e, n] = tileBounds4326(t);
    expect(107.497).toBeGreaterThan(w);
    expect(107.497).toBeLessThan(e);
    expect(31.212).toBeGreaterThan(s);
    expect(31.212).toBeLessThan(n);
  });

  it('covers a bbox with every tile it touches', () => {
    const tiles = tilesForBBox([107.4, 31.1, 107.6, 31.3], 10, 0);
    const [x0, y0] = lonLatToTile(107.4, 31.3, 10);
    const [x1, y1] = lonLatToTile(107.6, 31.1, 10);
    expect(tiles.length).toBe((Math.floor(x1) - Math.floor(x0) + 1) * (Math.floor(y1) - Math.floor(y0) + 1));
  });
});
