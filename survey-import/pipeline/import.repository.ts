/**
 * Database side of the survey-import pipeline: batches, staged items, validation in PostGIS,
 * commit and undo. The only code that runs import SQL.
 */
import pg from 'pg';
import { withTransaction } from '../../server/db/database.ts';
import { loadQueries } from '../../server/db/sql.ts';

const Q = loadQueries(import.meta.url, 'import.sql', [
  'findCommittedByFingerprint', 'insertBatch', 'getBatch', 'listBatches', 'setBatchStatus', 'clearItems', 'stageItems',
  'validateCoordinates', 'validateGeometryType', 'repairInvalid', 'assignPlaces', 'markCarrierActions',
  'rejectDuplicateCodes', 'checkDeclaredArea', 'summary', 'listItems', 'issues', 'rememberPrevious', 'insertCarriers', 'updateCarriers',
  'linkInsertedCarriers', 'insertAmenities', 'insertTracks', 'undoInserts', 'undoUpdates', 'undoAmenities', 'undoTracks', 'undoPhotos',
  'setReviewState', 'insertPhotos', 'linkPhotos', 'recoverInterrupted',
] as const);

/** Layers a batch can import into. */
export type ImportLayer = 'land' | 'factories' | 'offices' | 'amenities' | 'photos' | 'panoramas' | 'tracks';
/** Batch life cycle. */
export type BatchStatus = 'uploaded' | 'parsed' | 'validated' | 'committed' | 'failed' | 'undone';

/** A batch row. */
export interface BatchRow {
  id: number;
  layer: ImportLayer;
  status: BatchStatus;
  crs: string | null;
  options: Record<string, unknown>;
  files: { name: string; sha256: string; size: number }[];
  fingerprint: string;
  summary: Record<string, unknown>;
  error: string | null;
  created_by: number | null;
  created_at: Date;
  committed_at: Date | null;
  undone_at: Date | null;
  review_state: 'verified' | 'published' | null;
  reviewed_at: Date | null;
}

/** A row to stage (geometry as GeoJSON in `srid`). */
export interface StageRow {
  idx: number;
  file: string;
  file_index: number | null;
  location: string | null;
  kind: string;
  status: 'valid' | 'warning' | 'rejected';
  issues: unknown[];
  mapped: Record<string, unknown>;
  raw: Record<string, unknown>;
  geom: unknown | null;
  srid: number;
}

const CHUNK = 2000;
/** Statement timeout for import work (ms): large batches run long statements. */
const IMPORT_STATEMENT_TIMEOUT_MS = 600_000;
const CARRIER_KIND = { land: 'land', factories: 'factory', offices: 'office' } as const;

/** Data access for imports. */
export class ImportRepository {
  constructor(readonly pool: pg.Pool) {}

  async findCommitted(fingerprint: string): Promise<number | null> {
    const { rows } = await this.pool.query(Q.findCommittedByFingerprint, [fingerprint]);
    return rows[0]?.id ?? null;
  }

  async createBatch(layer: ImportLayer, crs: string | null, options: object, files: object[], fingerprint: string, userId: number | null): Promise<number> {
    const { rows } = await this.pool.query(Q.insertBatch, [layer, crs, JSON.stringify(options), JSON.stringify(files), fingerprint, userId]);
    return rows[0].id;
  }

  async getBatch(id: number): Promise<BatchRow | null> {
    return (await this.pool.query<BatchRow>(Q.getBatch, [id])).rows[0] ?? null;
  }

  async listBatches(limit: number): Promise<BatchRow[]> {
    return (await this.pool.query<BatchRow>(Q.listBatches, [limit])).rows;
  }

  async setStatus(id: number, status: BatchStatus, summary: object | null = null, error: string | null = null): Promise<void> {
    await this.pool.query(Q.setBatchStatus, [id, status, summary ? JSON.stringify(summary) : null, error]);
  }

  /**
   * Stage items and validate them in PostGIS. Re-runnable: previous items of the batch are
   * removed first, so a crash in the middle leaves nothing that a re-run would duplicate.
   */
  async stage(batchId: number, rows: StageRow[], geometryFamily: 'polygon' | 'point' | 'any', carriers: boolean, allowNoGeometry = false): Promise<void> {
    const client = await this.pool.connect();
    const previous = (await client.query('SHOW statement_timeout')).rows[0].statement_timeout as string;
    try {
      await client.query(`SET statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      await client.query(Q.clearItems, [batchId]);
      for (let i = 0; i < rows.length; i += CHUNK) {
        await client.query(Q.stageItems, [batchId, JSON.stringify(rows.slice(i, i + CHUNK))]);
      }
      await client.query(Q.validateCoordinates, [batchId]);
      await client.query(Q.validateGeometryType, [batchId, geometryFamily, allowNoGeometry]);
      await client.query(Q.repairInvalid, [batchId]);
      if (geometryFamily !== 'any') await client.query(Q.assignPlaces, [batchId]);
      if (carriers) {
        await client.query(Q.checkDeclaredArea, [batchId]);
        await client.query(Q.rejectDuplicateCodes, [batchId]);
        await client.query(Q.markCarrierActions, [batchId]);
      }
    } finally {
      await client.query(`SET statement_timeout = ${pg.escapeLiteral(previous)}`).catch(() => undefined);
      client.release();
    }
  }

  async summary(batchId: number): Promise<{ total: number; valid: number; warnings: number; rejected: number; updates: number }> {
    return (await this.pool.query(Q.summary, [batchId])).rows[0];
  }

  async items(batchId: number, limit: number, offset: number) {
    return (await this.pool.query(Q.listItems, [batchId, limit, offset])).rows;
  }

  async issues(batchId: number, limit: number) {
    return (await this.pool.query(Q.issues, [batchId, limit])).rows;
  }

  /** Copy the batch's valid items into the layer table: one transaction, all or nothing. */
  async commit(batchId: number, layer: ImportLayer): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      // Imports are long statements by nature; the request timeout would cut big ones.
      await client.query(`SET LOCAL statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      if (layer === 'land' || layer === 'factories' || layer === 'offices') {
        await client.query(Q.rememberPrevious, [batchId]);
        await client.query(Q.insertCarriers, [batchId, CARRIER_KIND[layer]]);
        await client.query(Q.linkInsertedCarriers, [batchId]);
        await client.query(Q.updateCarriers, [batchId]);
      } else if (layer === 'amenities') {
        await client.query(Q.insertAmenities, [batchId]);
      } else if (layer === 'tracks') {
        await client.query(Q.insertTracks, [batchId]);
      } else {
        await client.query(Q.insertPhotos, [batchId]);
        await client.query(Q.linkPhotos, [batchId]);
      }
      await client.query(Q.setBatchStatus, [batchId, 'committed', null, null]);
    });
  }

  /** Remove exactly what the batch added and restore what it updated: one transaction. */
  async undo(batchId: number): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      await client.query(Q.undoInserts, [batchId]);
      await client.query(Q.undoUpdates, [batchId]);
      await client.query(Q.undoAmenities, [batchId]);
      await client.query(Q.undoTracks, [batchId]);
      await client.query(Q.undoPhotos, [batchId]);
      await client.query(Q.setBatchStatus, [batchId, 'undone', null, null]);
    });
  }

  /** Mark batches interrupted during staging (older than `minAgeS`) as failed; returns how many. */
  async recoverInterrupted(minAgeS: number): Promise<number> {
    return (await this.pool.query(Q.recoverInterrupted, [minAgeS])).rowCount ?? 0;
  }

  /** Set the review state of everything a batch imported; returns the number of features. */
  async setReviewState(batchId: number, state: 'verified' | 'published'): Promise<number> {
    return (await this.pool.query(Q.setReviewState, [batchId, state])).rows[0].n;
  }
}
