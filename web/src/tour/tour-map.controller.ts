/**
 * The tour page's map: the same layers, tiles, labels and 3D buildings as the map page (built from
 * `/api/layers` by the map modules), plus the highlight of the current stop's carriers and camera
 * flights between stops that the user can interrupt at any moment by touching the map.
 */
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature, VectorTileSource } from 'maplibre-gl';
import type { Feature, FeatureCollection } from 'geojson';
import { fetchConfig, fetchLayers } from '../shared/api.service.ts';
import type { LayerInfo } from '../shared/api.types.ts';
import { addBasemap, addCatalogLayers, createBaseMap, whenLoaded } from '../shared/base-map.ts';
import { ImageryLayers } from '../shared/imagery.layer.ts';
import { DeckOverlayController } from '../map/deck-overlay.controller.ts';
import { isLabelLayer, loadLabelFeatures, TileUrlRegistry, type LayerData } from '../map/layer-data.service.ts';
import { interactiveLayerIds, mapLayerIds } from '../map/layer-style.builder.ts';
import type { TourCamera, TourStop } from './tours.service.ts';

/** 2D (flat, north up) or 3D (the stop's pitch and bearing, extruded buildings). */
export type TourMode = '2d' | '3d';

const HIGHLIGHT = 'tour-highlight';
const STOP_POINT = 'tour-stop-point';
/** Pitch used in 3D for stops authored flat. */
const MIN_3D_PITCH = 45;
/**
 * The view stop cameras are authored for (the server's generator fits cameras to the same size,
 * `server/tours/route-order.ts` FIT_VIEWPORT). A visibly smaller map (a phone above the bottom
 * sheet) zooms out by log2 of the ratio so a stop shows the same area; near-equal sizes keep the
 * authored zoom exactly.
 */
export const REFERENCE_VIEW = { width: 900, height: 640, minRatio: 0.9 } as const;

/** Map padding: pixels hidden by the page's panels. */
export type Padding = { top: number; bottom: number; left: number; right: number };

/** What a click on the map hit. */
export interface MapHit {
  layerId: string;
  id: number;
  properties: Record<string, unknown>;
}

/** Owns the MapLibre map of the tour page. */
export class TourMapController {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;
  private layers: LayerInfo[] = [];
  private readonly labels = new Map<string, LayerData>();
  private readonly tileUrls = new TileUrlRegistry();
  private readonly deck: DeckOverlayController;
  private mode: TourMode = '2d';
  private selection: { layerId: string; id: number } | null = null;
  private flight: { resolve: (arrived: boolean) => void } | null = null;
  private readonly interactionListeners = new Set<() => void>();
  private readonly clickListeners = new Set<(hit: MapHit | null) => void>();

  constructor(container: HTMLElement) {
    // Tours tilt and turn the camera (3D stops), so this map rotates.
    this.map = createBaseMap({ container, rotate: true, scale: 'bottom-right' });
    this.deck = new DeckOverlayController(this.map);
    // Any touch of the map by the user interrupts a flight (and the tour pauses).
    const container2 = this.map.getCanvasContainer();
    for (const type of ['pointerdown', 'wheel', 'touchstart', 'keydown'] as const) {
      container2.addEventListener(type, () => this.userInteracted(), { passive: true });
    }
    this.map.on('click', (e) => this.onClick(e.point.x, e.point.y));
    this.ready = this.start();
    this.ready.catch(() => {});
  }

  private async start(): Promise<void> {
    const signal = new AbortController().signal;
    const loaded = whenLoaded(this.map);
    const [config, layers] = await Promise.all([fetchConfig(signal), fetchLayers(signal)]);
    this.layers = layers;
    await this.tileUrls.refresh(layers.map((l) => l.id), signal);
    const labels = Promise.all(layers.filter(isLabelLayer).map(async (l) => this.labels.set(l.id, await loadLabelFeatures(l.id, signal))));
    await loaded;
    addBasemap(this.map, config);
    addCatalogLayers(this.map, layers, { tileUrl: (l) => this.tileUrls.template(l.id) });
    this.map.addSource(HIGHLIGHT, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    this.map.addLayer({ id: `${HIGHLIGHT}-fill`, type: 'fill', source: HIGHLIGHT, paint: { 'fill-color': '#ffd600', 'fill-opacity': 0.35 } });
    this.map.addLayer({ id: `${HIGHLIGHT}-casing`, type: 'line', source: HIGHLIGHT, layout: { 'line-join': 'round' }, paint: { 'line-color': '#ffffff', 'line-width': 7 } });
    this.map.addLayer({ id: `${HIGHLIGHT}-line`, type: 'line', source: HIGHLIGHT, layout: { 'line-join': 'round' }, paint: { 'line-color': '#ff6d00', 'line-width': 3.5 } });
    this.map.addSource(STOP_POINT, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    this.map.addLayer({
      id: STOP_POINT, type: 'circle', source: STOP_POINT,
      paint: { 'circle-radius': 11, 'circle-color': 'rgba(255,109,0,0.3)', 'circle-stroke-color': '#ff6d00', 'circle-stroke-width': 3 },
    });
    this.updateDeck();
    // Published orthophotos under the vector layers (a failure leaves the map without them).
    const imagery = new ImageryLayers().load(this.map, { signal }).catch(() => 0);
    await labels;
    this.updateDeck();
    await imagery;
  }

  private updateDeck(): void {
    this.deck.update({
      layers: this.layers, labels: this.labels,
      tileUrls: new Map(this.layers.map((l) => [l.id, this.tileUrls.template(l.id)])),
      visible: new Set(this.layers.filter((l) => l.visibleByDefault).map((l) => l.id)),
      mode: this.mode, county: null, selection: this.selection,
    });
  }

  /** Refresh every tile source (after signing in or out: tiles depend on the session). */
  async reloadTiles(signedIn: boolean): Promise<void> {
    this.tileUrls.setSignedIn(signedIn);
    await this.tileUrls.refresh(this.layers.map((l) => l.id), new AbortController().signal);
    for (const l of this.layers) (this.map.getSource(l.id) as VectorTileSource | undefined)?.setTiles([this.tileUrls.template(l.id)]);
    this.updateDeck();
  }

  getMode(): TourMode {
    return this.mode;
  }

  /** Switch 2D / 3D; in 3D flat polygons of extruded layers give way to deck.gl buildings. */
  setMode(mode: TourMode): void {
    this.mode = mode;
    for (const layer of this.layers) {
      for (const id of mapLayerIds(layer)) {
        const hidden = mode === '3d' && !!layer.style.extrusionHeight && !id.endsWith('-point');
        if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', layer.visibleByDefault && !hidden ? 'visible' : 'none');
      }
    }
    this.updateDeck();
  }

  /** Resolves when 3D building tiles in view have loaded (at once in 2D). */
  whenExtrusionsLoaded(): Promise<void> {
    return this.deck.whenExtrusionsLoaded();
  }

  /** Zoom change that shows a stop's area in the visible part of the map (≤ 0; see REFERENCE_VIEW). */
  zoomAdjustment(padding?: Padding): number {
    const c = this.map.getContainer();
    const w = c.clientWidth - (padding ? padding.left + padding.right : 0);
    const hgt = c.clientHeight - (padding ? padding.top + padding.bottom : 0);
    const ratio = Math.min(w / REFERENCE_VIEW.width, hgt / REFERENCE_VIEW.height);
    return ratio > 0 && ratio < REFERENCE_VIEW.minRatio ? Math.log2(ratio) : 0;
  }

  /** The camera a stop gets in the current mode and view: 2D is flat and north-up. */
  cameraFor(camera: TourCamera, padding?: Padding): { center: [number, number]; zoom: number; pitch: number; bearing: number } {
    const zoom = camera.zoom + this.zoomAdjustment(padding);
    return this.mode === '3d'
      ? { center: camera.center, zoom, pitch: Math.max(camera.pitch, MIN_3D_PITCH), bearing: camera.bearing }
      : { center: camera.center, zoom, pitch: 0, bearing: 0 };
  }

  /**
   * Fly to `camera`. Resolves true on arrival, false when interrupted (by the user touching the
   * map, or by another flight). `speed` > 1 shortens the flight (tests, impatient viewers);
   * `padding` (pixels hidden by the card) centres the stop in the rest of the map.
   */
  flyTo(camera: TourCamera, opts: { speed?: number; animate?: boolean; padding?: Padding } = {}): Promise<boolean> {
    this.cancelFlight();
    // The padding keeps the stop's centre in the part of the map the card leaves visible.
    const target = { ...this.cameraFor(camera, opts.padding), ...(opts.padding ? { padding: opts.padding } : {}) };
    if (opts.animate === false) {
      this.map.jumpTo(target);
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const flight = { resolve };
      this.flight = flight;
      this.map.once('moveend', () => {
        if (this.flight !== flight) return;
        this.flight = null;
        resolve(true);
      });
      const speed = opts.speed ?? 1;
      this.map.flyTo({ ...target, speed: 0.9 * speed, curve: 1.5, maxDuration: 9000 / speed });
    });
  }

  /** Stop a flight in progress (it resolves false). */
  cancelFlight(): void {
    const f = this.flight;
    if (!f) return;
    this.flight = null;
    this.map.stop();
    f.resolve(false);
  }

  /** Call `fn` whenever the user touches the map (pointer, wheel, keys). */
  onUserInteraction(fn: () => void): () => void {
    this.interactionListeners.add(fn);
    return () => this.interactionListeners.delete(fn);
  }

  /** Call `fn` with what a click hit (a feature of an interactive layer, or null). */
  onFeatureClick(fn: (hit: MapHit | null) => void): () => void {
    this.clickListeners.add(fn);
    return () => this.clickListeners.delete(fn);
  }

  private userInteracted(): void {
    this.cancelFlight();
    for (const fn of this.interactionListeners) fn();
  }

  private onClick(x: number, y: number): void {
    let hit: MapHit | null = null;
    if (this.mode === '3d') {
      const picked = this.deck.pick(x, y);
      if (picked) hit = { layerId: picked.layerId, id: Number(picked.feature.id), properties: picked.feature.properties ?? {} };
    }
    if (!hit) {
      const order = [...this.layers].reverse().filter((l) => (l.group !== 'admin' && l.group !== 'park') || l.id === 'panoramas');
      const ids = order.flatMap((l) => interactiveLayerIds(l)).filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
      const hits: MapGeoJSONFeature[] = this.map.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]], { layers: ids });
      const rank = new Map(ids.map((id, i) => [id, i]));
      hits.sort((a, b) => (rank.get(a.layer.id) ?? 99) - (rank.get(b.layer.id) ?? 99));
      const f = hits[0];
      if (f && f.id !== undefined && f.id !== null) hit = { layerId: String(f.source), id: Number(f.id), properties: f.properties ?? {} };
    }
    for (const fn of this.clickListeners) fn(hit);
  }

  /** Highlight the stop's carriers (outlines; the first building also in 3D) or mark its centre. */
  highlight(stop: TourStop | null): void {
    const features: Feature[] = (stop?.carriers ?? []).map((c) => ({ type: 'Feature', id: c.id, geometry: c.geometry, properties: { name: c.name, layer: c.layer } }));
    const fc: FeatureCollection = { type: 'FeatureCollection', features };
    (this.map.getSource(HIGHLIGHT) as GeoJSONSource | undefined)?.setData(fc);
    const point: FeatureCollection = {
      type: 'FeatureCollection',
      features: stop && !stop.carriers.length ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: stop.camera.center }, properties: {} }] : [],
    };
    (this.map.getSource(STOP_POINT) as GeoJSONSource | undefined)?.setData(point);
    const building = stop?.carriers.find((c) => c.kind !== 'land');
    this.selection = building ? { layerId: building.layer, id: building.id } : null;
    this.updateDeck();
  }

  /** The current camera as a stop camera (zoom for the reference view), rounded. */
  currentCamera(padding?: Padding): TourCamera {
    const c = this.map.getCenter();
    const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
    const zoom = Math.min(22, this.map.getZoom() - this.zoomAdjustment(padding));
    return { center: [r(c.lng, 7), r(c.lat, 7)], zoom: r(zoom, 2), pitch: r(this.map.getPitch(), 1), bearing: r(this.map.getBearing(), 1) };
  }

  /** Current bounds as [minLon, minLat, maxLon, maxLat]. */
  bounds(): [number, number, number, number] {
    const b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }
}
