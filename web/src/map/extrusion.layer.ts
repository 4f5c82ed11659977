/**
 * 3D buildings from the layer's vector tiles: a deck.gl `MVTLayer` with extruded polygons.
 *
 * Loaded with `import()` only when the map switches to 3D, so the 2D page does not download
 * @deck.gl/geo-layers and its loaders (see vite.config.ts, which keeps them out of the shared
 * deck.gl chunk).
 *
 * Tiles are parsed on the main thread with `MVTLoader` (`worker: false`): the default
 * `MVTWorkerLoader` would fetch its worker script from a CDN, which this offline client must
 * never do, and building tiles are small (a few hundred polygons). `@loaders.gl/mvt` is the copy
 * @deck.gl/geo-layers itself depends on. `binary: false` gives GeoJSON features with their tile
 * ids, which the selection colour and the county filter need.
 */
import { MVTLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Layer } from '@deck.gl/core';
import { MVTLoader } from '@loaders.gl/mvt';
import type { Feature, Geometry } from 'geojson';

type TileFeature = Feature<Geometry, Record<string, unknown>>;

/** What one extruded layer shows. */
export interface ExtrusionOptions {
  /** deck.gl layer id (`{layerId}-extrusion`). */
  id: string;
  /** Tile URL template (absolute, versioned). */
  url: string;
  /** Layer name inside the tiles. */
  sourceLayer: string;
  visible: boolean;
  /** Lowest zoom with polygons in the tiles (points below it are drawn by MapLibre). */
  minZoom: number;
  maxZoom: number;
  /** Property with the height in metres. */
  heightProperty: string;
  /** Fill colour of a feature (RGBA 0–255). */
  color(properties: Record<string, unknown>): [number, number, number, number];
  /** Tile feature id of the selected feature, or null. */
  selectedId: number | null;
  selectedColor: [number, number, number, number];
  /** Keep only features whose county property equals this (null keeps all). */
  county: string | null;
  countyProperty: string;
  /** Drawn by 3D assets instead (oblique mesh of a park, BIM model on a carrier): not extruded. */
  hiddenParks?: number[];
  hiddenIds?: number[];
}

/** Minimum extrusion (m) for buildings without a height. */
const MIN_HEIGHT_M = 3;

/** An extruded, pickable MVT layer. */
export function extrusionLayer(o: ExtrusionOptions): Layer {
  const { county, countyProperty, selectedId } = o;
  const hiddenParks = new Set(o.hiddenParks ?? []);
  const hiddenIds = new Set(o.hiddenIds ?? []);
  const hiddenKey = `${[...hiddenParks].join(',')}|${[...hiddenIds].join(',')}`;
  return new MVTLayer({
    id: o.id,
    data: o.url,
    visible: o.visible,
    minZoom: o.minZoom,
    maxZoom: o.maxZoom,
    binary: false,
    loaders: [MVTLoader],
    loadOptions: { core: { worker: false }, mvt: { layers: [o.sourceLayer] } },
    extruded: true,
    filled: true,
    stroked: false,
    wireframe: false,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 90],
    pointType: 'circle',
    getPointRadius: 0,
    getElevation: (f: TileFeature) => Number(f.properties?.[o.heightProperty]) || MIN_HEIGHT_M,
    getFillColor: (f: TileFeature) => (selectedId !== null && f.id === selectedId ? o.selectedColor : o.color(f.properties ?? {})),
    material: { ambient: 0.45, diffuse: 0.6, shininess: 24, specularColor: [60, 64, 70] },
    // The county filter drops features per tile; the trigger re-renders the tiles' sublayers.
    renderSubLayers: (props: Record<string, unknown>) => {
      const data = props.data as TileFeature[] | null;
      const kept = Array.isArray(data)
        ? data.filter((f) => (!county || String(f.properties?.[countyProperty]) === county)
            && !hiddenParks.has(Number(f.properties?.park_id)) && !hiddenIds.has(Number(f.id)))
        : data;
      return new GeoJsonLayer({ ...(props as object), data: kept ?? [] } as never);
    },
    updateTriggers: { getFillColor: [selectedId], renderSubLayers: [county, hiddenKey] },
  } as never);
}
