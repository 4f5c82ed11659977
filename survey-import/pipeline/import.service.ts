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
import type { BatchRow, ImportLayer, ImportRepository, StageRow } from './import.repository.ts';
import { normalizeItems } from './normalize.ts';
import { planFiles } from './file-plan.ts';
import { codedIssue } from './messages.ts';
import type { PhotoIngest } from './photo-ingest.ts';
import { AppError } from '../../core/errors.ts';
import { MAPPABLE_LAYERS, mappingProblems, mappingTargets, type MappingTarget } from '../mapping/mapping-targets.ts';

/** Raised for a request the pipeline refuses; `code` picks the HTTP status. */
export class ImportError extends AppError {
  constructor(code: 'bad_request' | 'not_found' | 'conflict', message: string) {
    super(code, message);
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
  put(bytes: Uint8Array, opts: { ext: string }): Promise<{ sha256: string; existed: boolean; path?: string }>;
  /** Removes an original and what was derived from it. */
  remove(sha256: string): Promise<number>;
  /** Hashes of originals last written more than `minAgeMs` ago. */
  originals(minAgeMs: number): AsyncIterable<string>;
  /** The stored original `sha256` (its extension), or null when it is gone. */
  find(sha256: string): Promise<{ sha256: string; ext: string } | null>;
  /** Bytes of a stored file, or null. */
  get(key: { sha256: string; ext: string }): Promise<Uint8Array | null>;
  /** Where the store keeps a file (the isolated reader reads it from there). */
  pathFor(key: { sha256: string; ext: string }): string;
}

/** A batch's field mapping as the preview edits it. */
export interface BatchMapping {
  batch: number;
  layer: ImportLayer;
  /** The mapping in force (from the upload or a previous re-mapping). */
  mapping: Record<string, string>;
  /** Source fields the user may map: the unmapped ones, per file, and those already mapped. */
  fields: { field: string; files: string[]; rows: number; mappedTo: string | null }[];
  /** What they may be mapped to (the layer's attributes); empty for layers without attribute mapping. */
  targets: MappingTarget[];
}

/**
 * Reads survey files into items (format readers), in parts: a big file may arrive in several
 * parts, `part` 0 first (readers/index.ts readFileChunks; isolated-reader.ts runs them in a
 * child process). `path` is where the asset store keeps the file.
 */
export type FileReader = (files: (InputFile & { path?: string })[], opts: { crs?: SourceCrs; encoding?: string }) => AsyncIterable<ReadResult & { part: number }>;

/** How often a batch being imported says it is alive (recovery fails batches silent for long). */
const HEARTBEAT_MS = 15_000;
/** Rows per staging statement: a big file read as one part is staged in slices this size. */
const STAGE_SLICE = 5000;
/** Originals written this recently are never garbage-collected (an upload may be about to refer to them). */
const GC_GRACE_MS = 3600_000;

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

/** Identity of an upload: layer, files and options (identical committed uploads are not imported twice). */
function fingerprintOf(layer: ImportLayer, files: { sha256: string }[], opts: ImportOptions): string {
  return createHash('sha256')
    .update(JSON.stringify([layer, files.map((s) => s.sha256).sort(), opts.crs ?? null, opts.mapping ?? null, opts.encoding ?? null]))
    .digest('hex');
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

  /** Hashes of originals an upload in this process is using (garbage collection leaves them). */
  private readonly inUse = new Map<string, number>();

  /**
   * Upload: keep the originals, then read, normalize, stage and validate. Returns the preview.
   * Identical files already committed to the same layer → the earlier batch, nothing new.
   * A file that is refused (4xx) leaves a failed batch naming why, no staged items and no stored
   * original (unless something else refers to the same bytes).
   */
  async upload(layerName: unknown, files: InputFile[], opts: ImportOptions, userId: number | null): Promise<BatchView> {
    const layer = this.layer(layerName);
    if (!files.length) throw new ImportError('bad_request', 'no files uploaded (multipart field "file")');
    const stored: { name: string; sha256: string; size: number }[] = [];
    const withPaths: (InputFile & { path?: string })[] = [];
    try {
      for (const f of files) {
        if (f.bytes.byteLength === 0) throw new ImportError('bad_request', `${f.name}: the file is empty (0 bytes)`);
        const ext = (/\.([A-Za-z0-9]{1,8})$/.exec(f.name)?.[1] ?? 'bin').toLowerCase();
        const put = await this.store.put(f.bytes, { ext });
        this.inUse.set(put.sha256, (this.inUse.get(put.sha256) ?? 0) + 1);
        stored.push({ name: f.name, sha256: put.sha256, size: f.bytes.byteLength });
        withPaths.push({ ...f, path: put.path });
      }
      const fingerprint = fingerprintOf(layer, stored, opts);
      const dup = await this.repo.findCommitted(fingerprint);
      if (dup) {
        const b = await this.repo.getBatch(dup);
        return view(b!, dup);
      }
      const id = await this.repo.createBatch(layer, opts.crs ?? null, opts, stored, fingerprint, userId);
      const heartbeat = setInterval(() => void this.repo.touch(id).catch(() => undefined), HEARTBEAT_MS);
      heartbeat.unref();
      try {
        await this.process(id, layer, withPaths, opts);
      } catch (err) {
        const refused = err instanceof AppError && err.status < 500;
        const message = refused ? err.message : `import failed: ${(err as Error).message}`;
        // Parts staged before the failure go: a failed upload keeps no items.
        await this.repo.clearItems(id).catch(() => undefined);
        await this.repo.setStatus(id, 'failed', null, message);
        // A refused file is not kept; after a server-side failure the original stays for diagnosis
        // (staff delete the batch to remove it).
        if (refused) {
          this.release(stored);
          await this.dropUnreferenced(stored.map((f) => f.sha256), id).catch(() => undefined);
        }
        throw err;
      } finally {
        clearInterval(heartbeat);
      }
      return this.get(id);
    } catch (err) {
      // Refused before a batch existed (an empty file): nothing of it is kept either.
      if (err instanceof ImportError && err.status < 500) await this.dropUnreferenced(this.release(stored)).catch(() => undefined);
      throw err;
    } finally {
      this.release(stored);
    }
  }

  /** Forget `files` as in use by this upload (idempotent per upload); returns their hashes. */
  private release(files: { sha256: string; released?: boolean }[]): string[] {
    const hashes: string[] = [];
    for (const f of files) {
      if (f.released) continue;
      f.released = true;
      hashes.push(f.sha256);
      const n = (this.inUse.get(f.sha256) ?? 1) - 1;
      if (n > 0) this.inUse.set(f.sha256, n);
      else this.inUse.delete(f.sha256);
    }
    return hashes;
  }

  /**
   * Removes the stored originals among `hashes` that nothing refers to (the failed batch
   * `refusedBatch` aside, whose files were refused); returns how many.
   */
  private async dropUnreferenced(hashes: string[], refusedBatch: number | null = null): Promise<number> {
    const candidates = [...new Set(hashes)].filter((h) => !this.inUse.has(h));
    const referenced = await this.repo.referencedOriginals(candidates, refusedBatch);
    let removed = 0;
    for (const h of candidates) {
      if (referenced.has(h) || this.inUse.has(h)) continue;
      if (await this.store.remove(h)) removed++;
    }
    return removed;
  }

  /**
   * Staff: delete a failed batch, or a validated one nobody will commit, with its staged items
   * and its stored originals (unless something else refers to the same bytes). A batch being
   * imported, committed or undone is kept (409).
   */
  async remove(id: number): Promise<{ id: number; deleted: true; originalsRemoved: number }> {
    const b = await this.get(id);
    const files = b.status === 'failed' || b.status === 'validated' ? await this.repo.deleteBatch(id) : null;
    if (!files) {
      const why = b.status === 'committed' ? '; undo it first'
        : b.status === 'uploaded' || b.status === 'parsed' ? ' (still being imported; an interrupted import becomes failed)' : '';
      throw new ImportError('conflict', `batch ${id} is ${b.status}; only a failed or an uncommitted (validated) batch can be deleted${why}`);
    }
    return { id, deleted: true, originalsRemoved: await this.dropUnreferenced(files.map((f) => f.sha256)) };
  }

  /**
   * Garbage collection of the asset store: removes originals that no batch, photo, tileset or BIM
   * model refers to and that were written more than `graceMs` ago. Returns how many went.
   */
  async collectGarbage(graceMs = GC_GRACE_MS): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const flush = async () => {
      removed += await this.dropUnreferenced(batch);
      batch = [];
    };
    for await (const h of this.store.originals(graceMs)) {
      batch.push(h);
      if (batch.length >= 500) await flush();
    }
    await flush();
    return removed;
  }

  /**
   * Read + normalize + stage + validate (re-runnable for a batch). Files are read in parts and
   * each part is staged as soon as it is normalized, so reading overlaps the database's work.
   */
  private async process(id: number, layer: ImportLayer, uploaded: (InputFile & { path?: string })[], opts: ImportOptions): Promise<void> {
    // Files the layer does not take are listed with the reason, never dropped silently.
    const { read: files, notImported } = planFiles(layer, uploaded);
    const fileIssues: ItemIssue[] = [...notImported];
    const crsInfo: string[] = [];
    const unmapped = new Map<string, Map<string, number>>();
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
      chunks = this.normalized(id, layer, files, opts, fileIssues, crsInfo, unmapped);
    }
    try {
      await this.repo.stage(id, chunks, {
        geometryFamily: IMPORT_LAYERS[layer], carriers, allowNoGeometry: photos,
        outsideServiceArea: carriers || layer === 'amenities' ? 'reject' : 'flag',
      });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new ImportError('bad_request', `reprojection or validation failed in PostGIS: ${(err as Error).message}`);
    }
    // Attributes that match no column of the layer, per file (mappable in the preview).
    const unmappedFields = [...unmapped].filter(([, fields]) => fields.size > 0)
      .map(([file, fields]) => ({ file, fields: [...fields].map(([field, rows]) => ({ field, rows })) }));
    for (const u of unmappedFields) {
      fileIssues.push(codedIssue('unmapped_fields', { file: u.file, count: u.fields.length, fields: u.fields.map((f) => f.field).join(', ') },
        { file: u.file, index: null, severity: 'warning', field: 'attributes', value: u.fields.map((f) => f.field) }));
    }
    const summary = {
      ...(await this.repo.summary(id)), fileIssues, crs: crsInfo,
      notImported: notImported.map((i) => ({ file: i.file, code: i.code, reason: i.message })), unmapped: unmappedFields,
    };
    if (!photos && Number(summary.total) === 0) {
      const why = fileIssues.map((i) => i.message).join('; ');
      throw new ImportError('bad_request', `${files.map((f) => f.name).join(', ')}: no features found${why ? ` (${why})` : ''}`);
    }
    await this.repo.setStatus(id, 'validated', summary);
  }

  /** The rows to stage, part by part: read, map fields, convert GCJ-02/BD-09 in JS. */
  private async *normalized(
    id: number, layer: ImportLayer, files: (InputFile & { path?: string })[], opts: ImportOptions, fileIssues: ItemIssue[], crsInfo: string[],
    unmapped: Map<string, Map<string, number>>,
  ): AsyncGenerator<StageRow[]> {
    let staged = 0;
    for await (const r of this.readFiles(files, { crs: opts.crs, encoding: opts.encoding })) {
      if (r.part === 0) crsInfo.push(`${r.items[0]?.file ?? ''}: ${r.crs} (${r.crsSource})`);
      fileIssues.push(...r.warnings.filter((w) => w.index === null), ...r.errors.filter((e) => e.index === null));
      const srid = sridOf(r.crs);
      const rows: StageRow[] = normalizeItems(layer, r.items, r.errors, r.warnings, opts.mapping, id, staged, unmapped).map((n) => ({
        ...n, geom: n.geom ? toWgs84(n.geom as Geometry, r.crs) : null, srid,
      }));
      staged += rows.length;
      // Bounded statements: the heartbeat gets through between them, and no statement is huge.
      for (let i = 0; i < rows.length; i += STAGE_SLICE) yield rows.length <= STAGE_SLICE ? rows : rows.slice(i, i + STAGE_SLICE);
    }
  }

  /**
   * Batches a killed process left half-staged (no heartbeat for `minAgeS`) become failed; their
   * staged items are dropped. Nothing of them reached the layer tables. Run at start (age 0 on the
   * embedded database, which no other process can be importing into) and every minute.
   */
  recoverInterrupted(minAgeS = 120): Promise<number> {
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

  /** The field mapping of batch `id`: what is mapped, what may be, and to which attributes. */
  async mapping(id: number): Promise<BatchMapping> {
    const b = await this.repo.getBatch(id);
    if (!b) throw new ImportError('not_found', `import batch ${id} not found`);
    const mapping = (b.options.mapping ?? {}) as Record<string, string>;
    const fields = new Map<string, BatchMapping['fields'][number]>();
    for (const u of (b.summary?.unmapped ?? []) as { file: string; fields: { field: string; rows: number }[] }[]) {
      for (const f of u.fields) {
        const e = fields.get(f.field) ?? { field: f.field, files: [], rows: 0, mappedTo: null };
        e.files.push(u.file);
        e.rows += f.rows;
        fields.set(f.field, e);
      }
    }
    for (const [field, to] of Object.entries(mapping)) {
      const e = fields.get(field) ?? { field, files: [], rows: 0, mappedTo: null };
      e.mappedTo = to;
      fields.set(field, e);
    }
    return { batch: id, layer: b.layer, mapping, fields: [...fields.values()], targets: mappingTargets(b.layer) };
  }

  /**
   * Map source fields of validated batch `id` onto layer attributes (`{ sourceField: attribute }`,
   * "" or "ignore" to leave a field out) and stage the batch again from its stored originals with
   * the merged mapping: values are converted and validated like at upload (an unusable value is an
   * issue naming file, row, field and value), and the preview, counts and unmapped list follow. The
   * rows are rebuilt rather than patched because a row rejected for a value kept no geometry.
   * 400 names every field and value that cannot be mapped; 409 when the batch is not validated.
   */
  async remap(id: number, mapping: Record<string, unknown>): Promise<BatchView> {
    const b = await this.repo.getBatch(id);
    if (!b) throw new ImportError('not_found', `import batch ${id} not found`);
    if (!MAPPABLE_LAYERS.has(b.layer)) {
      throw new ImportError('bad_request', `batch ${id} imports ${b.layer}; attribute mapping applies to ${[...MAPPABLE_LAYERS].join(', ')}`);
    }
    if (b.status !== 'validated') throw new ImportError('conflict', `batch ${id} is ${b.status}; only a validated batch (not yet committed) can be re-mapped`);
    if (Object.keys(mapping).length === 0) throw new ImportError('bad_request', 'mapping is empty: name at least one field');
    const current = await this.mapping(id);
    const problems = mappingProblems(b.layer, mapping, new Set(current.fields.map((f) => f.field)), id);
    if (problems.length) {
      throw new AppError('bad_request', `mapping: ${problems.map((p) => p.message).join('; ')}`, { problems });
    }
    const opts: ImportOptions = {
      ...(b.options as ImportOptions), mapping: { ...current.mapping, ...(mapping as Record<string, string>) },
    };
    // The originals as uploaded (content-addressed), read again with the new mapping.
    const files: (InputFile & { path?: string })[] = [];
    for (const f of b.files) {
      const key = await this.store.find(f.sha256);
      const bytes = key ? await this.store.get(key) : null;
      if (!key || !bytes) throw new ImportError('conflict', `${f.name}: the stored original is missing; upload the files again`);
      files.push({ name: f.name, bytes, path: this.store.pathFor(key) });
    }
    if (!(await this.repo.claimForRemap(id, opts, fingerprintOf(b.layer, b.files, opts)))) {
      throw new ImportError('conflict', `batch ${id} changed meanwhile; reload it`);
    }
    const heartbeat = setInterval(() => void this.repo.touch(id).catch(() => undefined), HEARTBEAT_MS);
    heartbeat.unref();
    try {
      await this.process(id, b.layer, files, opts);
    } catch (err) {
      const refused = err instanceof AppError && err.status < 500;
      await this.repo.clearItems(id).catch(() => undefined);
      await this.repo.setStatus(id, 'failed', null, refused ? err.message : `import failed: ${(err as Error).message}`);
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
    return this.get(id);
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

  /**
   * Reviewer: verify or publish everything a committed batch imported, or only its carriers and
   * amenities with `codes` (the rest of the batch keeps its state, and so does the batch's own
   * review state). Set-based: one statement whatever the number of features.
   */
  async review(id: number, state: 'verified' | 'published', codes?: readonly string[]): Promise<{ batch: BatchView; features: number }> {
    const b = await this.get(id);
    if (b.status !== 'committed') throw new ImportError('conflict', `batch ${id} is ${b.status}; only committed batches can be reviewed`);
    if (codes && !codes.length) return { batch: b, features: 0 };
    const features = await this.repo.setReviewState(id, state, codes ?? null);
    await this.onChange();
    return { batch: await this.get(id), features };
  }
}
