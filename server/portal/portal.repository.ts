/**
 * Data access for the public portal (landing page and park cloud cards). Every query reads
 * published parks and carriers only — the portal has no other audience — and selects only the
 * fields an investor sees: never review state, batch, importer or data source.
 */
import type pg from 'pg';
import type { Geometry } from 'geojson';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'portal.sql', [
  'figures', 'countyCount', 'parks', 'parkOutline', 'parkCarriers', 'parkIndicators', 'parkDistances', 'parkTours', 'parkPanoramas',
] as const);

/** Available carriers of one kind across the city. */
export interface KindFigures {
  kind: 'land' | 'factory' | 'office';
  n: number;
  area_m2: number;
  floor_m2: number;
}

/** A published park with its available carriers per kind. */
export interface ParkRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  county_adcode: string;
  county_zh: string;
  county_en: string;
  park_level: 'national' | 'provincial' | 'city' | 'county';
  leading_industries: string[];
  area_m2: number;
  established_year: number | null;
  intro_zh: string;
  intro_en: string;
  contact_name: string | null;
  contact_phone: string | null;
  lon: number;
  lat: number;
  land_n: number;
  land_m2: number;
  factory_n: number;
  factory_m2: number;
  office_n: number;
  office_m2: number;
  panorama_id: number | null;
}

/** An available carrier on a park card. */
export interface CardCarrierRow {
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  name_en: string | null;
  description: string | null;
  description_en: string | null;
  area_m2: number;
  floor_area_m2: number | null;
  floors: number | null;
  price: number | null;
  price_unit: string | null;
  land_use: string | null;
  allowed_industries: string[];
  power_kva: number | null;
  water_t_per_day: number | null;
  gas: boolean | null;
  plot_ratio_min: number | null;
  plot_ratio_max: number | null;
  clear_height_m: number | null;
  floor_load_kn_m2: number | null;
  investment_intensity_wan_per_mu: number | null;
  output_per_mu_wan: number | null;
  available_from: Date | string | null;
  contact_name: string | null;
  contact_phone: string | null;
  geometry: Geometry;
}

/** 标准地 indicators and utilities of a park. */
export interface IndicatorRow {
  intensity_min: number | null;
  intensity_max: number | null;
  output_min: number | null;
  output_max: number | null;
  tax_min: number | null;
  tax_max: number | null;
  power_kva_max: number | null;
  water_max: number | null;
  gas: boolean | null;
}

const num = (v: unknown): number => Number(v);

/** Portal reads. */
export class PortalRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Available carriers per kind across the city. */
  async figures(): Promise<KindFigures[]> {
    return (await this.pool.query<KindFigures>(Q.figures)).rows;
  }

  /** Number of county-level units. */
  async countyCount(): Promise<number> {
    return (await this.pool.query<{ n: number }>(Q.countyCount)).rows[0].n;
  }

  /** Published parks (or the one with `id`). */
  async parks(id: number | null = null): Promise<ParkRow[]> {
    const { rows } = await this.pool.query<ParkRow>(Q.parks, [id]);
    return rows.map((r) => ({ ...r, id: num(r.id), panorama_id: r.panorama_id === null ? null : num(r.panorama_id) }));
  }

  /** A published park's outline and bounding box. */
  async outline(id: number): Promise<{ geometry: Geometry; bbox: [number, number, number, number] } | null> {
    const r = (await this.pool.query(Q.parkOutline, [id])).rows[0];
    return r ? { geometry: r.geometry, bbox: [r.xmin, r.ymin, r.xmax, r.ymax] } : null;
  }

  /** The park's available, published carriers. */
  async carriers(parkId: number): Promise<CardCarrierRow[]> {
    const { rows } = await this.pool.query<CardCarrierRow>(Q.parkCarriers, [parkId]);
    return rows.map((r) => ({ ...r, id: num(r.id) }));
  }

  /** 标准地 indicators and utilities over the park's published carriers. */
  async indicators(parkId: number): Promise<IndicatorRow> {
    return (await this.pool.query<IndicatorRow>(Q.parkIndicators, [parkId])).rows[0];
  }

  /** Distance in metres from the park to the nearest published amenity of each of `kinds`. */
  async distances(parkId: number, kinds: readonly string[]): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ kind: string; distance_m: number }>(Q.parkDistances, [parkId, kinds]);
    return Object.fromEntries(rows.map((r) => [r.kind, r.distance_m]));
  }

  /** Published tours of the park. */
  async tours(parkId: number): Promise<{ id: number; title_zh: string; title_en: string }[]> {
    return (await this.pool.query(Q.parkTours, [parkId])).rows.map((r) => ({ ...r, id: num(r.id) }));
  }

  /** Published panoramas of the park. */
  async panoramas(parkId: number): Promise<number[]> {
    return (await this.pool.query(Q.parkPanoramas, [parkId])).rows.map((r) => num(r.id));
  }
}
