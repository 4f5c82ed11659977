/**
 * The survey-import pipeline as a service, independent of HTTP:
 * store originals (sha256) → read → normalize (CRS, field mapping) → stage + validate in PostGIS →
 * preview → commit (one transaction) → derive (thumbnails) → review (verify / publish) → undo.
 *
 * Every step is re-runnable: staging clears the batch's previous items first; commit is a single
 * transaction and refuses to run twice; undo removes exactly what the batch wrote.
 */
import { createHash } from 'node:crypto';
import type { Geometry } from 'geojson';
import { transformGeometry, gcj02ToWgs84, bd09ToWgs84 } from '../crs/gcj02.ts';
import type { InputFile, ItemIssue, ReadResult, SourceCrs } from '../types.ts';
import { ReadError } from '../types.ts';
import type { BatchRow, ImportLayer, ImportRepository, StageRow } from './import.repository.ts';
import { normalizeItems } from './normalize.ts';
import type { PhotoIngest } from './photo-ingest.ts';

/** Raised for a request the pipeline refuses; `code` picks the HTTP status. */
export class ImportError extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/** Layers that accept imports, with the geometry they need. */
export const IMPORT_LAYERS: Record<ImportLayer, 'polygon' | 'point' | 'any'> = {
  land: 'polygon', factories: 'polygon', offices: 'polygon', amenities: 'point',
  photos: 'any', panoramas: 'any', tracks: 'any',
};

/** Options of one upload. */
export interface ImportOptions {
  crs?: SourceCrs;
  encoding?: string;
  /** User field mapping: source field → carrier column. */
  mapping?: Record<string, string>;
}

/** Where originals go (content-addressed); see assets/storage.ts. */
export interface OriginalStore {
  put(bytes: Uint8Array, opts: { ext: string }): Promise<{ sha256: string; existed: boolean }>;
}

/**
 * Reads survey files into items (format readers), in parts: a big file may arrive in several
 * parts, `part` 0 first (readers/index.ts readFileChunks).
 */
export type FileReader = (files: InputFile[], opts: { crs?: SourceCrs; encoding?: string }) => AsyncIterable<ReadResult & { part: number }>;

/** A batch as the API shows it. */
export interface BatchView {
  id: number;
  layer: ImportLayer;
  status: BatchRow['status'];
  crs: string | null;
  files: BatchRow['files'];
  summary: Record<string, unknown>;
  error: string | null;
  createdAt: Date;
  committedAt: Date | null;
  undoneAt: Date | null;
  /** Last review of the batch's features (校核), if any. */
  reviewState: 'verified' | 'published' | null;
  reviewedAt: Date | null;
  /** True when identical files were already committed: nothing new was imported. */
  duplicateOf?: number;
}

const EPSG = /^EPSG:(\d{4,6})$/;

function sridOf(crs: SourceCrs): number {
  const m = EPSG.exec(crs);
  return m ? Number(m[1]) : 4326; // GCJ-02 / BD-09 are converted to WGS84 in JS before staging
}

function toWgs84(g: Geometry, crs: SourceCrs): Geometry {
  if (crs === 'gcj02') return transformGeometry(g, gcj02ToWgs84);
  if (crs === 'bd09') return transformGeometry(g, bd09ToWgs84);
  return g;
}

function view(b: BatchRow, duplicateOf?: number): BatchView {
  return {
    id: b.id, layer: b.layer, status: b.status, crs: b.crs, files: b.files, summary: b.summary, error: b.error,
    createdAt: b.created_at, committedAt: b.committed_at, undoneAt: b.undone_at,
    reviewState: b.review_state ?? null, reviewedAt: b.reviewed_at ?? null,
    ...(duplicateOf ? { duplicateOf } : {}),
  };
}

/** Import rules. */
export class ImportService {
  constructor(
    private readonly repo: ImportRepository,
    private readonly store: OriginalStore,
    private readonly readFiles: FileReader,
    private readonly photos: PhotoIngest,
    /** Called after a commit or undo so tile caches purge at once. */
    private readonly onChange: () => Promise<unknown> = async () => undefined,
  ) {}

  /** Validate the layer name. */
  layer(layer: unknown): ImportLayer {
    if (typeof layer !== 'string' || !(layer in IMPORT_LAYERS)) {
      throw new ImportError('bad_request', `layer must be one of ${Object.keys(IMPORT_LAYERS).join(', ')}, got ${JSON.stringify(layer ?? null)}`);
    }
    return layer as ImportLayer;
  }

  /**
   * Upload: keep the originals, then read, normalize, stage and validate. Returns the preview.
   * Identical files already committed to the same layer → the earlier batch, nothing new.
   */
  async upload(layerName: unknown, files: InputFile[], opts: ImportOptions, userId: number | null): Promise<BatchView> {
    const layer = this.layer(layerName);
    if (!files.length) throw new ImportError('bad_request', 'no files uploaded (multipart field "file")');
    const stored = [];
    for (const f of files) {
      const ext = (/\.([A-Za-z0-9]{1,8})$/.exec(f.name)?.[1] ?? 'bin').toLowerCase();
      const { sha256 } = await this.store.put(f.bytes, { ext });
      stored.push({ name: f.name, sha256, size: f.bytes.byteLength });
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([layer, stored.map((s) => s.sha256).sort(), opts.crs ?? null, opts.mapping ?? null, opts.encoding ?? null]))
      .digest('hex');
    const dup = await this.repo.findCommitted(fingerprint);
    if (dup) {
      const b = await this.repo.getBatch(dup);
      return view(b!, dup);
    }
    const id = await this.repo.createBatch(layer, opts.crs ?? null, opts, stored, fingerprint, userId);
    try {
      await this.process(id, layer, files, opts);
    } catch (err) {
      const message = err instanceof ReadError || err instanceof ImportError ? err.message : `import failed: ${(err as Error).message}`;
      // Parts staged before the failure go: a failed upload keeps no items.
      await this.repo.clearItems(id).catch(() => undefined);
      await this.repo.setStatus(id, 'failed', null, message);
      if (err instanceof ReadError) throw new ImportError('bad_request', message);
      throw err;
    }
    return this.get(id);
  }

  /**
   * Read + normalize + stage + validate (re-runnable for a batch). Files are read in parts and
   * each part is staged as soon as it is normalized, so reading overlaps the database's work.
   */
  private async process(id: number, layer: ImportLayer, files: InputFile[], opts: ImportOptions): Promise<void> {
    const fileIssues: ItemIssue[] = [];
    const crsInfo: string[] = [];
    const carriers = layer === 'land' || layer === 'factories' || layer === 'offices';
    const photos = layer === 'photos' || layer === 'panoramas';
    let chunks: AsyncIterable<StageRow[]> | StageRow[][];
    if (photos) {
      const staged = await this.photos.stage(id, files, layer === 'panoramas');
      fileIssues.push(...staged.issues);
      chunks = [staged.rows];
    } else {
      // Reading and staging run together from here on (the reader streams big files).
      await this.repo.setStatus(id, 'parsed');
      chunks = this.normalized(id, layer, files, opts, fileIssues, crsInfo);
    }
    try {
      await this.repo.stage(id, chunks, { geometryFamily: IMPORT_LAYERS[layer], carriers, allowNoGeometry: photos });
    } catch (err) {
      if (err instanceof ReadError || err instanceof ImportError) throw err;
      throw new ImportError('bad_request', `reprojection or validation failed in PostGIS: ${(err as Error).message}`);
    }
    const summary = { ...(await this.repo.summary(id)), fileIssues, crs: crsInfo };
    await this.repo.setStatus(id, 'validated', summary);
  }

  /** The rows to stage, part by part: read, map fields, convert GCJ-02/BD-09 in JS. */
  private async *normalized(
    id: number, layer: ImportLayer, files: InputFile[], opts: ImportOptions, fileIssues: ItemIssue[], crsInfo: string[],
  ): AsyncGenerator<StageRow[]> {
    let staged = 0;
    for await (const r of this.readFiles(files, { crs: opts.crs, encoding: opts.encoding })) {
      if (r.part === 0) crsInfo.push(`${r.items[0]?.file ?? ''}: ${r.crs} (${r.crsSource})`);
      fileIssues.push(...r.warnings.filter((w) => w.index === null), ...r.errors.filter((e) => e.index === null));
      const srid = sridOf(r.crs);
      const rows: StageRow[] = normalizeItems(layer, r.items, r.errors, r.warnings, opts.mapping, id, staged).map((n) => ({
        ...n, geom: n.geom ? toWgs84(n.geom as Geometry, r.crs) : null, srid,
      }));
      staged += rows.length;
      yield rows;
    }
  }

  /**
   * Batches a killed process left half-staged (no activity for `minAgeS`) become failed; their
   * staged items are dropped. Nothing of them reached the layer tables.
   */
  recoverInterrupted(minAgeS = 600): Promise<number> {
    return this.repo.recoverInterrupted(minAgeS);
  }

  /** A batch, or 404. */
  async get(id: number): Promise<BatchView> {
    const b = await this.repo.getBatch(id);
    if (!b) throw new ImportError('not_found', `import batch ${id} not found`);
    return view(b);
  }

  /** Recent batches. */
  async list(limit = 50): Promise<BatchView[]> {
    return (await this.repo.listBatches(limit)).map((b) => view(b));
  }

  /** Items of a batch with their issues and geometry (the preview). */
  async items(id: number, limit: number, offset: number) {
    await this.get(id);
    return this.repo.items(id, limit, offset);
  }

  /** Every issue of a batch, for the error table and the CLI's --json. */
  async issues(id: number, limit = 10000): Promise<ItemIssue[]> {
    const b = await this.get(id);
    const rows = await this.repo.issues(id, limit);
    const fileLevel = ((b.summary.fileIssues as ItemIssue[]) ?? []);
    return [...fileLevel, ...rows.flatMap((r: { issues: ItemIssue[] }) => r.issues)];
  }

  /** Commit a validated batch in one transaction. */
  async commit(id: number): Promise<BatchView> {
    const b = await this.get(id);
    if (b.status === 'committed') return b;
    if (b.status !== 'validated') throw new ImportError('conflict', `batch ${id} is ${b.status}; only a validated batch can be committed`);
    // The summary counts the items staging marked as updates of existing carriers.
    await this.repo.commit(id, b.layer, Number(b.summary.updates ?? 1) > 0);
    if (b.layer === 'photos' || b.layer === 'panoramas') await this.photos.derive(id);
    await this.onChange();
    return this.get(id);
  }

  /** Undo a committed batch: its features disappear, rows it updated are restored. */
  async undo(id: number): Promise<BatchView> {
    const b = await this.get(id);
    if (b.status === 'undone') return b;
    if (b.status !== 'committed') throw new ImportError('conflict', `batch ${id} is ${b.status}; only a committed batch can be undone`);
    await this.repo.undo(id);
    await this.onChange();
    return this.get(id);
  }

  /** Reviewer: verify or publish everything a committed batch imported. */
  async review(id: number, state: unknown): Promise<{ batch: BatchView; features: number }> {
    if (state !== 'verified' && state !== 'published') {
      throw new ImportError('bad_request', `state must be "verified" or "published", got ${JSON.stringify(state ?? null)}`);
    }
    const b = await this.get(id);
    if (b.status !== 'committed') throw new ImportError('conflict', `batch ${id} is ${b.status}; only committed batches can be reviewed`);
    const features = await this.repo.setReviewState(id, state);
    await this.onChange();
    return { batch: await this.get(id), features };
  }
}
