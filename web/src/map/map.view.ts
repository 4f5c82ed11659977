/**
 * The 2D/3D carrier map: MapLibre draws our own layers from our vector tiles on a plain
 * background (no external tiles, fonts or sprites unless `/api/config` names a basemap), deck.gl
 * adds labels and 3D buildings, and the legend and details panel sit on it, under the one page
 * shell (header, navigation, language, sign-in) with the map's filters and 2D/3D toggle. The map
 * and its catalog layers come from the shared base map (web/src/shared/base-map.ts).
 *
 * Everything layer-specific comes from `/api/layers`; this file only wires state to views. Tile
 * URLs carry each layer's data version: they are re-read every `VERSION_POLL_MS` and after
 * signing in or out, and a changed layer's source gets its new URL (`setTiles`), so MapLibre
 * refetches just that layer.
 */
import type maplibregl from 'maplibre-gl';
import type { Map as MapLibreMap, MapGeoJSONFeature, VectorTileSource } from 'maplibre-gl';
import { fetchConfig, fetchFeature, fetchLayers, fetchSummary } from '../shared/api.service.ts';
import type { ApiFeature, AppConfig, CountyInfo, FeatureId, FeatureProperties, LayerInfo, SessionUser, SummaryResponse } from '../shared/api.types.ts';
import { addBasemap, addCatalogLayers, createBaseMap, DAZHOU_BOUNDS, whenLoaded } from '../shared/base-map.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError } from '../shared/http.client.ts';
import { getLang, t } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { DeckOverlayController } from './deck-overlay.controller.ts';
import { FeaturePanelComponent } from './feature-panel.component.ts';
import { geometryBBox, type BBox } from './geometry.util.ts';
import { isLabelLayer, loadLabelFeatures, TileUrlRegistry, type LayerData } from './layer-data.service.ts';
import {
  buildSelectionLayers, interactiveLayerIds, isCountyFiltered, layerFilter, mapLayerIds, SELECTION_LAYER_IDS, tileFeatureId,
} from './layer-style.builder.ts';
import { LegendComponent } from './legend.component.ts';
import { ImageryLayers } from '../shared/imagery.layer.ts';
import { MapFiltersComponent } from './map-filters.component.ts';
import { EditModeController } from './edit/edit-mode.controller.ts';
import './edit/edit.css';

/** 2D or 3D display. */
export type MapMode = '2d' | '3d';

/** Dazhou, used until `/api/config` answers. */
const DEFAULT_BOUNDS: BBox = DAZHOU_BOUNDS;
/** Pitch of the 3D mode, degrees. */
const PITCH_3D = 60;
/** Screen width below which legend and panel are bottom sheets. */
const NARROW_QUERY = '(max-width: 640px)';
/** How often (ms) the visible layers' TileJSON versions are checked. */
const VERSION_POLL_MS = 20_000;

/** The test and console hooks exposed as `window.__app`. */
export interface AppHandle {
  map: MapLibreMap;
  /** Resolves when the default layers' first tiles (and the label data) are loaded and the map is idle. */
  ready: Promise<void>;
  setMode(mode: MapMode): Promise<void>;
  selectFeature(layerId: string, id: FeatureId): Promise<void>;
  /** The edit mode (staff and reviewers). */
  edit: EditModeController;
}

/** The map page. Create one per document with `new MapView(root)`. */
export class MapView {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;

  private config: AppConfig | null = null;
  private layers: LayerInfo[] = [];
  /** GeoJSON of the small labelled layers (counties, parks): labels, county outlines, park names. */
  private readonly labels = new Map<string, LayerData>();
  private readonly tileUrls = new TileUrlRegistry();
  /** Feature count per layer for the legend (from `/api/layers`, for the current user). */
  private counts = new Map<string, number>();
  private readonly visible = new Set<string>();
  private mode: MapMode = '2d';
  private county: string | null = null;
  private counties: CountyInfo[] = [];
  private summary: SummaryResponse | null = null;
  private user: SessionUser | null = null;
  private selection: { layerId: string; id: FeatureId } | null = null;

  private labelController: AbortController | null = null;
  private versionController: AbortController | null = null;
  /** Layers whose source needs its current tile URL (new version or session). */
  private readonly staleSources = new Set<string>();
  /** Layers whose data changed: their labels, the counts and the summary need reloading. */
  private readonly changedData = new Set<string>();
  private selectController: AbortController | null = null;
  private readonly deck: DeckOverlayController;
  private readonly shell: PageShell;
  private readonly filters: MapFiltersComponent;
  private readonly legend: LegendComponent;
  /** Orthophotos under the vector layers, listed in the legend. */
  private readonly imagery = new ImageryLayers();
  private readonly panel: FeaturePanelComponent;
  private readonly toast: HTMLElement;
  private readonly edit: EditModeController;

  constructor(root: HTMLElement) {
    this.filters = new MapFiltersComponent({
      onCounty: (adcode) => this.setCounty(adcode),
      onMode: () => void this.setMode(this.mode === '2d' ? '3d' : '2d'),
      onChange: () => this.shell?.render(),
    });
    // The one page shell: brand, navigation, language, sign-in; the map adds its filters and mode.
    this.shell = new PageShell({
      page: 'map',
      title: () => ({ long: t('appTitle'), short: t('appTitleShort') }),
      middle: () => this.filters.middle(),
      controls: () => this.filters.controls(),
      onUserChange: (user) => void this.onAuthChanged(user),
      onLangChange: () => this.onLangChanged(),
    });
    this.legend = new LegendComponent((id, on) => this.setLayerVisible(id, on));
    this.legend.extraSection = (zoom) => this.imagery.legendSection(zoom);
    this.panel = new FeaturePanelComponent({
      countyName: (adcode) => this.countyName(adcode),
      parkName: (id) => this.parkName(id),
      onParkClick: (id) => void this.selectFeature('parks', id, true),
      // Investors (not signed in) get the investor card instead of the attribute table.
      isPublic: () => this.user === null,
      // The 360° viewer (three.js) is imported only when a panorama is opened.
      onOpenPanorama: (id) => void import('../panorama/panorama-overlay.ts').then(({ openPanorama }) =>
        openPanorama(mapEl.parentElement!, id, { map: this.map, onCarrier: (c) => void this.selectFeature(c.layer, c.id, false) })),
    }, () => this.clearSelection());
    this.toast = h('div', { id: 'toast', class: 'toast', role: 'status', hidden: true });
    const mapEl = h('div', { id: 'map', class: 'map' });
    root.replaceChildren(this.shell.element, h('main', { class: 'stage' }, mapEl, this.legend.element, this.panel.element, this.toast));
    this.legend.render();
    if (window.matchMedia(NARROW_QUERY).matches) this.legend.setOpen(false);

    // A rotating and tilting map (3D), with rotation off until the 3D mode turns it on.
    this.map = createBaseMap({ container: mapEl, rotate: true, navigation: 'compass' });
    this.enableRotation(false);
    this.deck = new DeckOverlayController(this.map);
    this.edit = new EditModeController({
      map: this.map,
      layers: () => this.layers,
      highlight: (layerId, id) => this.setSelectionLayers(layerId ? this.layers.find((l) => l.id === layerId) ?? null : null, id),
      onPublished: () => void this.checkVersions(this.layers.map((l) => l.id)),
      onActiveChange: (active) => { if (active) this.clearSelection(); },
    });
    mapEl.parentElement!.append(this.edit.toggle, this.edit.panel);

    this.map.on('click', (e) => this.onMapClick(e.point.x, e.point.y));
    this.map.on('zoomend', () => this.updateLegend());

    this.ready = this.start();
    // The hook's consumer handles failures; keep the console clean meanwhile.
    this.ready.catch(() => {});
  }

  /** `window.__app`. */
  handle(): AppHandle {
    return {
      map: this.map,
      ready: this.ready,
      setMode: (mode) => this.setMode(mode),
      selectFeature: (layerId, id) => this.selectFeature(layerId, id, true),
      edit: this.edit,
    };
  }

  // ---------------------------------------------------------------- start-up and data

  private async start(): Promise<void> {
    const controller = new AbortController();
    const styleLoaded = whenLoaded(this.map);
    try {
      const [config, layers, user] = await Promise.all([
        fetchConfig(controller.signal),
        fetchLayers(controller.signal),
        this.shell.loadUser(controller.signal).catch(() => null),
      ]);
      this.config = config;
      this.layers = layers;
      this.user = user;
      this.setCounts(layers);
      this.tileUrls.setSignedIn(user !== null);
      for (const l of layers) if (l.visibleByDefault) this.visible.add(l.id);
      this.edit.setUser(user);
      // Versioned tile URLs of every layer, and the label features, while the style loads.
      const versions = this.tileUrls.refresh(layers.map((l) => l.id), controller.signal);
      const labels = this.loadLabels();
      await styleLoaded;
      const { errors } = await versions;
      // A layer without TileJSON still works with unversioned tiles; say so, but go on.
      if (errors.length > 0) this.showError(t('loadFailed'), errors[0]);
      addBasemap(this.map, config);
      addCatalogLayers(this.map, this.layers, { tileUrl: (l) => this.tileUrls.template(l.id) });
      // Orthophotos go under the vector layers once listed; a failure leaves the vector map as it is.
      void this.imagery.load(this.map, { signal: controller.signal }).then(() => this.updateLegend(), (err) => console.warn('orthophotos not loaded', err));
      this.map.fitBounds(config.bounds?.length === 4 ? config.bounds : DEFAULT_BOUNDS, { padding: this.fitPadding(), duration: 0 });
      this.updateLegend();
      this.updateDeck();
      void this.loadSummary();
      await labels;
      await this.whenIdle();
      window.setInterval(() => {
        if (!document.hidden) void this.checkVersions(this.layers.filter((l) => this.visible.has(l.id)).map((l) => l.id));
      }, VERSION_POLL_MS);
    } catch (err) {
      this.showError(t('loadFailed'), err);
      throw err;
    }
  }

  /** (Re)load the label features (counties, parks), e.g. at start and after signing in or out. */
  private async loadLabels(): Promise<void> {
    await Promise.all(this.layers.filter(isLabelLayer).map((l) => this.loadLabelLayer(l.id)));
  }

  private async loadLabelLayer(layerId: string): Promise<void> {
    // One controller for all label loads; signing in or out aborts them and starts a new one.
    const controller = (this.labelController ??= new AbortController());
    const data = await loadLabelFeatures(layerId, controller.signal);
    if (controller.signal.aborted) return;
    this.labels.set(layerId, data);
    if (this.layers.find((l) => l.id === layerId)?.group === 'admin') this.updateCounties();
    this.updateDeck();
  }

  /**
   * Re-read the TileJSON of `layerIds`; give every layer whose tile URL changed (plus `force`)
   * its new URL, and reload what depends on the changed data (labels, counts, summary).
   */
  private async checkVersions(layerIds: string[], force: string[] = []): Promise<void> {
    // A newer check supersedes a running one; what either found is kept in the two sets below
    // until applied, so an aborted check loses nothing.
    this.versionController?.abort();
    const controller = (this.versionController = new AbortController());
    for (const id of force) this.staleSources.add(id);
    const { changed, errors } = await this.tileUrls.refresh(layerIds, controller.signal);
    for (const id of changed) {
      this.staleSources.add(id);
      this.changedData.add(id);
    }
    if (controller.signal.aborted) return;
    // A missed check is retried at the next poll; tiles keep their last URL meanwhile.
    for (const err of errors) if (!isAbortError(err)) console.warn('tile version check failed', err);
    if (this.staleSources.size === 0) return;
    for (const id of this.staleSources) (this.map.getSource(id) as VectorTileSource | undefined)?.setTiles([this.tileUrls.template(id)]);
    this.staleSources.clear();
    this.updateDeck();
    if (this.changedData.size === 0) return;
    const layers = this.layers.filter((l) => this.changedData.has(l.id));
    this.changedData.clear();
    await Promise.all([
      ...layers.filter(isLabelLayer).map((l) => this.loadLabelLayer(l.id)),
      this.loadCounts(),
      this.loadSummary(),
    ]).catch((err) => this.showError(t('loadFailed'), err));
  }

  /** Legend counts for the current user. */
  private async loadCounts(): Promise<void> {
    this.setCounts(await fetchLayers(new AbortController().signal));
    this.updateLegend();
  }

  private setCounts(layers: LayerInfo[]): void {
    this.counts = new Map(layers.map((l) => [l.id, l.featureCount]));
  }

  private async loadSummary(): Promise<void> {
    try {
      this.summary = await fetchSummary(new AbortController().signal);
      this.updateCounties();
      this.filters.update({ rows: this.summary.rows });
    } catch (err) {
      if (!isAbortError(err)) this.showError(t('loadFailed'), err);
    }
  }

  /** County list from the summary, or from the counties layer while the summary is missing. */
  private updateCounties(): void {
    const fromSummary = this.summary?.counties ?? [];
    const countiesLayer = this.layers.find((l) => l.group === 'admin');
    const fromLayer = countiesLayer ? this.labels.get(countiesLayer.id)?.features ?? [] : [];
    this.counties = fromSummary.length > 0 ? fromSummary : fromLayer.map((f) => ({
      adcode: String(f.properties?.adcode ?? f.id), name: { zh: String(f.properties?.name ?? ''), en: String(f.properties?.name_en ?? f.properties?.name ?? '') },
    }));
    this.filters.update({ counties: this.counties });
  }

  private parkName(id: number | string): string | undefined {
    const parks = this.layers.find((l) => l.group === 'park');
    const park = parks ? this.labels.get(parks.id)?.features.find((f) => String(f.id) === String(id)) : undefined;
    const p = park?.properties;
    return ((getLang() === 'en' && p?.name_en) || p?.name || undefined) as string | undefined;
  }

  private countyName(adcode: string): string | undefined {
    const c = this.counties.find((x) => x.adcode === adcode);
    return c ? (getLang() === 'en' ? c.name.en : c.name.zh) : undefined;
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  // ---------------------------------------------------------------- state → views

  private updateDeck(): void {
    this.deck.update({
      layers: this.layers,
      labels: this.labels,
      tileUrls: new Map(this.layers.map((l) => [l.id, this.tileUrls.template(l.id)])),
      visible: this.visible,
      mode: this.mode,
      county: this.county,
      selection: this.selection,
    });
  }

  private updateLegend(): void {
    if (this.layers.length === 0) return;
    this.legend.update({ layers: this.layers, visible: this.visible, counts: this.counts, zoom: this.map.getZoom() });
  }

  /**
   * Layout visibility of a layer's MapLibre layers. 3D hides the flat polygons of extruded layers
   * (deck.gl draws them as buildings) but keeps their low-zoom dots.
   */
  private applyVisibility(layer: LayerInfo): void {
    for (const id of mapLayerIds(layer)) {
      const hiddenBy3d = this.mode === '3d' && !!layer.style.extrusionHeight && !id.endsWith('-point');
      const value = this.visible.has(layer.id) && !hiddenBy3d ? 'visible' : 'none';
      if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', value);
    }
  }

  private setLayerVisible(layerId: string, on: boolean): void {
    if (on) this.visible.add(layerId);
    else this.visible.delete(layerId);
    const layer = this.layers.find((l) => l.id === layerId);
    if (layer) this.applyVisibility(layer);
    if (!on && this.selection?.layerId === layerId) this.clearSelection();
    this.updateDeck();
    this.updateLegend();
    // A layer hidden for a while may have changed meanwhile.
    if (on) void this.checkVersions([layerId]);
  }

  /** After a language switch (the shell has redrawn itself and the filters). */
  private onLangChanged(): void {
    this.legend.render();
    this.panel.render();
    this.edit.render();
    this.updateDeck();
  }

  // ---------------------------------------------------------------- county filter

  /** Filter carriers, parks and amenities to one county (null = all) and fly to it. */
  setCounty(adcode: string | null): void {
    this.county = adcode;
    for (const layer of this.layers) {
      if (!isCountyFiltered(layer)) continue;
      for (const id of mapLayerIds(layer)) if (this.map.getLayer(id)) this.map.setFilter(id, layerFilter(layer, id, adcode));
    }
    // Counties: tint the chosen one, grey the others.
    const counties = this.layers.find((l) => l.group === 'admin');
    if (counties && this.map.getLayer(`${counties.id}-fill`)) {
      this.map.setPaintProperty(`${counties.id}-fill`, 'fill-color', adcode
        ? ['case', ['==', ['to-string', ['id']], adcode], counties.style.color, '#90a4ae']
        : counties.style.color);
      this.map.setPaintProperty(`${counties.id}-fill`, 'fill-opacity', adcode
        ? ['case', ['==', ['to-string', ['id']], adcode], Math.max(counties.style.opacity ?? 0.06, 0.1), 0.35]
        : (counties.style.opacity ?? 0.06));
    }
    if (counties && this.map.getLayer(`${counties.id}-line`)) {
      const width = counties.style.size ?? 1.5;
      this.map.setPaintProperty(`${counties.id}-line`, 'line-width', adcode
        ? ['case', ['==', ['to-string', ['id']], adcode], width * 2, width]
        : width);
    }
    this.filters.update({ county: adcode });
    this.updateDeck();
    const target = adcode && counties
      ? this.labels.get(counties.id)?.features.find((f) => String(f.id) === adcode || f.properties?.adcode === adcode)
      : null;
    const bbox = target ? geometryBBox(target.geometry) : (this.config?.bounds ?? DEFAULT_BOUNDS);
    if (bbox) this.map.fitBounds(bbox, { padding: this.fitPadding(), duration: 900, pitch: this.mode === '3d' ? PITCH_3D : 0 });
  }

  private fitPadding(): maplibregl.PaddingOptions {
    const narrow = window.matchMedia(NARROW_QUERY).matches;
    const panel = this.panel.isOpen && !narrow ? 380 : 0;
    return { top: 40, bottom: narrow && this.panel.isOpen ? window.innerHeight * 0.45 : 40, left: narrow ? 20 : Math.min(300, window.innerWidth * 0.3), right: 40 + panel };
  }

  // ---------------------------------------------------------------- 2D / 3D

  /** Rotating and tilting by hand: on in 3D, off in 2D. */
  private enableRotation(on: boolean): void {
    if (on) {
      this.map.dragRotate.enable();
      this.map.touchZoomRotate.enableRotation();
      this.map.keyboard.enableRotation();
    } else {
      this.map.dragRotate.disable();
      this.map.touchZoomRotate.disableRotation();
      this.map.keyboard.disableRotation();
    }
  }

  /** Switch between flat 2D and pitched 3D with extruded buildings. Resolves when the move ends. */
  async setMode(mode: MapMode): Promise<void> {
    this.mode = mode;
    for (const layer of this.layers) this.applyVisibility(layer);
    this.enableRotation(mode === '3d');
    this.filters.update({ mode });
    this.updateDeck();
    // An ease that changes nothing may not emit moveend: do not wait for it forever.
    const moved = Promise.race([
      new Promise<void>((resolve) => this.map.once('moveend', () => resolve())),
      new Promise<void>((resolve) => window.setTimeout(resolve, 1500)),
    ]);
    this.map.easeTo(mode === '3d' ? { pitch: PITCH_3D, bearing: this.map.getBearing() || -20, duration: 800 } : { pitch: 0, bearing: 0, duration: 800 });
    await moved;
    await this.whenIdle();
    // 3D buildings come from a lazily imported module and their own tile requests.
    await this.deck.whenExtrusionsLoaded();
  }

  // ---------------------------------------------------------------- selection

  private onMapClick(x: number, y: number): void {
    const at = this.map.unproject([x, y]);
    if (this.edit.mapClick(at.lng, at.lat, x, y)) return;
    if (this.mode === '3d') {
      if (this.deck.pickThreeD(x, y)) return;
      const picked = this.deck.pick(x, y);
      if (picked) {
        void this.selectFeature(picked.layerId, picked.feature.id, false, picked.feature.properties);
        return;
      }
    }
    const interactive = [...this.layers].reverse()
      .filter((l) => this.visible.has(l.id))
      .flatMap((l) => interactiveLayerIds(l))
      .filter((id) => this.map.getLayer(id) && this.map.getLayoutProperty(id, 'visibility') !== 'none');
    const hits: MapGeoJSONFeature[] = this.map.queryRenderedFeatures([[x - 3, y - 3], [x + 3, y + 3]], { layers: interactive });
    // Prefer the topmost layer in legend order (amenities over buildings over land over parks over counties).
    const order = new Map(interactive.map((id, i) => [id, i]));
    hits.sort((a, b) => (order.get(a.layer.id) ?? 99) - (order.get(b.layer.id) ?? 99));
    const hit = hits[0];
    if (!hit) {
      this.clearSelection();
      return;
    }
    // Tile feature ids are the API ids (county adcodes as integers).
    if (hit.id === undefined || hit.id === null) return;
    if (this.edit.active) {
      void this.edit.open(String(hit.source), String(hit.id));
      return;
    }
    void this.selectFeature(String(hit.source), hit.id as FeatureId, false, hit.properties);
  }

  /**
   * Highlight feature `id` of `layerId` and open its details, fetched from the API (tiles carry
   * only some attributes; `preview`, the tile's, shows meanwhile). `fly` also moves the map to it
   * (used by the test hook and park links).
   */
  async selectFeature(layerId: string, id: FeatureId, fly: boolean, preview?: FeatureProperties | null): Promise<void> {
    const layer = this.layers.find((l) => l.id === layerId);
    if (!layer) throw new Error(`unknown layer "${layerId}"`);
    this.selectController?.abort();
    const controller = (this.selectController = new AbortController());
    this.selection = { layerId, id };
    if (window.matchMedia(NARROW_QUERY).matches) this.legend.setOpen(false);
    this.setSelectionLayers(layer, id);
    this.updateDeck();
    const placeholder: ApiFeature = { type: 'Feature', id, geometry: null as never, properties: { ...(preview ?? {}) } };
    this.panel.show(layer, placeholder, true);
    try {
      const full = await fetchFeature(layerId, id, controller.signal);
      if (controller.signal.aborted) return;
      this.panel.show(layer, full, false);
      if (fly) this.flyToFeature(full);
    } catch (err) {
      if (isAbortError(err)) return;
      this.panel.show(layer, placeholder, false, t('featureLoadFailed') + (err as Error).message);
    }
  }

  /** Outline feature `id` of `layer` (from its tiles), or nothing when `layer` is null. */
  private setSelectionLayers(layer: LayerInfo | null, id: FeatureId | null): void {
    for (const sid of SELECTION_LAYER_IDS) if (this.map.getLayer(sid)) this.map.removeLayer(sid);
    const tileId = id === null ? null : tileFeatureId(id);
    if (!layer || tileId === null || !this.map.getSource(layer.id)) return;
    for (const spec of buildSelectionLayers(layer, tileId)) this.map.addLayer(spec);
  }

  private flyToFeature(feature: ApiFeature): void {
    const bbox = geometryBBox(feature.geometry);
    if (!bbox) return;
    this.map.fitBounds(bbox, { padding: this.fitPadding(), maxZoom: 16, duration: 900, pitch: this.mode === '3d' ? PITCH_3D : 0 });
  }

  private clearSelection(): void {
    this.selectController?.abort();
    this.selection = null;
    this.setSelectionLayers(null, null);
    this.panel.hide();
    this.updateDeck();
  }

  // ---------------------------------------------------------------- auth

  /** After signing in or out through the shell. */
  private async onAuthChanged(user: SessionUser | null): Promise<void> {
    this.user = user;
    this.edit.setUser(user);
    // Staff see unpublished features: everything shown must be fetched again. Every tile URL
    // changes (its session marker), so every source reloads, with current versions.
    this.clearSelection();
    const all = this.layers.map((l) => l.id);
    const force = this.tileUrls.setSignedIn(user !== null) ? all : [];
    this.labelController?.abort();
    this.labelController = null;
    try {
      await Promise.all([this.checkVersions(all, force), this.loadLabels(), this.loadSummary(), this.loadCounts()]);
    } catch (err) {
      if (!isAbortError(err)) this.showError(t('loadFailed'), err);
    }
  }

  private showError(prefix: string, err: unknown): void {
    if (isAbortError(err)) return;
    this.toast.textContent = prefix + (err instanceof Error ? err.message : String(err));
    this.toast.hidden = false;
    window.setTimeout(() => (this.toast.hidden = true), 8000);
  }
}
