/**
 * Reads (and review-state writes) of any layer's features, for the features API, OGC API –
 * Features and the exports alike. Statements come from the one compiler
 * (`layers/query/feature-query.ts`), which is where visibility is decided: a reader that does not
 * see unpublished features gets `review_state = 'published'` rows only. CQL2 filters arrive parsed
 * (`server/ogc/cql2.ts`) and are rendered into the same statement.
 */
import pg from 'pg';
import type { LayerDefinition } from '../../layers/definition.ts';
import { compileFeatureQuery, type BBox, type ExtraPredicate, type FeatureFilter } from '../../layers/query/feature-query.ts';
import { cql2ToSql, type Cql2Expr } from '../ogc/cql2.ts';

export type { BBox } from '../../layers/query/feature-query.ts';

/** A raw feature row: id, GeoJSON geometry text and every column as JSON. */
export interface FeatureRow {
  id: number | string;
  geometry: string;
  props: Record<string, unknown>;
}

/** A feature row of an export batch: full-precision GeoJSON, WKT and a point on the surface. */
export interface ExportRow extends FeatureRow {
  wkt: string;
  lon: number;
  lat: number;
}

/** Which features of a layer a request selects (besides visibility). */
export interface FeatureQuery {
  bbox?: BBox | null;
  /** A parsed CQL2 filter. */
  filter?: Cql2Expr | null;
  /** Only these feature ids (as text). */
  ids?: string[] | null;
  /** Further compiled predicates (e.g. a datetime interval). */
  extra?: readonly ExtraPredicate[];
}

function filterOf(sees: boolean, q: FeatureQuery = {}): FeatureFilter {
  const extra: ExtraPredicate[] = [...(q.extra ?? [])];
  const cql = q.filter;
  if (cql) {
    extra.push((params) => {
      const frag = cql2ToSql(cql, params.next);
      for (const v of frag.params) params.add(v);
      return frag.sql;
    });
  }
  return { seesUnpublished: sees, bbox: q.bbox ?? null, ids: q.ids ?? null, extra };
}

/** Data access for layer features. */
export class FeaturesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Number of features of `layer` the viewer may see that match `q`. */
  async count(layer: LayerDefinition, sees: boolean, q: FeatureQuery = {}): Promise<number> {
    const { text, values } = compileFeatureQuery('count', layer, filterOf(sees, q));
    const { rows } = await this.pool.query(text, values);
    return Number(rows[0].n);
  }

  /** One page of matching features in id order, coordinates to 7 decimals (≈ 1 cm). */
  async list(layer: LayerDefinition, sees: boolean, q: FeatureQuery, limit: number, offset: number): Promise<FeatureRow[]> {
    const { text, values } = compileFeatureQuery('page', layer, filterOf(sees, q), { precision: 7, limit, offset });
    return (await this.pool.query<FeatureRow>(text, values)).rows;
  }

  /** One feature by id, or null if it does not exist or the viewer may not see it. */
  async get(layer: LayerDefinition, sees: boolean, id: string): Promise<FeatureRow | null> {
    return (await this.list(layer, sees, { ids: [id] }, 1, 0))[0] ?? null;
  }

  /** Bounding box of the features the viewer may see, or null when there are none. */
  async extent(layer: LayerDefinition, sees: boolean): Promise<BBox | null> {
    const { text, values } = compileFeatureQuery('extent', layer, filterOf(sees));
    const r = (await this.pool.query(text, values)).rows[0];
    return r && r.xmin !== null ? ([r.xmin, r.ymin, r.xmax, r.ymax].map(Number) as BBox) : null;
  }

  /**
   * Every matching feature in id order, `batchSize` rows per query (keyset paging, so each batch
   * is an index range scan and no transaction stays open between batches).
   */
  async *exportRows(layer: LayerDefinition, sees: boolean, q: FeatureQuery, batchSize = 2000): AsyncGenerator<ExportRow[]> {
    let after: string | null = null;
    for (;;) {
      const { text, values } = compileFeatureQuery('batch', layer, filterOf(sees, q), { after, limit: batchSize });
      const { rows }: pg.QueryResult<ExportRow> = await this.pool.query<ExportRow>(text, values);
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
      after = String(rows[rows.length - 1].id);
    }
  }

  /** Set a feature's review state; false when it does not exist. */
  async setReviewState(layer: LayerDefinition, id: string, state: string): Promise<boolean> {
    const { text, values } = compileFeatureQuery('setReviewState', layer, filterOf(true, { ids: [id] }), { state });
    return (await this.pool.query(text, values)).rows.length > 0;
  }
}
