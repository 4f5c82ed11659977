/**
 * The map of the site-selection page and of the shared proposal, made by the shared base map
 * (web/src/shared/base-map.ts): the house layers (counties, parks, carriers, amenities from our
 * own vector tiles, styled from the layer catalog like the main map, carriers dimmed) with the sites of interest on top, highlighted in the accent colour
 * and numbered with HTML markers (no glyph server needed). One focused site is outlined.
 */
import maplibregl from 'maplibre-gl';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { FeatureCollection, Geometry, Position } from 'geojson';
import type { LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { geometryBBox, labelPoint } from '../map/geometry.util.ts';
import { addCatalogLayers, createBaseMap, whenLoaded } from '../shared/base-map.ts';

/** A site drawn on the map. */
export interface MapSite {
  id: number;
  rank: number;
  name: string;
  geometry: Geometry;
}

/** Layer groups shown under the results. */
const BASE_GROUPS = new Set(['admin', 'park', 'carrier', 'amenity']);

/** A MapLibre map with numbered sites. */
export class SelectMapView {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;
  private markers: maplibregl.Marker[] = [];
  private sites: MapSite[] = [];

  /**
   * `printable`: keep the drawing buffer so the canvas prints; `onPick`: a marker or a site
   * polygon was clicked.
   */
  constructor(container: HTMLElement, layers: LayerInfo[], opts: { printable?: boolean; interactive?: boolean; onPick?: (id: number) => void } = {}) {
    const interactive = opts.interactive ?? true;
    // The results' source and layers are there from the start (sites may come before the map has
    // loaded); the catalog layers go under them once it has. Every base map keeps its drawing
    // buffer, so the canvas prints (`printable` is kept for callers).
    this.map = createBaseMap({
      container, center: [107.47, 31.2], zoom: 8.3, interactive, attribution: false,
      sources: { results: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } },
      layers: [
        { id: 'results-fill', type: 'fill', source: 'results', paint: { 'fill-color': '#ff6d00', 'fill-opacity': 0.55 } },
        { id: 'results-line', type: 'line', source: 'results', paint: { 'line-color': '#e65100', 'line-width': 1.5 } },
        { id: 'results-focus', type: 'line', source: 'results', filter: ['==', ['id'], -1], paint: { 'line-color': '#0b3d91', 'line-width': 3.5 } },
      ],
    });
    if (interactive) {
      this.map.on('click', 'results-fill', (e) => {
        const id = Number(e.features?.[0]?.id);
        if (Number.isFinite(id)) opts.onPick?.(id);
      });
      this.map.on('mouseenter', 'results-fill', () => { this.map.getCanvas().style.cursor = 'pointer'; });
      this.map.on('mouseleave', 'results-fill', () => { this.map.getCanvas().style.cursor = ''; });
    }
    this.onPick = opts.onPick;
    const base = layers.filter((l) => BASE_GROUPS.has(l.group) && l.visibleByDefault);
    this.ready = whenLoaded(this.map).then(() => {
      addCatalogLayers(this.map, base, {
        beforeId: 'results-fill',
        pointer: () => false,
        // Carriers are context here: the results are what the eye should find.
        adjust: (layer, spec) => {
          if (layer.group === 'carrier' && spec.type === 'fill') (spec.paint as Record<string, unknown>)['fill-opacity'] = 0.22;
          if (layer.group === 'carrier' && spec.type === 'circle') (spec.paint as Record<string, unknown>)['circle-opacity'] = 0.35;
          return spec;
        },
      });
    });
  }

  private readonly onPick?: (id: number) => void;

  /** Show `sites` (replacing the previous ones) and fit the map to them. */
  setSites(sites: MapSite[]): void {
    this.sites = sites;
    const fc: FeatureCollection = {
      type: 'FeatureCollection',
      features: sites.map((s) => ({ type: 'Feature', id: s.id, geometry: s.geometry, properties: { id: s.id, name: s.name, rank: s.rank } })),
    };
    (this.map.getSource('results') as GeoJSONSource | undefined)?.setData(fc);
    for (const m of this.markers) m.remove();
    this.markers = sites.flatMap((s) => {
      const at = labelPoint(s.geometry);
      if (!at) return [];
      const el = h('button', { type: 'button', class: 'rank-marker', 'data-id': s.id, title: s.name }, String(s.rank));
      el.style.zIndex = String(1000 - s.rank); // the best-ranked marker on top where they overlap
      el.addEventListener('click', (e) => { e.stopPropagation(); this.onPick?.(s.id); });
      return [new maplibregl.Marker({ element: el }).setLngLat(at as [number, number]).addTo(this.map)];
    });
    this.fit(sites.map((s) => s.geometry));
  }

  /** Outline site `id` (null: none), mark its marker and, with `zoom`, fly to it. */
  focus(id: number | null, zoom = false): void {
    this.map.setFilter('results-focus', ['==', ['id'], id ?? -1]);
    for (const m of this.markers) m.getElement().classList.toggle('focused', m.getElement().dataset.id === String(id));
    const site = this.sites.find((s) => s.id === id);
    if (site && zoom) this.fit([site.geometry], 15.5);
  }

  private fit(geometries: Geometry[], maxZoom = 14.5): void {
    const boxes = geometries.map((g) => geometryBBox(g)).filter((b): b is [number, number, number, number] => b !== null);
    if (!boxes.length) return;
    const pad = Math.min(70, Math.round(Math.min(this.map.getContainer().clientWidth, this.map.getContainer().clientHeight) / 6));
    this.map.fitBounds([
      [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1]))],
      [Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))],
    ], { padding: pad, maxZoom, duration: 0 });
  }
}

/** Resolves once the map has drawn everything it is loading. */
export function mapIdle(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    if (map.loaded() && map.areTilesLoaded()) resolve();
    else map.once('idle', () => resolve());
  });
}

/** A small SVG outline of a site's polygon (north up, equirectangular at its latitude). */
export function outlineSvg(geometry: Geometry, size = 180): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('class', 'outline-svg');
  const polys: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const bbox = geometryBBox(geometry);
  if (!bbox || !polys.length) return svg;
  const kx = Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
  const w = (bbox[2] - bbox[0]) * kx;
  const hgt = bbox[3] - bbox[1];
  const scale = (size * 0.84) / Math.max(w, hgt, 1e-9);
  const ox = (size - w * scale) / 2;
  const oy = (size - hgt * scale) / 2;
  const d = polys.flatMap((rings) => rings.map((ring) => ring.map((p, i) =>
    `${i ? 'L' : 'M'}${(ox + (p[0] - bbox[0]) * kx * scale).toFixed(1)},${(oy + (bbox[3] - p[1]) * scale).toFixed(1)}`).join('') + 'Z')).join('');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill-rule', 'evenodd');
  svg.append(path);
  return svg;
}
