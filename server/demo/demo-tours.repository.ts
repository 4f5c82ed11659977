/** Data access of the demo-tour loader. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'demo-tours.sql', ['demoState', 'parksByCode', 'upsertPanorama', 'tourExists', 'markToursSeeded'] as const);

/** A park that gets a demo tour. */
export interface DemoParkRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  lon: number;
  lat: number;
}

/** A demo panorama to store as a published `photos` row. */
export interface DemoPanoramaRow {
  sha256: string;
  name: string;
  width: number;
  height: number;
  heading: number;
  parkId: number;
  carrierId: number | null;
  position: [number, number];
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

  async upsertPanorama(p: DemoPanoramaRow): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(Q.upsertPanorama, [
      p.sha256, p.name, p.width, p.height, p.heading, p.parkId, p.carrierId, p.position[0], p.position[1],
    ]);
    return rows[0].id;
  }

  async tourExists(parkId: number, titleZh: string): Promise<boolean> {
    return (await this.pool.query(Q.tourExists, [parkId, titleZh])).rows[0].found;
  }

  async markSeeded(meta: Record<string, unknown>): Promise<void> {
    await this.pool.query(Q.markToursSeeded, [JSON.stringify(meta)]);
  }
}
