/**
 * What deck.gl draws on top of MapLibre, through one interleaved `MapboxOverlay`:
 *  - labels of layers with `style.labelField` (counties, parks) as `TextLayer`s. MapLibre text
 *    would need a glyphs URL, which we cannot fetch offline; deck.gl rasterises the characters it
 *    meets (`characterSet: 'auto'`) from the system's CJK fonts, keeps labels upright and
 *    readable when the map is pitched, and the labels end up in the map canvas (screenshots);
 *  - in 3D, layers with `style.extrusionHeight` (factories, offices) as extruded, pickable
 *    `GeoJsonLayer`s.
 * The layers are rebuilt from plain state on every change; deck.gl diffs them cheaply.
 */
import { MapboxOverlay } from '@deck.gl/mapbox';
import { GeoJsonLayer, TextLayer } from '@deck.gl/layers';
import type { Layer, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Position } from 'geojson';
import type { ApiFeature, FeatureId, FeatureProperties, LayerInfo } from '../shared/api.types.ts';
import { getLang } from '../shared/i18n.service.ts';
import { featureColor, hexToRgba } from './layer-style.builder.ts';
import { labelPoint } from './geometry.util.ts';
import type { LayerData } from './layer-data.service.ts';

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
  data: Map<string, LayerData>;
  visible: Set<string>;
  mode: '2d' | '3d';
  /** Keeps features whose properties pass; null keeps all. */
  featureFilter: ((layer: LayerInfo, f: ApiFeature) => boolean) | null;
  selection: { layerId: string; id: FeatureId } | null;
}

/** A picked 3D building. */
export interface PickedFeature {
  layerId: string;
  feature: ApiFeature;
}

/** Owns the deck.gl overlay on a MapLibre map. */
export class DeckOverlayController {
  private readonly overlay: MapboxOverlay;
  private state: OverlayState | null = null;
  private zoomBucket = -1;
  private labelCache = new Map<string, { source: LayerData; lang: string; labels: LabelDatum[] }>();

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
    const info = this.overlay.pickObject({ x, y, radius: 2 }) as PickingInfo<ApiFeature> | null;
    if (!info?.object || !info.layer) return null;
    const layerId = info.layer.id.replace(/-extrusion$/, '');
    return { layerId, feature: info.object };
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

  private render(): void {
    const s = this.state;
    if (!s) return;
    this.zoomBucket = this.currentZoomBucket();
    const zoom = this.map.getZoom();
    const deckLayers: Layer[] = [];
    const filterOf = (layer: LayerInfo) => (f: ApiFeature) => !s.featureFilter || s.featureFilter(layer, f);

    if (s.mode === '3d') {
      for (const layer of s.layers) {
        const heightField = layer.style.extrusionHeight;
        const data = s.data.get(layer.id);
        if (!heightField || !data) continue;
        const sel = s.selection?.layerId === layer.id ? s.selection.id : null;
        const opacity = Math.max(layer.style.opacity ?? 0.8, 0.85);
        deckLayers.push(new GeoJsonLayer<FeatureProperties>({
          id: `${layer.id}-extrusion`,
          data: data.features.filter(filterOf(layer)) as never,
          visible: s.visible.has(layer.id),
          extruded: true,
          filled: true,
          stroked: false,
          wireframe: false,
          pickable: true,
          autoHighlight: true,
          highlightColor: [255, 255, 255, 90],
          getElevation: (f) => Number(f.properties?.[heightField]) || 3,
          getFillColor: (f) => (sel !== null && f.id === sel ? SELECTED_COLOR : hexToRgba(featureColor(layer, f.properties), opacity)),
          updateTriggers: { getFillColor: [sel] },
          material: { ambient: 0.45, diffuse: 0.6, shininess: 24, specularColor: [60, 64, 70] },
        }));
      }
    }

    for (const layer of s.layers) {
      const data = s.data.get(layer.id);
      if (!layer.style.labelField || !data) continue;
      const keep = filterOf(layer);
      const labels = this.labelsOf(layer, data).filter((l) => keep(l.feature));
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
