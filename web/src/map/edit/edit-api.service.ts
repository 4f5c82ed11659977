/**
 * Calls of the edit mode: the editable state of a feature, drafts (save, draw, delete, restore,
 * bulk), changesets (list, publish, reject) and history. The ETag an edit started from travels in
 * the body (`etag`), which the server reads like If-Match. Messages come in the page's language.
 */
import type { Geometry } from 'geojson';
import { requestJson, type FieldProblem, type HttpError } from '../../shared/http.client.ts';
import { getLang } from '../../shared/i18n.service.ts';

/** Per-field problems of a refused edit (`error.fields` of a 400). */
export type FieldProblems = FieldProblem[];

/** A refused edit: an `HttpError`, with the server's per-field problems in `fields` when it sent them. */
export type EditHttpError = HttpError;

/** A change through the one HTTP client (messages in the page's language). */
function send<T>(url: string, method: 'POST' | 'PUT' | 'DELETE', body: unknown, signal: AbortSignal): Promise<T> {
  return requestJson<T>(url, { method, body, signal, lang: getLang() });
}

/** A feature as the editor works on it (`GET …/edit`). */
export interface EditableFeature {
  layer: string;
  id: string;
  etag: string;
  version: number;
  properties: Record<string, unknown>;
  geometry: Geometry | null;
  draft: { revisionId: string; changesetId: string; action: string; author: string; at: string } | null;
}

/** One history entry. */
export interface HistoryEntry {
  id: string;
  action: string;
  applied: boolean;
  version: number | null;
  actor: string | null;
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  geometryChanged: boolean;
}

/** A changeset waiting for review (or decided). */
export interface Changeset {
  id: string;
  state: string;
  note: string | null;
  author: string;
  createdAt: string;
  revisions: { id: string; layer: string; featureId: string; action: string; state: string; changes: Record<string, { before: unknown; after: unknown }>; geometryChanged: boolean }[];
}

const q = () => `?lang=${getLang()}`;
const f = (layer: string, id?: string) => `/api/layers/${encodeURIComponent(layer)}/features${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

/** The editable state of a feature with its ETag. */
export function fetchEditable(layer: string, id: string, signal: AbortSignal): Promise<EditableFeature> {
  return requestJson(`${f(layer, id)}/edit${q()}`, { signal });
}

/** Save an edit as a draft. */
export function saveDraft(layer: string, id: string, body: { properties: Record<string, unknown>; geometry?: Geometry; etag: string; note?: string }, signal: AbortSignal): Promise<EditableFeature> {
  return send(`${f(layer, id)}${q()}`, 'PUT', body, signal);
}

/** Draw a new feature (a draft). */
export function createDraft(layer: string, body: { properties: Record<string, unknown>; geometry: Geometry; note?: string }, signal: AbortSignal): Promise<EditableFeature> {
  return send(`${f(layer)}${q()}`, 'POST', body, signal);
}

/** Propose deleting a feature. */
export function deleteDraft(layer: string, id: string, etag: string, signal: AbortSignal): Promise<EditableFeature> {
  return send(`${f(layer, id)}${q()}`, 'DELETE', { etag }, signal);
}

/** A feature's history, newest first. */
export async function fetchHistory(layer: string, id: string, signal: AbortSignal): Promise<HistoryEntry[]> {
  return (await requestJson<{ history: HistoryEntry[] }>(`${f(layer, id)}/history${q()}`, { signal })).history;
}

/** Restore the state after a history entry as a new draft. */
export function restoreDraft(layer: string, id: string, historyId: string, etag: string, signal: AbortSignal): Promise<EditableFeature> {
  return send(`${f(layer, id)}/history/${encodeURIComponent(historyId)}/restore${q()}`, 'POST', { etag }, signal);
}

/** The same values for many features, as one changeset. */
export function bulkEdit(layer: string, ids: string[], properties: Record<string, unknown>, signal: AbortSignal): Promise<{ changesetId: string; count: number }> {
  return send(`/api/layers/${encodeURIComponent(layer)}/bulk-edit${q()}`, 'POST', { ids, properties }, signal);
}

/** Changesets waiting for review. */
export async function fetchChangesets(signal: AbortSignal): Promise<Changeset[]> {
  return (await requestJson<{ changesets: Changeset[] }>(`/api/changesets${q()}&state=draft`, { signal })).changesets;
}

/** Reviewer: publish or reject a changeset. */
export function decideChangeset(id: string, decision: 'publish' | 'reject', signal: AbortSignal): Promise<Changeset> {
  return send(`/api/changesets/${encodeURIComponent(id)}/${decision}${q()}`, 'POST', undefined, signal);
}
