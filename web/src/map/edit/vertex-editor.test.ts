/** Snapping of the outline editor: which neighbour corner a moved or drawn corner lands on. */
import { describe, expect, it } from 'vitest';
import { nearestCorner, SNAP_PX, type ScreenCorner } from './vertex-editor.ts';

const corner = (x: number, y: number, lng = x / 1000, lat = y / 1000): ScreenCorner => ({ x, y, pos: [lng, lat] });

describe('nearestCorner', () => {
  it('snaps to the nearest neighbour corner within the tolerance, with its exact coordinates', () => {
    const c = [corner(105, 100, 107.12345678, 31.2), corner(103, 101, 107.1, 31.25), corner(130, 100)];
    expect(nearestCorner({ x: 100, y: 100 }, c, SNAP_PX)).toEqual([107.1, 31.25]);
  });

  it('leaves the corner where it is when no neighbour corner is close enough', () => {
    expect(nearestCorner({ x: 100, y: 100 }, [corner(100 + SNAP_PX + 1, 100), corner(100, 100 - SNAP_PX - 0.5)], SNAP_PX)).toBeNull();
    expect(nearestCorner({ x: 100, y: 100 }, [], SNAP_PX)).toBeNull();
  });

  it("never snaps back to the edited feature's own corners as the tiles still draw them", () => {
    // The dragged corner's old position (102, 100) is in the tiles; the neighbour's corner at (106, 100) is the target.
    const c = [corner(102.4, 100.3, 1, 1), corner(106, 100, 2, 2)];
    expect(nearestCorner({ x: 101, y: 100 }, c, SNAP_PX, [{ x: 102, y: 100 }])).toEqual([2, 2]);
    expect(nearestCorner({ x: 101, y: 100 }, [c[0]!], SNAP_PX, [{ x: 102, y: 100 }])).toBeNull();
  });
});
