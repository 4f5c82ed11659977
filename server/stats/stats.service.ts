/** The summary an officer or investor sees first: what is available where. */
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import type { CountyRow, StatsRepository, SummaryRow } from './stats.repository.ts';

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** Statistics rules. */
export class StatsService {
  constructor(private readonly repo: StatsRepository) {}

  /** Counts and areas by county adcode × layer × status, as visible to the viewer. */
  async summary(viewer: Viewer): Promise<{ rows: SummaryRow[]; counties: CountyRow[] }> {
    const [rows, counties] = await Promise.all([this.repo.summary(seesUnpublished(viewer)), this.repo.counties()]);
    return {
      rows: rows.map((r) => ({ ...r, area_m2: round2(r.area_m2), floor_area_m2: round2(r.floor_area_m2) })),
      counties: counties.map((c) => ({ ...c, area_m2: round2(c.area_m2)! })),
    };
  }
}
