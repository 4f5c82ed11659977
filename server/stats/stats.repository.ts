/** Aggregates over carriers, parks, amenities, history, photos and enquiries: SQL only, in stats.sql. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'stats.sql', [
  'summary', 'counties', 'statusByCountyKind', 'landStructure', 'priceDistribution', 'parks', 'inventory', 'historyStart',
  'freshness', 'enquiries', 'countyShapes', 'parkNames',
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

  async summary(seesUnpublished: boolean): Promise<SummaryRow[]> {
    return (await this.pool.query<SummaryRow>(Q.summary, [seesUnpublished])).rows;
  }

  async counties(): Promise<CountyRow[]> {
    return (await this.pool.query<CountyRow>(Q.counties)).rows;
  }

  async statusByCountyKind(f: CarrierFilter): Promise<StatusRow[]> {
    return (await this.pool.query<StatusRow>(Q.statusByCountyKind, params(f))).rows;
  }

  async landStructure(f: CarrierFilter): Promise<LandRow[]> {
    return (await this.pool.query<LandRow>(Q.landStructure, params(f))).rows;
  }

  async priceDistribution(f: CarrierFilter): Promise<PriceRow[]> {
    return (await this.pool.query<PriceRow>(Q.priceDistribution, params(f))).rows;
  }

  async parks(f: CarrierFilter): Promise<ParkRow[]> {
    return (await this.pool.query<ParkRow>(Q.parks, params(f))).rows;
  }

  /** Months `from`..`to` (first days, YYYY-MM-DD). */
  async inventory(f: CarrierFilter, from: string, to: string): Promise<InventoryRow[]> {
    return (await this.pool.query<InventoryRow>(Q.inventory, [...params(f), from, to])).rows;
  }

  async historyStart(): Promise<string | null> {
    return (await this.pool.query<{ month: string | null }>(Q.historyStart)).rows[0]?.month ?? null;
  }

  async freshness(f: CarrierFilter, asOf: string): Promise<FreshnessRow[]> {
    return (await this.pool.query<FreshnessRow>(Q.freshness, [...params(f), asOf])).rows;
  }

  async enquiries(f: CarrierFilter, from: string, to: string): Promise<EnquiryRow[]> {
    return (await this.pool.query<EnquiryRow>(Q.enquiries, [f.counties, f.parks, f.kinds, from, to])).rows;
  }

  async countyShapes(): Promise<CountyShapeRow[]> {
    return (await this.pool.query<CountyShapeRow>(Q.countyShapes)).rows;
  }

  async parkNames(seesUnpublished: boolean): Promise<ParkNameRow[]> {
    return (await this.pool.query<ParkNameRow>(Q.parkNames, [seesUnpublished])).rows;
  }
}
