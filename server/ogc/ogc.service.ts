/**
 * OGC API – Features (Part 1 Core + GeoJSON, with Part 3 CQL2-text filters and queryables) over
 * the layer catalog: the landing page, conformance, collections (one per layer), items and single
 * features. Parameter rules live here; SQL does not. The request parsing (`parseFeatureQuery`) is
 * shared with the exports so both select features the same way.
 */
import type { Feature } from 'geojson';
import { findLayer, layersFor } from '../../layers/catalog.ts';
import type { LayerDefinition } from '../../layers/definition.ts';
import { seesInternalFields, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { BadParameterError, NotFoundError } from '../../core/errors.ts';
import { parseBBox, toFeature } from '../features/features.service.ts';
import { allOf, parseCql2, propertyEquals, queryables, type Cql2Expr } from './cql2.ts';
import { datetimePredicate, parseDatetime } from './datetime.ts';
import { CRS84, ITEMS_LIMIT, ITEMS_QUERY, selectionOf, type ItemsQuery, type SelectionQuery } from './ogc.input.ts';
import type { TemporalRepository } from './temporal.repository.ts';
import type { FeatureQuery, FeaturesRepository } from '../features/features.repository.ts';

export { CRS84, ITEMS_LIMIT } from './ogc.input.ts';

/** The temporal reference system of `extent.temporal` (the Gregorian calendar, ISO 8601). */
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

/** Conformance classes implemented. */
export const CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
] as const;

const JSON_TYPE = 'application/json';
const GEOJSON = 'application/geo+json';

/** A hypermedia link. */
export interface Link {
  href: string;
  rel: string;
  type: string;
  title?: string;
}

/**
 * What selects features, as the route validated it (bbox and CRS, filter language and length):
 * `bbox`, a CQL2-text `filter` and `attribute=value` equalities. An attribute that is not a
 * queryable of the layer is a 400 naming it and listing the parameters (`declared`) and attributes,
 * so a misspelt filter never silently returns everything.
 */
export function parseFeatureQuery(layer: LayerDefinition, selection: SelectionQuery, declared: readonly string[]): FeatureQuery {
  const props = queryables(layer);
  const filters: (Cql2Expr | null)[] = [];
  for (const [key, value] of Object.entries(selection.attributes)) {
    const prop = props.get(key);
    if (!prop) {
      throw new BadParameterError(key, value,
        `is not a parameter of layer "${layer.id}" (parameters: ${declared.join(', ')}, or an attribute: ${[...props.keys()].join(', ')})`);
    }
    filters.push(propertyEquals(prop, value));
  }
  if (selection.filter !== undefined) filters.push(parseCql2(selection.filter, layer));
  return { bbox: parseBBox(selection.bbox), filter: allOf(filters), ids: null };
}

/** Whether the viewer sees unpublished features of `layer` (the public sees published only). */
export function viewerSeesAll(layer: LayerDefinition, viewer: Viewer): boolean {
  return layer.visibility === 'public' || seesUnpublished(viewer);
}

/** OGC API – Features resources. `base` is the service root URL, e.g. `http://host/ogc`. */
export class OgcService {
  constructor(
    private readonly repo: FeaturesRepository,
    private readonly temporal: TemporalRepository,
    private readonly apiDocUrl: string = '/api/openapi.json',
    private readonly apiPageUrl: string = '/api/docs',
  ) {}

  /** The layer with this id as the viewer sees it (no internal attributes for the public), or a 404 naming it. */
  layer(id: string, viewer: Viewer): LayerDefinition {
    const layer = findLayer(id, seesInternalFields(viewer));
    if (!layer) throw new NotFoundError('collection', id);
    return layer;
  }

  /** Landing page. */
  landing(base: string, origin: string) {
    return {
      title: '达州市招商载体资源',
      description: 'Dazhou investment carriers (land, standard factories, offices), industrial parks, amenities and counties — OGC API – Features',
      links: [
        { href: base, rel: 'self', type: JSON_TYPE, title: 'This document' },
        { href: `${origin}${this.apiDocUrl}`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.1', title: 'The API definition (OpenAPI 3.1)' },
        { href: `${origin}${this.apiPageUrl}`, rel: 'service-doc', type: 'text/html', title: 'The API documentation (HTML)' },
        { href: `${base}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
        { href: `${base}/collections`, rel: 'data', type: JSON_TYPE, title: 'Collections (one per layer)' },
      ] satisfies Link[],
    };
  }

  /** Conformance declaration. */
  conformance() {
    return { conformsTo: CONFORMANCE };
  }

  /** All collections with their extents as the viewer sees them. */
  async collections(viewer: Viewer, base: string) {
    const collections = await Promise.all(layersFor(seesInternalFields(viewer)).map((l) => this.describe(l, viewer, base)));
    return {
      links: [{ href: `${base}/collections`, rel: 'self', type: JSON_TYPE, title: 'Collections' }] satisfies Link[],
      collections,
    };
  }

  /** One collection. */
  async collection(id: string, viewer: Viewer, base: string) {
    return this.describe(this.layer(id, viewer), viewer, base);
  }

  private async describe(layer: LayerDefinition, viewer: Viewer, base: string) {
    const sees = viewerSeesAll(layer, viewer);
    const [extent, span] = await Promise.all([this.repo.extent(layer, sees), this.temporal.extent(layer, sees)]);
    const self = `${base}/collections/${encodeURIComponent(layer.id)}`;
    return {
      id: layer.id,
      title: layer.title.zh,
      description: layer.title.en,
      itemType: 'feature',
      crs: [CRS84],
      storageCrs: CRS84,
      extent: {
        spatial: { bbox: extent ? [extent] : [], crs: CRS84 },
        // The layer's time (capture time, last survey update), which `datetime` filters on.
        ...(layer.temporal ? { temporal: { interval: [span ?? [null, null]], trs: GREGORIAN, description: layer.temporal.label.en } } : {}),
      },
      links: [
        { href: self, rel: 'self', type: JSON_TYPE, title: layer.title.zh },
        { href: `${self}/items`, rel: 'items', type: GEOJSON, title: `${layer.title.en} (GeoJSON)` },
        { href: `${self}/queryables`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/queryables', type: 'application/schema+json', title: 'Queryables' },
      ] satisfies Link[],
    };
  }

  /** The properties filters may use, as a JSON Schema (OGC API – Features Part 3). */
  queryables(id: string, viewer: Viewer, base: string) {
    const layer = this.layer(id, viewer);
    const properties: Record<string, unknown> = {};
    for (const q of queryables(layer).values()) {
      const a = layer.attributes.find((x) => x.name === q.name);
      const type = { integer: 'integer', number: 'number', boolean: 'boolean', date: 'string', enum: 'string', string: 'string', 'string[]': 'array' }[q.type];
      properties[q.name] = {
        title: a ? `${a.label.zh} ${a.label.en}` : '名称 Name',
        type,
        ...(q.type === 'date' ? { format: 'date' } : {}),
        ...(a?.values ? { enum: Object.keys(a.values) } : {}),
        ...(a?.unit ? { 'x-unit': a.unit } : {}),
      };
    }
    return {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${base}/collections/${encodeURIComponent(layer.id)}/queryables`,
      type: 'object',
      title: layer.title.zh,
      properties,
      additionalProperties: false,
    };
  }

  /**
   * One page of a collection's features. `query` is validated at the route (limit already capped
   * to ${ITEMS_LIMIT.max}); `self` is the request URL without its query.
   */
  async items(id: string, viewer: Viewer, query: ItemsQuery, self: string, base: string) {
    const layer = this.layer(id, viewer);
    const fq: FeatureQuery = parseFeatureQuery(layer, selectionOf(query, ITEMS_QUERY), Object.keys(ITEMS_QUERY.properties as object));
    if (query.datetime !== undefined) {
      const interval = parseDatetime(query.datetime);
      // A layer without a time has no feature with a time in any interval (OGC: no temporal geometry, no match).
      fq.extra = [layer.temporal ? datetimePredicate(layer.temporal, interval) : () => 'FALSE'];
    }
    const { limit, offset } = query;
    const sees = viewerSeesAll(layer, viewer);
    const [matched, rows] = await Promise.all([this.repo.count(layer, sees, fq), this.repo.list(layer, sees, fq, limit, offset)]);
    const features = rows.map((r) => toFeature(layer, r));
    const page = (o: number) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (k !== 'offset' && k !== 'limit' && v !== undefined) p.set(k, String(v));
      p.set('limit', String(limit));
      p.set('offset', String(o));
      return `${self}?${p}`;
    };
    const links: Link[] = [{ href: page(offset), rel: 'self', type: GEOJSON, title: 'This page' }];
    if (offset + rows.length < matched) links.push({ href: page(offset + limit), rel: 'next', type: GEOJSON, title: 'Next page' });
    if (offset > 0) links.push({ href: page(Math.max(0, offset - limit)), rel: 'prev', type: GEOJSON, title: 'Previous page' });
    links.push({ href: `${base}/collections/${encodeURIComponent(layer.id)}`, rel: 'collection', type: JSON_TYPE, title: layer.title.zh });
    return {
      type: 'FeatureCollection' as const,
      timeStamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      numberMatched: matched,
      numberReturned: features.length,
      features,
      links,
    };
  }

  /** One feature, or 404 (also when the viewer may not see it: a draft does not exist for the public). */
  async item(id: string, viewer: Viewer, featureId: string, base: string): Promise<Feature & { links: Link[] }> {
    const layer = this.layer(id, viewer);
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(featureId)) throw new BadParameterError('featureId', featureId, 'must be a feature id');
    const row = await this.repo.get(layer, viewerSeesAll(layer, viewer), featureId);
    if (!row) throw new NotFoundError(`feature of collection "${layer.id}"`, featureId);
    const coll = `${base}/collections/${encodeURIComponent(layer.id)}`;
    return {
      ...toFeature(layer, row),
      links: [
        { href: `${coll}/items/${encodeURIComponent(featureId)}`, rel: 'self', type: GEOJSON },
        { href: coll, rel: 'collection', type: JSON_TYPE, title: layer.title.zh },
      ],
    };
  }
}
