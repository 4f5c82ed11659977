/**
 * Rules for orthophotos (正射影像).
 *
 * Upload: the GeoTIFF is streamed into the asset store (never held in memory), its header is read
 * by ranges and checked (`survey-import/imagery/geotiff-info.ts`), its footprint, pixel size and zoom
 * range are worked out with PostGIS (`ST_Transform`: the CRS code every import uses), and a draft row
 * is written at once. The tile pyramid is then cut in a child process
 * (`survey-import/imagery/pyramid-runner.ts`) while the row reports progress; a server that stops
 * half-way cuts it again at the next start.
 *
 * Why a pyramid cut at import rather than tiles rendered on request: a tile request is then one
 * file read (sub-millisecond, nothing to decode or resample), whatever the source's layout — an
 * uploaded GeoTIFF is often striped and without overviews, and a request-time renderer would
 * have to read and resample thousands of source pixels per tile at low zooms. The pyramid costs
 * disk (about 1/3 more than the finest level, WebP) and import time, both measured by
 * `npm run bench:imagery`.
 *
 * Visibility: staff, reviewers and admins see every orthophoto; everyone else sees one when it is
 * published, its tiles are ready and the park it belongs to (if any) is published.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError, NotFoundError } from '../../core/errors.ts';
import type { AssetStore } from '../../assets/storage.ts';
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import type { Lang } from '../../survey-import/pipeline/messages.ts';
import { applyAffine, invertAffine, readImageryInfo, type ImageryInfo } from '../../survey-import/imagery/geotiff-info.ts';
import { ImageryFileError, imageryMessage } from '../../survey-import/imagery/messages.ts';
import {
  gridSize, gridStride, levelRange, lonLatToMerc, mercToTile, planLevels, renderPyramid, tileCorner, tilePath, TILE, WORLD, zoomRange,
  type LevelGrid, type TileRange,
} from '../../survey-import/imagery/pyramid.ts';
import { renderPyramidIsolated } from '../../survey-import/imagery/pyramid-runner.ts';
import type { ImageryDetail, ImageryRepository, ImageryRow, ReviewState } from './imagery.repository.ts';

/** The stored upload. */
export interface StoredUpload {
  fileName: string;
  sha256: string;
  size: number;
  ext: string;
}

/** Optional fields of an upload (already checked for shape at the route). */
export interface UploadFields {
  name?: string;
  parkId?: number;
  capturedOn?: string;
  crs?: string;
}

/** Tile formats served. */
export type TileFormat = 'webp' | 'jpeg';

/** A tile ready for the HTTP layer. */
export interface ImageryTile {
  bytes: Buffer;
  contentType: string;
  etag: string;
  public: boolean;
}

const VISIBILITY_TTL_MS = 5000;
const JPEG_CACHE_ENTRIES = 512;

/**
 * Finest-level tiles up to which the pyramid is cut in this process (a few hundred milliseconds of
 * work between awaits); larger images go to a child process, so the server stays responsive.
 */
const IN_PROCESS_MAX_TILES = 256;

/** Points per image edge for the footprint. */
const EDGE_POINTS = 8;

function parseEpsg(raw: string, file: string, lang: Lang): number {
  const m = /^\s*(?:epsg:)?(\d{4,6})\s*$/i.exec(raw);
  if (!m) throw new ImageryFileError(file, 'bad_crs_value', { value: JSON.stringify(raw) }, lang);
  return Number(m[1]);
}

function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const h = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

/** What the public sees of an orthophoto: no review state, status, source file or timestamps of the work. */
export type PublicImagery = Pick<ImageryRow, 'id' | 'name' | 'park_id' | 'width' | 'height' | 'pixel_size_m' | 'footprint' | 'bounds' | 'min_zoom' | 'max_zoom' | 'captured_on'>;

function publicView(r: ImageryRow): PublicImagery {
  return {
    id: r.id, name: r.name, park_id: r.park_id, width: r.width, height: r.height, pixel_size_m: r.pixel_size_m,
    footprint: r.footprint, bounds: r.bounds, min_zoom: r.min_zoom, max_zoom: r.max_zoom, captured_on: r.captured_on,
  };
}

/** Orthophoto rules. */
export class ImageryService {
  private readonly running = new Map<number, Promise<void>>();
  private readonly visibility = new Map<number, { row: ImageryDetail | null; at: number }>();
  private readonly jpegCache = new Map<string, Buffer>();
  private blank: { webp: Buffer; jpeg: Buffer } | null = null;

  constructor(
    private readonly repo: ImageryRepository,
    private readonly store: AssetStore,
    private readonly dataDir: string,
  ) {}

  /** Folder of an orthophoto's tiles. */
  tileDir(id: number): string {
    return path.join(this.dataDir, 'imagery', String(id));
  }

  /**
   * Checks an uploaded GeoTIFF, writes its draft row and starts cutting its tiles.
   * Throws an `ImageryFileError` (400) naming the file for anything unusable.
   */
  async create(upload: StoredUpload, fields: UploadFields, lang: Lang, createdBy: number | null): Promise<ImageryRow> {
    const file = upload.fileName;
    const source = this.store.pathFor({ sha256: upload.sha256, ext: upload.ext });
    const info = await readImageryInfo(source, file, lang);
    const epsg = fields.crs?.trim() ? parseEpsg(fields.crs, file, lang) : info.epsg;
    if (epsg === null) throw new ImageryFileError(file, 'no_crs', {}, lang);
    if (!(await this.repo.srsExists(epsg))) throw new ImageryFileError(file, 'unknown_crs', { epsg }, lang);
    let capturedOn: string | null = null;
    let captureSource: 'tiff' | 'user' | null = null;
    if (fields.capturedOn?.trim()) {
      capturedOn = fields.capturedOn.trim();
      captureSource = 'user';
    } else if (info.captureDate) {
      capturedOn = info.captureDate;
      captureSource = 'tiff';
    }
    if (fields.parkId !== undefined && (await this.repo.parkPublished(fields.parkId)) === undefined) throw new NotFoundError('park', fields.parkId);
    const geo = await this.footprint(info, epsg, file, lang);
    const id = await this.repo.insert({
      name: (fields.name?.trim() || file.replace(/\.(tiff?|gtiff)$/i, '')).slice(0, 200), fileName: file,
      parkId: fields.parkId ?? null, sourceSha256: upload.sha256, sourceBytes: upload.size, epsg,
      width: info.width, height: info.height, bands: info.bands, pixelSizeM: geo.pixelM, footprint: geo.ring,
      minZoom: geo.minZoom, maxZoom: geo.maxZoom, capturedOn, captureSource, createdBy,
    });
    this.start(id);
    return (await this.repo.get(id))!;
  }

  /** Footprint ring (lon/lat), ground pixel size and zoom range, with PostGIS doing the CRS work. */
  private async footprint(info: ImageryInfo, epsg: number, file: string, lang: Lang) {
    const pts: [number, number][] = [];
    const W = info.width;
    const H = info.height;
    for (let k = 0; k < EDGE_POINTS; k++) pts.push([(W * k) / EDGE_POINTS, 0]);
    for (let k = 0; k < EDGE_POINTS; k++) pts.push([W, (H * k) / EDGE_POINTS]);
    for (let k = 0; k < EDGE_POINTS; k++) pts.push([W - (W * k) / EDGE_POINTS, H]);
    for (let k = 0; k < EDGE_POINTS; k++) pts.push([0, H - (H * k) / EDGE_POINTS]);
    // The centre pixel and its right and lower neighbours measure the ground pixel size.
    pts.push([W / 2, H / 2], [W / 2 + 1, H / 2], [W / 2, H / 2 + 1]);
    const crs = pts.map(([c, r]) => applyAffine(info.affine, c, r));
    let ll: { xs: number[]; ys: number[] };
    try {
      ll = await this.repo.transform(crs.map((p) => p[0]), crs.map((p) => p[1]), epsg, 4326);
    } catch (err) {
      throw new ImageryFileError(file, 'off_globe', { epsg, detail: (err as Error).message }, lang);
    }
    const bad = ll.xs.findIndex((x, i) => !Number.isFinite(x) || !Number.isFinite(ll.ys[i]) || Math.abs(x) > 180 || Math.abs(ll.ys[i]) > 85);
    if (bad >= 0) throw new ImageryFileError(file, 'off_globe', { epsg, detail: `${crs[bad][0]}, ${crs[bad][1]} → ${ll.xs[bad]}, ${ll.ys[bad]}` }, lang);
    const n = EDGE_POINTS * 4;
    const ring: [number, number][] = [];
    for (let i = 0; i < n; i++) ring.push([ll.xs[i], ll.ys[i]]);
    ring.push(ring[0]);
    const [cx, cy] = [ll.xs[n], ll.ys[n]];
    const dx = haversineM(cx, cy, ll.xs[n + 1], ll.ys[n + 1]);
    const dy = haversineM(cx, cy, ll.xs[n + 2], ll.ys[n + 2]);
    const pixelM = Math.sqrt(dx * dy);
    const merc = ring.map(([lon, lat]) => lonLatToMerc(lon, lat));
    const extent = Math.max(Math.max(...merc.map((p) => p[0])) - Math.min(...merc.map((p) => p[0])), Math.max(...merc.map((p) => p[1])) - Math.min(...merc.map((p) => p[1])));
    return { ring, pixelM, ...zoomRange(pixelM, cy, extent) };
  }

  /** Starts (or restarts) cutting the tiles of `id` in the background. */
  private start(id: number): void {
    if (this.running.has(id)) return;
    const job = this.cut(id).finally(() => this.running.delete(id));
    this.running.set(id, job);
  }

  /** Resolves when the tiles of `id` being cut in this process are done (or failed). */
  async settled(id: number): Promise<void> {
    await this.running.get(id);
  }

  /** Cuts again the orthophotos a stop left half-done. */
  async resumeInterrupted(): Promise<number> {
    const ids = await this.repo.interrupted();
    for (const id of ids) this.start(id);
    return ids.length;
  }

  private async cut(id: number): Promise<void> {
    const row = await this.repo.get(id);
    if (!row) return;
    const outDir = this.tileDir(id);
    try {
      const source = this.store.pathFor({ sha256: row.source_sha256, ext: 'tif' });
      const info = await readImageryInfo(source, row.file_name, 'en');
      const z = row.max_zoom;
      const merc = row.footprint.coordinates[0].map(([lon, lat]) => lonLatToMerc(lon, lat));
      const [tx0, ty0] = mercToTile(Math.min(...merc.map((p) => p[0])), Math.max(...merc.map((p) => p[1])), z);
      const [tx1, ty1] = mercToTile(Math.max(...merc.map((p) => p[0])), Math.min(...merc.map((p) => p[1])), z);
      const range: TileRange = { z, x0: Math.floor(tx0), y0: Math.floor(ty0), x1: Math.min(2 ** z - 1, Math.floor(tx1)), y1: Math.min(2 ** z - 1, Math.floor(ty1)) };
      // Which levels are resampled from which image (full resolution, or a COG overview), and for
      // each a control grid of tile corners: all of them reprojected by PostGIS in one query.
      const lat = (row.bounds[1] + row.bounds[3]) / 2;
      const tilePxM = (WORLD * Math.cos((lat * Math.PI) / 180)) / TILE / 2 ** z;
      const plan = planLevels(info, z, row.min_zoom, tilePxM / row.pixel_size_m);
      const xs: number[] = [];
      const ys: number[] = [];
      const levels = plan.map(({ z: lz, image }) => {
        const lr = levelRange(range, lz);
        const stride = gridStride(lr);
        const { nx, ny } = gridSize(lr, stride);
        const first = xs.length;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const [mx, my] = tileCorner(lr.x0 + i * stride, lr.y0 + j * stride, lz);
            xs.push(mx);
            ys.push(my);
          }
        }
        return { z: lz, image, range: lr, stride, first, count: nx * ny };
      });
      const src = await this.repo.transform(xs, ys, 3857, row.source_epsg);
      const inv = invertAffine(info.affine);
      const grids: LevelGrid[] = levels.map(({ first, count, ...g }) => {
        const nodes = new Float64Array(count * 2);
        for (let k = 0; k < count; k++) {
          const [c, r] = applyAffine(inv, src.xs[first + k], src.ys[first + k]);
          // A corner PROJ cannot place lies far outside the image: nothing there is drawn.
          nodes[k * 2] = Number.isFinite(c) ? c : -1e9;
          nodes[k * 2 + 1] = Number.isFinite(r) ? r : -1e9;
        }
        return { ...g, nodes };
      });
      await rm(outDir, { recursive: true, force: true });
      let lastWrite = 0;
      const progress = (done: number, total: number) => {
        const now = Date.now();
        if (now - lastWrite < 1000) return;
        lastWrite = now;
        void this.repo.setProgress(id, done / total).catch(() => undefined);
      };
      const job = { sourcePath: source, info, outDir, range, minZoom: row.min_zoom, grids };
      const finest = (range.x1 - range.x0 + 1) * (range.y1 - range.y0 + 1);
      const out = finest <= IN_PROCESS_MAX_TILES ? await renderPyramid(job, progress) : await renderPyramidIsolated(job, progress);
      await this.repo.setReady(id, out.tiles, out.bytes);
    } catch (err) {
      const detail = (err as Error).message;
      const msg = (lang: Lang) => `${row.file_name}: ${imageryMessage('read_failed', { detail }, lang)}`;
      await this.repo.setFailed(id, { zh: msg('zh'), en: msg('en') }).catch(() => undefined);
    } finally {
      this.visibility.delete(id);
    }
  }

  /** Orthophotos the viewer may see (the public view for anyone but staff, reviewers and admins). */
  async list(viewer: Viewer, parkId: number | null): Promise<(ImageryRow | PublicImagery)[]> {
    const staff = seesUnpublished(viewer);
    const rows = await this.repo.list(staff, parkId);
    return staff ? rows : rows.map(publicView);
  }

  /** One orthophoto; 404 when the viewer may not see it. */
  async get(viewer: Viewer, id: number): Promise<ImageryRow | PublicImagery> {
    const row = await this.repo.get(id);
    if (!row || (!row.public && !seesUnpublished(viewer))) throw new NotFoundError('imagery', id);
    const { source_sha256: _s, public: _p, ...rest } = row;
    return seesUnpublished(viewer) ? rest : publicView(rest);
  }

  /** Reviewer (校核): sets the review state; only orthophotos whose tiles are ready can be published. */
  async review(id: number, state: ReviewState): Promise<{ id: number; review_state: ReviewState }> {
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundError('imagery', id);
    if (state === 'published' && row.status !== 'ready') {
      throw new AppError('conflict', `imagery ${id} cannot be published while its tiles are ${row.status === 'failed' ? 'failed' : 'still being cut'}`, { status: row.status });
    }
    await this.repo.setReview(id, state);
    this.visibility.delete(id);
    return { id, review_state: state };
  }

  /** Staff: sets (or clears) the capture date. */
  async setCaptureDate(id: number, date: string | null): Promise<ImageryRow> {
    if (!(await this.repo.setCaptureDate(id, date))) throw new NotFoundError('imagery', id);
    return (await this.repo.get(id))!;
  }

  /** TileJSON 3.0 of an orthophoto. */
  async tileJson(viewer: Viewer, id: number, baseUrl: string): Promise<Record<string, unknown>> {
    const row = await this.repo.get(id);
    if (!row || (!row.public && !seesUnpublished(viewer))) throw new NotFoundError('imagery', id);
    if (row.status !== 'ready') throw new AppError('conflict', `imagery ${id} has no tiles yet (status ${row.status})`, { status: row.status });
    const [w, s, e, n] = row.bounds;
    const date = row.captured_on ? `, ${row.captured_on}` : '';
    return {
      tilejson: '3.0.0',
      name: row.name,
      description: `正射影像 orthophoto ${row.width}×${row.height} px, ${row.pixel_size_m.toFixed(3)} m/px, EPSG:${row.source_epsg}${date}`,
      version: '1.0.0',
      scheme: 'xyz',
      tiles: [`${baseUrl}/tiles/imagery/${id}/{z}/{x}/{y}.webp`],
      minzoom: row.min_zoom,
      maxzoom: row.max_zoom,
      bounds: [w, s, e, n],
      center: [(w + e) / 2, (s + n) / 2, Math.min(row.max_zoom, row.min_zoom + 3)],
      tileSize: TILE,
      format: 'webp',
      attribution: row.captured_on ? `正射影像 ${row.captured_on}` : '正射影像',
      captured_on: row.captured_on,
      footprint: row.footprint,
    };
  }

  /** The row of `id` for tile requests, cached for a few seconds (review changes drop it at once). */
  private async visible(viewer: Viewer, id: number): Promise<ImageryDetail> {
    let hit = this.visibility.get(id);
    if (!hit || Date.now() - hit.at > VISIBILITY_TTL_MS) {
      hit = { row: await this.repo.get(id), at: Date.now() };
      this.visibility.set(id, hit);
    }
    const row = hit.row;
    if (!row || (!row.public && !seesUnpublished(viewer))) throw new NotFoundError('imagery', id);
    if (row.status !== 'ready') throw new AppError('conflict', `imagery ${id} has no tiles yet (status ${row.status})`, { status: row.status });
    return row;
  }

  private async blankTiles(): Promise<{ webp: Buffer; jpeg: Buffer }> {
    if (!this.blank) {
      const raw = { raw: { width: TILE, height: TILE, channels: 4 as const } };
      const px = Buffer.alloc(TILE * TILE * 4);
      this.blank = {
        webp: await sharp(px, raw).webp({ lossless: true }).toBuffer(),
        jpeg: await sharp(px, raw).flatten({ background: '#ffffff' }).jpeg({ quality: 80 }).toBuffer(),
      };
    }
    return this.blank;
  }

  /** One tile: the stored WebP, a JPEG made from it (cached), or a transparent tile outside the image. */
  async tile(viewer: Viewer, id: number, z: number, x: number, y: number, format: TileFormat): Promise<ImageryTile> {
    const row = await this.visible(viewer, id);
    const stamp = row.ready_at ? new Date(row.ready_at).getTime().toString(36) : '0';
    const etag = `"im${id}-${stamp}-${z}-${x}-${y}-${format}"`;
    const contentType = format === 'webp' ? 'image/webp' : 'image/jpeg';
    let webp: Buffer | null = null;
    if (z >= row.min_zoom && z <= row.max_zoom) webp = await readFile(tilePath(this.tileDir(id), z, x, y)).catch(() => null);
    if (!webp) {
      const blank = await this.blankTiles();
      return { bytes: format === 'webp' ? blank.webp : blank.jpeg, contentType, etag, public: row.public };
    }
    if (format === 'webp') return { bytes: webp, contentType, etag, public: row.public };
    const key = `${id}/${stamp}/${z}/${x}/${y}`;
    let jpeg = this.jpegCache.get(key);
    if (!jpeg) {
      jpeg = await sharp(webp).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
      this.jpegCache.set(key, jpeg);
      if (this.jpegCache.size > JPEG_CACHE_ENTRIES) this.jpegCache.delete(this.jpegCache.keys().next().value!);
    }
    return { bytes: jpeg, contentType, etag, public: row.public };
  }
}
