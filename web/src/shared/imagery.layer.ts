/**
 * Orthophotos (正射影像) on a MapLibre map: one raster source per orthophoto the caller may see
 * (`/api/imagery`, tiles `/tiles/imagery/{id}/{z}/{x}/{y}.webp`), drawn under every vector layer,
 * their footprints as dashed outlines, and a legend section with the capture date, a checkbox per
 * orthophoto and a button that zooms to it. Any page with a map can use it (map, tours, park cards).
 */
import type maplibregl from 'maplibre-gl';
import { h } from './dom.util.ts';
import { requestJson } from './http.client.ts';
import { tr } from './i18n.service.ts';

/** An orthophoto as `/api/imagery` lists it (the fields the map uses). */
export interface ImageryItem {
  id: number;
  name: string;
  bounds: [number, number, number, number];
  footprint: GeoJSON.Polygon;
  min_zoom: number;
  max_zoom: number;
  captured_on: string | null;
  /** Staff only (the public sees ready, published orthophotos and no work fields). */
  status?: 'processing' | 'ready' | 'failed';
  review_state?: 'draft' | 'verified' | 'published';
}

const FOOTPRINTS = 'imagery-footprints';
const sourceId = (id: number) => `imagery-${id}`;

/** Loads and draws orthophotos on one map, and renders their legend section. */
export class ImageryLayers {
  private items: ImageryItem[] = [];
  private readonly hidden = new Set<number>();
  private map: maplibregl.Map | null = null;

  /** The orthophotos drawn (ready ones the caller may see). */
  get list(): readonly ImageryItem[] {
    return this.items;
  }

  /**
   * Fetches the orthophotos (optionally of one park, optionally only those whose bounds meet
   * `within` [west, south, east, north]) and adds them under the map's first layer that is not the
   * background or basemap. Resolves with how many were added.
   */
  async load(map: maplibregl.Map, o: { parkId?: number; within?: [number, number, number, number]; signal?: AbortSignal } = {}): Promise<number> {
    const body = await requestJson<{ imagery: ImageryItem[] }>(`/api/imagery${o.parkId ? `?parkId=${o.parkId}` : ''}`, { signal: o.signal ?? new AbortController().signal });
    this.map = map;
    const w = o.within;
    this.items = body.imagery.filter((i) => (i.status ?? 'ready') === 'ready'
      && (!w || (i.bounds[0] <= w[2] && i.bounds[2] >= w[0] && i.bounds[1] <= w[3] && i.bounds[3] >= w[1])));
    const before = map.getStyle().layers.find((l) => l.id !== 'background' && l.id !== 'basemap')?.id;
    // Oldest first, so the newest capture is drawn on top.
    for (const item of [...this.items].reverse()) {
      if (map.getSource(sourceId(item.id))) continue;
      map.addSource(sourceId(item.id), {
        type: 'raster', tiles: [`${location.origin}/tiles/imagery/${item.id}/{z}/{x}/{y}.webp`], tileSize: 256,
        bounds: item.bounds, minzoom: item.min_zoom, maxzoom: item.max_zoom,
        attribution: [tr({ zh: '正射影像', en: 'Orthophoto' }), item.captured_on].filter(Boolean).join(' '),
      });
      map.addLayer({ id: sourceId(item.id), type: 'raster', source: sourceId(item.id), paint: { 'raster-fade-duration': 0 } }, before);
    }
    if (this.items.length && !map.getSource(FOOTPRINTS)) {
      map.addSource(FOOTPRINTS, {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: this.items.map((i) => ({ type: 'Feature', id: i.id, properties: { id: i.id }, geometry: i.footprint })) },
      });
      map.addLayer({ id: FOOTPRINTS, type: 'line', source: FOOTPRINTS, paint: { 'line-color': '#00838f', 'line-width': 1.2, 'line-dasharray': [3, 2] } }, before);
    }
    return this.items.length;
  }

  /** Shows or hides one orthophoto. */
  setVisible(id: number, on: boolean): void {
    if (on) this.hidden.delete(id);
    else this.hidden.add(id);
    if (this.map?.getLayer(sourceId(id))) this.map.setLayoutProperty(sourceId(id), 'visibility', on ? 'visible' : 'none');
  }

  /** Zooms the map to an orthophoto. */
  zoomTo(id: number): void {
    const item = this.items.find((i) => i.id === id);
    if (!item || !this.map) return;
    const [w, s, e, n] = item.bounds;
    this.map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: item.max_zoom, duration: 600 });
  }

  /** The legend section (null when there is no orthophoto): name, capture date, checkbox, zoom button. */
  legendSection(zoom: number): HTMLElement | null {
    if (this.items.length === 0) return null;
    return h('section', { class: 'legend-group legend-imagery' },
      h('h3', {}, tr({ zh: '正射影像', en: 'Orthophotos' })),
      this.items.map((item) => {
        const out = zoom < item.min_zoom;
        const date = item.captured_on
          ? tr({ zh: `拍摄于 ${item.captured_on}`, en: `captured ${item.captured_on}` })
          : tr({ zh: '拍摄日期未知', en: 'capture date unknown' });
        return h('div', { class: 'legend-item', 'data-imagery': String(item.id) },
          h('label', { class: `legend-layer${out ? ' out-of-range' : ''}` },
            h('input', {
              type: 'checkbox', checked: !this.hidden.has(item.id),
              onchange: (e: Event) => this.setVisible(item.id, (e.target as HTMLInputElement).checked),
            }),
            h('span', { class: 'legend-swatch', style: 'background:linear-gradient(135deg,#7a9a5a,#c8b58a);border-radius:2px;width:14px;height:14px;flex:none' }),
            h('span', { class: 'legend-title' }, item.name),
            h('button', {
              type: 'button', class: 'legend-zoom', title: tr({ zh: '缩放到影像', en: 'Zoom to the image' }),
              style: 'border:0;background:none;color:var(--brand,#1565c0);cursor:pointer;font-size:12px;padding:0 2px',
              onclick: (e: Event) => { e.preventDefault(); this.zoomTo(item.id); },
            }, tr({ zh: '定位', en: 'Zoom' }))),
          h('div', { class: 'legend-hint legend-hint-info' }, date,
            item.review_state && item.review_state !== 'published' ? tr({ zh: '（未发布）', en: ' (not published)' }) : '',
            out ? tr({ zh: `；放大到 ${item.min_zoom} 级可见`, en: `; zoom in to ${item.min_zoom} to see it` }) : ''));
      }));
  }
}
