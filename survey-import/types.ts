/**
 * Shapes shared by the survey-import pipeline:
 * read (format reader → items + warnings) → normalize (CRS, units, field mapping) → validate
 * (per-item errors) → stage (rows in import_items) → commit (one transaction) → derive.
 */
import type { Geometry } from 'geojson';
import { FileError } from '../core/errors.ts';

/** An uploaded file as the readers see it. */
export interface InputFile {
  /** Original file name (used in every message). */
  name: string;
  bytes: Uint8Array;
}

/**
 * Coordinate reference system of read coordinates.
 * `EPSG:n` for anything PostGIS knows (transformed in the database with ST_Transform);
 * `gcj02` / `bd09` for coordinates copied from Chinese map apps (converted in JS).
 */
export type SourceCrs = `EPSG:${number}` | 'gcj02' | 'bd09';

/** A problem with one item (or the whole file when `index` is null). */
export interface ItemIssue {
  file: string;
  /** 0-based feature/row/point index within the file; null for file-level issues. */
  index: number | null;
  /** Human-readable position, e.g. "row 17", "feature 3", "trkpt 12 of track 1". */
  where?: string;
  /** Field or coordinate involved, e.g. "longitude", "geometry", "MJ". */
  field?: string;
  /** The bad value as found. */
  value?: unknown;
  /** 'error' rejects the item; 'warning' keeps it. Set by the pipeline when a reader leaves it out. */
  severity?: 'error' | 'warning';
  /** Stable code of the problem (pipeline/messages.ts); readers' issues get theirs when served. */
  code?: string;
  /** Values of the coded message's template. */
  params?: Record<string, unknown>;
  message: string;
}

/** One thing a reader found: a feature with geometry in `crs` and raw attributes. */
export interface ReadItem {
  file: string;
  index: number;
  /** Human-readable position for messages, e.g. "row 17". */
  where: string;
  /** Geometry in the reader's CRS; null when the item has none (reported as an error later). */
  geometry: Geometry | null;
  /** Raw attributes exactly as read (header/field names as in the file). */
  properties: Record<string, unknown>;
  /** What kind of item: a parcel/polygon feature, a GPS track, a route, a waypoint, a photo… */
  kind: 'feature' | 'track' | 'route' | 'waypoint' | 'point' | 'photo' | 'panorama' | 'overlay';
}

/** What a reader returns for one file. */
export interface ReadResult {
  items: ReadItem[];
  /** CRS the geometries are in (from .prj, GeoJSON crs member, option, or the format's default). */
  crs: SourceCrs;
  /** How the CRS was decided, e.g. ".prj: CGCS2000 / 3-degree Gauss-Kruger CM 108E". */
  crsSource: string;
  /** Non-fatal problems (e.g. repaired geometry, unknown column, encoding guess). */
  warnings: ItemIssue[];
  /** Item-level errors found while reading (bad coordinates, empty geometry, …). */
  errors: ItemIssue[];
}

/** Options every reader accepts. */
export interface ReadOptions {
  /** Explicit CRS; overrides what the file says. */
  crs?: SourceCrs;
  /** Attribute encoding for DBF/CSV when the file does not say (e.g. "gbk", "utf-8"). */
  encoding?: string;
}

/** Thrown when a whole file cannot be read; names the file and why. */
export class ReadError extends FileError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = 'ReadError';
  }
}
