/**
 * What the demo writes itself (demo.sql): the county boundaries and parks, and the replacement of
 * its import's history by its generated past. Carriers and amenities are not written here: they go
 * through the survey import (demo.service.ts); panoramas and tours neither (demo-tours.ts).
 *
 * Why counties and parks are inserted here rather than through a service:
 * - counties (`admin_areas`): no service writes them. They are reference boundaries (the licensed
 *   ECharts file converted by `npm run demo:counties`); the survey import takes land, factories,
 *   offices, amenities, photos, panoramas and tracks only, and the counties layer is not editable.
 * - parks: the import has no parks layer. The editor's path (`EditsService.create`, then a
 *   reviewer's `publish`) exists but cannot make the demo's parks: it needs a signed-in account,
 *   it cannot write what the parks layer does not expose as editable attributes (short names and
 *   aliases, which search matches; the review state), and it would give each park a create
 *   changeset and history entries authored by the first admin, which the demo's parks do not have
 *   (the statistics and history start from the carriers' generated past).
 */
import type pg from 'pg';
import type { AdminAreaSeed, ParkSeed } from './seed-types.ts';
import { DEMO_HISTORY_ACTOR, type DemoHistory } from './demo-history.ts';
import { withTransaction } from '../../core/db/database.ts';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'demo.sql', [
  'state', 'insertAdminAreas', 'linkAdminParents', 'insertParks', 'markReference', 'markSeeded',
  'suspendHistoryTriggers', 'suspendAmenityHistoryTriggers', 'suspendAppendOnly',
  'resumeHistoryTriggers', 'resumeAmenityHistoryTriggers', 'resumeAppendOnly',
  'dropImportHistory', 'setCarrierPast', 'resetAmenityVersions', 'insertCarrierHistory',
] as const);

/** Where the demo stands in a database. */
export interface DemoState {
  /** No county, park, carrier or amenity: nothing of a user's. */
  empty: boolean;
  /** The demo's counties and parks are in (a first start that stopped part-way is resumed). */
  reference: boolean;
  /** The demo data was loaded completely. */
  seeded: boolean;
}

/** Data access for the demo loader. */
export class DemoRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Where the demo stands. */
  async state(): Promise<DemoState> {
    return (await this.pool.query<DemoState>(Q.state)).rows[0]!;
  }

  /** County boundaries (city first, then its counties) and parks, all or nothing. */
  async insertReference(adminAreas: readonly AdminAreaSeed[], parks: readonly ParkSeed[]): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query('SET LOCAL jit = off');
      await client.query(Q.insertAdminAreas, [JSON.stringify(adminAreas)]);
      await client.query(Q.linkAdminParents, [JSON.stringify(adminAreas)]);
      await client.query(Q.insertParks, [JSON.stringify(parks)]);
      await client.query(Q.markReference, [JSON.stringify({ adminAreas: adminAreas.length, parks: parks.length })]);
    });
  }

  /**
   * Replace what the import of the demo's `batches` left in the history by the demo's past, in one
   * transaction, and record that the demo was loaded (`meta`): the import and review entries of
   * those batches go; each carrier row gets its past's creation time, last change, version and
   * status date; the generated entries are written; the amenities (no past) are back at version 1.
   * The version and history triggers and the append-only guard are off meanwhile (demo.sql).
   */
  async replacePast(batches: readonly number[], history: DemoHistory, meta: Record<string, unknown>): Promise<void> {
    const rows = [...history.rows].map(([code, past]) => ({ code, ...past }));
    await withTransaction(this.pool, async (client) => {
      // Whole-table statements: JIT compiling them (and the triggers they fire) costs more than the work.
      await client.query('SET LOCAL jit = off');
      await client.query(Q.suspendHistoryTriggers);
      await client.query(Q.suspendAmenityHistoryTriggers);
      await client.query(Q.suspendAppendOnly);
      await client.query(Q.dropImportHistory, [batches]);
      await client.query(Q.setCarrierPast, [JSON.stringify(rows), batches]);
      await client.query(Q.resetAmenityVersions, [batches]);
      await client.query(Q.insertCarrierHistory, [JSON.stringify(history.entries), DEMO_HISTORY_ACTOR]);
      await client.query(Q.resumeHistoryTriggers);
      await client.query(Q.resumeAmenityHistoryTriggers);
      await client.query(Q.resumeAppendOnly);
      await client.query(Q.markSeeded, [JSON.stringify({ ...meta, batches })]);
    });
  }
}
