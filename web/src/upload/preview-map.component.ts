/**
 * The batch preview map (`#preview-map`): MapLibre on a plain background (no external tiles)
 * with Dazhou's county outlines for context, the batch's items coloured by status (valid green,
 * warning amber) and fitted to their bounds; polygons also get a dot at low zoom so small parcels
 * spread over the city stay visible. A click opens a popup with the item's attributes (labelled
 * and formatted from the layer catalog) and its issues.
 */
import maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, Geometry, Position } from 'geojson';
import type { LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { t, tr } from '../shared/i18n.service.ts';
import { formatAttribute, type FormatContext } from '../map/feature-format.util.ts';
import type { ImportItemProperties, ImportItems } from './imports.service.ts';
import { formatArea, formatValue, itemStatusLabel } from './upload-format.util.ts';
import { createBaseMap, whenLoaded } from '../shared/base-map.ts';

/** Colours of item statuses (rejected items have no geometry, but keep a colour for safety). */
export const STATUS_COLORS = { valid: '#2e7d32', warning: '#ef8f00', rejected: '#c62828' } as const;
/** Source and layer ids. */
const SOURCE = 'items';
const POINTS = 'item-points';
const COUNTIES = 'counties';
export const ITEM_LAYERS = ['items-fill', 'items-line', 'items-circle', 'items-dot'] as const;
/** Below this zoom polygons are drawn as dots too. */
const DOT_MAXZOOM = 12;
/** Dazhou, shown before the first batch. */
/** Properties the popup lists separately (not as mapped attributes). */
const META_KEYS = new Set(['file', 'index', 'where', 'kind', 'status', 'action', 'issues', 'area_m2']);

/** What the popup needs besides the item: the target layer's attributes and county names. */
export interface PreviewContext {
  layer: LayerInfo | null;
  countyName(adcode: string): string | undefined;
}

/** A county for the context outlines and the county names. */
export type CountyFeature = Feature<Geometry, { adcode?: string; name?: string; name_en?: string } & Record<string, unknown>>;

const STATUS_COLOR_EXPR = ['match', ['get', 'status'], 'valid', STATUS_COLORS.valid, 'warning', STATUS_COLORS.warning, STATUS_COLORS.rejected] as const;

type ItemFeature = Feature<Geometry | null, ImportItemProperties>;

function eachPosition(g: Geometry, fn: (p: Position) => void): void {
  switch (g.type) {
    case 'Point': fn(g.coordinates); break;
    case 'MultiPoint': case 'LineString': g.coordinates.forEach(fn); break;
    case 'MultiLineString': case 'Polygon': g.coordinates.forEach((l) => l.forEach(fn)); break;
    case 'MultiPolygon': g.coordinates.forEach((p) => p.forEach((l) => l.forEach(fn))); break;
    case 'GeometryCollection': g.geometries.forEach((c) => eachPosition(c, fn)); break;
  }
}

/** [minLon, minLat, maxLon, maxLat] of the features, or null when none has coordinates. */
export function boundsOf(features: ItemFeature[]): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  for (const f of features) {
    if (!f.geometry) continue;
    eachPosition(f.geometry, ([x, y]) => {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return;
      if (!b) b = [x, y, x, y];
      else b = [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)];
    });
  }
  return b;
}

/** The preview map. Created once; `show` swaps the batch. */
export class PreviewMapComponent {
  readonly element: HTMLElement;
  readonly map: MapLibreMap;
  private readonly loaded: Promise<void>;
  private features = new Map<number | string, ItemFeature>();
  private popup: maplibregl.Popup | null = null;
  private context: PreviewContext = { layer: null, countyName: () => undefined };

  constructor() {
    this.element = h('div', { id: 'preview-map', class: 'preview-map' });
    this.map = createBaseMap({
      container: this.element,
      attribution: false,
      sources: {
        [SOURCE]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        [POINTS]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        [COUNTIES]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [
        { id: 'counties-fill', type: 'fill', source: COUNTIES, paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.7 } },
        { id: 'counties-line', type: 'line', source: COUNTIES, paint: { 'line-color': '#90a4ae', 'line-width': 1, 'line-dasharray': [3, 2] } },
        {
          id: 'items-fill', type: 'fill', source: SOURCE,
          filter: ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]],
          paint: { 'fill-color': STATUS_COLOR_EXPR as never, 'fill-opacity': 0.35 },
        },
        {
          id: 'items-line', type: 'line', source: SOURCE,
          filter: ['!', ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]]],
          layout: { 'line-join': 'round', 'line-cap': 'round' },
          paint: { 'line-color': STATUS_COLOR_EXPR as never, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 16, 3] },
        },
        {
          id: 'items-circle', type: 'circle', source: SOURCE,
          filter: ['in', ['geometry-type'], ['literal', ['Point', 'MultiPoint']]],
          paint: {
            'circle-color': STATUS_COLOR_EXPR as never, 'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 4, 16, 7],
            'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5,
          },
        },
        {
          id: 'items-dot', type: 'circle', source: POINTS, maxzoom: DOT_MAXZOOM,
          paint: { 'circle-color': STATUS_COLOR_EXPR as never, 'circle-radius': 4, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1, 'circle-opacity': 0.9 },
        },
      ],
    });
    this.loaded = whenLoaded(this.map);

    for (const layer of ITEM_LAYERS) {
      this.map.on('mouseenter', layer, () => { this.map.getCanvas().style.cursor = 'pointer'; });
      this.map.on('mouseleave', layer, () => { this.map.getCanvas().style.cursor = ''; });
    }
    this.map.on('click', (e) => {
      const hit = this.map.queryRenderedFeatures(e.point, { layers: [...ITEM_LAYERS] })[0];
      const f = hit?.id !== undefined ? this.features.get(hit.id) : undefined;
      if (f) this.openPopup(f, e.lngLat);
      else this.closePopup();
    });
  }

  /** Show a batch's items and fit the map to them. Resolves when the map is idle. */
  async show(items: ImportItems, context: PreviewContext): Promise<void> {
    await this.loaded;
    this.closePopup();
    this.context = context;
    this.features = new Map(items.features.filter((f) => f.id !== undefined).map((f) => [f.id!, f]));
    const drawable = items.features.filter((f) => f.geometry);
    (this.map.getSource(SOURCE) as GeoJSONSource).setData({ type: 'FeatureCollection', features: drawable as Feature[] });
    const dots = drawable.filter((f) => f.geometry!.type === 'Polygon' || f.geometry!.type === 'MultiPolygon').map((f) => {
      const [x0, y0, x1, y1] = boundsOf([f])!;
      return { type: 'Feature' as const, id: f.id, properties: { status: f.properties.status }, geometry: { type: 'Point' as const, coordinates: [(x0 + x1) / 2, (y0 + y1) / 2] } };
    });
    (this.map.getSource(POINTS) as GeoJSONSource).setData({ type: 'FeatureCollection', features: dots });
    this.map.resize();
    const b = boundsOf(drawable);
    if (b) {
      // A single point (or a tiny parcel) would zoom in to the maximum; keep some context.
      this.map.fitBounds(b, { padding: 40, maxZoom: 17, duration: 0 });
    }
    await new Promise<void>((resolve) => {
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  /** Clear the map (no batch selected). */
  clear(): void {
    this.closePopup();
    this.features.clear();
    for (const id of [SOURCE, POINTS]) (this.map.getSource(id) as GeoJSONSource | undefined)?.setData({ type: 'FeatureCollection', features: [] });
  }

  /** Draw the county outlines (context under the items). */
  async setCounties(counties: CountyFeature[]): Promise<void> {
    await this.loaded;
    (this.map.getSource(COUNTIES) as GeoJSONSource).setData({ type: 'FeatureCollection', features: counties });
  }

  /** Fly to item `id` of the current batch and open its popup (from the issue table). */
  focus(id: number | string): boolean {
    const f = this.features.get(id);
    if (!f?.geometry) return false;
    const b = boundsOf([f]);
    if (!b) return false;
    this.map.fitBounds(b, { padding: 80, maxZoom: 17, duration: 400 });
    this.openPopup(f, [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]);
    return true;
  }

  /** Close the popup (e.g. after a language switch). */
  closePopup(): void {
    this.popup?.remove();
    this.popup = null;
  }

  /** Label and display text of a mapped value: the catalog's label and format when the column is known. */
  private attributeRow(key: string, value: unknown, props: Record<string, unknown>): [string, string] {
    if (key === 'name') return [t('itemName'), formatValue(value)];
    if (key === 'area_declared_m2' && Number.isFinite(Number(value))) return [t('itemDeclaredArea'), formatArea(Number(value))];
    // Import columns are the table's (`county_adcode`); the catalog names attributes (`county`).
    const name = key.replace(/_adcode$/, '');
    const attr = this.context.layer?.attributes.find((a) => a.name === name);
    if (!attr) return [key, formatValue(value)];
    const ctx: FormatContext = { countyName: (adcode) => this.context.countyName(adcode), parkName: () => undefined };
    return [tr(attr.label), formatAttribute(attr, value, props, ctx)];
  }

  private openPopup(f: ItemFeature, at: maplibregl.LngLatLike): void {
    this.closePopup();
    const p = f.properties;
    const rows: [string, string][] = [
      [t('itemFile'), p.file],
      [t('itemWhere'), p.where],
      [t('itemKind'), p.kind],
    ];
    if (typeof p.area_m2 === 'number' && p.area_m2 > 0) rows.push([t('itemArea'), formatArea(p.area_m2)]);
    for (const [k, v] of Object.entries(p)) {
      if (META_KEYS.has(k) || v === null || v === undefined || v === '') continue;
      rows.push(this.attributeRow(k, v, p));
    }
    const issues = Array.isArray(p.issues) ? p.issues : [];
    const content = h('div', { class: 'item-popup' },
      h('div', { class: 'item-popup-head' },
        h('span', { class: 'item-status', 'data-status': p.status }, itemStatusLabel(p.status)),
        p.action ? h('span', { class: 'item-action' }, p.action === 'update' ? t('itemUpdate') : t('itemInsert')) : null),
      h('dl', {}, rows.map(([k, v]) => h('div', { class: 'attr' }, h('dt', {}, k), h('dd', {}, v)))),
      issues.length
        ? h('div', { class: 'item-issues' },
          h('strong', {}, `${t('itemIssues')} (${issues.length})`),
          h('ul', {}, issues.map((i) => h('li', {},
            i.field ? h('code', {}, i.field) : null,
            i.value !== undefined && i.value !== null ? h('code', { class: 'value' }, formatValue(i.value)) : null,
            ' ', i.message))))
        : null);
    this.popup = new maplibregl.Popup({ maxWidth: '340px', className: 'item-popup-wrap', focusAfterOpen: false })
      .setLngLat(at).setDOMContent(content).addTo(this.map);
  }
}
