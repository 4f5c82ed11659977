/**
 * The one way pages make a map: `createBaseMap` builds a MapLibre map with the product's defaults
 * (Dazhou's extent, the plain background that stands in for a basemap offline, controls, no
 * rotation unless asked, a canvas screenshots and tests can read); `addBasemap` adds the optional
 * configured raster basemap (e.g. 天地图); `addCatalogLayers` draws layers of the catalog from their
 * vector tiles with the style builder, with a pointer cursor over what can be clicked.
 */
import maplibregl, { type LayerSpecification, type SourceSpecification, type StyleSpecification } from 'maplibre-gl';
import type { AppConfig, LayerInfo } from './api.types.ts';
import { buildMapLayers, interactiveLayerIds, styleImages } from '../map/layer-style.builder.ts';
import { vectorSource } from '../map/layer-data.service.ts';

/** Dazhou's extent, [minLon, minLat, maxLon, maxLat]: the default view of every map. */
export const DAZHOU_BOUNDS: [number, number, number, number] = [106.6, 30.3, 108.6, 32.4];
/** The background every map draws under its layers (there is no basemap by default). */
export const MAP_BACKGROUND = '#eef1f4';

/** Options of `createBaseMap`. */
export interface BaseMapOptions {
  container: HTMLElement;
  /** Initial view: bounds (default Dazhou) or centre and zoom. */
  bounds?: [number, number, number, number];
  center?: [number, number];
  zoom?: number;
  /** Sources and layers drawn above the background from the start. */
  sources?: Record<string, SourceSpecification>;
  layers?: LayerSpecification[];
  background?: string;
  /** Pan and zoom (default true). */
  interactive?: boolean;
  /** Allow rotating and tilting (3D pages; default false). */
  rotate?: boolean;
  /** Navigation control: with compass (rotating maps), plain, or none. Default: plain, or compass when rotating. */
  navigation?: 'compass' | 'plain' | false;
  /** Scale bar position, or false. Default bottom-left. */
  scale?: 'bottom-left' | 'bottom-right' | false;
  /** Attribution: compact (default) or none. */
  attribution?: boolean;
}

/** A MapLibre map with the product's defaults. */
export function createBaseMap(o: BaseMapOptions): maplibregl.Map {
  const style: StyleSpecification = {
    version: 8,
    sources: o.sources ?? {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': o.background ?? MAP_BACKGROUND } }, ...(o.layers ?? [])],
  };
  const interactive = o.interactive ?? true;
  const rotate = o.rotate ?? false;
  const map = new maplibregl.Map({
    container: o.container,
    style,
    ...(o.center ? { center: o.center, zoom: o.zoom ?? 10 } : { bounds: o.bounds ?? DAZHOU_BOUNDS, fitBoundsOptions: { padding: 24 } }),
    interactive,
    maxPitch: rotate ? 70 : 0,
    dragRotate: rotate,
    pitchWithRotate: rotate,
    attributionControl: o.attribution === false ? false : { compact: true },
    // Screenshots, printing and the tests' canvas reads need the drawing buffer kept.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  });
  if (!rotate) {
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
  }
  if (interactive) {
    const nav = o.navigation ?? (rotate ? 'compass' : 'plain');
    if (nav) map.addControl(new maplibregl.NavigationControl({ showCompass: nav === 'compass', visualizePitch: nav === 'compass' }), 'top-right');
    const scale = o.scale ?? 'bottom-left';
    if (scale) map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), scale);
  }
  return map;
}

/** Resolves once the map's style has loaded. */
export function whenLoaded(map: maplibregl.Map): Promise<void> {
  return new Promise((resolve) => (map.loaded() ? resolve() : map.once('load', () => resolve())));
}

/** Adds the configured raster basemap under everything else, when one is configured. */
export function addBasemap(map: maplibregl.Map, config: Pick<AppConfig, 'basemapUrl' | 'basemapAttribution'>): void {
  if (!config.basemapUrl) return;
  map.addSource('basemap', { type: 'raster', tiles: [config.basemapUrl], tileSize: 256, attribution: config.basemapAttribution || undefined });
  map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.85 } }, map.getStyle().layers[1]?.id);
}

/** Options of `addCatalogLayers`. */
export interface CatalogLayerOptions {
  /** The tile URL template of a layer (default `/tiles/{id}/{z}/{x}/{y}.mvt` on this origin). */
  tileUrl?(layer: LayerInfo): string;
  /** Change a built style layer before it is added (e.g. fade context layers). */
  adjust?(layer: LayerInfo, spec: LayerSpecification): LayerSpecification;
  /** Show the pointer over the layer's clickable features (default: all but admin areas). */
  pointer?(layer: LayerInfo): boolean;
  /** Insert the layers under this MapLibre layer (default: on top). */
  beforeId?: string;
}

/** Draws `layers` from their vector tiles with the style builder (and its icons); returns the MapLibre layer ids added. */
export function addCatalogLayers(map: maplibregl.Map, layers: LayerInfo[], o: CatalogLayerOptions = {}): string[] {
  const added: string[] = [];
  for (const layer of layers) {
    const url = o.tileUrl?.(layer) ?? `${location.origin}/tiles/${encodeURIComponent(layer.id)}/{z}/{x}/{y}.mvt`;
    map.addSource(layer.id, vectorSource(layer, url));
    // Icons the layer's style draws (e.g. the view-direction cones of photos).
    for (const { id, image, pixelRatio } of styleImages(layer)) if (!map.hasImage(id)) map.addImage(id, image, { pixelRatio });
    for (const spec of buildMapLayers(layer, null)) {
      map.addLayer(o.adjust ? o.adjust(layer, spec) : spec, o.beforeId);
      added.push(spec.id);
    }
    if (o.pointer ? !o.pointer(layer) : layer.group === 'admin') continue;
    for (const id of interactiveLayerIds(layer)) {
      map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
      map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
    }
  }
  return added;
}
