/** Data access for shortlists and their share links. Only token hashes reach the database. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'shortlists.sql', [
  'insertShortlist', 'updateShortlist', 'deleteItems', 'insertItems', 'publishedCarrierIds', 'deleteShortlist',
  'listShortlists', 'getShortlist', 'shortlistItems', 'insertShare', 'listShares', 'revokeShares', 'openShare', 'sharedSites',
] as const);

/** A shortlist row as listed. */
export interface ShortlistSummaryRow {
  id: number;
  client_name: string;
  created_by: string | null;
  /** The officer who may change it (migration 009); null when that account is gone (admins only then). */
  owner_id: number | null;
  owner: string | null;
  created_at: Date;
  updated_at: Date;
  item_count: number;
}

/** A shortlist row with its brief and notes. */
export interface ShortlistRow extends Omit<ShortlistSummaryRow, 'item_count'> {
  brief: Record<string, unknown>;
  notes: string;
}

/** An item as officers see it (attributes only while the carrier is published). */
export interface ShortlistItemRow {
  carrier_id: number;
  position: number;
  note: string;
  published: boolean;
  kind: string | null;
  name: string | null;
  status: string | null;
  area_m2: number | null;
  price: number | null;
  price_unit: string | null;
}

/** A share link without its token. `id` is the first 12 hex digits of the token's hash. */
export interface ShareRow {
  id: string;
  expires_at: Date;
  revoked_at: Date | null;
  view_count: number;
  created_at: Date;
  active: boolean;
}

/** A published site of a shared shortlist with every indicator and its nearest amenities. */
export type SharedSiteRow = Record<string, unknown> & {
  id: number;
  kind: string;
  name: string;
  geometry: string;
  nearest: { kind: string; name: string; distance_m: number }[];
};

/** An item to store: carrier and the note shown to the client. */
export interface ItemInput {
  carrierId: number;
  note: string;
}

/** Shortlist queries. */
export class ShortlistsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Ids among `ids` that are published carriers. */
  async publishedCarrierIds(ids: number[]): Promise<Set<number>> {
    const { rows } = await this.pool.query<{ id: number }>(Q.publishedCarrierIds, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  private async inTransaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async replaceItems(c: pg.PoolClient, id: number, items: ItemInput[]): Promise<void> {
    await c.query(Q.deleteItems, [id]);
    if (items.length) await c.query(Q.insertItems, [id, items.map((i) => i.carrierId), items.map((i) => i.note)]);
  }

  /** Create a shortlist with its items; returns its id. */
  async create(clientName: string, brief: unknown, notes: string, userId: number | null, items: ItemInput[]): Promise<number> {
    return this.inTransaction(async (c) => {
      const { rows } = await c.query<{ id: number }>(Q.insertShortlist, [clientName, JSON.stringify(brief), notes, userId]);
      await this.replaceItems(c, rows[0].id, items);
      return rows[0].id;
    });
  }

  /** Update the given fields (null keeps a value; `items` null keeps the items); false when absent. */
  async update(id: number, clientName: string | null, brief: unknown | null, notes: string | null, items: ItemInput[] | null): Promise<boolean> {
    return this.inTransaction(async (c) => {
      const { rows } = await c.query(Q.updateShortlist, [id, clientName, brief === null ? null : JSON.stringify(brief), notes]);
      if (!rows.length) return false;
      if (items) await this.replaceItems(c, id, items);
      return true;
    });
  }

  async delete(id: number): Promise<boolean> {
    return (await this.pool.query(Q.deleteShortlist, [id])).rows.length > 0;
  }

  async list(): Promise<ShortlistSummaryRow[]> {
    return (await this.pool.query<ShortlistSummaryRow>(Q.listShortlists)).rows;
  }

  async get(id: number): Promise<ShortlistRow | null> {
    return (await this.pool.query<ShortlistRow>(Q.getShortlist, [id])).rows[0] ?? null;
  }

  async items(id: number): Promise<ShortlistItemRow[]> {
    return (await this.pool.query<ShortlistItemRow>(Q.shortlistItems, [id])).rows;
  }

  /** Store a share link by its token hash; returns when it expires. */
  async insertShare(tokenSha256: string, shortlistId: number, days: number, userId: number | null): Promise<Date> {
    return (await this.pool.query<{ expires_at: Date }>(Q.insertShare, [tokenSha256, shortlistId, days, userId])).rows[0].expires_at;
  }

  async shares(shortlistId: number): Promise<ShareRow[]> {
    return (await this.pool.query<ShareRow>(Q.listShares, [shortlistId])).rows;
  }

  /** Revoke one link (by token hash) or all of a shortlist's live links; returns the revoked ids. */
  async revoke(shortlistId: number, tokenSha256: string | null): Promise<string[]> {
    return (await this.pool.query<{ id: string }>(Q.revokeShares, [shortlistId, tokenSha256])).rows.map((r) => r.id);
  }

  /** Count a view of a live link and return its shortlist; null when expired, revoked or unknown. */
  async openShare(tokenSha256: string): Promise<{ shortlist_id: number; expires_at: Date; view_count: number } | null> {
    return (await this.pool.query(Q.openShare, [tokenSha256])).rows[0] ?? null;
  }

  async sharedSites(shortlistId: number, kinds: string[]): Promise<SharedSiteRow[]> {
    return (await this.pool.query<SharedSiteRow>(Q.sharedSites, [shortlistId, kinds])).rows;
  }
}
