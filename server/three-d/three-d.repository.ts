/**
 * Data access for 3D assets (tilesets and BIM models). Visibility is decided here, once: every
 * list takes `seesUnpublished`; single rows carry `public` (the asset and the park/carrier it is
 * attached to are published) for the service to check.
 */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'three-d.sql', [
  'insertTileset', 'insertTilesetEntries', 'listTilesets', 'getTileset', 'getTilesetEntry', 'setTilesetPlacement',
  'setTilesetReview', 'insertModel', 'listModels', 'getModel', 'setModelReview', 'carrierAnchor', 'parkAnchor',
  'crsInfo', 'projectToLonLat',
  'insertJob', 'getJob', 'listJobs', 'claimJob', 'setJobProgress', 'failJob', 'finishJob', 'failInterrupted',
] as const);

/** Review states every reviewed table shares. */
export type ReviewState = 'draft' | 'verified' | 'published';

/** A tileset row as the API shows it. */
export interface TilesetRow {
  id: number;
  name: string;
  park_id: number | null;
  carrier_id: number | null;
  origin: 'upload' | 'demo';
  version: string;
  georeferenced: boolean;
  lon: number | null;
  lat: number | null;
  height: number | null;
  heading: number | null;
  center_lon: number | null;
  center_lat: number | null;
  tile_count: number;
  entry_count: number;
  total_bytes: number;
  review_state: ReviewState;
  created_at: string;
  public?: boolean;
}

/** One stored file of a tileset. */
export interface TilesetEntryRow {
  path: string;
  sha256: string;
  ext: string;
  size: number;
  gzip_size: number | null;
}

/** What a new tileset row needs. */
export interface NewTileset {
  name: string;
  parkId: number | null;
  carrierId: number | null;
  origin: 'upload' | 'demo';
  sourceSha256: string | null;
  version: string;
  georeferenced: boolean;
  placement: { lon: number; lat: number; height: number; heading: number } | null;
  center: [number, number] | null;
  tileCount: number;
  /** The uploaded files (counted in `entry_count` and `total_bytes`). */
  entries: TilesetEntryRow[];
  /** Files derived from them for the 3D view (`survey-import/three-d/renderable-contents.ts`), stored and served beside them. */
  derivedEntries?: TilesetEntryRow[];
  reviewState: ReviewState;
  createdBy: number | null;
}

/** A BIM model row as the API shows it. */
export interface ModelRow {
  id: number;
  name: string;
  park_id: number | null;
  carrier_id: number | null;
  origin: 'upload' | 'demo';
  format: 'ifc' | 'glb' | 'gltf';
  ifc_schema: string | null;
  element_count: number;
  lon: number;
  lat: number;
  height: number;
  heading: number;
  georef_source: 'ifc-site' | 'manual' | 'carrier' | 'park';
  up_axis: 'y' | 'z';
  review_state: ReviewState;
  created_at: string;
  source_sha256?: string;
  source_ext?: string;
  glb_sha256?: string;
  glb_variant?: string;
  public?: boolean;
}

/** What a new model row needs. */
export interface NewModel {
  name: string;
  parkId: number | null;
  carrierId: number | null;
  origin: 'upload' | 'demo';
  format: 'ifc' | 'glb' | 'gltf';
  sourceSha256: string;
  sourceExt: string;
  glbSha256: string;
  glbVariant: string;
  ifcSchema: string | null;
  elementCount: number;
  lon: number;
  lat: number;
  height: number;
  heading: number;
  georefSource: ModelRow['georef_source'];
  upAxis: 'y' | 'z';
  reviewState: ReviewState;
  createdBy: number | null;
}

/** States of a background conversion. */
export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** A conversion's failure: both wordings, the reason and the file at fault. */
export interface JobError {
  zh: string;
  en: string;
  reason: string | null;
  file: string | null;
}

/** A background conversion (`tileset_jobs`). */
export interface JobRow {
  id: number;
  kind: 'oblique';
  file_name: string;
  source_sha256: string;
  source_bytes: number;
  /** name, parkId, carrierId, placement, lang and the checked plan (`ObliquePlan`). */
  options: Record<string, unknown>;
  state: JobState;
  stage: string;
  progress: number;
  error: JobError | null;
  warnings: string[];
  tileset_id: number | null;
  created_by: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Data access for tilesets and BIM models. */
export class ThreeDRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Inserts a tileset with its entries, all or nothing. */
  async insertTileset(t: NewTileset): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = await this.insertTilesetOn(client, t);
      await client.query('COMMIT');
      return id;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Inserts the tileset rows of `t` on `client` (inside the caller's transaction); returns its id. */
  private async insertTilesetOn(client: pg.PoolClient, t: NewTileset): Promise<number> {
    const p = t.placement;
    const { rows } = await client.query(Q.insertTileset, [
      t.name, t.parkId, t.carrierId, t.origin, t.sourceSha256, t.version, t.georeferenced,
      p?.lon ?? null, p?.lat ?? null, p?.height ?? null, p?.heading ?? null,
      t.center?.[0] ?? null, t.center?.[1] ?? null, t.tileCount, t.entries.length,
      t.entries.reduce((s, e) => s + e.size, 0), t.reviewState, t.createdBy,
    ]);
    const id = Number(rows[0].id);
    await client.query(Q.insertTilesetEntries, [id, JSON.stringify([...t.entries, ...(t.derivedEntries ?? [])])]);
    return id;
  }

  // ---------------------------------------------------------------- conversion jobs

  async insertJob(j: { fileName: string; sourceSha256: string; sourceBytes: number; options: Record<string, unknown>; createdBy: number | null }): Promise<number> {
    const { rows } = await this.pool.query(Q.insertJob, [j.fileName, j.sourceSha256, j.sourceBytes, JSON.stringify(j.options), j.createdBy]);
    return Number(rows[0].id);
  }

  async getJob(id: number): Promise<JobRow | null> {
    const row = (await this.pool.query(Q.getJob, [id])).rows[0];
    return row ? jobRow(row) : null;
  }

  async listJobs(limit: number): Promise<JobRow[]> {
    return (await this.pool.query(Q.listJobs, [limit])).rows.map(jobRow);
  }

  /** queued → running; false when it was not queued (taken, failed, done). */
  async claimJob(id: number): Promise<boolean> {
    return (await this.pool.query(Q.claimJob, [id])).rowCount === 1;
  }

  async setJobProgress(id: number, stage: string, progress: number): Promise<void> {
    await this.pool.query(Q.setJobProgress, [id, stage, Math.min(1, Math.max(0, progress))]);
  }

  async failJob(id: number, error: JobError): Promise<void> {
    await this.pool.query(Q.failJob, [id, JSON.stringify(error)]);
  }

  /**
   * Writes the converted tileset and marks its job done, in one transaction: a job is done with
   * its tileset, or has none. Returns the tileset's id; throws (nothing written) when the job is
   * no longer running.
   */
  async finishJob(jobId: number, t: NewTileset, warnings: string[]): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const id = await this.insertTilesetOn(client, t);
      const done = await client.query(Q.finishJob, [jobId, id, JSON.stringify(warnings)]);
      if (done.rowCount !== 1) throw new Error(`job ${jobId} is no longer running`);
      await client.query('COMMIT');
      return id;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Marks the jobs a stopped server left unfinished failed (`{file}` in the messages → the job's file); their ids. */
  async failInterrupted(zh: string, en: string): Promise<number[]> {
    return (await this.pool.query(Q.failInterrupted, [zh, en])).rows.map((r) => Number(r.id));
  }

  async listTilesets(seesUnpublished: boolean, parkId: number | null, carrierId: number | null): Promise<TilesetRow[]> {
    return (await this.pool.query<TilesetRow>(Q.listTilesets, [seesUnpublished, parkId, carrierId])).rows.map(num);
  }

  async getTileset(id: number): Promise<TilesetRow | null> {
    const row = (await this.pool.query<TilesetRow>(Q.getTileset, [id])).rows[0];
    return row ? num(row) : null;
  }

  async getTilesetEntry(id: number, path: string): Promise<TilesetEntryRow | null> {
    const row = (await this.pool.query<TilesetEntryRow>(Q.getTilesetEntry, [id, path])).rows[0];
    return row ? { ...row, size: Number(row.size), gzip_size: row.gzip_size === null ? null : Number(row.gzip_size) } : null;
  }

  async setTilesetPlacement(id: number, p: { lon: number; lat: number; height: number; heading: number }): Promise<boolean> {
    return (await this.pool.query(Q.setTilesetPlacement, [id, p.lon, p.lat, p.height, p.heading])).rowCount === 1;
  }

  async setTilesetReview(id: number, state: ReviewState): Promise<boolean> {
    return (await this.pool.query(Q.setTilesetReview, [id, state])).rowCount === 1;
  }

  async insertModel(m: NewModel): Promise<number> {
    const { rows } = await this.pool.query(Q.insertModel, [
      m.name, m.parkId, m.carrierId, m.origin, m.format, m.sourceSha256, m.sourceExt, m.glbSha256, m.glbVariant,
      m.ifcSchema, m.elementCount, m.lon, m.lat, m.height, m.heading, m.georefSource, m.upAxis, m.reviewState, m.createdBy,
    ]);
    return Number(rows[0].id);
  }

  async listModels(seesUnpublished: boolean, parkId: number | null, carrierId: number | null): Promise<ModelRow[]> {
    return (await this.pool.query<ModelRow>(Q.listModels, [seesUnpublished, parkId, carrierId])).rows.map(num);
  }

  async getModel(id: number): Promise<ModelRow | null> {
    const row = (await this.pool.query<ModelRow>(Q.getModel, [id])).rows[0];
    return row ? num(row) : null;
  }

  async setModelReview(id: number, state: ReviewState): Promise<boolean> {
    return (await this.pool.query(Q.setModelReview, [id, state])).rowCount === 1;
  }

  /** A point on the carrier (for placing a model on it), with its park. */
  async carrierAnchor(id: number): Promise<{ id: number; park_id: number | null; kind: string; lon: number; lat: number } | null> {
    const row = (await this.pool.query(Q.carrierAnchor, [id])).rows[0];
    return row ? { ...row, id: Number(row.id), park_id: row.park_id === null ? null : Number(row.park_id) } : null;
  }

  /** Whether PostGIS knows EPSG:`code`, and whether it is a projected CRS; null when unknown. */
  async crsInfo(code: number): Promise<{ projected: boolean } | null> {
    const row = (await this.pool.query(Q.crsInfo, [code])).rows[0];
    return row ? { projected: !!row.projected } : null;
  }

  /** Points in EPSG:`code` as WGS84 [lon, lat], in order (PostGIS/PROJ). */
  async projectToLonLat(code: number, points: [number, number][]): Promise<[number, number][]> {
    const { rows } = await this.pool.query(Q.projectToLonLat, [code, JSON.stringify(points)]);
    return rows.map((r) => [Number(r.lon), Number(r.lat)]);
  }

  async parkAnchor(id: number): Promise<{ id: number; lon: number; lat: number } | null> {
    const row = (await this.pool.query(Q.parkAnchor, [id])).rows[0];
    return row ? { ...row, id: Number(row.id) } : null;
  }
}

/** bigint columns come back as strings from pg; ids are small enough for numbers. */
function num<T extends { id: number | string; park_id?: number | string | null; carrier_id?: number | string | null; total_bytes?: number | string }>(r: T): T {
  return {
    ...r,
    id: Number(r.id),
    park_id: r.park_id === null || r.park_id === undefined ? null : Number(r.park_id),
    carrier_id: r.carrier_id === null || r.carrier_id === undefined ? null : Number(r.carrier_id),
    ...(r.total_bytes !== undefined ? { total_bytes: Number(r.total_bytes) } : {}),
  };
}

function jobRow(r: Record<string, any>): JobRow {
  return {
    ...r,
    id: Number(r.id), source_bytes: Number(r.source_bytes), progress: Number(r.progress),
    tileset_id: r.tileset_id === null ? null : Number(r.tileset_id), created_by: r.created_by === null ? null : Number(r.created_by),
    warnings: Array.isArray(r.warnings) ? r.warnings : [],
  } as JobRow;
}
