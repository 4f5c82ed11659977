import { describe, expect, it } from 'vitest';
import { distanceM, fitCamera, pathLengthM, shortPathOrder, type LonLat } from './route-order.ts';

describe('route order', () => {
  it('measures great-circle distances in metres', () => {
    // One degree of latitude is ~111.2 km everywhere.
    expect(distanceM([107.5, 31], [107.5, 32])).toBeCloseTo(111_195, -2);
    expect(distanceM([107.5, 31], [107.5, 31])).toBe(0);
  });

  it('visits every point once and finds the straight line through points given out of order', () => {
    const line: LonLat[] = [0, 4, 1, 3, 2].map((k) => [107.4 + k * 0.01, 31.2]);
    const order = shortPathOrder(line);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
    const lons = order.map((i) => line[i][0]);
    const ascending = [...lons].sort((a, b) => a - b);
    expect(lons[0] < lons[4] ? lons : [...lons].reverse()).toEqual(ascending);
    expect(pathLengthM(line, order)).toBeCloseTo(distanceM([107.4, 31.2], [107.44, 31.2]), 0);
  });

  it('keeps a fixed start first', () => {
    const pts: LonLat[] = [[107.42, 31.2], [107.4, 31.2], [107.44, 31.2], [107.41, 31.2]];
    const order = shortPathOrder(pts, 0);
    expect(order[0]).toBe(0);
    expect([...order].sort()).toEqual([0, 1, 2, 3]);
  });

  it('is within a few percent of the best order on a scattered set', () => {
    const pts: LonLat[] = Array.from({ length: 7 }, (_, i) => [107.4 + ((i * 37) % 11) * 0.003, 31.2 + ((i * 53) % 13) * 0.002]);
    let best = Infinity;
    const permute = (rest: number[], acc: number[]) => {
      if (!rest.length) { best = Math.min(best, pathLengthM(pts, acc)); return; }
      for (const r of rest) permute(rest.filter((x) => x !== r), [...acc, r]);
    };
    permute(pts.map((_, i) => i), []);
    expect(pathLengthM(pts, shortPathOrder(pts))).toBeLessThanOrEqual(best * 1.05);
  });

  it('fits a camera to an extent', () => {
    const cam = fitCamera([107.40, 31.20, 107.42, 31.21], { paddingPx: 0 });
    expect(cam.center[0]).toBeCloseTo(107.41, 6);
    expect(cam.center[1]).toBeCloseTo(31.205, 3);
    expect(cam.zoom).toBeGreaterThan(14);
    expect(cam.zoom).toBeLessThan(16);
    expect(fitCamera([107.4, 31.2, 107.4, 31.2], { maxZoom: 17 }).zoom).toBe(17);
  });
});
