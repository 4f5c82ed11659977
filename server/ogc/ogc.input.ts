/**
 * Request schemas of the OGC API – Features routes: the route validates with them (and the OpenAPI
 * document shows them), the service takes their types. Parameter names are the standard's
 * (`bbox-crs`, `filter-lang`), and attribute filters (`?status=available`) pass through to the
 * service, which checks them against the layer's queryables.
 */
import { s, type Infer, type Schema } from '../http/schema.ts';

/** Page size limits of `/items`; larger limits are capped to the maximum, as OGC API – Features requires. */
export const ITEMS_LIMIT = { default: 100, max: 10000 } as const;

/** The only CRS served: WGS84 longitude/latitude. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** `f`: only JSON encodings are served. */
const F = s.enum(['json', 'geojson'], { description: 'encoding: json (the default; geojson for features)' });

/** Query of the landing page, conformance, collections, one collection, queryables and one feature. */
export const FORMAT_QUERY = s.object({ f: F });

/**
 * The parameters that select features, shared by `/items` and the exports: bbox and a CQL2-text
 * filter in CRS84 (other parameters the route does not declare are attribute filters).
 */
export const SELECTION_FIELDS = {
  bbox: s.string({ description: 'minLon,minLat,maxLon,maxLat (CRS84); features intersecting it' }),
  'bbox-crs': s.enum([CRS84], { description: 'CRS of bbox (CRS84 only)' }),
  filter: s.string({ maxLength: 8000, description: "CQL2-text, e.g. status = 'available' AND area_m2 >= 20000" }),
  'filter-lang': s.enum(['cql2-text'], { description: 'cql2-text (the only one supported)' }),
  'filter-crs': s.enum([CRS84], { description: 'CRS of geometries in the filter (CRS84 only)' }),
};

/** The validated selecting parameters; `attributes` holds `attribute=value` filters (checked against the layer's queryables). */
export interface SelectionQuery {
  bbox?: string;
  filter?: string;
  attributes: Record<string, string>;
}

/** The selecting part of a validated query whose schema is `schema`: the declared bbox and filter, and every undeclared parameter as an attribute filter. */
export function selectionOf(query: Record<string, unknown>, schema: Schema): SelectionQuery {
  const declared = (schema.properties ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) if (!(k in declared) && k !== 'lang') attributes[k] = String(v);
  return { bbox: query.bbox as string | undefined, filter: query.filter as string | undefined, attributes };
}

/** Query of `/collections/{id}/items`; other parameters are attribute filters (`status=available`). */
export const ITEMS_QUERY = s.object({
  ...SELECTION_FIELDS,
  limit: s.integer({
    minimum: 1, maximum: ITEMS_LIMIT.max, default: ITEMS_LIMIT.default, 'x-capped': true,
    description: `page size, 1..${ITEMS_LIMIT.max}; larger values are capped to ${ITEMS_LIMIT.max}`,
  }),
  offset: s.integer({ minimum: 0, maximum: 1_000_000_000, default: 0, description: 'features to skip' }),
  datetime: s.string({
    description: 'RFC 3339 instant (2025-05-01T10:00:00Z), date (2025-05-01) or interval start/end with ".." for an open end; '
      + "matches the layer's time (its temporal extent); a layer without one has no feature with a time",
  }),
  f: F,
}, { additionalProperties: s.string({ description: 'attribute = value (an attribute of the layer)' }) });

/** The validated `/items` query. */
export type ItemsQuery = Infer<typeof ITEMS_QUERY> & Record<string, unknown>;
