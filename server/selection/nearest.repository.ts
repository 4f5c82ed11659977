/**
 * Data access for the upkeep of `carrier_nearest` (migration 007): the queues the triggers fill
 * and the set-based statements that apply them. Each worker step runs in its own short
 * transaction behind one advisory lock (`step`), so the workers of several servers take turns.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';
import { withTransaction } from '../../core/db/database.ts';

const Q = loadQueries(import.meta.url, 'nearest.sql', [
  'lock', 'amenityChanges', 'affectedCarriers', 'refreshKind', 'deleteAmenityChanges', 'nextRange', 'missingInRange',
  'lockCarriers', 'buildRows', 'queueRange', 'advanceRange', 'finishRange', 'queueAll', 'pending',
] as const);

/** Advisory lock key of a refresh step (any constant; "511700" + 7). */
const LOCK_KEY = 5_117_007;

/** A carrier id range to look at; `nextId` is where the last step stopped. */
export interface CarrierRange {
  id: number;
  lo: number;
  hi: number;
  nextId: number;
}

/** The statements one step may run, bound to the step's transaction. */
export class NearestStep {
  constructor(private readonly client: pg.PoolClient) {}

  /** Pending amenity changes of one kind (the oldest change's), oldest first. */
  async amenityChanges(limit: number): Promise<{ id: number; kind: string }[]> {
    return (await this.client.query(Q.amenityChanges, [limit])).rows;
  }

  /** Carriers whose stored distance to `kind` the changes `changeIds` may have made wrong. */
  async affectedCarriers(kind: string, changeIds: number[]): Promise<number[]> {
    return (await this.client.query<{ id: number }>(Q.affectedCarriers, [kind, changeIds])).rows.map((r) => r.id);
  }

  /** Measure `kind` again for `carrierIds` (existing rows only). */
  async refreshKind(kind: string, carrierIds: number[]): Promise<void> {
    await this.client.query(Q.refreshKind, [kind, carrierIds]);
  }

  /** Forget applied amenity changes. */
  async deleteAmenityChanges(ids: number[]): Promise<void> {
    await this.client.query(Q.deleteAmenityChanges, [ids]);
  }

  /** The oldest carrier range still to look at, if any. */
  async nextRange(): Promise<CarrierRange | null> {
    const r = (await this.client.query(Q.nextRange)).rows[0];
    return r ? { id: r.id, lo: r.lo, hi: r.hi, nextId: r.next_id } : null;
  }

  /** Up to `limit` carriers in `from..hi` without a row, in id order. */
  async missingInRange(from: number, hi: number, limit: number): Promise<number[]> {
    return (await this.client.query<{ id: number }>(Q.missingInRange, [from, hi, limit])).rows.map((r) => r.id);
  }

  /** Share-lock what can be locked now of `ids`; returns the locked ids. */
  async lockCarriers(ids: number[]): Promise<number[]> {
    return (await this.client.query<{ id: number }>(Q.lockCarriers, [ids])).rows.map((r) => r.id);
  }

  /** Build the rows of `ids`. */
  async buildRows(ids: number[]): Promise<void> {
    if (ids.length) await this.client.query(Q.buildRows, [ids]);
  }

  /** Queue `lo..hi` to be looked at again. */
  async queueRange(lo: number, hi: number): Promise<void> {
    await this.client.query(Q.queueRange, [lo, hi]);
  }

  /** Record that the range was looked at up to (not including) `nextId`. */
  async advanceRange(range: CarrierRange, nextId: number): Promise<void> {
    await this.client.query(Q.advanceRange, [range.id, nextId]);
  }

  /** Drop the rows of carriers deleted within the range, and the range. */
  async finishRange(range: CarrierRange): Promise<void> {
    await this.client.query(Q.finishRange, [range.id, range.lo, range.hi]);
  }
}

/** Queues and steps of the `carrier_nearest` upkeep. */
export class NearestRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Run `fn` as one step: a transaction holding the refresh lock, without JIT (short statements). */
  async step<T>(fn: (step: NearestStep) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SET LOCAL jit = off');
      await client.query(Q.lock, [LOCK_KEY]);
      return fn(new NearestStep(client));
    });
  }

  /** Queue every carrier id, so each carrier without a row gets one. */
  async queueAll(): Promise<void> {
    await this.pool.query(Q.queueAll);
  }

  /** Work left: carrier ranges and amenity changes not yet applied. */
  async pending(): Promise<{ ranges: number; amenityChanges: number }> {
    const r = (await this.pool.query(Q.pending)).rows[0];
    return { ranges: r.ranges, amenityChanges: r.amenity_changes };
  }
}
