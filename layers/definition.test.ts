import { describe, expect, it } from 'vitest';
import { findLayer, LAYERS, layersFor } from './catalog.ts';
import { layerView } from './definition.ts';

describe('internal attributes', () => {
  it('the public view of every layer leaves out review state and data source; staff keep them', () => {
    for (const l of layersFor(false)) {
      const names = l.attributes.map((a) => a.name);
      expect(names).not.toContain('review_state');
      expect(names).not.toContain('source');
    }
    expect(findLayer('land', true)!.attributes.map((a) => a.name)).toContain('review_state');
    expect(findLayer('counties', true)!.attributes.map((a) => a.name)).toContain('source');
    expect(findLayer('land', false)!.attributes.map((a) => a.name)).toContain('status');
  });

  it('the view is the same object each time and the full definition is untouched', () => {
    const land = findLayer('land')!;
    expect(layerView(land, false)).toBe(layerView(land, false));
    expect(layerView(land, true)).toBe(land);
    expect(land.attributes.some((a) => a.internal)).toBe(true);
  });

  it('no tile property is internal (tiles are shared by every viewer)', () => {
    for (const l of LAYERS) {
      for (const p of l.tiles.properties) expect(l.attributes.find((a) => a.name === p)?.internal ?? false, `${l.id}.${p}`).toBe(false);
    }
  });
});
