/**
 * Data access for orthophotos. Visibility is decided here, once: lists take `seesUnpublished`,
 * single rows carry `public` (published, tiles ready, park published) for the service to check.
 * Also the CRS questions imagery asks PostGIS: does an EPSG code exist, and where do points go.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'imagery.sql', [
  'srsExists', 'transformPoints', 'parkPublished', 'insertImagery', 'listImagery', 'getImagery', 'setProgress',
  'setReady', 'setFailed', 'setReview', 'setCaptureDate', 'interrupted',
] as const);

/** Review states every reviewed table shares. */
export type ReviewState = 'draft' | 'verified' | 'published';

/** An orthophoto as the API shows it. */
export interface ImageryRow {
  id: number;
  name: string;
  file_name: string;
  park_id: number | null;
  source_epsg: number;
  width: number;
  height: number;
  bands: number;
  pixel_size_m: number;
  footprint: { type: 'Polygon'; coordinates: number[][][] };
  bounds: [number, number, number, number];
  min_zoom: number;
  max_zoom: number;
  captured_on: string | null;
  capture_source: 'tiff' | 'user' | null;
  status: 'processing' | 'ready' | 'failed';
  progress: number;
  error: { zh: string; en: string } | null;
  tile_count: number;
  tile_bytes: number;
  source_bytes: number;
  review_state: ReviewState;
  created_at: string;
  ready_at: string | null;
  reviewed_at: string | null;
}

/** A single row with what only the server needs. */
export interface ImageryDetail extends ImageryRow {
  source_sha256: string;
  public: boolean;
}

/** What a new orthophoto row needs. */
export interface NewImagery {
  name: string;
  fileName: string;
  parkId: number | null;
  sourceSha256: string;
  sourceBytes: number;
  epsg: number;
  width: number;
  height: number;
  bands: number;
  pixelSizeM: number;
  /** Closed ring of the footprint in lon/lat. */
  footprint: [number, number][];
  minZoom: number;
  maxZoom: number;
  capturedOn: string | null;
  captureSource: 'tiff' | 'user' | null;
  createdBy: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? v : Number(v));

function row<T extends ImageryRow>(r: Record<string, unknown>): T {
  return {
    ...r, id: Number(r.id), park_id: num(r.park_id), tile_bytes: Number(r.tile_bytes), source_bytes: Number(r.source_bytes),
    bounds: (r.bounds as number[]).map(Number), progress: Number(r.progress),
  } as unknown as T;
}

/** Orthophoto rows and PostGIS CRS look-ups. */
export class ImageryRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Whether PostGIS knows SRID `epsg`. */
  async srsExists(epsg: number): Promise<boolean> {
    const { rows } = await this.pool.query(Q.srsExists, [epsg]);
    return rows[0].ok === true;
  }

  /** Transforms points between SRIDs with PostGIS (NaN where PROJ fails). */
  async transform(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number): Promise<{ xs: number[]; ys: number[] }> {
    if (xs.length === 0) return { xs: [], ys: [] };
    const { rows } = await this.pool.query(Q.transformPoints, [Array.from(xs), Array.from(ys), from, to]);
    const fix = (a: (number | null)[]) => a.map((v) => (v === null || !Number.isFinite(Number(v)) ? NaN : Number(v)));
    return { xs: fix(rows[0].xs), ys: fix(rows[0].ys) };
  }

  /** Whether park `id` exists (undefined) and is published. */
  async parkPublished(id: number): Promise<boolean | undefined> {
    const { rows } = await this.pool.query(Q.parkPublished, [id]);
    return rows[0]?.published;
  }

  async insert(n: NewImagery): Promise<number> {
    const { rows } = await this.pool.query(Q.insertImagery, [
      n.name, n.fileName, n.parkId, n.sourceSha256, n.sourceBytes, n.epsg, n.width, n.height, n.bands, n.pixelSizeM,
      n.footprint.map((p) => p[0]), n.footprint.map((p) => p[1]), n.minZoom, n.maxZoom, n.capturedOn, n.captureSource, n.createdBy,
    ]);
    return Number(rows[0].id);
  }

  async list(seesUnpublished: boolean, parkId: number | null): Promise<ImageryRow[]> {
    const { rows } = await this.pool.query(Q.listImagery, [seesUnpublished, parkId]);
    return rows.map((r) => row<ImageryRow>(r));
  }

  async get(id: number): Promise<ImageryDetail | null> {
    const { rows } = await this.pool.query(Q.getImagery, [id]);
    return rows[0] ? row<ImageryDetail>(rows[0]) : null;
  }

  async setProgress(id: number, progress: number): Promise<void> {
    await this.pool.query(Q.setProgress, [id, Math.max(0, Math.min(1, progress))]);
  }

  async setReady(id: number, tiles: number, bytes: number): Promise<void> {
    await this.pool.query(Q.setReady, [id, tiles, bytes]);
  }

  async setFailed(id: number, error: { zh: string; en: string }): Promise<void> {
    await this.pool.query(Q.setFailed, [id, JSON.stringify(error)]);
  }

  async setReview(id: number, state: ReviewState): Promise<boolean> {
    const { rows } = await this.pool.query(Q.setReview, [id, state]);
    return rows.length > 0;
  }

  async setCaptureDate(id: number, date: string | null): Promise<boolean> {
    const { rows } = await this.pool.query(Q.setCaptureDate, [id, date]);
    return rows.length > 0;
  }

  /** Ids of orthophotos left half-cut by a stop. */
  async interrupted(): Promise<number[]> {
    const { rows } = await this.pool.query(Q.interrupted);
    return rows.map((r) => Number(r.id));
  }
}
