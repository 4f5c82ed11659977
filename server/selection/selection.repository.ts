/**
 * Data access for site selection: the candidate query compiled from a brief, and the geometries
 * of one page of results. Visibility is fixed here: published carriers and amenities only.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import type { Brief } from './brief.ts';
import { compileBrief } from './selection.query.ts';

const Q = loadQueries(import.meta.url, 'selection.sql', ['selectCandidates', 'pageGeometries'] as const);

/** One carrier that passed every constraint, with the distances the brief asked for. */
export interface CandidateRow {
  id: number;
  kind: 'land' | 'factory' | 'office';
  name: string;
  status: string;
  county_adcode: string | null;
  park_id: number | null;
  land_use: string | null;
  area_m2: number;
  price: number | null;
  price_unit: string | null;
  power_kva: number | null;
  water_t_per_day: number | null;
  gas: boolean | null;
  floors: number | null;
  floor_load_kn_m2: number | null;
  clear_height_m: number | null;
  plot_ratio_min: number | null;
  plot_ratio_max: number | null;
  investment_intensity_wan_per_mu: number | null;
  output_per_mu_wan: number | null;
  /** Kind → metres to the nearest published amenity of that kind (null: none exists). */
  distances: Record<string, number | null>;
}

/** Site-selection queries. */
export class SelectionRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Every published carrier that meets the brief's constraints (unordered, unpaged). */
  async candidates(brief: Brief): Promise<CandidateRow[]> {
    const { values, kinds } = compileBrief(brief);
    const { rows } = await this.pool.query(Q.selectCandidates, values);
    return rows.map((r) => {
      const dist: (number | null)[] = r.dist ?? [];
      const { dist: _d, ...rest } = r;
      return { ...rest, distances: Object.fromEntries(kinds.map((k, i) => [k, dist[i] ?? null])) } as CandidateRow;
    });
  }

  /** GeoJSON geometry text of the given (published) carriers, by id. */
  async geometries(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const { rows } = await this.pool.query<{ id: number; geometry: string }>(Q.pageGeometries, [ids]);
    return new Map(rows.map((r) => [r.id, r.geometry]));
  }
}
