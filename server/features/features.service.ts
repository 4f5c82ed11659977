/**
 * Layers and their features as the API presents them: the catalog with counts, GeoJSON
 * FeatureCollections with paging, single features. Parameter rules live here; SQL does not.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { findLayer, layersFor } from '../../layers/catalog.ts';
import type { LayerDefinition } from '../../layers/definition.ts';
import { seesInternalFields, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { BadParameterError, NotFoundError } from '../../core/errors.ts';
import type { BBox, FeatureRow, FeaturesRepository } from './features.repository.ts';

/** Page size limits of the features endpoint. */
export const FEATURE_LIMIT = { default: 1000, max: 10000 } as const;

/** A layer as listed by `GET /api/layers`. */
export type LayerInfo = Omit<LayerDefinition, 'table' | 'where' | 'idColumn' | 'nameColumn'> & { featureCount: number };

/** GeoJSON FeatureCollection with OGC-style paging members. */
export interface FeaturePage extends FeatureCollection {
  numberMatched: number;
  numberReturned: number;
  links: { rel: string; href: string; type: string }[];
}

/** Parse "minLon,minLat,maxLon,maxLat" in EPSG:4326; throws naming the bad value. */
export function parseBBox(raw: unknown): BBox | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw new BadParameterError('bbox', raw, 'must be given once');
  const parts = raw.split(',');
  if (parts.length !== 4) throw new BadParameterError('bbox', raw, `needs 4 numbers (minLon,minLat,maxLon,maxLat), has ${parts.length}`);
  const n = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
  const bad = n.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new BadParameterError('bbox', raw, `has a non-number "${parts[bad]}" at position ${bad + 1}`);
  const [minLon, minLat, maxLon, maxLat] = n;
  if (minLon < -180 || maxLon > 180) throw new BadParameterError('bbox', raw, 'longitudes must be within -180..180');
  if (minLat < -90 || maxLat > 90) throw new BadParameterError('bbox', raw, 'latitudes must be within -90..90');
  if (minLon > maxLon || minLat > maxLat) throw new BadParameterError('bbox', raw, 'must have min ≤ max');
  return [minLon, minLat, maxLon, maxLat];
}

/** Parse an integer query parameter within bounds, with a default when absent. */
export function parseIntParam(name: string, raw: unknown, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  if (typeof raw !== 'string' || !/^-?\d+$/.test(raw)) throw new BadParameterError(name, raw, 'must be an integer');
  const v = Number(raw);
  if (v < min || v > max) throw new BadParameterError(name, raw, `must be within ${min}..${max}`);
  return v;
}

/** Layer catalog and feature reads. */
export class FeaturesService {
  constructor(private readonly repo: FeaturesRepository) {}

  /** The layer with this id as the viewer sees it (no internal attributes for the public), or a 404 naming it. */
  layer(id: string, viewer: Viewer): LayerDefinition {
    const layer = findLayer(id, seesInternalFields(viewer));
    if (!layer) throw new NotFoundError('layer', id);
    return layer;
  }

  private sees(layer: LayerDefinition, viewer: Viewer): boolean {
    return layer.visibility === 'public' || seesUnpublished(viewer);
  }

  /** Every layer with the number of features the viewer can see. */
  async catalog(viewer: Viewer): Promise<LayerInfo[]> {
    return Promise.all(
      layersFor(seesInternalFields(viewer)).map(async (layer) => {
        const { table: _t, where: _w, idColumn: _i, nameColumn: _n, ...info } = layer;
        return { ...info, featureCount: await this.repo.count(layer, this.sees(layer, viewer)) };
      }),
    );
  }

  /** One page of a layer's features as GeoJSON (`query` validated at the route). `baseUrl` is the request URL without query. */
  async page(layerId: string, viewer: Viewer, query: { bbox?: string; limit: number; offset: number }, baseUrl: string): Promise<FeaturePage> {
    const layer = this.layer(layerId, viewer);
    const bbox = parseBBox(query.bbox);
    const { limit, offset } = query;
    const sees = this.sees(layer, viewer);
    const [matched, rows] = await Promise.all([
      this.repo.count(layer, sees, { bbox }),
      this.repo.list(layer, sees, { bbox }, limit, offset),
    ]);
    const features = rows.map((r) => toFeature(layer, r));
    const links: FeaturePage['links'] = [];
    const params = (o: number) => {
      const p = new URLSearchParams();
      if (bbox) p.set('bbox', bbox.join(','));
      p.set('limit', String(limit));
      p.set('offset', String(o));
      return `${baseUrl}?${p}`;
    };
    links.push({ rel: 'self', href: params(offset), type: 'application/geo+json' });
    if (offset + rows.length < matched) links.push({ rel: 'next', href: params(offset + limit), type: 'application/geo+json' });
    if (offset > 0) links.push({ rel: 'prev', href: params(Math.max(0, offset - limit)), type: 'application/geo+json' });
    return { type: 'FeatureCollection', features, numberMatched: matched, numberReturned: features.length, links };
  }

  /** Reviewer (校核): set one feature's review state. */
  async review(layerId: string, id: string, state: ReviewTarget): Promise<Feature> {
    const layer = findLayer(layerId);
    if (!layer) throw new NotFoundError('layer', layerId);
    if (layer.visibility === 'public') throw new BadParameterError('layer', layerId, 'has no review workflow');
    if (!/^[0-9]{1,18}$/.test(id)) throw new BadParameterError('id', id, 'must be a numeric feature id');
    if (!(await this.repo.setReviewState(layer, id, state))) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
    const row = await this.repo.get(layer, true, id);
    return toFeature(layer, row!);
  }

  /** One feature, or 404 (also when the viewer may not see it: a draft does not exist for the public). */
  async feature(layerId: string, viewer: Viewer, id: string): Promise<Feature> {
    const layer = this.layer(layerId, viewer);
    if (!/^[0-9]{1,18}$/.test(id)) throw new BadParameterError('id', id, 'must be a numeric feature id');
    const row = await this.repo.get(layer, this.sees(layer, viewer), id);
    if (!row) throw new NotFoundError(`feature of layer "${layer.id}"`, id);
    return toFeature(layer, row);
  }
}

/** Review states a reviewer may set on a feature. */
export const REVIEW_TARGETS = ['draft', 'verified', 'published'] as const;
export type ReviewTarget = (typeof REVIEW_TARGETS)[number];

/** Keep only the declared attributes (renamed per definition) plus `name`; round areas to cm². */
export function toFeature(layer: LayerDefinition, row: FeatureRow): Feature {
  const properties: Record<string, unknown> = { name: row.props[layer.nameColumn] ?? null };
  for (const a of layer.attributes) {
    let v = row.props[a.column ?? a.name];
    if (typeof v === 'number' && a.name.endsWith('area_m2')) v = Math.round(v * 100) / 100;
    properties[a.name] = v ?? null;
  }
  return { type: 'Feature', id: row.id, geometry: JSON.parse(row.geometry) as Geometry, properties };
}
