/**
 * The only code that runs edit SQL (`edits.sql`): rows and their versions, draft revisions,
 * changesets, history entries, and applying a published revision to its layer table.
 * Layer-specific queries are filled once per layer from its definition, identifiers escaped.
 */
import pg from 'pg';
import type { LayerDefinition } from '../../layers/definition.ts';
import { fillTemplate, loadQueries } from '../../core/db/sql.ts';
import { withTransaction } from '../../core/db/database.ts';
import { columnOf, editableAttributes } from './edit-input.ts';

const Q = loadQueries(import.meta.url, 'edits.sql', [
  'getRow', 'lockRow', 'applyUpdate', 'applyInsert', 'applyDelete', 'reserveId', 'checkGeometry', 'countyExists', 'parkExists',
  'codeTaken', 'openDraft', 'lastApplied', 'insertChangeset', 'supersede', 'dropEmptyChangeset', 'insertRevision', 'insertHistory',
  'setContext', 'lockChangeset', 'changesetRevisions', 'setRevisionState', 'decideChangeset', 'listChangesets', 'history',
] as const);

const LAYER_QUERIES = ['getRow', 'lockRow', 'applyUpdate', 'applyInsert', 'applyDelete'] as const;
type LayerQuery = (typeof LAYER_QUERIES)[number];

/** A layer row as the edit service sees it: every column by name, the geometry as GeoJSON text. */
export interface EditRow {
  id: string;
  version: number;
  geometry: string;
  props: Record<string, unknown>;
}

/** An open draft revision of a feature. */
export interface DraftRow {
  id: string;
  changeset_id: string;
  action: 'create' | 'update' | 'delete';
  base_version: number | null;
  vals: Record<string, unknown>;
  geometry: string | null;
  created_at: Date;
  created_by: string;
  author: string;
}

/** A revision waiting in a changeset. */
export interface RevisionRow {
  id: string;
  layer: string;
  feature_id: string;
  action: 'create' | 'update' | 'delete';
  base_version: number | null;
  vals: Record<string, unknown>;
  geometry: string | null;
}

/** One history entry. */
export interface HistoryRow {
  id: string;
  action: string;
  version: number | null;
  applied: boolean;
  actor_name: string | null;
  at: Date;
  revision_id: string | null;
  changeset_id: string | null;
  batch_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  before_geom: string | null;
  after_geom: string | null;
}

/** A changeset with its revisions, as listed for reviewers. */
export interface ChangesetRow {
  id: string;
  state: string;
  note: string | null;
  created_at: Date;
  decided_at: Date | null;
  author: string;
  decider: string | null;
  revisions: { id: string; layer: string; featureId: string; action: string; state: string; vals: Record<string, unknown>; baseVersion: number | null; geometry: unknown }[];
}

const cache = new Map<string, Record<LayerQuery, string>>();

/** The layer's queries with table, id, filter, editable columns and geometry cast substituted. */
function queriesFor(layer: LayerDefinition): Record<LayerQuery, string> {
  let q = cache.get(layer.id);
  if (!q) {
    const cols = editableAttributes(layer).map((a) => pg.escapeIdentifier(columnOf(a)));
    const geom = layer.geometryType === 'MultiPolygon' ? 'ST_Multi(v.geom)' : 'v.geom';
    const fill = (sql: string) => fillTemplate(sql, {
      table: pg.escapeIdentifier(layer.table),
      id: pg.escapeIdentifier(layer.idColumn),
      filter: layer.where ? `t.${pg.escapeIdentifier(layer.where.column)} = $1` : '($1::text IS NULL)',
      kindcol: layer.where ? `${pg.escapeIdentifier(layer.where.column)}, ` : '',
      kindval: layer.where ? '$1::text, ' : '',
      kindcheck: layer.where ? '' : 'AND $1::text IS NULL',
      cols: cols.join(', '),
      rcols: cols.map((c) => `r.${c}`).join(', '),
      geom,
    });
    q = Object.fromEntries(LAYER_QUERIES.map((n) => [n, fill(Q[n])])) as Record<LayerQuery, string>;
    cache.set(layer.id, q);
  }
  return q;
}

/** Who is changing rows in a transaction, and why: read by the history trigger. */
export interface ChangeContext {
  actorId: number;
  action: 'publish' | 'delete' | 'restore';
  revisionId: string;
  changesetId: string;
}

/** A connection inside one transaction, with the edit queries bound to it. */
export class EditsTx {
  constructor(private readonly client: pg.PoolClient | pg.Pool) {}

  private async one<T extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<T | null> {
    return (await this.client.query<T>(sql, params)).rows[0] ?? null;
  }

  /** The row (locked when `lock`), or null. */
  row(layer: LayerDefinition, id: string, lock = false): Promise<EditRow | null> {
    const q = queriesFor(layer);
    return this.one<EditRow>(lock ? q.lockRow : q.getRow, [layer.where?.value ?? null, id]);
  }

  /** The feature's open draft (locked), or null. */
  openDraft(layerId: string, id: string): Promise<DraftRow | null> {
    return this.one<DraftRow>(Q.openDraft, [layerId, id]);
  }

  /** Who last changed the published row, and when. */
  lastApplied(layerId: string, id: string): Promise<{ actor_name: string | null; action: string; at: Date; version: number | null } | null> {
    return this.one(Q.lastApplied, [layerId, id]);
  }

  /** A new id from the layer table's sequence (for a drawn feature). */
  async reserveId(layer: LayerDefinition): Promise<string> {
    return (await this.one<{ id: string }>(Q.reserveId, [layer.table]))!.id;
  }

  /** PostGIS validity of a GeoJSON geometry and the reason when invalid. */
  async geometryValidity(geojson: string): Promise<{ valid: boolean; reason: string }> {
    return (await this.one<{ valid: boolean; reason: string }>(Q.checkGeometry, [geojson]))!;
  }

  /** Whether a county with this adcode exists. */
  async countyExists(adcode: string): Promise<boolean> {
    return (await this.one<{ ok: boolean }>(Q.countyExists, [adcode]))!.ok;
  }

  /** Whether a park with this id exists. */
  async parkExists(id: number): Promise<boolean> {
    return (await this.one<{ ok: boolean }>(Q.parkExists, [String(id)]))!.ok;
  }

  /** Whether another feature of the same table (or an open new-feature draft) already has `code`. */
  async codeTaken(layer: LayerDefinition, sameTableLayers: string[], code: string, id: string): Promise<boolean> {
    return (await this.one<{ taken: boolean }>(Q.codeTaken, [layer.table, code, id, sameTableLayers]))!.taken;
  }

  /** A new draft changeset; returns its id. */
  async insertChangeset(note: string | null, userId: number): Promise<string> {
    return String((await this.one<{ id: string }>(Q.insertChangeset, [note, userId]))!.id);
  }

  /** Mark an open draft superseded by a newer edit; close its changeset when nothing else is left in it. */
  async supersede(revisionId: string, changesetId: string): Promise<void> {
    await this.client.query(Q.supersede, [revisionId]);
    await this.client.query(Q.dropEmptyChangeset, [changesetId]);
  }

  /** A new draft revision; returns its id. */
  async insertRevision(r: {
    changesetId: string; layer: string; featureId: string; action: 'create' | 'update' | 'delete'; baseVersion: number | null;
    vals: Record<string, unknown>; geometry: string | null; restoredFrom: string | null; userId: number;
  }): Promise<string> {
    return (await this.one<{ id: string }>(Q.insertRevision, [
      r.changesetId, r.layer, r.featureId, r.action, r.baseVersion, JSON.stringify(r.vals), r.geometry, r.restoredFrom, r.userId,
    ]))!.id.toString();
  }

  /** A history entry for something that did not change the published row (a draft, a rejection). */
  async insertHistory(e: {
    layer: string; featureId: string; action: 'edit' | 'create' | 'delete' | 'restore' | 'reject'; userId: number;
    revisionId: string | null; changesetId: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null;
    beforeGeom: string | null; afterGeom: string | null;
  }): Promise<void> {
    await this.client.query(Q.insertHistory, [
      e.layer, e.featureId, e.action, e.userId, e.revisionId, e.changesetId,
      e.before === null ? null : JSON.stringify(e.before), e.after === null ? null : JSON.stringify(e.after), e.beforeGeom, e.afterGeom,
    ]);
  }

  /** Tell the history trigger who changes rows next in this transaction. */
  async setContext(c: ChangeContext): Promise<void> {
    await this.client.query(Q.setContext, [String(c.actorId), c.action, c.revisionId, c.changesetId]);
  }

  /** The changeset (locked), or null. */
  lockChangeset(id: string): Promise<{ id: string; state: string; note: string | null; created_by: string } | null> {
    return this.one(Q.lockChangeset, [id]);
  }

  /** The changeset's open revisions. */
  async changesetRevisions(id: string): Promise<RevisionRow[]> {
    return (await this.client.query<RevisionRow>(Q.changesetRevisions, [id])).rows;
  }

  /** Set a revision's state. */
  async setRevisionState(id: string, state: 'published' | 'rejected'): Promise<void> {
    await this.client.query(Q.setRevisionState, [id, state]);
  }

  /** Record the reviewer's decision on a changeset. */
  async decideChangeset(id: string, state: 'published' | 'rejected', userId: number): Promise<void> {
    await this.client.query(Q.decideChangeset, [id, state, userId]);
  }

  /** Apply an update revision; the new row version, or null when the row is no longer at its base version. */
  async applyUpdate(layer: LayerDefinition, revisionId: string): Promise<number | null> {
    return (await this.one<{ version: number }>(queriesFor(layer).applyUpdate, [layer.where?.value ?? null, revisionId]))?.version ?? null;
  }

  /** Apply a create revision (insert with the reserved id). */
  async applyInsert(layer: LayerDefinition, revisionId: string): Promise<void> {
    await this.client.query(queriesFor(layer).applyInsert, [layer.where?.value ?? null, revisionId]);
  }

  /** Apply a delete revision; false when the row is no longer at its base version. */
  async applyDelete(layer: LayerDefinition, revisionId: string): Promise<boolean> {
    return (await this.one(queriesFor(layer).applyDelete, [layer.where?.value ?? null, revisionId])) !== null;
  }

  /** Changesets in `state` (all when null), newest first. */
  async listChangesets(state: string | null, limit: number): Promise<ChangesetRow[]> {
    return (await this.client.query<ChangesetRow>(Q.listChangesets, [state, limit])).rows;
  }

  /** A feature's history, newest first. */
  async history(layerId: string, id: string, limit: number): Promise<HistoryRow[]> {
    return (await this.client.query<HistoryRow>(Q.history, [layerId, id, limit])).rows;
  }
}

/** Entry point: plain reads on the pool, writes inside one transaction. */
export class EditsRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Queries outside a transaction. */
  get read(): EditsTx {
    return new EditsTx(this.pool);
  }

  /** Run `fn` in one transaction. */
  transaction<T>(fn: (tx: EditsTx) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, (client) => fn(new EditsTx(client)));
  }
}
