/** Aggregates over carriers, parks and amenities. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'stats.sql', ['summary', 'counties'] as const);

/** One cell of the county × layer × status summary. */
export interface SummaryRow {
  county: string;
  layer: string;
  status: string | null;
  count: number;
  area_m2: number | null;
  floor_area_m2: number | null;
}

/** A county-level unit. */
export interface CountyRow {
  adcode: string;
  name_zh: string;
  name_en: string;
  area_m2: number;
}

/** Data access for statistics. */
export class StatsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async summary(seesUnpublished: boolean): Promise<SummaryRow[]> {
    return (await this.pool.query<SummaryRow>(Q.summary, [seesUnpublished])).rows;
  }

  async counties(): Promise<CountyRow[]> {
    return (await this.pool.query<CountyRow>(Q.counties)).rows;
  }
}
