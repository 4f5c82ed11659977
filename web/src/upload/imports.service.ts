/**
 * Typed calls to `/api/imports`: list, preview (items and issues), commit, undo, review, and the
 * upload itself (through the shared client's `requestMultipart`, which reports upload progress).
 */
import type { FeatureCollection, Geometry } from 'geojson';
import { HttpError, requestJson, requestMultipart, type UploadProgress } from '../shared/http.client.ts';
import { getLang } from '../shared/i18n.service.ts';

/** `lang=` for the page's language: the server words issues and reasons in it (codes stay). */
const langParam = () => `lang=${getLang()}`;

/** Layers that accept survey imports, in the order the layer picker shows them. */
export const IMPORT_LAYERS = ['land', 'factories', 'offices', 'amenities', 'photos', 'panoramas', 'tracks'] as const;
export type ImportLayer = (typeof IMPORT_LAYERS)[number];

/** Batch life cycle: uploaded → parsed → validated → committed | failed | undone. */
export type BatchStatus = 'uploaded' | 'parsed' | 'validated' | 'committed' | 'failed' | 'undone';

/** A problem the pipeline found; `index` is null for a problem with the whole file. */
export interface ImportIssue {
  file: string;
  index: number | null;
  /** Human-readable position, e.g. "row 17", "trkpt 3 of track 1". */
  where?: string;
  field?: string;
  value?: unknown;
  message: string;
  /** Sent by newer servers; otherwise the client derives it from the item's status. */
  severity?: 'error' | 'warning';
  /** Stable code of the problem (e.g. `outside_service_area`), whatever the language. */
  code?: string;
}

/** `batch.summary` once a batch is validated. */
export interface BatchSummary {
  total?: number;
  valid?: number;
  warnings?: number;
  rejected?: number;
  updates?: number;
  /** One line per file: "name: EPSG:4545 (.prj: CGCS2000 / 3-degree Gauss-Kruger CM 108E)". */
  crs?: string[];
  fileIssues?: ImportIssue[];
  /** Files of the upload this layer did not import, with the reason (in the page's language). */
  notImported?: { file: string; code: string; reason: string }[];
  /** Attributes that match no column of the layer, per file, with the number of rows holding them. */
  unmapped?: { file: string; fields: { field: string; rows: number }[] }[];
}

/** One import batch as `/api/imports` returns it. */
export interface ImportBatch {
  id: number;
  layer: ImportLayer;
  status: BatchStatus;
  crs: string | null;
  files: { name: string; sha256: string; size: number }[];
  summary: BatchSummary | null;
  /** Why a failed batch failed. */
  error: string | null;
  createdAt: string;
  committedAt: string | null;
  undoneAt: string | null;
  /** Set when identical files were already committed in that batch: nothing new was imported. */
  duplicateOf?: number;
}

/** Properties of a preview item (plus the mapped attribute values of the target layer). */
export interface ImportItemProperties extends Record<string, unknown> {
  file: string;
  index: number;
  where: string;
  kind: string;
  status: 'valid' | 'warning' | 'rejected';
  /** null for rejected items (they are neither inserted nor update anything). */
  action: 'insert' | 'update' | null;
  issues: ImportIssue[];
  area_m2: number | null;
}

/** `GET /api/imports/{id}/items`. */
export type ImportItems = FeatureCollection<Geometry | null, ImportItemProperties>;

/** Review states a reviewer can set on a committed batch. */
export type ReviewState = 'verified' | 'published';

/** What one upload sends besides the files. */
export interface UploadOptions {
  layer: ImportLayer;
  /** `EPSG:n`, `gcj02` or `bd09`; omitted means "from the file". */
  crs?: string;
  /** `utf-8` or `gbk`; omitted means "detect". */
  encoding?: string;
  /** Source field → target column. */
  mapping?: Record<string, string>;
}

/** A file to upload and the name the server should see (the relative path for folder uploads). */
export interface UploadFile {
  file: File;
  name: string;
}

/** `GET /api/imports?limit=`: recent batches, newest first. */
export async function listBatches(signal: AbortSignal, limit = 50): Promise<ImportBatch[]> {
  return (await requestJson<{ batches: ImportBatch[] }>(`/api/imports?limit=${limit}&${langParam()}`, { signal })).batches;
}

/** `GET /api/imports/{id}`. */
export async function fetchBatch(id: number, signal: AbortSignal): Promise<ImportBatch> {
  return (await requestJson<{ batch: ImportBatch }>(`/api/imports/${id}?${langParam()}`, { signal })).batch;
}

/** `GET /api/imports/{id}/items`: every item of the batch (up to 10,000) as GeoJSON. */
export function fetchItems(id: number, signal: AbortSignal, limit = 10_000): Promise<ImportItems> {
  return requestJson<ImportItems>(`/api/imports/${id}/items?limit=${limit}&${langParam()}`, { signal });
}

/** `GET /api/imports/{id}/issues`: every problem, file-level ones first. */
export async function fetchIssues(id: number, signal: AbortSignal): Promise<ImportIssue[]> {
  return (await requestJson<{ issues: ImportIssue[] }>(`/api/imports/${id}/issues?${langParam()}`, { signal })).issues;
}

/** A layer attribute an unmapped source field can be mapped to. */
export interface MappingTarget {
  column: string;
  label: { zh: string; en: string };
  unit?: string;
}

/** `GET /api/imports/{id}/mapping`: the mapping in force, the mappable source fields and the layer's targets. */
export interface BatchMapping {
  batch: number;
  mapping: Record<string, string>;
  fields: { field: string; files: string[]; rows: number; mappedTo: string | null }[];
  targets: MappingTarget[];
}

/** `GET /api/imports/{id}/mapping`. */
export function fetchMapping(id: number, signal: AbortSignal): Promise<BatchMapping> {
  return requestJson<BatchMapping>(`/api/imports/${id}/mapping?${langParam()}`, { signal });
}

/**
 * `POST /api/imports/{id}/mapping`: map source fields onto layer attributes ("ignore" leaves one
 * out); the server stages the batch again and answers it (400 names each field and value it refuses).
 */
export async function remapBatch(id: number, mapping: Record<string, string>, signal: AbortSignal): Promise<ImportBatch> {
  return (await requestJson<{ batch: ImportBatch }>(`/api/imports/${id}/mapping?${langParam()}`, { signal, method: 'POST', body: { mapping } })).batch;
}

/** `POST /api/imports/{id}/commit`: the batch's valid and warning items become draft features. */
export async function commitBatch(id: number, signal: AbortSignal): Promise<ImportBatch> {
  return (await requestJson<{ batch: ImportBatch }>(`/api/imports/${id}/commit?${langParam()}`, { signal, method: 'POST' })).batch;
}

/** `POST /api/imports/{id}/undo`: removes what the batch added and restores what it updated. */
export async function undoBatch(id: number, signal: AbortSignal): Promise<ImportBatch> {
  return (await requestJson<{ batch: ImportBatch }>(`/api/imports/${id}/undo?${langParam()}`, { signal, method: 'POST' })).batch;
}

/** `POST /api/imports/{id}/review`: verify or publish every feature of a committed batch. */
export function reviewBatch(id: number, state: ReviewState, signal: AbortSignal): Promise<{ batch: ImportBatch; features: number }> {
  return requestJson<{ batch: ImportBatch; features: number }>(`/api/imports/${id}/review`, { signal, method: 'POST', body: { state } });
}

/**
 * `POST /api/imports` as multipart/form-data: fields first (layer, crs, encoding, mapping), then
 * one `file` part per file. Resolves with the batch (`duplicateOf` set when nothing new was
 * imported); rejects with `HttpError` (the server's message for 400/401/403/413) or an
 * `AbortError` when `signal` fires.
 */
export async function uploadBatch(
  files: UploadFile[],
  opts: UploadOptions,
  signal: AbortSignal,
  onProgress: (p: UploadProgress) => void,
): Promise<ImportBatch> {
  const url = `/api/imports?${langParam()}`;
  const form = new FormData();
  form.append('layer', opts.layer);
  form.append('lang', getLang());
  if (opts.crs) form.append('crs', opts.crs);
  if (opts.encoding) form.append('encoding', opts.encoding);
  if (opts.mapping && Object.keys(opts.mapping).length) form.append('mapping', JSON.stringify(opts.mapping));
  for (const f of files) form.append('file', f.file, f.name);

  const { batch } = await requestMultipart<{ batch?: ImportBatch }>(url, form, { signal, onProgress });
  if (!batch) throw new HttpError(200, url, `POST ${url}: answer has no batch`);
  return batch;
}
