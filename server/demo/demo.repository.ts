/** Writes the generated demo data in one transaction. */
import type pg from 'pg';
import type { DemoData } from './seed-types.ts';
import { DEMO_HISTORY_ACTOR, type DemoHistory } from './demo-history.ts';
import { withTransaction } from '../../core/db/database.ts';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'demo.sql', [
  'isEmpty', 'insertAdminAreas', 'linkAdminParents', 'insertParks', 'insertCarriers', 'insertAmenities', 'markSeeded',
  'insertCarrierHistory',
] as const);

const CHUNK = 1000;

async function insertChunked(client: pg.PoolClient, sql: string, rows: readonly unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await client.query(sql, [JSON.stringify(rows.slice(i, i + CHUNK))]);
  }
}

/** Data access for the demo loader. */
export class DemoRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** True when no carrier-resource data exists and the demo was never loaded. */
  async isEmpty(): Promise<boolean> {
    return (await this.pool.query(Q.isEmpty)).rows[0].empty;
  }

  /** Insert everything, all or nothing, and record that the demo was loaded. */
  async insert(data: DemoData, meta: Record<string, unknown>, history?: DemoHistory): Promise<void> {
    // Each carrier row carries what its past left on it (creation time, version, status date).
    const carriers = history ? data.carriers.map((c) => ({ ...c, ...history.rows.get(c.code) })) : data.carriers;
    await withTransaction(this.pool, async (client) => {
      await insertChunked(client, Q.insertAdminAreas, data.adminAreas);
      await client.query(Q.linkAdminParents, [JSON.stringify(data.adminAreas)]);
      await insertChunked(client, Q.insertParks, data.parks);
      await insertChunked(client, Q.insertCarriers, carriers);
      if (history) await client.query(Q.insertCarrierHistory, [JSON.stringify(history.entries), DEMO_HISTORY_ACTOR]);
      await insertChunked(client, Q.insertAmenities, data.amenities);
      await client.query(Q.markSeeded, [JSON.stringify(meta)]);
    });
  }
}
