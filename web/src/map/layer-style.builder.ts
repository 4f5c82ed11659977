/**
 * Turns a layer definition from `/api/layers` into MapLibre style layers, deck.gl colours and
 * legend swatches. Nothing here knows a layer by name: colours, widths, opacities, zoom ranges
 * and the zoom below which polygons come as points all come from `LayerInfo`.
 *
 * Each layer is drawn from its own vector source `{id}` (source layer `{id}`). MapLibre layer ids
 * are `{id}-fill` and `{id}-line` (polygons), `{id}-point` (the same polygon layer's features as
 * dots below `tiles.pointsBelowZoom`, where the tiles carry ST_PointOnSurface points) and
 * `{id}-circle` (point layers), and `{id}-cone` under the circles of a point layer whose style
 * names a `directionBy` bearing (survey photos: a view-direction cone, an icon drawn here in code,
 * `directionIcon`, rotated per feature); the browser test queries them by these names.
 */
import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { FeatureId, I18nText, LayerInfo } from '../shared/api.types.ts';

/** Fill opacity of a polygon layer drawn with `style.kind: 'line'` (queryable, nearly invisible). */
const LINE_LAYER_FILL_OPACITY = 0.06;
/** Property carriers, parks and amenities carry their county adcode in (drives the county filter). */
export const COUNTY_PROPERTY = 'county';
/** Id prefix of the MapLibre layers that highlight the selected feature. */
export const SELECTION_PREFIX = 'selection';

const POLYGONS: ExpressionSpecification = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const POINTS: ExpressionSpecification = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];
const LINES: ExpressionSpecification = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
/** A line layer (GPS tracks) draws its `-line` map layer from line features, and a click can hit it. */
const isLineLayer = (layer: LayerInfo) => layer.geometryType === 'MultiLineString';

/** Colour expression: per-value colours from `style.colors` keyed by `style.colorBy`. */
export function colorExpression(layer: LayerInfo): string | ExpressionSpecification {
  const { color, colorBy, colors } = layer.style;
  if (!colorBy || !colors || Object.keys(colors).length === 0) return color;
  const pairs = Object.entries(colors).flat();
  return ['match', ['to-string', ['get', colorBy]], ...pairs, color] as ExpressionSpecification;
}

/**
 * Zoom below which a polygon layer's tiles carry one point per feature, or null when they always
 * carry polygons (counties, parks) or the layer is a point layer.
 */
export function pointsBelowZoom(layer: LayerInfo): number | null {
  const z = layer.tiles?.pointsBelowZoom;
  return layer.style.kind !== 'circle' && layer.geometryType !== 'Point' && z !== undefined && z > layer.minzoom ? z : null;
}

/** Zoom from which view-direction cones are drawn (below it they would be a blur of overlapping wedges). */
export const CONE_MIN_ZOOM = 15;
/** Opening angle of a view-direction cone, degrees (a typical drone or phone camera's horizontal field of view). */
export const CONE_SPREAD_DEG = 70;
/** Side of the cone icon in pixels (drawn at pixel ratio 2). */
const CONE_ICON_PX = 96;

/** The attribute holding a point layer's compass bearing (style `directionBy`), or null. */
export function directionAttribute(layer: LayerInfo): string | null {
  return layer.style.kind === 'circle' && layer.style.directionBy ? layer.style.directionBy : null;
}

/** Id of the style image of `layer`'s view-direction cone. */
export const directionIconId = (layer: LayerInfo) => `${layer.id}-cone-icon`;

/** An RGBA image as `map.addImage` takes it. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * A view-direction cone icon: a wedge of `spreadDeg` opening in `color`, its apex at the image
 * centre (the photo position, which the icon rotates about) and pointing up (north; the map
 * rotates it by the feature's bearing), fading outwards, with a darker rim on its two edges.
 * Drawn pixel by pixel, so it needs no canvas (and runs in tests).
 */
export function directionIcon(color: string, size = CONE_ICON_PX, spreadDeg = CONE_SPREAD_DEG): RgbaImage {
  const [r, g, b] = hexToRgba(color);
  const data = new Uint8ClampedArray(size * size * 4);
  const c = size / 2;
  const radius = size / 2 - 1;
  const half = (spreadDeg / 2) * (Math.PI / 180);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - c;
      const dy = c - (y + 0.5); // up is north
      const dist = Math.hypot(dx, dy);
      if (dist > radius || dist < 1) continue;
      const angle = Math.abs(Math.atan2(dx, dy)); // 0 = straight up
      if (angle > half) continue;
      // Distance (px) to the nearer straight edge, for the rim and antialiasing.
      const edge = dist * Math.sin(half - angle);
      const rim = edge < 1.6 || radius - dist < 1.6;
      const fade = 0.85 - 0.4 * (dist / radius);
      const alpha = Math.min(1, rim ? 0.95 : fade) * Math.min(1, edge + 0.5, radius - dist + 0.5);
      const dark = rim ? 0.7 : 1;
      const i = (y * size + x) * 4;
      data[i] = Math.round(r * dark);
      data[i + 1] = Math.round(g * dark);
      data[i + 2] = Math.round(b * dark);
      data[i + 3] = Math.round(alpha * 255);
    }
  }
  return { width: size, height: size, data };
}

/** Style images the map must hold before `buildMapLayers(layer)` is added (the cone icon), with their pixel ratio. */
export function styleImages(layer: LayerInfo): { id: string; image: RgbaImage; pixelRatio: number }[] {
  return directionAttribute(layer) ? [{ id: directionIconId(layer), image: directionIcon(layer.style.color), pixelRatio: 2 }] : [];
}

/** Ids of the MapLibre layers drawn for `layer`, topmost last. */
export function mapLayerIds(layer: LayerInfo): string[] {
  if (layer.style.kind === 'circle') return [...(directionAttribute(layer) ? [`${layer.id}-cone`] : []), `${layer.id}-circle`];
  return [`${layer.id}-fill`, `${layer.id}-line`, ...(pointsBelowZoom(layer) !== null ? [`${layer.id}-point`] : [])];
}

/** The MapLibre layers of `layer` a click or hover can hit. */
export function interactiveLayerIds(layer: LayerInfo): string[] {
  // Cones show where a photo looks; the click target is the photo's dot.
  return mapLayerIds(layer).filter((id) => (isLineLayer(layer) || !id.endsWith('-line')) && !id.endsWith('-cone'));
}

/** Layers that have a county attribute follow the county filter (not the counties themselves). */
export function isCountyFiltered(layer: LayerInfo): boolean {
  return layer.group !== 'admin' && layer.attributes.some((a) => a.name === COUNTY_PROPERTY);
}

/**
 * Filter of MapLibre layer `mapLayerId` of `layer`: its geometry type, and its county when
 * `county` is set and the layer follows the county filter.
 */
export function layerFilter(layer: LayerInfo, mapLayerId: string, county: string | null): FilterSpecification {
  const direction = mapLayerId.endsWith('-cone') ? directionAttribute(layer) : null;
  // A cone needs a bearing: points without one (no EXIF direction) get only their dot.
  const geometry: ExpressionSpecification = direction ? ['all', POINTS, ['has', direction]]
    : mapLayerId.endsWith('-point') || mapLayerId.endsWith('-circle') || mapLayerId.endsWith('-cone') ? POINTS
      : mapLayerId.endsWith('-line') && isLineLayer(layer) ? LINES : POLYGONS;
  if (!county || !isCountyFiltered(layer)) return geometry;
  return ['all', geometry, ['==', ['to-string', ['get', COUNTY_PROPERTY]], county]];
}

/**
 * MapLibre layers for `layer` (source and source layer = layer id), honouring its zoom range.
 * `county` restricts the features to one county (null shows all).
 */
export function buildMapLayers(layer: LayerInfo, county: string | null): LayerSpecification[] {
  const { id, style, minzoom, maxzoom } = layer;
  const source = { source: id, 'source-layer': id };
  const visibility = layer.visibleByDefault ? 'visible' : 'none';
  const color = colorExpression(layer);
  if (style.kind === 'circle') {
    const size = style.size ?? 5;
    const direction = directionAttribute(layer);
    const cone: LayerSpecification[] = direction ? [{
      id: `${id}-cone`, type: 'symbol', ...source, minzoom: Math.max(minzoom, CONE_MIN_ZOOM), maxzoom,
      filter: layerFilter(layer, `${id}-cone`, county),
      layout: {
        visibility,
        'icon-image': directionIconId(layer),
        'icon-rotate': ['to-number', ['get', direction], 0],
        // The bearing is a compass direction: the cone turns with the map, and lies flat on it in 3D.
        'icon-rotation-alignment': 'map',
        'icon-pitch-alignment': 'map',
        'icon-allow-overlap': true,
        'icon-ignore-placement': true,
        'icon-size': ['interpolate', ['linear'], ['zoom'], CONE_MIN_ZOOM, 0.8, 18, 1.5],
      },
      paint: { 'icon-opacity': ['interpolate', ['linear'], ['zoom'], CONE_MIN_ZOOM, 0.6, CONE_MIN_ZOOM + 1, 0.95] },
    }] : [];
    return [...cone, {
      id: `${id}-circle`, type: 'circle', ...source, minzoom, maxzoom, filter: layerFilter(layer, `${id}-circle`, county), layout: { visibility },
      paint: {
        'circle-color': color,
        'circle-opacity': style.opacity ?? 0.95,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, size * 0.55, 12, size, 16, size * 1.6],
        'circle-stroke-color': style.outlineColor ?? '#ffffff',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 8, 0.5, 12, 1.2],
      },
    }];
  }
  // Below `pointsBelow` the tiles hold points only: the polygon layers start there.
  const pointsBelow = pointsBelowZoom(layer);
  const polygonMinzoom = pointsBelow ?? minzoom;
  // 'line' layers are boundaries (counties): a nearly transparent fill keeps them clickable.
  const isBoundary = style.kind === 'line';
  const lineColor = isBoundary ? (style.outlineColor ?? style.color) : (style.outlineColor ?? color);
  const lineWidth = isBoundary ? (style.size ?? 1.5) : ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, (style.size ?? 1) * 1.2];
  const layers: LayerSpecification[] = [
    {
      id: `${id}-fill`, type: 'fill', ...source, minzoom: polygonMinzoom, maxzoom, filter: layerFilter(layer, `${id}-fill`, county), layout: { visibility },
      paint: {
        'fill-color': color,
        'fill-opacity': isBoundary ? (style.opacity ?? LINE_LAYER_FILL_OPACITY) : (style.opacity ?? 0.5),
      },
    },
    {
      id: `${id}-line`, type: 'line', ...source, minzoom: polygonMinzoom, maxzoom, filter: layerFilter(layer, `${id}-line`, county),
      layout: { visibility, 'line-join': 'round' },
      paint: { 'line-color': lineColor, 'line-width': lineWidth as number, 'line-opacity': 0.9 },
    },
  ];
  if (pointsBelow !== null) {
    // Carriers at city zoom: one dot per parcel or building, coloured like its polygon.
    layers.push({
      id: `${id}-point`, type: 'circle', ...source, minzoom, maxzoom: pointsBelow, filter: layerFilter(layer, `${id}-point`, county), layout: { visibility },
      paint: {
        'circle-color': color,
        'circle-opacity': 0.9,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], minzoom, 2, pointsBelow, 4.5],
        'circle-stroke-color': style.outlineColor ?? '#ffffff',
        'circle-stroke-width': 0.6,
        'circle-stroke-opacity': 0.8,
      },
    });
  }
  return layers;
}

/**
 * The numeric id a feature has in the tiles: API ids are numbers, or digit strings (county
 * adcodes) that the tiles store as integers. Null for ids tiles cannot carry.
 */
export function tileFeatureId(id: FeatureId): number | null {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : null;
  return /^\d{1,15}$/.test(id) ? Number(id) : null;
}

/**
 * Layers that outline feature `id` of `layer` from the layer's own tiles (a filter on the tile
 * feature id, so it works before the full feature arrives and at every zoom, as dot or polygon).
 */
export function buildSelectionLayers(layer: LayerInfo, id: number): LayerSpecification[] {
  const source = { source: layer.id, 'source-layer': layer.id, minzoom: layer.minzoom, maxzoom: layer.maxzoom };
  const isId: ExpressionSpecification = ['==', ['id'], id];
  const polygons: FilterSpecification = ['all', POLYGONS, isId];
  const points: FilterSpecification = ['all', POINTS, isId];
  const p = SELECTION_PREFIX;
  const layers: LayerSpecification[] = [];
  if (layer.style.kind !== 'circle') {
    layers.push(
      { id: `${p}-fill`, type: 'fill', ...source, filter: polygons, paint: { 'fill-color': '#fff59d', 'fill-opacity': 0.3 } },
      { id: `${p}-casing`, type: 'line', ...source, filter: polygons, layout: { 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.9 } },
      { id: `${p}-line`, type: 'line', ...source, filter: polygons, layout: { 'line-join': 'round' }, paint: { 'line-color': '#ff6d00', 'line-width': 3 } },
    );
  }
  layers.push({
    id: `${p}-circle`, type: 'circle', ...source, filter: points,
    paint: { 'circle-radius': 10, 'circle-color': 'rgba(255,214,0,0.35)', 'circle-stroke-color': '#ff6d00', 'circle-stroke-width': 3 },
  });
  return layers;
}

/** Ids of the layers `buildSelectionLayers` may add. */
export const SELECTION_LAYER_IDS = ['fill', 'casing', 'line', 'circle'].map((s) => `${SELECTION_PREFIX}-${s}`);

/** One legend swatch: a colour and its label. */
export interface LegendSwatch {
  color: string;
  label: I18nText;
}

/**
 * Legend swatches of `layer`: one per value of `style.colorBy` (labelled from the attribute's
 * enum values), or one with the layer title.
 */
export function legendSwatches(layer: LayerInfo): LegendSwatch[] {
  const { color, colorBy, colors } = layer.style;
  if (!colorBy || !colors) return [{ color, label: layer.title }];
  const attr = layer.attributes.find((a) => a.name === colorBy);
  return Object.entries(colors).map(([value, c]) => ({ color: c, label: attr?.values?.[value] ?? { zh: value, en: value } }));
}

/** RGBA (0–255) of a CSS hex colour (#rgb, #rrggbb), with `alpha` in 0–1. */
export function hexToRgba(hex: string, alpha = 1): [number, number, number, number] {
  let h = hex.replace('#', '');
  if (h.length === 3) h = [...h].map((c) => c + c).join('');
  const n = Number.parseInt(h.slice(0, 6), 16);
  if (Number.isNaN(n)) return [128, 128, 128, Math.round(alpha * 255)];
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, Math.round(alpha * 255)];
}

/** The colour (CSS) a feature gets in `layer`, the JS twin of `colorExpression`. */
export function featureColor(layer: LayerInfo, properties: Record<string, unknown> | null): string {
  const { color, colorBy, colors } = layer.style;
  if (!colorBy || !colors || !properties) return color;
  return colors[String(properties[colorBy])] ?? color;
}
