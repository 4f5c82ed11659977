/**
 * Reads features of any layer. The one place where visibility is decided: every query takes
 * `seesUnpublished` and, when false, returns `review_state = 'published'` rows only.
 */
import pg from 'pg';
import type { LayerDefinition } from '../../layers/definition.ts';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'features.sql', ['countFeatures', 'listFeatures', 'getFeature', 'setReviewState'] as const);

/** A raw feature row: id, GeoJSON geometry text and every column as JSON. */
export interface FeatureRow {
  id: number | string;
  geometry: string;
  props: Record<string, unknown>;
}

/** Bounding box in EPSG:4326. */
export type BBox = [number, number, number, number];

const cache = new Map<string, Record<keyof typeof Q, string>>();

/** The layer's queries with its table, id column and filter substituted (identifiers escaped). */
function queriesFor(layer: LayerDefinition): Record<keyof typeof Q, string> {
  let q = cache.get(layer.id);
  if (!q) {
    const table = pg.escapeIdentifier(layer.table);
    const id = pg.escapeIdentifier(layer.idColumn);
    const filter = layer.where ? `t.${pg.escapeIdentifier(layer.where.column)} = $1` : '($1::text IS NULL)';
    const fill = (sql: string) => sql.replaceAll('{{table}}', table).replaceAll('{{id}}', id).replaceAll('{{filter}}', filter);
    q = { countFeatures: fill(Q.countFeatures), listFeatures: fill(Q.listFeatures), getFeature: fill(Q.getFeature), setReviewState: fill(Q.setReviewState) };
    cache.set(layer.id, q);
  }
  return q;
}

function bboxParams(bbox: BBox | null): (number | null)[] {
  return bbox ? [...bbox] : [null, null, null, null];
}

/** Data access for layer features. */
export class FeaturesRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Number of features of `layer` the viewer may see, optionally within `bbox`. */
  async count(layer: LayerDefinition, seesUnpublished: boolean, bbox: BBox | null = null): Promise<number> {
    const { rows } = await this.pool.query(queriesFor(layer).countFeatures, [
      layer.where?.value ?? null, seesUnpublished, ...bboxParams(bbox),
    ]);
    return rows[0].n;
  }

  /** One page of features, ordered by id. */
  async list(layer: LayerDefinition, seesUnpublished: boolean, bbox: BBox | null, limit: number, offset: number): Promise<FeatureRow[]> {
    const { rows } = await this.pool.query<FeatureRow>(queriesFor(layer).listFeatures, [
      layer.where?.value ?? null, seesUnpublished, ...bboxParams(bbox), limit, offset,
    ]);
    return rows;
  }

  /** Set a feature's review state; false when it does not exist. */
  async setReviewState(layer: LayerDefinition, id: string, state: string): Promise<boolean> {
    const { rows } = await this.pool.query(queriesFor(layer).setReviewState, [layer.where?.value ?? null, state, id]);
    return rows.length > 0;
  }

  /** One feature by id, or null if it does not exist or the viewer may not see it. */
  async get(layer: LayerDefinition, seesUnpublished: boolean, id: string): Promise<FeatureRow | null> {
    const { rows } = await this.pool.query<FeatureRow>(queriesFor(layer).getFeature, [
      layer.where?.value ?? null, seesUnpublished, id,
    ]);
    return rows[0] ?? null;
  }
}
