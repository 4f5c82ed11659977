/** The time span of a layer's features (OGC collection `extent.temporal`), with the same visibility as every feature read. */
import pg from 'pg';
import type { LayerDefinition } from '../../layers/definition.ts';
import { fillTemplate, loadQueries } from '../../core/db/sql.ts';
import { featurePredicate, SqlParams } from '../../layers/query/feature-query.ts';
import { temporalSql } from './datetime.ts';

const Q = loadQueries(import.meta.url, 'temporal.sql', ['temporalExtent'] as const);

/** Data access for temporal extents. */
export class TemporalRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** First and last time of the features the viewer may see (ISO strings), or null when the layer has no time or none is set. */
  async extent(layer: LayerDefinition, sees: boolean): Promise<[string, string] | null> {
    if (!layer.temporal) return null;
    const params = new SqlParams();
    const time = temporalSql(layer.temporal);
    const where = featurePredicate(layer, { seesUnpublished: sees }, params);
    const text = fillTemplate(Q.temporalExtent, { time, table: pg.escapeIdentifier(layer.table), where });
    const r = (await this.pool.query(text, params.values)).rows[0];
    if (!r || r.first === null) return null;
    const iso = (d: Date) => new Date(d).toISOString().replace(/\.000Z$/, 'Z');
    return [iso(r.first), iso(r.last)];
  }
}
