/**
 * Aggregates over carriers, parks, amenities, history, photos and enquiries: SQL only, in
 * stats.sql. The dashboard's figures read the rollups of migration 022 (counts and exact sums per
 * group, the monthly inventory as changes, photos' survey days), kept by triggers and folded at each
 * commit, so an answer after an edit (the cache dropped) reads thousands of rows, not 200,000.
 *
 * The dashboard's figures run with JIT compilation off: their cost estimates at 200,000 carriers
 * pass jit_above_cost, and compiling the plan's expressions took 2–4 s of a 3–4 s query (EXPLAIN
 * ANALYZE on bench:stats' data: inventory 2.5 s of 3.3 s, freshness 4.2 s of JIT time) for queries
 * that run in well under a second without it.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'stats.sql', [
  'summary', 'counties', 'statusByCountyKind', 'landStructure', 'priceDistribution', 'parks', 'inventory', 'historyStart',
  'freshness', 'enquiries', 'countyShapes', 'parkNames', 'changeVersion', 'pruneChangeLog',
] as const);

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

/** The filters every dashboard query takes (null: all). */
export interface CarrierFilter {
  seesUnpublished: boolean;
  counties: string[] | null;
  parks: number[] | null;
  kinds: string[] | null;
  statuses: string[] | null;
}

export interface StatusRow { county: string; kind: string; status: string; count: number; area_m2: number; floor_area_m2: number }
export interface LandRow { land_use: string; std_class: string; count: number; area_m2: number }
export interface PriceRow { unit: string; count: number; min: number; max: number; mean: number; p25: number; p50: number; p75: number; bins: number[] }
export interface ParkRow {
  id: number; name_zh: string; name_en: string; county: string; park_area_m2: number; count: number;
  available_count: number; reserved_count: number; occupied_count: number; available_area_m2: number; area_m2: number; available_floor_area_m2: number;
}
export interface InventoryRow { month: string; kind: string; park_id: number | null; status: string; count: number; area_m2: number }
export interface FreshnessRow { county: string; kind: string; count: number; within6: number; within12: number }
export interface EnquiryRow { park_id: number | null; month: string; count: number; visited: number; signed: number }
export interface CountyShapeRow { adcode: string; name_zh: string; name_en: string; geometry: string }
export interface ParkNameRow { id: number; name_zh: string; name_en: string; county: string }

const params = (f: CarrierFilter) => [f.seesUnpublished, f.counties, f.parks, f.kinds, f.statuses];

/** Data access for statistics. */
export class StatsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** One dashboard query, in a read-only transaction with JIT off (SET LOCAL: the pooled session keeps its settings). */
  private async figure<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query('SET LOCAL jit = off');
      const { rows } = await client.query<R>(sql, values);
      await client.query('COMMIT');
      return rows;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The newest entry of the dashboard's change log (migration 016), '' when it is empty. */
  async changeVersion(): Promise<string> {
    return (await this.pool.query<{ version: string }>(Q.changeVersion)).rows[0]?.version ?? '';
  }

  /** Drops change-log entries older than an hour, keeping the newest commit; returns how many went. */
  async pruneChangeLog(): Promise<{ commits: number; changes: number }> {
    return (await this.pool.query<{ commits: number; changes: number }>(Q.pruneChangeLog)).rows[0];
  }

  async summary(seesUnpublished: boolean): Promise<SummaryRow[]> {
    return (await this.pool.query<SummaryRow>(Q.summary, [seesUnpublished])).rows;
  }

  async counties(): Promise<CountyRow[]> {
    return (await this.pool.query<CountyRow>(Q.counties)).rows;
  }

  async statusByCountyKind(f: CarrierFilter): Promise<StatusRow[]> {
    return this.figure<StatusRow>(Q.statusByCountyKind, params(f));
  }

  async landStructure(f: CarrierFilter): Promise<LandRow[]> {
    return this.figure<LandRow>(Q.landStructure, params(f));
  }

  async priceDistribution(f: CarrierFilter): Promise<PriceRow[]> {
    return this.figure<PriceRow>(Q.priceDistribution, params(f));
  }

  async parks(f: CarrierFilter): Promise<ParkRow[]> {
    return this.figure<ParkRow>(Q.parks, params(f));
  }

  /** Months `from`..`to` (first days, YYYY-MM-DD). */
  async inventory(f: CarrierFilter, from: string, to: string): Promise<InventoryRow[]> {
    return this.figure<InventoryRow>(Q.inventory, [...params(f), from, to]);
  }

  async historyStart(): Promise<string | null> {
    return (await this.pool.query<{ month: string | null }>(Q.historyStart)).rows[0]?.month ?? null;
  }

  async freshness(f: CarrierFilter, asOf: string): Promise<FreshnessRow[]> {
    return this.figure<FreshnessRow>(Q.freshness, [...params(f), asOf]);
  }

  async enquiries(f: CarrierFilter, from: string, to: string): Promise<EnquiryRow[]> {
    return this.figure<EnquiryRow>(Q.enquiries, [f.counties, f.parks, f.kinds, from, to]);
  }

  async countyShapes(): Promise<CountyShapeRow[]> {
    return (await this.pool.query<CountyShapeRow>(Q.countyShapes)).rows;
  }

  async parkNames(seesUnpublished: boolean): Promise<ParkNameRow[]> {
    return (await this.pool.query<ParkNameRow>(Q.parkNames, [seesUnpublished])).rows;
  }
}
