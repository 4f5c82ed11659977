/**
 * The one layer-definition type. Every map layer (counties, parks, land, factories, offices,
 * amenities, and later photos, footprints, tracks) is an instance of `LayerDefinition`: the API,
 * the legend, the filters and the web map's styles are all generated from these definitions.
 *
 * Definitions are static code, never user input; table and column names in them are still escaped
 * wherever they reach SQL.
 */

/** A label in both UI languages. */
export interface I18nText {
  zh: string;
  en: string;
}

/** Value type of an attribute, as exposed by the API. */
export type AttributeType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'string[]' | 'enum';

/** One attribute of a layer's features. */
export interface AttributeDefinition {
  /** Property name in GeoJSON and the API. */
  name: string;
  /** Column in the table when it differs from `name`. */
  column?: string;
  label: I18nText;
  type: AttributeType;
  /** Display unit, e.g. "m²", "kVA", "万元/亩". */
  unit?: string;
  /** The unit in English when it is written differently ("10k CNY/mu" for 万元/亩, "t/day" for t/日). */
  unitEn?: string;
  /** Allowed values of an enum, with their labels. */
  values?: Record<string, I18nText>;
  /** Shown in the feature's detail panel (default true). */
  detail?: boolean;
  /** Editing: false for values the platform derives (areas, review state); default true. */
  editable?: boolean;
  /** Editing: the value must be given (checked by the edit form and by the server). */
  required?: boolean;
  /** Editing: required while `attribute` has one of `values` (e.g. the enterprise of an occupied carrier). */
  requiredWhen?: { attribute: string; values: string[] };
  /** Editing: smallest allowed number (inclusive). */
  min?: number;
  /** Editing: largest allowed number (inclusive). */
  max?: number;
  /** Editing: longest allowed text in characters (default 500). */
  maxLength?: number;
  /**
   * Internal to the bureau (review state, data source, import batch, importer): kept for staff,
   * reviewers and admins, left out of every public view of the layer (catalog, features, OGC API,
   * exports). Never a tile property (tiles are shared by every viewer).
   */
  internal?: boolean;
}

/** Who may read a layer's features. */
export type Visibility =
  /** Everyone sees every feature (reference data such as county boundaries). */
  | 'public'
  /** The public sees `review_state = 'published'` only; staff, reviewers, officers and admins see all. */
  | 'published-only';

/** How the web map draws a layer. Colours are CSS colours; `colorBy` picks a per-value colour. */
export interface LayerStyle {
  /** MapLibre layer type used for the 2D rendering. */
  kind: 'fill' | 'line' | 'circle';
  color: string;
  /** Attribute whose value selects the colour from `colors`. */
  colorBy?: string;
  colors?: Record<string, string>;
  outlineColor?: string;
  opacity?: number;
  /** Circle radius or line width in pixels. */
  size?: number;
  /** 3D: extrude polygons; height from this attribute (metres). */
  extrusionHeight?: string;
  /** Attribute used as the feature label. */
  labelField?: string;
  /** Point layers: attribute holding a compass bearing (degrees, 0 = north); the map draws a view-direction cone. */
  directionBy?: string;
}

/** How a layer is cut into vector tiles. */
export interface TileOptions {
  /** Attribute names carried in tiles (besides `name`); the rest is fetched per feature. */
  properties: string[];
  /** Below this zoom polygons are drawn as one point each (ST_PointOnSurface). */
  pointsBelowZoom?: number;
  /** Polygons smaller than this many square tile units (of 4096²) are dropped (sub-pixel). */
  minAreaUnits?: number;
  /** Below this zoom one feature stands for each 64×64-unit cell (keeps low-zoom tiles small). */
  clusterBelowZoom?: number;
  /** A tile property kept distinct within a cell (e.g. amenity kind), so each value keeps a marker. */
  clusterBy?: string;
}

/**
 * The time of a layer's features, for OGC API `datetime` filters and the collection's temporal
 * extent: a `timestamptz` or `date` column, or a text column holding RFC 3339 date-times.
 */
export interface TemporalDefinition {
  column: string;
  type: 'timestamptz' | 'date' | 'text';
  /** What the time means, e.g. "capture time" or "last survey update". */
  label: I18nText;
}

/** A layer: where its features live and how they are shown and filtered. */
export interface LayerDefinition {
  /** Stable id used in URLs: /api/layers/{id}. */
  id: string;
  title: I18nText;
  /** Legend group. */
  group: 'admin' | 'park' | 'carrier' | 'amenity';
  /** Table in the application schema. */
  table: string;
  /** Optional fixed filter on the table: rows where `column = value` belong to this layer. */
  where?: { column: string; value: string };
  /** Geometry of the features (footprints are Polygons, served as polygons; tracks are lines). */
  geometryType: 'Point' | 'MultiPolygon' | 'MultiLineString';
  /** Column with the feature's stable id. */
  idColumn: string;
  /** Column used as `name` in GeoJSON properties. */
  nameColumn: string;
  attributes: AttributeDefinition[];
  style: LayerStyle;
  minzoom: number;
  maxzoom: number;
  /** Vector-tile content: which attributes tiles carry and how low zooms are generalized. */
  tiles: TileOptions;
  /** Shown when the map opens. */
  visibleByDefault: boolean;
  visibility: Visibility;
  /** The features' time (OGC `datetime`), when the layer has one. */
  temporal?: TemporalDefinition;
}

const publicViews = new WeakMap<LayerDefinition, LayerDefinition>();

/**
 * The layer as a reader sees it: for a reader who does not see internal fields (the public,
 * officers) the same definition without its `internal` attributes, so every API built from it —
 * the catalog, features, OGC API items and queryables, exports — leaves them out.
 */
export function layerView(layer: LayerDefinition, seesInternal: boolean): LayerDefinition {
  if (seesInternal || !layer.attributes.some((a) => a.internal)) return layer;
  let view = publicViews.get(layer);
  if (!view) {
    view = Object.freeze({ ...layer, attributes: layer.attributes.filter((a) => !a.internal) });
    publicViews.set(layer, view);
  }
  return view;
}

/** The unit of `a` in `lang` ("" when it has none). */
export function unitOf(a: AttributeDefinition, lang: 'zh' | 'en'): string {
  return (lang === 'en' ? a.unitEn ?? a.unit : a.unit) ?? '';
}
