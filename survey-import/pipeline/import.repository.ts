/**
 * Database side of the survey-import pipeline: batches, staged items, validation in PostGIS,
 * commit and undo. The only code that runs import SQL.
 */
import type { Geometry } from 'geojson';
import pg from 'pg';
import { withTransaction } from '../../core/db/database.ts';
import { loadQueries } from '../../core/db/sql.ts';
import { toHexEwkb } from './ewkb.ts';

const Q = loadQueries(import.meta.url, 'import.sql', [
  'findCommittedByFingerprint', 'insertBatch', 'getBatch', 'listBatches', 'setBatchStatus', 'clearItems', 'stageItems',
  'rejectDuplicateCodes', 'summary', 'listItems', 'issues', 'rememberPrevious', 'insertCarriers', 'updateCarriers',
  'insertAmenities', 'insertTracks', 'undoInserts', 'undoUpdates', 'undoAmenities', 'undoTracks', 'undoPhotos',
  'setReviewState', 'insertPhotos', 'linkPhotos', 'recoverInterrupted', 'touchBatch', 'deleteBatch', 'referencedOriginals', 'claimForRemap',
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

/** What staging checks, by layer. */
export interface StageOptions {
  /** Geometry the layer needs. */
  geometryFamily: 'polygon' | 'point' | 'any';
  /** Carrier layer: declared area, insert or update by code, duplicate codes. */
  carriers: boolean;
  /** Items may lack a geometry (photos without GPS). */
  allowNoGeometry?: boolean;
  /**
   * An item beyond the service area: 'reject' it (carriers, amenities) or 'flag' it (photos,
   * tracks: kept for staff with a warning, never published). Default 'reject'.
   */
  outsideServiceArea?: 'reject' | 'flag';
}

/** Where imports are accepted: Dazhou's county-level units (admin_areas) plus a buffer. */
export interface ServiceArea {
  /** Distance beyond the county boundaries still inside the service area, km (SERVICE_AREA_BUFFER_KM). */
  bufferKm: number;
}
/** Statement timeout for import work (ms): large batches run long statements. */
const IMPORT_STATEMENT_TIMEOUT_MS = 600_000;
const CARRIER_KIND = { land: 'land', factories: 'factory', offices: 'office' } as const;

/** Data access for imports. */
export class ImportRepository {
  constructor(
    readonly pool: pg.Pool,
    readonly serviceArea: ServiceArea = { bufferKm: 10 },
  ) {}

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
   * Stage items and validate them in PostGIS, one statement per chunk: each item is written once,
   * already reprojected, checked, repaired and placed (import.sql, stageItems). Chunks are
   * pipelined: the next chunk is read and prepared while the database works on the previous one.
   * Re-runnable: previous items of the batch are removed first, so a crash in the middle leaves
   * nothing that a re-run would duplicate.
   */
  async stage(batchId: number, chunks: AsyncIterable<StageRow[]> | Iterable<StageRow[]>, opts: StageOptions): Promise<void> {
    const client = await this.pool.connect();
    const previous = (await client.query('SHOW statement_timeout')).rows[0].statement_timeout as string;
    let pending: Promise<unknown> | null = null;
    try {
      await client.query(`SET statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      // The staging statement's cost estimate is high, so PostgreSQL would JIT-compile it for every
      // chunk (~1.5 s each); PostGIS calls gain nothing from JIT.
      await client.query('SET jit = off');
      await client.query(Q.clearItems, [batchId]);
      const codes = new CodeCounter();
      for await (const rows of chunks) {
        if (!rows.length) continue;
        if (opts.carriers) codes.add(rows);
        const params = stageParams(batchId, rows, opts, this.serviceArea);
        if (pending) await pending;
        pending = client.query(Q.stageItems, params);
        // Until settled, a failed statement must not surface as an unhandled rejection.
        pending.catch(() => undefined);
      }
      if (pending) await pending;
      pending = null;
      const repeated = codes.repeated();
      if (repeated.length) await client.query(Q.rejectDuplicateCodes, [batchId, repeated]);
    } finally {
      await pending?.catch(() => undefined);
      await client.query(`RESET jit; SET statement_timeout = ${pg.escapeLiteral(previous)}`).catch(() => undefined);
      client.release();
    }
  }

  /** Drop the staged items of a batch (a failed upload keeps none). */
  async clearItems(batchId: number): Promise<void> {
    await this.pool.query(Q.clearItems, [batchId]);
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

  /**
   * Copy the batch's valid items into the layer table: one transaction, all or nothing.
   * `updates` false (staging found no existing code) skips the two passes that update carriers.
   */
  async commit(batchId: number, layer: ImportLayer, updates = true): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      // Imports are long statements by nature; the request timeout would cut big ones.
      await client.query(`SET LOCAL statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      await client.query('SET LOCAL jit = off');
      if (layer === 'land' || layer === 'factories' || layer === 'offices') {
        if (updates) await client.query(Q.rememberPrevious, [batchId]);
        await client.query(Q.insertCarriers, [batchId, CARRIER_KIND[layer]]);
        if (updates) await client.query(Q.updateCarriers, [batchId]);
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

  /**
   * Take validated batch `id` back to staging with new `options` (field mapping) and fingerprint;
   * false when it is no longer validated (committed, deleted or re-mapped meanwhile).
   */
  async claimForRemap(id: number, options: object, fingerprint: string): Promise<boolean> {
    return ((await this.pool.query(Q.claimForRemap, [id, JSON.stringify(options), fingerprint])).rowCount ?? 0) > 0;
  }

  /** Heartbeat of a batch being read and staged (recovery leaves it alone while it moves). */
  async touch(batchId: number): Promise<void> {
    await this.pool.query(Q.touchBatch, [batchId]);
  }

  /** Delete a failed or validated batch with its staged items; its files, or null when it is not deletable. */
  async deleteBatch(batchId: number): Promise<BatchRow['files'] | null> {
    return (await this.pool.query<{ files: BatchRow['files'] }>(Q.deleteBatch, [batchId])).rows[0]?.files ?? null;
  }

  /** The hashes among `hashes` that a batch (other than `exceptBatch`), photo, tileset or BIM model still points at. */
  async referencedOriginals(hashes: string[], exceptBatch: number | null = null): Promise<Set<string>> {
    if (!hashes.length) return new Set();
    return new Set((await this.pool.query<{ h: string }>(Q.referencedOriginals, [hashes, exceptBatch])).rows.map((r) => r.h));
  }

  /**
   * Set the review state of everything a batch imported, or of its carriers and amenities with
   * `codes` only; returns the number of features.
   */
  async setReviewState(batchId: number, state: 'verified' | 'published', codes: readonly string[] | null = null): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      await client.query(`SET LOCAL statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
      // As in commit: a batch of thousands makes the plans of the update and of the triggers it
      // fires (history, statistics, site finder) costly enough for JIT, whose compiling took longer
      // than the work (reviewing 1,413 parcels on PostgreSQL 16: 2.3 s with JIT, 0.9 s without).
      await client.query('SET LOCAL jit = off');
      return Number((await client.query(Q.setReviewState, [batchId, state, codes])).rows[0].n);
    });
  }
}

/** Parameters of stageItems for one chunk: one array per column, geometries as hex EWKB. */
function stageParams(batchId: number, rows: StageRow[], opts: StageOptions, area: ServiceArea): unknown[] {
  const n = rows.length;
  const idx = new Array<number>(n), file = new Array<string>(n), fileIndex = new Array<number | null>(n);
  const location = new Array<string | null>(n), kind = new Array<string>(n), status = new Array<string>(n);
  const geom = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    idx[i] = r.idx;
    file[i] = r.file;
    fileIndex[i] = r.file_index;
    location[i] = r.location;
    kind[i] = r.kind;
    status[i] = r.status;
    geom[i] = r.geom ? toHexEwkb(r.geom as Geometry, r.srid) : null;
  }
  return [
    batchId, opts.geometryFamily, opts.allowNoGeometry ?? false, opts.carriers,
    idx, file, fileIndex, location, kind, status,
    JSON.stringify(rows.map((r) => r.issues)), JSON.stringify(rows.map((r) => r.mapped)), JSON.stringify(rows.map((r) => r.raw)),
    geom, area.bufferKm * 1000, opts.outsideServiceArea ?? 'reject',
  ];
}

/** Counts parcel codes across the chunks of one upload, to find the ones that repeat. */
class CodeCounter {
  private readonly once = new Set<string>();
  private readonly twice = new Set<string>();
  add(rows: StageRow[]): void {
    for (const r of rows) {
      const value = r.mapped.code;
      if (value === null || value === undefined) continue;
      // As the database reads it back with mapped->>'code'.
      const code = typeof value === 'string' ? value : JSON.stringify(value);
      if (this.once.has(code)) this.twice.add(code);
      else this.once.add(code);
    }
  }
  repeated(): string[] {
    return [...this.twice];
  }
}
