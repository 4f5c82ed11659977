/**
 * Shapes of the JSON the server's `/api` returns, as the web client uses them. Layer types come
 * from the one layer-definition module, so the legend, styles and panel follow the catalog.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { AttributeDefinition, I18nText, LayerDefinition, LayerStyle, TileOptions } from '../../../layers/definition.ts';

export type { AttributeDefinition, I18nText, LayerStyle, TileOptions };

/** `GET /api/config`. */
export interface AppConfig {
  /** Raster tile template with {z}/{x}/{y}; empty means no external basemap. */
  basemapUrl: string;
  basemapAttribution: string;
  /** [minLon, minLat, maxLon, maxLat] to fit on start. */
  bounds: [number, number, number, number];
  version: string;
}

/** One entry of `GET /api/layers`: the public part of a layer definition. */
export type LayerInfo = Pick<
  LayerDefinition,
  'id' | 'title' | 'group' | 'geometryType' | 'minzoom' | 'maxzoom' | 'visibleByDefault' | 'style'
> & {
  /** How the layer is cut into vector tiles (which properties tiles carry, below which zoom polygons come as points). */
  tiles?: TileOptions;
  featureCount: number;
  /** Attributes without their storage columns. */
  attributes: Omit<AttributeDefinition, 'column'>[];
};

/** Legend groups, in display order. */
export const LAYER_GROUPS = ['admin', 'park', 'carrier', 'amenity'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

/** Feature id as the API sends it: numbers, or adcode strings for counties. */
export type FeatureId = number | string;

/** Properties every feature carries (`name`) plus its layer's attributes. */
export type FeatureProperties = { name?: string | null } & Record<string, unknown>;

/** A feature of any layer. */
export type ApiFeature = Feature<Geometry, FeatureProperties> & { id: FeatureId };

/** A page of `GET /api/layers/{id}/features` (OGC API Features style). */
export interface FeaturePage extends FeatureCollection<Geometry, FeatureProperties> {
  features: ApiFeature[];
  numberMatched?: number;
  numberReturned?: number;
  links?: { rel: string; href: string; type?: string }[];
}

/** `GET /tiles/{layerIds}.json`: the parts of TileJSON 3.0 the client uses. */
export interface TileJson {
  tilejson: string;
  /** Tile URL templates; the first one carries `?v=<version>`, which changes with the layer's data. */
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds?: [number, number, number, number];
}

/** One row of `GET /api/stats/summary`. */
export interface SummaryRow {
  county: string;
  layer: string;
  status: string;
  count: number;
  areaM2: number | null;
  floorAreaM2: number | null;
}

/** A county as listed by the summary. */
export interface CountyInfo {
  adcode: string;
  name: { zh: string; en: string };
}

/** `GET /api/stats/summary`. */
export interface SummaryResponse {
  rows: SummaryRow[];
  counties: CountyInfo[];
}

/** A signed-in account, as `/api/auth/*` returns it. */
export interface SessionUser {
  username: string;
  role: string;
  displayName: string;
}
