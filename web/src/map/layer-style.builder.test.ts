/**
 * The style builder against every layer of the real catalog: what the map draws is generated from
 * the definitions, so each layer must yield consistent MapLibre layers, filters and legend swatches.
 */
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../../layers/catalog.ts';
import type { LayerInfo } from '../shared/api.types.ts';
import {
  buildMapLayers, buildSelectionLayers, colorExpression, CONE_MIN_ZOOM, CONE_SPREAD_DEG, directionIcon, directionIconId, featureColor,
  hexToRgba, interactiveLayerIds, isCountyFiltered, layerFilter, legendSwatches, mapLayerIds, pointsBelowZoom, styleImages, tileFeatureId,
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

describe('view-direction cones of survey photos', () => {
  /** Alpha of pixel (x, y) of an icon. */
  const alpha = (img: ReturnType<typeof directionIcon>, x: number, y: number) => img.data[(Math.floor(y) * img.width + Math.floor(x)) * 4 + 3]!;

  it('draws the photos layer as a rotated cone icon under its dots, from the readable zoom on, only where a bearing is stored', () => {
    const photos = byId('photos');
    expect(photos.style.directionBy).toBe('heading');
    expect(photos.tiles?.properties).toContain('heading');
    expect(mapLayerIds(photos)).toEqual(['photos-cone', 'photos-circle']);
    expect(interactiveLayerIds(photos)).toEqual(['photos-circle']);
    const cone = buildMapLayers(photos, null).find((l) => l.id === 'photos-cone')! as Extract<ReturnType<typeof buildMapLayers>[number], { type: 'symbol' }>;
    expect(cone.type).toBe('symbol');
    expect(cone.minzoom).toBe(Math.max(photos.minzoom, CONE_MIN_ZOOM));
    expect(cone.layout!['icon-image']).toBe(directionIconId(photos));
    expect(cone.layout!['icon-rotate']).toEqual(['to-number', ['get', 'heading'], 0]);
    expect(cone.layout!['icon-rotation-alignment']).toBe('map');
    expect(JSON.stringify(cone.filter)).toContain('["has","heading"]');
    expect(styleImages(photos).map((i) => i.id)).toEqual([directionIconId(photos)]);
  });

  it('gives panoramas (360°, no view direction) and polygon layers no cone', () => {
    for (const layer of infos.filter((l) => l.id !== 'photos')) {
      expect(mapLayerIds(layer).some((id) => id.endsWith('-cone')), layer.id).toBe(false);
      expect(styleImages(layer)).toEqual([]);
    }
  });

  it('draws the cone pointing north from the image centre, within its opening angle, in the layer colour', () => {
    const img = directionIcon('#00838f', 96, CONE_SPREAD_DEG);
    expect(img.data.length).toBe(96 * 96 * 4);
    const c = 48;
    // Straight up (north) from the apex: inside; straight down, left and right: empty.
    expect(alpha(img, c, c - 30)).toBeGreaterThan(60);
    expect(alpha(img, c, c + 30)).toBe(0);
    expect(alpha(img, c - 30, c)).toBe(0);
    expect(alpha(img, c + 30, c)).toBe(0);
    // Just inside and just outside the half opening angle, 35 px out.
    const at = (deg: number) => [c + 35 * Math.sin((deg * Math.PI) / 180), c - 35 * Math.cos((deg * Math.PI) / 180)] as const;
    expect(alpha(img, ...at(CONE_SPREAD_DEG / 2 - 6))).toBeGreaterThan(0);
    expect(alpha(img, ...at(CONE_SPREAD_DEG / 2 + 6))).toBe(0);
    // Symmetric about north, and the fill is the layer colour (0x00, 0x83, 0x8f).
    expect(alpha(img, ...at(-20))).toBe(alpha(img, ...at(20)));
    const i = ((c - 20) * 96 + c) * 4;
    expect([img.data[i], img.data[i + 1], img.data[i + 2]]).toEqual([0, 0x83, 0x8f]);
    // Fades outwards.
    expect(alpha(img, c, c - 10)).toBeGreaterThan(alpha(img, c, c - 40));
  });
});
