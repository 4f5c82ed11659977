/**
 * What deck.gl draws on top of MapLibre, through one interleaved `MapboxOverlay`:
 *  - labels of layers with `style.labelField` (counties, parks) as `TextLayer`s, positioned from
 *    those layers' small GeoJSON (tiles cut polygons apart). MapLibre text would need a glyphs
 *    URL, which we cannot fetch offline; deck.gl rasterises the characters it meets
 *    (`characterSet: 'auto'`) from the system's CJK fonts, keeps labels upright and readable when
 *    the map is pitched, and the labels end up in the map canvas (screenshots);
 *  - in 3D, layers with `style.extrusionHeight` (factories, offices) as extruded, pickable
 *    `MVTLayer`s on the same vector tiles as the 2D map. Their code (@deck.gl/geo-layers) is
 *    imported on the first switch to 3D, so the 2D page never downloads it.
 * The layers are rebuilt from plain state on every change; deck.gl diffs them cheaply.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Feature, Position } from 'geojson';
import type { ApiFeature, FeatureId, LayerInfo } from '../shared/api.types.ts';
import { getLang } from '../shared/i18n.service.ts';
import { COUNTY_PROPERTY, featureColor, hexToRgba, isCountyFiltered, pointsBelowZoom, tileFeatureId } from './layer-style.builder.ts';
import { labelPoint } from './geometry.util.ts';
import { TILE_MAXZOOM, type LayerData } from './layer-data.service.ts';

type ExtrusionModule = typeof import('./extrusion.layer.ts');
type ThreeDAssets = import('../three-d/three-d.layers.ts').ThreeDAssets;

/** System fonts able to draw Chinese; nothing is downloaded. */
export const CJK_FONT_FAMILY =
  '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC","Hiragino Sans GB",sans-serif';

/** Lowest zoom at which labels of a legend group are drawn (counties always; parks once they are big enough). */
const LABEL_MIN_ZOOM: Record<LayerInfo['group'], number> = { admin: 0, park: 9, carrier: 14, amenity: 15 };
/** Label size in pixels per legend group. */
const LABEL_SIZE: Record<LayerInfo['group'], number> = { admin: 17, park: 12, carrier: 11, amenity: 11 };
/** Label colour per legend group. */
const LABEL_COLOR: Record<LayerInfo['group'], [number, number, number, number]> = {
  admin: [40, 53, 147, 255], park: [191, 54, 12, 255], carrier: [33, 33, 33, 255], amenity: [55, 71, 79, 255],
};
/** Colour of the selected building in 3D. */
const SELECTED_COLOR: [number, number, number, number] = [255, 214, 0, 255];

interface LabelDatum {
  position: Position;
  text: string;
  feature: ApiFeature;
}

/** Current state the overlay draws. */
export interface OverlayState {
  layers: LayerInfo[];
  /** Label features of the layers with labels. */
  labels: Map<string, LayerData>;
  /** Tile URL template per layer (versioned). */
  tileUrls: Map<string, string>;
  visible: Set<string>;
  mode: '2d' | '3d';
  /** County adcode the county-filtered layers are restricted to; null shows all. */
  county: string | null;
  selection: { layerId: string; id: FeatureId } | null;
}

/** A picked 3D building (a tile feature: id and the tile's subset of properties). */
export interface PickedFeature {
  layerId: string;
  feature: Feature & { id: FeatureId };
}

/** Longest wait for the 3D tiles of the view before `whenExtrusionsLoaded` gives up (ms). */
const EXTRUSION_LOAD_TIMEOUT_MS = 15_000;

/** Owns the deck.gl overlay on a MapLibre map. */
export class DeckOverlayController {
  private readonly overlay: MapboxOverlay;
  private state: OverlayState | null = null;
  private zoomBucket = -1;
  private labelCache = new Map<string, { source: LayerData; lang: string; labels: LabelDatum[] }>();
  private extrusion: ExtrusionModule | null = null;
  private extrusionImport: Promise<ExtrusionModule> | null = null;
  private extrusionFailed = false;
  private readonly colorOf = new Map<string, (p: Record<string, unknown>) => [number, number, number, number]>();
  /** Tilesets and BIM models (web/src/three-d), imported on the first switch to 3D. */
  private threeD: ThreeDAssets | null = null;
  private threeDImport: Promise<unknown> | null = null;

  constructor(private readonly map: MapLibreMap) {
    this.overlay = new MapboxOverlay({ interleaved: true, layers: [] });
    map.addControl(this.overlay);
    // Labels appear/disappear at group zoom thresholds: rebuild only when one is crossed.
    map.on('zoom', () => {
      const bucket = this.currentZoomBucket();
      if (bucket !== this.zoomBucket) this.render();
    });
  }

  /** Redraw with `state`. */
  update(state: OverlayState): void {
    this.state = state;
    this.render();
  }

  /** The 3D building under pixel (x, y), if any. */
  pick(x: number, y: number): PickedFeature | null {
    const info = this.overlay.pickObject({ x, y, radius: 2 }) as PickingInfo<Feature> | null;
    if (!info?.object || !info.layer || !info.layer.id.endsWith('-extrusion')) return null;
    const id = info.object.id;
    if (id === undefined || id === null) return null;
    const layerId = info.layer.id.replace(/-extrusion$/, '');
    return { layerId, feature: { ...info.object, id } };
  }

  /**
   * Resolves once the code and the tiles of the 3D buildings in view have loaded (at once when
   * none are drawn), or after a timeout: a readiness signal for tests and the mode switch.
   */
  whenExtrusionsLoaded(): Promise<void> {
    const started = performance.now();
    return new Promise((resolve) => {
      const check = () => {
        const s = this.state;
        const expected = s && s.mode === '3d' ? this.extrusionLayersOf(s).map((l) => `${l.id}-extrusion`) : [];
        if (expected.length === 0 || this.extrusionFailed || performance.now() - started > EXTRUSION_LOAD_TIMEOUT_MS
          || (this.extrusion && expected.every((id) => this.deckLayerLoaded(id)))) {
          resolve();
          return;
        }
        window.setTimeout(check, 100);
      };
      check();
    });
  }

  /** Whether deck.gl has layer `id` and its data (all tiles in view) is loaded. */
  private deckLayerLoaded(id: string): boolean {
    // MapboxOverlay keeps its Deck in `_deck`; deck.gl has no public accessor for layer state.
    const deck = (this.overlay as unknown as { _deck?: { layerManager?: { getLayers(o?: { layerIds?: string[] }): Layer[] } | null } })._deck;
    const layer = deck?.layerManager?.getLayers({ layerIds: [id] }).find((l) => l.id === id);
    return !!layer && layer.isLoaded;
  }

  /** A BIM element under pixel (x, y) in 3D: selects it and opens its properties; false when none. */
  pickThreeD(x: number, y: number): boolean {
    return this.state?.mode === '3d' && !!this.threeD?.pick(x, y);
  }

  private threeDLayers(): Layer[] {
    this.threeDImport ??= import('../three-d/three-d.layers.ts').then((m) => {
      const deck = () => (this.overlay as unknown as { _deck?: { getViewports(): import('@deck.gl/core').Viewport[] } })._deck;
      this.threeD = new m.ThreeDAssets(this.map.getContainer(), () => this.render(), () => deck()?.getViewports()[0] ?? null);
      void this.threeD.load();
    }, (err) => console.error('3D assets failed to load', err));
    return this.threeD?.layers() ?? [];
  }

  /** Remove the overlay from the map. */
  destroy(): void {
    this.map.removeControl(this.overlay);
  }

  private currentZoomBucket(): number {
    const z = this.map.getZoom();
    return Object.values(LABEL_MIN_ZOOM).filter((min) => z >= min).length;
  }

  private labelsOf(layer: LayerInfo, data: LayerData): LabelDatum[] {
    const lang = getLang();
    const cached = this.labelCache.get(layer.id);
    if (cached && cached.source === data && cached.lang === lang) return cached.labels;
    const field = layer.style.labelField ?? 'name';
    const labels: LabelDatum[] = [];
    for (const f of data.features) {
      const p = f.properties ?? {};
      const text = (lang === 'en' && (p[`${field}_en`] ?? p.name_en)) || p[field];
      const position = labelPoint(f.geometry);
      if (text && position) labels.push({ position, text: String(text), feature: f });
    }
    this.labelCache.set(layer.id, { source: data, lang, labels });
    return labels;
  }

  /** Layers drawn as 3D buildings: a height property, tiles, and visible. */
  private extrusionLayersOf(s: OverlayState): LayerInfo[] {
    return s.layers.filter((l) => l.style.extrusionHeight && s.tileUrls.has(l.id) && s.visible.has(l.id)
      && this.map.getZoom() >= (pointsBelowZoom(l) ?? l.minzoom));
  }

  /** The 3D building layers, or none while their code is still being imported (it re-renders when done). */
  private extrusionLayers(s: OverlayState): Layer[] {
    const mod = this.extrusion;
    if (!mod) {
      if (!this.extrusionImport) {
        this.extrusionImport = import('./extrusion.layer.ts');
        this.extrusionImport.then((m) => {
          this.extrusion = m;
          this.render();
        }, (err) => {
          this.extrusionFailed = true;
          console.error('3D buildings failed to load', err);
        });
      }
      return [];
    }
    const layers: Layer[] = [];
    for (const layer of s.layers) {
      const heightProperty = layer.style.extrusionHeight;
      const url = s.tileUrls.get(layer.id);
      if (!heightProperty || !url) continue;
      const selected = s.selection?.layerId === layer.id ? tileFeatureId(s.selection.id) : null;
      layers.push(mod.extrusionLayer({
        id: `${layer.id}-extrusion`,
        url,
        sourceLayer: layer.id,
        visible: s.visible.has(layer.id),
        minZoom: pointsBelowZoom(layer) ?? layer.minzoom,
        maxZoom: Math.min(layer.maxzoom, TILE_MAXZOOM),
        heightProperty,
        color: this.colorFunction(layer),
        selectedId: selected,
        selectedColor: SELECTED_COLOR,
        county: isCountyFiltered(layer) ? s.county : null,
        countyProperty: COUNTY_PROPERTY,
        hiddenParks: this.threeD?.replaced().parks,
        hiddenIds: this.threeD?.replaced().carriers,
      }));
    }
    return layers;
  }

  /** A stable per-layer colour function (so deck.gl does not recompute colours needlessly). */
  private colorFunction(layer: LayerInfo): (p: Record<string, unknown>) => [number, number, number, number] {
    let fn = this.colorOf.get(layer.id);
    if (!fn) {
      const opacity = Math.max(layer.style.opacity ?? 0.8, 0.85);
      fn = (p) => hexToRgba(featureColor(layer, p), opacity);
      this.colorOf.set(layer.id, fn);
    }
    return fn;
  }

  private render(): void {
    const s = this.state;
    if (!s) return;
    this.zoomBucket = this.currentZoomBucket();
    const zoom = this.map.getZoom();
    const deckLayers: Layer[] = [];

    if (s.mode === '3d') deckLayers.push(...this.extrusionLayers(s), ...this.threeDLayers());

    for (const layer of s.layers) {
      const data = s.labels.get(layer.id);
      if (!layer.style.labelField || !data) continue;
      const county = isCountyFiltered(layer) ? s.county : null;
      const all = this.labelsOf(layer, data);
      const labels = county ? all.filter((l) => String(l.feature.properties?.[COUNTY_PROPERTY]) === county) : all;
      // Boundary names float with a white halo; other names sit on a small card so they stay
      // readable over dense points.
      const chip = layer.group !== 'admin';
      const color = LABEL_COLOR[layer.group];
      deckLayers.push(new TextLayer<LabelDatum>({
        id: `${layer.id}-labels`,
        data: labels,
        visible: s.visible.has(layer.id) && zoom >= Math.max(LABEL_MIN_ZOOM[layer.group], layer.minzoom),
        getPosition: (d) => d.position as [number, number],
        getText: (d) => d.text,
        getSize: LABEL_SIZE[layer.group],
        sizeUnits: 'pixels',
        getColor: color,
        fontFamily: CJK_FONT_FAMILY,
        fontWeight: chip ? 'normal' : 'bold',
        characterSet: 'auto',
        fontSettings: chip ? { sdf: false, fontSize: 64, buffer: 4 } : { sdf: true, fontSize: 64, buffer: 12, radius: 12, smoothing: 0.15 },
        outlineWidth: chip ? 0 : 7,
        outlineColor: [255, 255, 255, 235],
        background: chip,
        getBackgroundColor: [255, 255, 255, 235],
        getBorderColor: [color[0], color[1], color[2], 140],
        getBorderWidth: chip ? 1 : 0,
        backgroundPadding: [6, 3, 6, 3],
        backgroundBorderRadius: 4,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        billboard: true,
        pickable: false,
        // Labels stay readable above 3D buildings.
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }));
    }
    this.overlay.setProps({ layers: deckLayers });
  }
}
