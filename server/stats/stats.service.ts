/** The summary an officer or investor sees first: what is available where. */
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import type { I18nText } from '../../layers/definition.ts';
import type { StatsRepository } from './stats.repository.ts';

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** One cell of the summary: county adcode × layer × status, with its count and areas (m², to the cm²). */
export interface SummaryCell {
  county: string;
  layer: string;
  status: string | null;
  count: number;
  areaM2: number | null;
  floorAreaM2: number | null;
}

/** A county-level unit of the summary. */
export interface SummaryCounty {
  adcode: string;
  name: I18nText;
  areaM2: number;
}

/** Statistics rules. */
export class StatsService {
  constructor(private readonly repo: StatsRepository) {}

  /** Counts and areas by county adcode × layer × status, as visible to the viewer. */
  async summary(viewer: Viewer): Promise<{ rows: SummaryCell[]; counties: SummaryCounty[] }> {
    const [rows, counties] = await Promise.all([this.repo.summary(seesUnpublished(viewer)), this.repo.counties()]);
    return {
      rows: rows.map((r) => ({
        county: r.county, layer: r.layer, status: r.status, count: r.count, areaM2: round2(r.area_m2), floorAreaM2: round2(r.floor_area_m2),
      })),
      counties: counties.map((c) => ({ adcode: c.adcode, name: { zh: c.name_zh, en: c.name_en }, areaM2: round2(c.area_m2)! })),
    };
  }
}
