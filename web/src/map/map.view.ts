/**
 * The 2D/3D carrier map: MapLibre draws our own layers on a plain background (no external
 * tiles, fonts or sprites unless `/api/config` names a basemap), deck.gl adds labels and 3D
 * buildings, and the legend, top bar, details panel and sign-in dialog sit around it.
 *
 * Everything layer-specific comes from `/api/layers`; this file only wires state to views.
 */
import maplibregl from 'maplibre-gl';
import type { FilterSpecification, Map as MapLibreMap, MapGeoJSONFeature, StyleSpecification } from 'maplibre-gl';
import type { Feature } from 'geojson';
import { fetchConfig, fetchFeature, fetchLayers, fetchMe, fetchSummary, logout } from '../shared/api.service.ts';
import type { ApiFeature, AppConfig, CountyInfo, FeatureId, LayerInfo, SessionUser, SummaryResponse } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError } from '../shared/http.client.ts';
import { getLang, onLangChange, setLang, t } from '../shared/i18n.service.ts';
import { DeckOverlayController } from './deck-overlay.controller.ts';
import { FeaturePanelComponent } from './feature-panel.component.ts';
import { geometryBBox, type BBox } from './geometry.util.ts';
import { emptyLayerSource, loadLayerData, type LayerData } from './layer-data.service.ts';
import { buildMapLayers, FID_PROPERTY, mapLayerIds } from './layer-style.builder.ts';
import { LegendComponent } from './legend.component.ts';
import { SignInDialogComponent } from './sign-in-dialog.component.ts';
import { TopBarComponent } from './top-bar.component.ts';

/** 2D or 3D display. */
export type MapMode = '2d' | '3d';

/** Dazhou, used until `/api/config` answers. */
const DEFAULT_BOUNDS: BBox = [106.6, 30.3, 108.6, 32.4];
/** Pitch of the 3D mode, degrees. */
const PITCH_3D = 60;
/** Background outside our layers (and under counties). */
const BACKGROUND_COLOR = '#eef1f4';
/** Property carriers and amenities carry their county adcode in (drives the county filter). */
const COUNTY_PROPERTY = 'county';
/** Screen width below which legend and panel are bottom sheets. */
const NARROW_QUERY = '(max-width: 640px)';
/** Id of the source (and layer prefix) that draws the selected feature. */
const SELECTION = 'selection';

/** The test and console hooks exposed as `window.__app`. */
export interface AppHandle {
  map: MapLibreMap;
  /** Resolves when every default layer is loaded and the map is idle. */
  ready: Promise<void>;
  setMode(mode: MapMode): Promise<void>;
  selectFeature(layerId: string, id: FeatureId): Promise<void>;
}

/** The map page. Create one per document with `new MapView(root)`. */
export class MapView {
  readonly map: MapLibreMap;
  readonly ready: Promise<void>;

  private config: AppConfig | null = null;
  private layers: LayerInfo[] = [];
  private readonly data = new Map<string, LayerData>();
  private readonly visible = new Set<string>();
  private mode: MapMode = '2d';
  private county: string | null = null;
  private counties: CountyInfo[] = [];
  private summary: SummaryResponse | null = null;
  private user: SessionUser | null = null;
  private selection: { layerId: string; id: FeatureId } | null = null;

  private dataController: AbortController | null = null;
  private selectController: AbortController | null = null;
  private readonly deck: DeckOverlayController;
  private readonly topBar: TopBarComponent;
  private readonly legend: LegendComponent;
  private readonly panel: FeaturePanelComponent;
  private readonly signIn: SignInDialogComponent;
  private readonly toast: HTMLElement;

  constructor(root: HTMLElement) {
    this.topBar = new TopBarComponent({
      onCounty: (adcode) => this.setCounty(adcode),
      onMode: () => void this.setMode(this.mode === '2d' ? '3d' : '2d'),
      onLang: () => setLang(getLang() === 'zh' ? 'en' : 'zh'),
      onSignIn: () => this.signIn.open(),
      onSignOut: () => void this.signOut(),
    });
    this.legend = new LegendComponent((id, on) => this.setLayerVisible(id, on));
    this.panel = new FeaturePanelComponent({
      countyName: (adcode) => this.countyName(adcode),
      parkName: (id) => this.data.get('parks')?.features.find((f) => f.id === id)?.properties?.[getLang() === 'en' ? 'name_en' : 'name'] as string | undefined,
      onParkClick: (id) => void this.selectFeature('parks', id, true),
    }, () => this.clearSelection());
    this.signIn = new SignInDialogComponent((user) => void this.onAuthChanged(user));
    this.toast = h('div', { id: 'toast', class: 'toast', role: 'status', hidden: true });
    const mapEl = h('div', { id: 'map', class: 'map' });
    root.replaceChildren(this.topBar.element, h('main', { class: 'stage' }, mapEl, this.legend.element, this.panel.element, this.toast), this.signIn.element);
    this.topBar.render();
    this.legend.render();
    if (window.matchMedia(NARROW_QUERY).matches) this.legend.setOpen(false);
    document.title = t('appTitle');

    const style: StyleSpecification = {
      version: 8,
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': BACKGROUND_COLOR } }],
    };
    this.map = new maplibregl.Map({
      container: mapEl,
      style,
      bounds: DEFAULT_BOUNDS,
      fitBoundsOptions: { padding: 24 },
      maxPitch: 70,
      dragRotate: false,
      attributionControl: { compact: true },
      // Makes screenshots and the test's canvas reads possible.
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    });
    this.map.touchZoomRotate.disableRotation();
    this.map.keyboard.disableRotation();
    this.map.addControl(new maplibregl.NavigationControl({ visualizePitch: true, showCompass: true }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-left');
    this.deck = new DeckOverlayController(this.map);

    this.map.on('click', (e) => this.onMapClick(e.point.x, e.point.y));
    this.map.on('zoomend', () => this.updateLegend());
    onLangChange(() => this.onLangChanged());

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
    };
  }

  // ---------------------------------------------------------------- start-up and data

  private async start(): Promise<void> {
    const controller = new AbortController();
    const styleLoaded = new Promise<void>((resolve) => (this.map.loaded() ? resolve() : this.map.once('load', () => resolve())));
    try {
      const [config, layers, user] = await Promise.all([
        fetchConfig(controller.signal),
        fetchLayers(controller.signal),
        fetchMe(controller.signal).catch(() => null),
      ]);
      this.config = config;
      this.layers = layers;
      this.user = user;
      for (const l of layers) if (l.visibleByDefault) this.visible.add(l.id);
      this.topBar.update({ user });
      await styleLoaded;
      this.addBasemap(config);
      this.addLayers();
      this.map.fitBounds(config.bounds?.length === 4 ? config.bounds : DEFAULT_BOUNDS, { padding: this.fitPadding(), duration: 0 });
      this.updateLegend();
      void this.loadSummary();
      await this.loadData();
      await this.whenIdle();
    } catch (err) {
      this.showError(t('loadFailed'), err);
      throw err;
    }
  }

  private addBasemap(config: AppConfig): void {
    if (!config.basemapUrl) return;
    this.map.addSource('basemap', {
      type: 'raster', tiles: [config.basemapUrl], tileSize: 256, attribution: config.basemapAttribution || undefined,
    });
    this.map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.85 } });
  }

  private addLayers(): void {
    for (const layer of this.layers) {
      this.map.addSource(layer.id, emptyLayerSource());
      for (const spec of buildMapLayers(layer, null)) this.map.addLayer(spec);
      if (layer.style.kind !== 'circle' && layer.group !== 'admin') {
        const fill = `${layer.id}-fill`;
        this.map.on('mouseenter', fill, () => (this.map.getCanvas().style.cursor = 'pointer'));
        this.map.on('mouseleave', fill, () => (this.map.getCanvas().style.cursor = ''));
      } else if (layer.style.kind === 'circle') {
        const circle = `${layer.id}-circle`;
        this.map.on('mouseenter', circle, () => (this.map.getCanvas().style.cursor = 'pointer'));
        this.map.on('mouseleave', circle, () => (this.map.getCanvas().style.cursor = ''));
      }
    }
    this.map.addSource(SELECTION, emptyLayerSource());
    this.map.addLayer({ id: `${SELECTION}-fill`, type: 'fill', source: SELECTION, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#fff59d', 'fill-opacity': 0.3 } });
    this.map.addLayer({ id: `${SELECTION}-casing`, type: 'line', source: SELECTION, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.9 } });
    this.map.addLayer({ id: `${SELECTION}-line`, type: 'line', source: SELECTION, filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': '#ff6d00', 'line-width': 3 } });
    this.map.addLayer({
      id: `${SELECTION}-circle`, type: 'circle', source: SELECTION, filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 10, 'circle-color': 'rgba(255,214,0,0.35)', 'circle-stroke-color': '#ff6d00', 'circle-stroke-width': 3 },
    });
  }

  /** (Re)load every layer's features, e.g. at start and after signing in or out. */
  private async loadData(): Promise<void> {
    this.dataController?.abort();
    const controller = (this.dataController = new AbortController());
    await Promise.all(this.layers.map(async (layer) => {
      const data = await loadLayerData(layer.id, controller.signal);
      if (controller.signal.aborted) return;
      this.data.set(layer.id, data);
      (this.map.getSource(layer.id) as maplibregl.GeoJSONSource | undefined)?.setData(data);
      if (layer.id === 'counties' && this.counties.length === 0) this.updateCounties();
      this.updateLegend();
      this.updateDeck();
    }));
  }

  private async loadSummary(): Promise<void> {
    try {
      this.summary = await fetchSummary(new AbortController().signal);
      this.updateCounties();
      this.topBar.update({ rows: this.summary.rows });
    } catch (err) {
      if (!isAbortError(err)) this.showError(t('loadFailed'), err);
    }
  }

  /** County list from the summary, or from the counties layer while the summary is missing. */
  private updateCounties(): void {
    const fromSummary = this.summary?.counties ?? [];
    this.counties = fromSummary.length > 0 ? fromSummary : (this.data.get('counties')?.features ?? []).map((f) => ({
      adcode: String(f.properties?.adcode ?? f.id), name_zh: String(f.properties?.name ?? ''), name_en: String(f.properties?.name_en ?? f.properties?.name ?? ''),
    }));
    this.topBar.update({ counties: this.counties });
  }

  private countyName(adcode: string): string | undefined {
    const c = this.counties.find((x) => x.adcode === adcode);
    return c ? (getLang() === 'en' ? c.name_en : c.name_zh) : undefined;
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.map.once('idle', () => resolve());
      this.map.triggerRepaint();
    });
  }

  // ---------------------------------------------------------------- state → views

  private updateDeck(): void {
    const county = this.county;
    this.deck.update({
      layers: this.layers,
      data: this.data,
      visible: this.visible,
      mode: this.mode,
      featureFilter: county ? (layer, f) => !this.isCountyFiltered(layer) || f.properties?.[COUNTY_PROPERTY] === county : null,
      selection: this.selection,
    });
  }

  private updateLegend(): void {
    if (this.layers.length === 0) return;
    const counts = new Map<string, number>();
    for (const [id, d] of this.data) counts.set(id, d.features.length);
    this.legend.update({ layers: this.layers, visible: this.visible, counts, zoom: this.map.getZoom() });
  }

  /** Layers that have a county attribute follow the county filter. */
  private isCountyFiltered(layer: LayerInfo): boolean {
    return layer.group !== 'admin' && layer.attributes.some((a) => a.name === COUNTY_PROPERTY);
  }

  /** Layout visibility of a layer's MapLibre layers (3D hides the flat fills of extruded layers). */
  private applyVisibility(layer: LayerInfo): void {
    const hiddenBy3d = this.mode === '3d' && !!layer.style.extrusionHeight;
    const value = this.visible.has(layer.id) && !hiddenBy3d ? 'visible' : 'none';
    for (const id of mapLayerIds(layer)) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', value);
  }

  private setLayerVisible(layerId: string, on: boolean): void {
    if (on) this.visible.add(layerId);
    else this.visible.delete(layerId);
    const layer = this.layers.find((l) => l.id === layerId);
    if (layer) this.applyVisibility(layer);
    if (!on && this.selection?.layerId === layerId) this.clearSelection();
    this.updateDeck();
    this.updateLegend();
  }

  private onLangChanged(): void {
    document.title = t('appTitle');
    this.topBar.render();
    this.legend.render();
    this.panel.render();
    this.updateDeck();
  }

  // ---------------------------------------------------------------- county filter

  /** Filter carriers, parks and amenities to one county (null = all) and fly to it. */
  setCounty(adcode: string | null): void {
    this.county = adcode;
    const filter: FilterSpecification | null = adcode ? ['==', ['get', COUNTY_PROPERTY], adcode] : null;
    for (const layer of this.layers) {
      if (!this.isCountyFiltered(layer)) continue;
      for (const id of mapLayerIds(layer)) if (this.map.getLayer(id)) this.map.setFilter(id, filter);
    }
    // Counties: tint the chosen one, grey the others.
    const counties = this.layers.find((l) => l.group === 'admin');
    if (counties && this.map.getLayer(`${counties.id}-fill`)) {
      this.map.setPaintProperty(`${counties.id}-fill`, 'fill-color', adcode
        ? ['case', ['==', ['to-string', ['get', FID_PROPERTY]], adcode], counties.style.color, '#90a4ae']
        : counties.style.color);
      this.map.setPaintProperty(`${counties.id}-fill`, 'fill-opacity', adcode
        ? ['case', ['==', ['to-string', ['get', FID_PROPERTY]], adcode], Math.max(counties.style.opacity ?? 0.06, 0.1), 0.35]
        : (counties.style.opacity ?? 0.06));
    }
    if (counties && this.map.getLayer(`${counties.id}-line`)) {
      const width = counties.style.size ?? 1.5;
      this.map.setPaintProperty(`${counties.id}-line`, 'line-width', adcode
        ? ['case', ['==', ['to-string', ['get', FID_PROPERTY]], adcode], width * 2, width]
        : width);
    }
    this.topBar.update({ county: adcode });
    this.updateDeck();
    const target = adcode
      ? this.data.get('counties')?.features.find((f) => String(f.id) === adcode || f.properties?.adcode === adcode)
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

  /** Switch between flat 2D and pitched 3D with extruded buildings. Resolves when the move ends. */
  async setMode(mode: MapMode): Promise<void> {
    this.mode = mode;
    for (const layer of this.layers) this.applyVisibility(layer);
    if (mode === '3d') {
      this.map.dragRotate.enable();
      this.map.touchZoomRotate.enableRotation();
      this.map.keyboard.enableRotation();
    } else {
      this.map.dragRotate.disable();
      this.map.touchZoomRotate.disableRotation();
      this.map.keyboard.disableRotation();
    }
    this.topBar.update({ mode });
    this.updateDeck();
    // An ease that changes nothing may not emit moveend: do not wait for it forever.
    const moved = Promise.race([
      new Promise<void>((resolve) => this.map.once('moveend', () => resolve())),
      new Promise<void>((resolve) => window.setTimeout(resolve, 1500)),
    ]);
    this.map.easeTo(mode === '3d' ? { pitch: PITCH_3D, bearing: this.map.getBearing() || -20, duration: 800 } : { pitch: 0, bearing: 0, duration: 800 });
    await moved;
    await this.whenIdle();
  }

  // ---------------------------------------------------------------- selection

  private onMapClick(x: number, y: number): void {
    if (this.mode === '3d') {
      const picked = this.deck.pick(x, y);
      if (picked) {
        void this.selectFeature(picked.layerId, picked.feature.id, false);
        return;
      }
    }
    const interactive = [...this.layers].reverse()
      .filter((l) => this.visible.has(l.id))
      .flatMap((l) => (l.style.kind === 'circle' ? [`${l.id}-circle`] : [`${l.id}-fill`]))
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
    const fid = hit.properties?.[FID_PROPERTY] ?? hit.id;
    if (fid === undefined) return;
    void this.selectFeature(String(hit.source), fid as FeatureId, false);
  }

  /**
   * Highlight feature `id` of `layerId` and open its details (fetched from the API).
   * `fly` also moves the map to it (used by the test hook and park links).
   */
  async selectFeature(layerId: string, id: FeatureId, fly: boolean): Promise<void> {
    const layer = this.layers.find((l) => l.id === layerId);
    if (!layer) throw new Error(`unknown layer "${layerId}"`);
    this.selectController?.abort();
    const controller = (this.selectController = new AbortController());
    const cached = this.data.get(layerId)?.features.find((f) => String(f.id) === String(id));
    const key = cached?.id ?? id;
    this.selection = { layerId, id: key };
    if (window.matchMedia(NARROW_QUERY).matches) this.legend.setOpen(false);
    this.setSelectionGeometry(cached ?? null);
    this.updateDeck();
    this.panel.show(layer, cached ?? { type: 'Feature', id: key, geometry: null as never, properties: {} }, true);
    if (fly && cached) this.flyToFeature(cached);
    try {
      const full = await fetchFeature(layerId, id, controller.signal);
      if (controller.signal.aborted) return;
      this.panel.show(layer, full, false);
      if (!cached) {
        this.setSelectionGeometry(full);
        if (fly) this.flyToFeature(full);
      }
    } catch (err) {
      if (isAbortError(err)) return;
      this.panel.show(layer, cached ?? { type: 'Feature', id: key, geometry: null as never, properties: {} }, false,
        t('featureLoadFailed') + (err as Error).message);
    }
  }

  private setSelectionGeometry(feature: ApiFeature | null): void {
    const source = this.map.getSource(SELECTION) as maplibregl.GeoJSONSource | undefined;
    const features: Feature[] = feature?.geometry ? [{ type: 'Feature', geometry: feature.geometry, properties: {} }] : [];
    source?.setData({ type: 'FeatureCollection', features });
  }

  private flyToFeature(feature: ApiFeature): void {
    const bbox = geometryBBox(feature.geometry);
    if (!bbox) return;
    this.map.fitBounds(bbox, { padding: this.fitPadding(), maxZoom: 16, duration: 900, pitch: this.mode === '3d' ? PITCH_3D : 0 });
  }

  private clearSelection(): void {
    this.selectController?.abort();
    this.selection = null;
    this.setSelectionGeometry(null);
    this.panel.hide();
    this.updateDeck();
  }

  // ---------------------------------------------------------------- auth

  private async onAuthChanged(user: SessionUser | null): Promise<void> {
    this.user = user;
    this.topBar.update({ user });
    // Staff see unpublished features: everything shown must be fetched again.
    this.clearSelection();
    try {
      await Promise.all([this.loadData(), this.loadSummary()]);
    } catch (err) {
      if (!isAbortError(err)) this.showError(t('loadFailed'), err);
    }
  }

  private async signOut(): Promise<void> {
    try {
      await logout(new AbortController().signal);
    } catch (err) {
      this.showError(t('loadFailed'), err);
    }
    await this.onAuthChanged(null);
  }

  private showError(prefix: string, err: unknown): void {
    if (isAbortError(err)) return;
    this.toast.textContent = prefix + (err instanceof Error ? err.message : String(err));
    this.toast.hidden = false;
    window.setTimeout(() => (this.toast.hidden = true), 8000);
  }
}
