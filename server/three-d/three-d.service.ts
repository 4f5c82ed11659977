/**
 * Rules for 3D assets: OGC 3D Tiles tilesets and BIM models.
 *
 * Tilesets: the uploaded zip is read with limits (`survey-import/three-d/safe-zip.ts`), validated
 * (`survey-import/three-d/tileset-validator.ts`), every file stored content-addressed in the asset store
 * (with a gzip copy when that saves ≥ 10 %) and listed in `tileset_entries`. A tileset that does not
 * place itself gets a placement (staff's lon/lat/height/heading, else the park's or carrier's point)
 * and is served with `root.transform = ENU(lon, lat, height) · Rz(-heading)`. Contents deck.gl cannot
 * draw (i3dm, cmpt, `KHR_techniques_webgl` materials) get renderable copies at upload
 * (`survey-import/three-d/renderable-contents.ts`), stored beside the originals and served to the 3D view
 * through `?compat=single-content`; the uploaded files are served unchanged.
 *
 * Models: IFC is converted to GLB with an element property index (`survey-import/bim/`), glTF/GLB
 * is kept as uploaded with an index of its nodes. Placement: staff's lon/lat, else IfcSite
 * RefLatitude/RefLongitude (unless it lies far from the carrier the model is attached to), else the
 * carrier's or park's point.
 *
 * Uploads are drafts until a reviewer publishes them; the public sees an asset when it and the
 * park/carrier it hangs on are published.
 */
import { stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { AssetStore } from '../../assets/storage.ts';
import { omitInternal, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { AppError, NotFoundError } from '../../core/errors.ts';
import { DEFAULT_ZIP_LIMITS, readZip, type ZipLimits } from '../../survey-import/three-d/safe-zip.ts';
import { tilesetPrefix, validateTileset } from '../../survey-import/three-d/tileset-validator.ts';
import { checkPlacement, placementTransform, multiply4, type Placement } from '../../survey-import/three-d/enu.ts';
import { deriveRenderableContents, derivedTilesetPath } from '../../survey-import/three-d/renderable-contents.ts';
import type { ModelRow, NewModel, ReviewState, ThreeDRepository, TilesetEntryRow, TilesetRow } from './three-d.repository.ts';
import type { InputFile } from '../../survey-import/types.ts';
import { packageModel, type ModelPackage } from '../../survey-import/bim/model-package.ts';
import { convertObliqueExport, prepareObliqueExport } from '../../survey-import/oblique/oblique-tileset.ts';
import type { JobView, TilesetJobService } from './tileset-jobs.service.ts';
import type { Lang } from '../../survey-import/oblique/oblique-errors.ts';

/** Content types of tileset files by extension. */
export const CONTENT_TYPES: Record<string, string> = {
  json: 'application/json',
  b3dm: 'application/octet-stream',
  i3dm: 'application/octet-stream',
  pnts: 'application/octet-stream',
  cmpt: 'application/octet-stream',
  subtree: 'application/octet-stream',
  bin: 'application/octet-stream',
  glb: 'model/gltf-binary',
  gltf: 'model/gltf+json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  ktx2: 'image/ktx2',
  md: 'text/markdown; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};
/** Extensions worth gzipping (images are compressed already). */
const COMPRESSIBLE = new Set(['json', 'b3dm', 'i3dm', 'pnts', 'cmpt', 'subtree', 'bin', 'glb', 'gltf', 'md', 'txt']);

/** Distance (km) beyond which an IfcSite reference is taken to be a placeholder, not the carrier's site. */
const IFC_SITE_MAX_KM_FROM_CARRIER = 5;

/** Review states of a 3D asset. */
export const REVIEW_STATES = ['draft', 'verified', 'published'] as const satisfies readonly ReviewState[];

/** A file of a tileset or model, ready for the HTTP layer to send. */
export interface ServedFile {
  contentType: string;
  /** Strong validator: the content hash (plus placement for rewritten JSON). */
  etag: string;
  /** Stored file to stream (with range support), or bytes generated for this response. */
  source: { path: string; size: number; gzipPath: string | null; gzipSize: number | null } | { bytes: Uint8Array };
  /** Whether anonymous users may see it (decides public vs private caching). */
  public: boolean;
}

/** Placement fields of an upload (strings from multipart). */
/** Filters of the tileset and model lists. */
export interface AssetFilter {
  parkId?: number;
  carrierId?: number;
}

export interface PlacementFields {
  lon?: string;
  lat?: string;
  height?: string;
  heading?: string;
}

function extOf(p: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(p);
  return m ? m[1].toLowerCase() : 'bin';
}

/** Parses optional placement fields; null when neither lon nor lat is given. */
export function parsePlacement(f: PlacementFields): Placement | null {
  const has = (v: string | undefined) => v !== undefined && v.trim() !== '';
  if (!has(f.lon) && !has(f.lat)) {
    if (has(f.height) || has(f.heading)) throw new AppError('bad_request', 'height/heading need lon and lat too');
    return null;
  }
  if (!has(f.lon) || !has(f.lat)) throw new AppError('bad_request', `placement needs both lon and lat, got lon=${JSON.stringify(f.lon ?? null)} lat=${JSON.stringify(f.lat ?? null)}`);
  const p = { lon: Number(f.lon), lat: Number(f.lat), height: has(f.height) ? Number(f.height) : 0, heading: has(f.heading) ? Number(f.heading) : 0 };
  const problem = checkPlacement(p);
  if (problem) throw new AppError('bad_request', problem, { parameter: 'placement' });
  return p;
}

function optionalId(name: string, raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  if (!/^\d{1,12}$/.test(raw.trim())) throw new AppError('bad_request', `parameter "${name}" must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: name, value: raw });
  return Number(raw);
}

/** Great-circle distance in km. */
function distanceKm(aLon: number, aLat: number, bLon: number, bLat: number): number {
  const r = Math.PI / 180;
  const dLat = (bLat - aLat) * r;
  const dLon = (bLon - aLon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * r) * Math.cos(bLat * r) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h));
}

/** 3D asset rules. */
export class ThreeDService {
  constructor(
    private readonly repo: ThreeDRepository,
    private readonly store: AssetStore,
    private readonly zipLimits: ZipLimits = DEFAULT_ZIP_LIMITS,
    /** Background conversions of OSGB exports; without it (the CLI) they convert in the call. */
    readonly jobs: TilesetJobService | null = null,
  ) {}

  // ------------------------------------------------------------------ tilesets

  /**
   * Validates and stores an uploaded tileset zip. Throws 400 naming the entry for an invalid
   * tileset and 413 for one over a limit. An OSGB export is checked as far as it can be without
   * reading its .osgb files and queued for conversion (`{job}`) when the service has a job runner.
   */
  async uploadTileset(
    file: InputFile,
    fields: Record<string, string | undefined>,
    createdBy: number | null,
    lang: Lang = 'zh',
  ): Promise<{ tileset: TilesetRow; url: string; warnings: string[] } | { job: JobView }> {
    let entries;
    try {
      entries = readZip(file.bytes, this.zipLimits);
    } catch (err) {
      if (err instanceof AppError) throw err.in(file.name);
      throw err;
    }
    if (isObliqueExport(entries.map((e) => e.name))) {
      if (this.jobs) return { job: await this.queueOblique(file, new Map(entries.map((e) => [e.name, e.bytes])), fields, createdBy, lang) };
      return this.importOblique(file.name, new Map(entries.map((e) => [e.name, e.bytes])), file.bytes, fields, createdBy, lang);
    }
    const files = new Map<string, Uint8Array>();
    let prefix: string;
    try {
      prefix = tilesetPrefix(entries.map((e) => e.name));
    } catch (err) {
      throw new AppError('bad_request', `${file.name}: ${(err as Error).message}`, { entry: 'tileset.json' });
    }
    for (const e of entries) if (e.name.startsWith(prefix)) files.set(e.name.slice(prefix.length), e.bytes);
    let report;
    try {
      report = validateTileset(files);
    } catch (err) {
      if (err instanceof AppError) throw err.in(file.name);
      throw err;
    }
    const warnings: string[] = [];
    if (report.unreferenced.length) warnings.push(`files not referenced by the tileset (stored anyway): ${report.unreferenced.slice(0, 20).join(', ')}${report.unreferenced.length > 20 ? ', …' : ''}`);
    const { parkId, carrierId, placement } = await this.attachment(fields);
    let finalPlacement = placement;
    if (report.georeferenced && placement) {
      warnings.push('the tileset places itself (root transform or region); the given lon/lat/height/heading were ignored');
      finalPlacement = null;
    }
    if (!report.georeferenced && !finalPlacement) finalPlacement = await this.anchorPlacement(parkId, carrierId);
    if (!report.georeferenced && !finalPlacement) warnings.push('the tileset has no georeferencing transform: set its place with POST /api/tilesets/{id}/placement');
    const renderable = deriveRenderableContents(files);
    warnings.push(...renderable.warnings);
    const stored = await this.storeEntries(files);
    const derivedEntries = await this.storeEntries(renderable.files);
    const id = await this.repo.insertTileset({
      name: (fields.name?.trim() || file.name.replace(/\.zip$/i, '')).slice(0, 200),
      parkId, carrierId, origin: 'upload', sourceSha256: createHash('sha256').update(file.bytes).digest('hex'),
      version: report.version, georeferenced: report.georeferenced, placement: finalPlacement,
      center: finalPlacement ? [finalPlacement.lon, finalPlacement.lat] : report.center,
      tileCount: report.tiles, entries: stored, derivedEntries, reviewState: 'draft', createdBy,
    });
    const tileset = (await this.repo.getTileset(id))!;
    return { tileset, url: tilesetUrl(id), warnings };
  }

  /**
   * Converts a ContextCapture OSGB export (`survey-import/oblique/`) into a 3D Tiles tileset and
   * stores it like an uploaded one (a draft): placed from its metadata.xml unless staff give
   * lon/lat. `source` (the uploaded zip) is kept, so a better converter can run again later.
   */
  async importOblique(
    name: string,
    files: ReadonlyMap<string, Uint8Array>,
    source: Uint8Array | null,
    fields: Record<string, string | undefined>,
    createdBy: number | null,
    lang: Lang = 'zh',
  ): Promise<{ tileset: TilesetRow; url: string; warnings: string[] }> {
    const { parkId, carrierId, placement } = await this.attachment(fields);
    const result = await convertObliqueExport(name, files, this.repo, lang);
    const report = validateTileset(result.files);
    const sourceSha256 = source ? (await this.store.put(source, { ext: 'zip' })).sha256 : null;
    const stored = await this.storeEntries(result.files);
    const warnings = [...result.warnings];
    if (placement) warnings.push('placed where given (lon/lat/height/heading) instead of by metadata.xml');
    const id = await this.repo.insertTileset({
      name: (fields.name?.trim() || name.replace(/\.zip$/i, '')).slice(0, 200),
      parkId, carrierId, origin: 'upload', sourceSha256, version: report.version, georeferenced: false,
      placement: placement ?? result.placement, center: placement ? [placement.lon, placement.lat] : result.center,
      tileCount: report.tiles, entries: stored, derivedEntries: [], reviewState: 'draft', createdBy,
    });
    return { tileset: (await this.repo.getTileset(id))!, url: tilesetUrl(id), warnings };
  }

  /**
   * Checks an OSGB export as far as it can without reading its .osgb files (osgconv installed:
   * 415; metadata.xml, SRS, origin, tile root files, attachment: 400, each naming the file), stores
   * the zip and queues its conversion. The job's failure names the file for what only reading
   * shows (missing levels, corrupt .osgb).
   */
  async queueOblique(
    file: InputFile,
    files: ReadonlyMap<string, Uint8Array>,
    fields: Record<string, string | undefined>,
    createdBy: number | null,
    lang: Lang,
  ): Promise<JobView> {
    if (!this.jobs) throw new AppError('internal', 'no conversion queue');
    const { parkId, carrierId, placement } = await this.attachment(fields);
    const plan = await prepareObliqueExport(file.name, files, this.repo, lang);
    const stored = await this.store.put(file.bytes, { ext: 'zip' });
    const job = await this.jobs.create({ name: file.name, sha256: stored.sha256, size: file.bytes.length }, {
      name: (fields.name?.trim() || file.name.replace(/\.zip$/i, '')).slice(0, 200), parkId, carrierId, placement, lang, plan,
    }, createdBy);
    return this.jobs.get(job.id, lang);
  }

  /** Stores a generated tileset (the demo park), already published. */
  async storeGeneratedTileset(
    name: string,
    files: ReadonlyMap<string, Uint8Array>,
    opts: { parkId: number | null; placement: Placement | null; reviewState: ReviewState; origin: 'upload' | 'demo' },
  ): Promise<number> {
    const report = validateTileset(files);
    const stored = await this.storeEntries(files);
    const derivedEntries = await this.storeEntries(deriveRenderableContents(files).files);
    return this.repo.insertTileset({
      name, parkId: opts.parkId, carrierId: null, origin: opts.origin, sourceSha256: null, version: report.version,
      georeferenced: report.georeferenced, placement: report.georeferenced ? null : opts.placement,
      center: opts.placement ? [opts.placement.lon, opts.placement.lat] : report.center, tileCount: report.tiles,
      entries: stored, derivedEntries, reviewState: opts.reviewState, createdBy: null,
    });
  }

  private async storeEntries(files: ReadonlyMap<string, Uint8Array>): Promise<TilesetEntryRow[]> {
    const out: TilesetEntryRow[] = [];
    for (const [path, bytes] of files) {
      const ext = extOf(path);
      const put = await this.store.put(bytes, { ext });
      let gzipSize: number | null = null;
      if (COMPRESSIBLE.has(ext) && bytes.length >= 256) {
        const gz = gzipSync(bytes, { level: 6 });
        if (gz.length <= bytes.length * 0.9) {
          await this.store.putDerived(put.sha256, 'gz', gz, { ext: 'gz' });
          gzipSize = gz.length;
        }
      }
      out.push({ path, sha256: put.sha256, ext, size: bytes.length, gzip_size: gzipSize });
    }
    return out;
  }

  /** parkId / carrierId / placement fields of an upload, checked. */
  private async attachment(fields: Record<string, string | undefined>) {
    const parkId = optionalId('parkId', fields.parkId);
    const carrierId = optionalId('carrierId', fields.carrierId);
    let park = parkId;
    if (carrierId !== null) {
      const c = await this.repo.carrierAnchor(carrierId);
      if (!c) throw new AppError('bad_request', `carrier ${carrierId} does not exist`, { parameter: 'carrierId', value: carrierId });
      park = park ?? c.park_id;
    }
    if (parkId !== null && !(await this.repo.parkAnchor(parkId))) throw new AppError('bad_request', `park ${parkId} does not exist`, { parameter: 'parkId', value: parkId });
    return { parkId: park, carrierId, placement: parsePlacement(fields) };
  }

  /** The carrier's (or else the park's) point at ground level, or null. */
  private async anchorPlacement(parkId: number | null, carrierId: number | null): Promise<(Placement & { source: 'carrier' | 'park' }) | null> {
    if (carrierId !== null) {
      const c = await this.repo.carrierAnchor(carrierId);
      if (c) return { lon: c.lon, lat: c.lat, height: 0, heading: 0, source: 'carrier' };
    }
    if (parkId !== null) {
      const p = await this.repo.parkAnchor(parkId);
      if (p) return { lon: p.lon, lat: p.lat, height: 0, heading: 0, source: 'park' };
    }
    return null;
  }

  async listTilesets(viewer: Viewer, filter: AssetFilter = {}): Promise<(TilesetRow & { url: string })[]> {
    const rows = await this.repo.listTilesets(seesUnpublished(viewer), filter.parkId ?? null, filter.carrierId ?? null);
    return rows.map((r) => omitInternal(viewer, { ...r, url: tilesetUrl(r.id) }));
  }

  /** A tileset the viewer may see; 404 otherwise (drafts do not exist for the public). */
  async getTileset(viewer: Viewer, id: number): Promise<TilesetRow & { url: string }> {
    const t = await this.repo.getTileset(id);
    if (!t || (!t.public && !seesUnpublished(viewer))) throw new NotFoundError('tileset', id);
    return omitInternal(viewer, { ...t, url: tilesetUrl(id) });
  }

  /** Sets (or moves) the placement of a tileset that does not place itself. */
  async placeTileset(id: number, p: Placement): Promise<TilesetRow> {
    const t = await this.repo.getTileset(id);
    if (!t) throw new NotFoundError('tileset', id);
    if (t.georeferenced) throw new AppError('conflict', `tileset ${id} places itself (root transform or region); it cannot be placed by hand`);
    const problem = checkPlacement(p);
    if (problem) throw new AppError('bad_request', problem, { parameter: 'placement' });
    await this.repo.setTilesetPlacement(id, p);
    return (await this.repo.getTileset(id))!;
  }

  async reviewTileset(id: number, s: ReviewState): Promise<{ id: number; review_state: ReviewState }> {
    if (!(await this.repo.setTilesetReview(id, s))) throw new NotFoundError('tileset', id);
    return { id, review_state: s };
  }

  /**
   * A file of a tileset for the viewer. The root tileset.json of a placed tileset is rewritten
   * with the placement's root transform. With `singleContent` (loaders.gl, hence deck.gl), a
   * tileset JSON is served as its renderable copy when the upload derived one (contents deck.gl
   * cannot draw — i3dm, cmpt, technique materials — replaced by derived copies,
   * `survey-import/three-d/renderable-contents.ts`), and 1.1 `contents` arrays are split.
   */
  async tilesetFile(viewer: Viewer, id: number, path: string, opts: { singleContent?: boolean } = {}): Promise<ServedFile> {
    const t = await this.repo.getTileset(id);
    if (!t || (!t.public && !seesUnpublished(viewer))) throw new NotFoundError('tileset', id);
    let entry = await this.repo.getTilesetEntry(id, path);
    if (!entry) throw new NotFoundError(`file in tileset ${id}:`, path);
    if (entry.ext === 'json' && opts.singleContent) entry = (await this.repo.getTilesetEntry(id, derivedTilesetPath(path))) ?? entry;
    const contentType = CONTENT_TYPES[entry.ext] ?? 'application/octet-stream';
    const placed = path === 'tileset.json' && !t.georeferenced && t.lon !== null && t.lat !== null;
    const rewrite = entry.ext === 'json' && opts.singleContent;
    if (placed || rewrite) {
      const raw = await this.store.get({ sha256: entry.sha256, ext: entry.ext });
      if (!raw) throw new AppError('internal', `stored file of ${path} is missing`);
      const json = JSON.parse(new TextDecoder().decode(raw));
      const placement = placed ? { lon: t.lon!, lat: t.lat!, height: t.height ?? 0, heading: t.heading ?? 0 } : null;
      if (placement && json.root) {
        const own = Array.isArray(json.root.transform) && json.root.transform.length === 16 ? json.root.transform : null;
        const m = placementTransform(placement);
        json.root.transform = own ? multiply4(m, own) : m;
      }
      if (rewrite && json.root) json.root = splitMultipleContents(json.root, json.geometricError);
      const bytes = new TextEncoder().encode(JSON.stringify(json));
      const etag = createHash('sha256').update(entry.sha256).update(JSON.stringify(placement)).update(rewrite ? 'single' : '').digest('hex').slice(0, 32);
      return { contentType, etag, source: { bytes }, public: !!t.public };
    }
    return {
      contentType, etag: entry.sha256.slice(0, 32), public: !!t.public,
      source: {
        path: this.store.pathFor({ sha256: entry.sha256, ext: entry.ext }), size: entry.size,
        gzipPath: entry.gzip_size !== null ? this.store.pathFor({ sha256: entry.sha256, ext: 'gz', variant: 'gz' }) : null,
        gzipSize: entry.gzip_size,
      },
    };
  }

  // ------------------------------------------------------------------ BIM models

  /** Converts (IFC) or indexes (glTF) and stores a model, placed and attached. */
  async uploadModel(
    file: InputFile,
    fields: Record<string, string | undefined>,
    createdBy: number | null,
  ): Promise<{ model: ModelRow; gltfUrl: string; propertiesUrl: string; warnings: string[] }> {
    const { parkId, carrierId, placement } = await this.attachment(fields);
    let pkg: ModelPackage;
    try {
      pkg = await packageModel(file.name, file.bytes);
    } catch (err) {
      if (err instanceof AppError) throw err.in(file.name);
      throw err;
    }
    const warnings = [...pkg.warnings];
    const anchor = await this.anchorPlacement(parkId, carrierId);
    let place: Placement;
    let source: ModelRow['georef_source'];
    if (placement) {
      place = placement;
      source = 'manual';
    } else if (pkg.site && (!anchor || distanceKm(pkg.site.lon, pkg.site.lat, anchor.lon, anchor.lat) <= IFC_SITE_MAX_KM_FROM_CARRIER)) {
      place = { lon: pkg.site.lon, lat: pkg.site.lat, height: 0, heading: 0 };
      source = 'ifc-site';
    } else if (anchor) {
      if (pkg.site) warnings.push(`IfcSite reference ${pkg.site.lat.toFixed(6)}, ${pkg.site.lon.toFixed(6)} is more than ${IFC_SITE_MAX_KM_FROM_CARRIER} km from the ${anchor.source}; placed on the ${anchor.source} instead`);
      place = anchor;
      source = anchor.source;
    } else {
      throw new AppError('bad_request', `${file.name}: the model has no georeference (no IfcSite RefLatitude/RefLongitude): give lon and lat, or carrierId`);
    }
    const ext = pkg.format;
    const original = await this.store.put(file.bytes, { ext });
    let glbSha = original.sha256;
    let glbVariant = 'original';
    if (pkg.format !== 'glb') {
      await this.store.putDerived(original.sha256, 'bim-glb', pkg.glb, { ext: 'glb', overwrite: true });
      glbVariant = 'bim-glb';
    }
    await this.store.putDerived(original.sha256, 'bim-props', new TextEncoder().encode(JSON.stringify(pkg.index)), { ext: 'json', overwrite: true });
    const model: NewModel = {
      name: (fields.name?.trim() || pkg.name || file.name).slice(0, 200), parkId, carrierId, origin: 'upload', format: pkg.format,
      sourceSha256: original.sha256, sourceExt: ext, glbSha256: glbSha, glbVariant, ifcSchema: pkg.schema,
      elementCount: pkg.index.elements.length, lon: place.lon, lat: place.lat, height: place.height, heading: place.heading,
      georefSource: source, upAxis: 'y', reviewState: 'draft', createdBy,
    };
    const id = await this.repo.insertModel(model);
    return { model: (await this.repo.getModel(id).then(publicModel))!, ...modelUrls(id), warnings };
  }

  /** Stores a model generated by our code (the demo), already converted. */
  async storeGeneratedModel(name: string, sourceBytes: Uint8Array, pkg: ModelPackage, opts: { parkId: number | null; carrierId: number | null; placement: Placement; georefSource: ModelRow['georef_source']; reviewState: ReviewState; origin: 'upload' | 'demo' }): Promise<number> {
    const original = await this.store.put(sourceBytes, { ext: pkg.format });
    if (pkg.format !== 'glb') await this.store.putDerived(original.sha256, 'bim-glb', pkg.glb, { ext: 'glb', overwrite: true });
    await this.store.putDerived(original.sha256, 'bim-props', new TextEncoder().encode(JSON.stringify(pkg.index)), { ext: 'json', overwrite: true });
    return this.repo.insertModel({
      name, parkId: opts.parkId, carrierId: opts.carrierId, origin: opts.origin, format: pkg.format, sourceSha256: original.sha256,
      sourceExt: pkg.format, glbSha256: original.sha256, glbVariant: pkg.format === 'glb' ? 'original' : 'bim-glb', ifcSchema: pkg.schema,
      elementCount: pkg.index.elements.length, ...opts.placement, georefSource: opts.georefSource, upAxis: 'y',
      reviewState: opts.reviewState, createdBy: null,
    });
  }

  async listModels(viewer: Viewer, filter: AssetFilter = {}) {
    const rows = await this.repo.listModels(seesUnpublished(viewer), filter.parkId ?? null, filter.carrierId ?? null);
    return rows.map((r) => omitInternal(viewer, { ...r, ...modelUrls(r.id) }));
  }

  private async visibleModel(viewer: Viewer, id: number): Promise<ModelRow> {
    const m = await this.repo.getModel(id);
    if (!m || (!m.public && !seesUnpublished(viewer))) throw new NotFoundError('model', id);
    return m;
  }

  async getModel(viewer: Viewer, id: number) {
    return omitInternal(viewer, { ...publicModel(await this.visibleModel(viewer, id))!, ...modelUrls(id) });
  }

  /** The GLB of a model. */
  async modelGlb(viewer: Viewer, id: number): Promise<ServedFile> {
    const m = await this.visibleModel(viewer, id);
    const key = { sha256: m.glb_sha256!, ext: 'glb', variant: m.glb_variant! };
    const path = this.store.pathFor(key);
    const size = await stat(path).then((s) => s.size, () => null);
    if (size === null) throw new AppError('internal', `stored GLB of model ${id} is missing`);
    return { contentType: 'model/gltf-binary', etag: `${m.glb_sha256!.slice(0, 24)}-${m.glb_variant}`, public: !!m.public, source: { path, size, gzipPath: null, gzipSize: null } };
  }

  /** The element property index of a model. */
  async modelProperties(viewer: Viewer, id: number): Promise<ServedFile> {
    const m = await this.visibleModel(viewer, id);
    const key = { sha256: m.source_sha256!, ext: 'json', variant: 'bim-props' };
    const bytes = await this.store.get(key);
    if (!bytes) throw new AppError('internal', `stored property index of model ${id} is missing`);
    return { contentType: 'application/json', etag: `${m.source_sha256!.slice(0, 24)}-props`, public: !!m.public, source: { bytes } };
  }

  async reviewModel(id: number, s: ReviewState): Promise<{ id: number; review_state: ReviewState }> {
    if (!(await this.repo.setModelReview(id, s))) throw new NotFoundError('model', id);
    return { id, review_state: s };
  }
}

/**
 * For viewers without 3D Tiles 1.1 multiple contents (loaders.gl 4.5, hence deck.gl's
 * Tile3DLayer, reads only `content`): a tile with `contents: [a, b, …]` keeps `a` as its one
 * `content` (with its geometricError, refine and children) and each further content becomes a
 * sibling leaf with the same geometricError, bounding volume and transform, so both are drawn
 * whenever the parent refines. A root with several contents gets a content-less wrapper
 * (refine ADD) whose geometricError is the tileset's, so no child's error exceeds its parent's
 * (3d-tiles-validator TILE_GEOMETRIC_ERRORS_INCONSISTENT). The only difference to the original:
 * once the tile refines, the extra contents stay drawn beside its children. Explicit tiles only
 * (implicit tiling templates are left alone).
 */
export function splitMultipleContents(root: Record<string, any>, tilesetGeometricError?: number): Record<string, any> {
  const split = (tile: Record<string, any>): Record<string, any>[] => {
    if (!Array.isArray(tile.contents) || tile.implicitTiling) return [tile];
    const contents = tile.contents as Record<string, unknown>[];
    const { contents: _c, content: _one, ...rest } = tile;
    const first = contents.length ? { ...rest, content: contents[0] } : rest;
    const others = contents.slice(1).map((c) => ({
      boundingVolume: (c.boundingVolume as unknown) ?? tile.boundingVolume,
      ...(tile.transform ? { transform: tile.transform } : {}),
      geometricError: tile.geometricError,
      content: c,
    }));
    return [first, ...others];
  };
  const walk = (tile: Record<string, any>, depth: number): void => {
    if (depth > 64 || !tile || typeof tile !== 'object' || !Array.isArray(tile.children)) return;
    for (const c of tile.children) walk(c, depth + 1);
    tile.children = tile.children.flatMap((c: Record<string, any>) => (c && typeof c === 'object' ? split(c) : [c]));
  };
  walk(root, 0);
  const parts = split(root);
  if (parts.length === 1) return parts[0];
  const { transform, ...first } = parts[0];
  const siblings = parts.slice(1).map(({ transform: _t, ...s }) => s);
  const ge = Math.max(tilesetGeometricError ?? root.geometricError, root.geometricError);
  return {
    boundingVolume: root.boundingVolume, ...(transform ? { transform } : {}), geometricError: ge, refine: 'ADD',
    children: [first, ...siblings],
  };
}

/**
 * Whether zip entries are a ContextCapture OSGB export (metadata.xml and .osgb files, at the root or
 * in one top folder) rather than a 3D Tiles tileset. A zip with a root tileset.json is a tileset.
 */
export function isObliqueExport(names: readonly string[]): boolean {
  if (names.some((n) => /^([^/]+\/)?tileset\.json$/i.test(n))) return false;
  return names.some((n) => /\.osgb$/i.test(n)) && names.some((n) => /^([^/]+\/)?metadata\.xml$/i.test(n))
    || names.some((n) => /^([^/]+\/)?Data\/[^/]+\/[^/]+\.osgb$/i.test(n));
}

/** URL of the served root tileset.json; its other files are under the same prefix. */
export function tilesetUrl(id: number): string {
  return `/3dtiles/${id}/tileset.json`;
}

/** URLs of a model's GLB and property index. */
export function modelUrls(id: number): { gltfUrl: string; propertiesUrl: string } {
  return { gltfUrl: `/api/models/${id}/model.glb`, propertiesUrl: `/api/models/${id}/properties` };
}

/** A model row without storage internals. */
function publicModel(m: ModelRow | null): ModelRow | null {
  if (!m) return null;
  const { source_sha256: _a, source_ext: _b, glb_sha256: _c, glb_variant: _d, public: _e, ...rest } = m;
  return rest;
}
