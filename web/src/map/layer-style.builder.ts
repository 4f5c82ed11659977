/**
 * Turns a layer definition from `/api/layers` into MapLibre style layers, deck.gl colours and
 * legend swatches. Nothing here knows a layer by name: colours, widths, opacities and zoom ranges
 * all come from `LayerInfo.style`.
 *
 * MapLibre layer ids are `{id}-fill`, `{id}-line`, `{id}-circle` on source `{id}` (the browser
 * test queries them by these names).
 */
import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { I18nText, LayerInfo } from '../shared/api.types.ts';

/** Property that holds a feature's API id inside map sources (MapLibre drops string ids). */
export const FID_PROPERTY = '_fid';

/** Fill opacity of a polygon layer drawn with `style.kind: 'line'` (queryable, nearly invisible). */
const LINE_LAYER_FILL_OPACITY = 0.06;

/** Colour expression: per-value colours from `style.colors` keyed by `style.colorBy`. */
export function colorExpression(layer: LayerInfo): string | ExpressionSpecification {
  const { color, colorBy, colors } = layer.style;
  if (!colorBy || !colors || Object.keys(colors).length === 0) return color;
  const pairs = Object.entries(colors).flat();
  return ['match', ['to-string', ['get', colorBy]], ...pairs, color] as ExpressionSpecification;
}

/** Ids of the MapLibre layers drawn for `layer`, topmost last. */
export function mapLayerIds(layer: LayerInfo): string[] {
  return layer.style.kind === 'circle' ? [`${layer.id}-circle`] : [`${layer.id}-fill`, `${layer.id}-line`];
}

/**
 * MapLibre layers for `layer` (source id = layer id), honouring its zoom range.
 * `filter` restricts the features (e.g. to one county); null shows all.
 */
export function buildMapLayers(layer: LayerInfo, filter: FilterSpecification | null): LayerSpecification[] {
  const { id, style, minzoom, maxzoom } = layer;
  const common = { source: id, minzoom, maxzoom, ...(filter ? { filter } : {}) };
  const visibility = layer.visibleByDefault ? 'visible' : 'none';
  const color = colorExpression(layer);
  if (style.kind === 'circle') {
    const size = style.size ?? 5;
    return [{
      id: `${id}-circle`, type: 'circle', ...common, layout: { visibility },
      paint: {
        'circle-color': color,
        'circle-opacity': style.opacity ?? 0.95,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, size * 0.55, 12, size, 16, size * 1.6],
        'circle-stroke-color': style.outlineColor ?? '#ffffff',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 8, 0.5, 12, 1.2],
      },
    }];
  }
  // 'line' layers are boundaries (counties): a nearly transparent fill keeps them clickable.
  const isBoundary = style.kind === 'line';
  const lineColor = isBoundary ? (style.outlineColor ?? style.color) : (style.outlineColor ?? color);
  const lineWidth = isBoundary ? (style.size ?? 1.5) : ['interpolate', ['linear'], ['zoom'], 10, 0.4, 14, (style.size ?? 1) * 1.2];
  return [
    {
      id: `${id}-fill`, type: 'fill', ...common, layout: { visibility },
      paint: {
        'fill-color': color,
        'fill-opacity': isBoundary ? (style.opacity ?? LINE_LAYER_FILL_OPACITY) : (style.opacity ?? 0.5),
      },
    },
    {
      id: `${id}-line`, type: 'line', ...common, layout: { visibility, 'line-join': 'round' },
      paint: { 'line-color': lineColor, 'line-width': lineWidth as number, 'line-opacity': 0.9 },
    },
  ];
}

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
