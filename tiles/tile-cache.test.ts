import { describe, expect, it } from 'vitest';
import { TileCache } from './tile-cache.ts';
import { lonLatToTile } from './tile-math.ts';

const body = (n: number) => ({ body: new Uint8Array(n), etag: `"${n}"` });

describe('TileCache', () => {
  it('keeps public and staff tiles apart', () => {
    const c = new TileCache(1e6);
    c.set('staff', 'land', 10, 1, 1, body(10));
    expect(c.get('public', 'land', 10, 1, 1)).toBeUndefined();
    expect(c.get('staff', 'land', 10, 1, 1)?.etag).toBe('"10"');
  });

  it('purges exactly the tiles of the layer that the bbox touches, at every zoom', () => {
    const c = new TileCache(1e9);
    const bbox: [number, number, number, number] = [107.50, 31.20, 107.501, 31.201];
    const touched: string[] = [];
    const untouched: string[] = [];
    for (let z = 10; z <= 16; z++) {
      const [fx, fy] = lonLatToTile(107.5005, 31.2005, z);
      const x = Math.floor(fx), y = Math.floor(fy);
      c.set('public', 'land', z, x, y, body(1));
      touched.push(`public/land/${z}/${x}/${y}`);
      c.set('public', 'land', z, x + 3, y, body(1)); // same zoom, far away
      untouched.push(`public/land/${z}/${x + 3}/${y}`);
      c.set('public', 'offices', z, x, y, body(1)); // other layer, same place
      untouched.push(`public/offices/${z}/${x}/${y}`);
    }
    const removed = c.purge('land', bbox);
    expect(removed.sort()).toEqual(touched.sort());
    expect(c.keys().sort()).toEqual(untouched.sort());
  });

  it('evicts least recently used tiles beyond its byte budget', () => {
    const c = new TileCache(25);
    c.set('public', 'l', 1, 0, 0, body(10));
    c.set('public', 'l', 1, 0, 1, body(10));
    c.get('public', 'l', 1, 0, 0);
    c.set('public', 'l', 1, 1, 0, body(10));
    expect(c.has('public', 'l', 1, 0, 1)).toBe(false);
    expect(c.has('public', 'l', 1, 0, 0)).toBe(true);
    expect(c.sizeBytes).toBeLessThanOrEqual(25);
  });
});
