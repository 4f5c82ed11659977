/**
 * The style builder against every layer of the real catalog: what the map draws is generated from
 * the definitions, so each layer must yield consistent MapLibre layers, filters and legend swatches.
 */
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../../layers/catalog.ts';
import type { LayerInfo } from '../shared/api.types.ts';
import {
  buildMapLayers, buildSelectionLayers, colorExpression, featureColor, hexToRgba, interactiveLayerIds, isCountyFiltered,
  layerFilter, legendSwatches, mapLayerIds, pointsBelowZoom, tileFeatureId,
} from './layer-style.builder.ts';

/** The catalog as `GET /api/layers` sends it (storage fields left out). */
const infos: LayerInfo[] = LAYERS.map(({ table: _t, where: _w, idColumn: _i, nameColumn: _n, ...info }) => ({
  ...info, featureCount: 0, attributes: info.attributes.map(({ column: _c, ...a }) => a),
}) as LayerInfo);
const byId = (id: string) => infos.find((l) => l.id === id)!;

describe('buildMapLayers', () => {
  it.each(infos.map((l) => [l.id, l] as const))('%s: draws exactly its map layer ids from its own source', (_id, layer) => {
    const built = buildMapLayers(layer, null);
    expect(built.map((l) => l.id)).toEqual(mapLayerIds(layer));
    for (const l of built) {
      expect((l as { source: string }).source).toBe(layer.id);
      expect((l as { 'source-layer': string })['source-layer']).toBe(layer.id);
    }
    const clickable = interactiveLayerIds(layer);
    expect(clickable.length).toBeGreaterThan(0);
    expect(clickable.every((id) => mapLayerIds(layer).includes(id))).toBe(true);
    // Polygon outlines are not click targets (the fill is); a line layer's line is.
    expect(clickable.some((id) => id.endsWith('-line'))).toBe(/Line/.test(layer.geometryType));
  });

  it('draws land as polygons, and as points below the zoom where its tiles carry points', () => {
    const land = byId('land');
    const z = pointsBelowZoom(land);
    expect(z).not.toBeNull();
    expect(mapLayerIds(land)).toEqual(['land-fill', 'land-line', 'land-point']);
    const point = buildMapLayers(land, null).find((l) => l.id === 'land-point')!;
    expect(point.maxzoom).toBe(z);
  });

  it('filters carriers by county, but never the counties themselves', () => {
    const land = byId('land');
    expect(isCountyFiltered(land)).toBe(true);
    expect(JSON.stringify(layerFilter(land, 'land-fill', '511702'))).toContain('511702');
    expect(JSON.stringify(layerFilter(land, 'land-fill', null))).not.toContain('511702');
    expect(isCountyFiltered(byId('counties'))).toBe(false);
  });
});

describe('colours', () => {
  it('colours by the attribute the definition names, with a default for other values', () => {
    const land = byId('land');
    const expr = colorExpression(land);
    if (land.style.colorBy) {
      expect(Array.isArray(expr) && expr[0]).toBe('match');
      const [value, colour] = Object.entries(land.style.colors!)[0]!;
      expect(featureColor(land, { [land.style.colorBy]: value })).toBe(colour);
      expect(featureColor(land, { [land.style.colorBy]: 'no-such-value' })).toBe(land.style.color);
    } else {
      expect(expr).toBe(land.style.color);
    }
  });

  it('turns #rgb and #rrggbb into 0..255 RGBA', () => {
    expect(hexToRgba('#ff8000', 0.5)).toEqual([255, 128, 0, 128]);
    expect(hexToRgba('#0f0')).toEqual([0, 255, 0, 255]);
  });

  it('gives every layer at least one legend swatch in both languages', () => {
    for (const layer of infos) {
      const swatches = legendSwatches(layer);
      expect(swatches.length, layer.id).toBeGreaterThan(0);
    }
  });
});

describe('selection and ids', () => {
  it('reads tile feature ids as numbers and refuses others', () => {
    expect(tileFeatureId(42)).toBe(42);
    expect(tileFeatureId('42')).toBe(42);
    expect(tileFeatureId('511702x')).toBeNull();
  });

  it('highlights one feature with layers that filter on its id', () => {
    const sel = buildSelectionLayers(byId('factories'), 7);
    expect(sel.length).toBeGreaterThan(0);
    expect(sel.every((l) => JSON.stringify((l as { filter?: unknown }).filter ?? '').includes('7'))).toBe(true);
  });
});
