/** The dashboard's answer cache: kept while the version holds, recomputed when it moves or expires, failures not kept, bounded. */
import { describe, expect, it } from 'vitest';
import { StatsCache } from './stats.cache.ts';

describe('StatsCache', () => {
  it('answers from the cache while the version is unchanged, recomputes when it moves', async () => {
    const cache = new StatsCache({ ttlMs: 60_000, maxEntries: 10 });
    let n = 0;
    const compute = async () => ++n;
    expect(await cache.get('a', 'v1', compute)).toBe(1);
    expect(await cache.get('a', 'v1', compute)).toBe(1);
    expect(await cache.get('b', 'v1', compute)).toBe(2);
    expect(await cache.get('a', 'v2', compute)).toBe(3);
    expect(await cache.get('a', 'v2', compute)).toBe(3);
  });

  it('shares one computation between concurrent asks and does not keep a failure', async () => {
    const cache = new StatsCache({ ttlMs: 60_000, maxEntries: 10 });
    let n = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++n), 10));
    expect(await Promise.all([cache.get('a', 'v', slow), cache.get('a', 'v', slow)])).toEqual([1, 1]);
    await expect(cache.get('f', 'v', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await cache.get('f', 'v', async () => 7)).toBe(7);
  });

  it('expires after ttlMs, is off at 0 and keeps at most maxEntries (least recently used dropped)', async () => {
    let n = 0;
    const compute = async () => ++n;
    const short = new StatsCache({ ttlMs: 5, maxEntries: 10 });
    expect(await short.get('a', 'v', compute)).toBe(1);
    await new Promise((r) => setTimeout(r, 15));
    expect(await short.get('a', 'v', compute)).toBe(2);
    const off = new StatsCache({ ttlMs: 0, maxEntries: 10 });
    expect(await off.get('a', 'v', compute)).toBe(3);
    expect(await off.get('a', 'v', compute)).toBe(4);
    const small = new StatsCache({ ttlMs: 60_000, maxEntries: 2 });
    await small.get('a', 'v', compute); // 5
    await small.get('b', 'v', compute); // 6
    await small.get('a', 'v', compute); // hit: a is now the most recent
    await small.get('c', 'v', compute); // 7, drops b
    expect(await small.get('a', 'v', compute)).toBe(5);
    expect(await small.get('b', 'v', compute)).toBe(8);
  });
});
