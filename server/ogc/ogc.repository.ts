/**
 * Filtered feature reads for OGC API – Features and the exports. Like `FeaturesRepository`, this
 * is where visibility is decided: every query takes `seesUnpublished` and, when false, returns
 * `review_state = 'published'` rows only. Filters arrive as parsed CQL2 (`cql2.ts`) and are
 * rendered here with their `$n` numbers placed after the query's own parameters.
 */
import pg from 'pg';
import type { LayerDefinition } from '../../layers/definition.ts';
import { loadQueries } from '../../core/db/sql.ts';
import type { BBox, FeatureRow } from '../features/features.repository.ts';
import { cql2ToSql, type Cql2Expr } from './cql2.ts';

const Q = loadQueries(import.meta.url, 'ogc.sql', ['countItems', 'listItems', 'getItem', 'extent', 'exportBatch'] as const);
type QueryName = keyof typeof Q;

/** Which features of a layer a request selects (besides visibility). */
export interface FeatureQuery {
  bbox: BBox | null;
  filter: Cql2Expr | null;
  /** Only these feature ids (as text), or null for all. */
  ids: string[] | null;
}

/** A feature row of an export batch: full-precision GeoJSON, WKT and a point on the surface. */
export interface ExportRow extends FeatureRow {
  wkt: string;
  lon: number;
  lat: number;
}

/** Number of parameters each query uses before the filter's. */
const OWN_PARAMS: Record<QueryName, number> = { countItems: 7, listItems: 9, getItem: 3, extent: 2, exportBatch: 9 };

const cache = new Map<string, Record<QueryName, string>>();

/** The layer's queries with its table, id column and fixed filter substituted (identifiers escaped). */
function queriesFor(layer: LayerDefinition): Record<QueryName, string> {
  let q = cache.get(layer.id);
  if (!q) {
    const table = pg.escapeIdentifier(layer.table);
    const id = pg.escapeIdentifier(layer.idColumn);
    const filter = layer.where ? `t.${pg.escapeIdentifier(layer.where.column)} = $1` : '($1::text IS NULL)';
    const fill = (sql: string) => sql.replaceAll('{{table}}', table).replaceAll('{{id}}', id).replaceAll('{{filter}}', filter);
    q = Object.fromEntries(Object.entries(Q).map(([name, sql]) => [name, fill(sql)])) as Record<QueryName, string>;
    cache.set(layer.id, q);
  }
  return q;
}

/** The query text with the filter rendered in, and all its parameter values. */
function withFilter(layer: LayerDefinition, name: QueryName, own: unknown[], filter: Cql2Expr | null): [string, unknown[]] {
  const cql = cql2ToSql(filter, OWN_PARAMS[name] + 1);
  return [queriesFor(layer)[name].replace('{{cql}}', cql.sql), [...own, ...cql.params]];
}

function common(layer: LayerDefinition, sees: boolean, q: FeatureQuery): unknown[] {
  return [layer.where?.value ?? null, sees, ...(q.bbox ?? [null, null, null, null]), q.ids];
}

/** Data access for filtered feature reads. */
export class OgcRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Number of features of `layer` the viewer may see that match `q`. */
  async count(layer: LayerDefinition, sees: boolean, q: FeatureQuery): Promise<number> {
    const { rows } = await this.pool.query(...withFilter(layer, 'countItems', common(layer, sees, q), q.filter));
    return Number(rows[0].n);
  }

  /** One page of matching features, ordered by id (coordinates to 7 decimals, ≈ 1 cm). */
  async list(layer: LayerDefinition, sees: boolean, q: FeatureQuery, limit: number, offset: number): Promise<FeatureRow[]> {
    const { rows } = await this.pool.query<FeatureRow>(...withFilter(layer, 'listItems', [...common(layer, sees, q), limit, offset], q.filter));
    return rows;
  }

  /** One feature by id, or null if it does not exist or the viewer may not see it. */
  async get(layer: LayerDefinition, sees: boolean, id: string): Promise<FeatureRow | null> {
    const { rows } = await this.pool.query<FeatureRow>(...withFilter(layer, 'getItem', [layer.where?.value ?? null, sees, id], null));
    return rows[0] ?? null;
  }

  /** Bounding box of the features the viewer may see, or null when there are none. */
  async extent(layer: LayerDefinition, sees: boolean): Promise<BBox | null> {
    const { rows } = await this.pool.query(...withFilter(layer, 'extent', [layer.where?.value ?? null, sees], null));
    const r = rows[0];
    return r && r.xmin !== null ? [r.xmin, r.ymin, r.xmax, r.ymax].map(Number) as BBox : null;
  }

  /**
   * Every matching feature in id order, `batchSize` rows per query (keyset paging, so each batch
   * is an index range scan and no transaction stays open between batches).
   */
  async *exportRows(layer: LayerDefinition, sees: boolean, q: FeatureQuery, batchSize = 2000): AsyncGenerator<ExportRow[]> {
    let after: string | null = null;
    for (;;) {
      const { rows }: pg.QueryResult<ExportRow> = await this.pool.query<ExportRow>(
        ...withFilter(layer, 'exportBatch', [...common(layer, sees, q), after, batchSize], q.filter),
      );
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
      after = String(rows[rows.length - 1].id);
    }
  }
}
