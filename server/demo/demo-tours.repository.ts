/**
 * Data access of the demo-tour loader: only the demo's own bookkeeping and look-ups. The panoramas
 * are written by the panorama import and the tours by `ToursService` (see demo-tours.ts).
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'demo-tours.sql', ['demoState', 'parksByCode', 'photoIds', 'markToursSeeded'] as const);

/** A park that gets a demo tour. */
export interface DemoParkRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  lon: number;
  lat: number;
}

/** Queries of the demo-tour loader. */
export class DemoToursRepository {
  constructor(private readonly pool: pg.Pool) {}

  async state(): Promise<{ demo_seeded: boolean; tours_seeded: boolean }> {
    return (await this.pool.query(Q.demoState)).rows[0];
  }

  async parks(codes: readonly string[]): Promise<DemoParkRow[]> {
    return (await this.pool.query<DemoParkRow>(Q.parksByCode, [codes])).rows;
  }

  /** Photo ids of the stored originals with these hashes (the panoramas the demo uploaded). */
  async photoIds(sha256: readonly string[]): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ id: number; sha256: string }>(Q.photoIds, [sha256]);
    return new Map(rows.map((r) => [r.sha256, Number(r.id)]));
  }

  async markSeeded(meta: Record<string, unknown>): Promise<void> {
    await this.pool.query(Q.markToursSeeded, [JSON.stringify(meta)]);
  }
}
