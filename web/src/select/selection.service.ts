/** Typed calls to /api/site-selection, /api/shortlists and /api/shared. */
import { requestJson } from '../shared/http.client.ts';
import type { FeatureCollection, Geometry } from 'geojson';

/** One criterion's part in a result's score. */
export interface CriterionExplanation { criterion: string; value: number | null; unit: string | null; score: number | null; weight: number; pass?: boolean }

/** One ranked site. */
export interface SelectionResult {
  id: number; layer: string; name: string; score: number; rank: number; criteria: CriterionExplanation[];
  distances: Record<string, number | null>; area_m2: number; price: number | null; price_unit: string | null;
  status: string; land_use: string | null; county: string | null; park_id: number | null;
}

/** The answer to a brief. */
export interface SelectionResponse { numberMatched: number; numberReturned: number; results: SelectionResult[]; geojson: FeatureCollection }

/** A site of a shared shortlist. */
export interface SharedSite {
  id: number; layer: string; name: string; position: number; note: string; status: string;
  county: { adcode: string; name_zh: string; name_en: string } | null;
  park: { id: number; name_zh: string; name_en: string } | null;
  indicators: Record<string, unknown>; photos: string[];
  nearest: { kind: string; name: string; distance_m: number }[]; geometry: Geometry;
}

/** The client's view of a shortlist. */
export interface SharedShortlist { clientName: string; expiresAt: string; sites: SharedSite[] }

export const selectSites = (brief: unknown, signal: AbortSignal) =>
  requestJson<SelectionResponse>('/api/site-selection', { signal, method: 'POST', body: brief });

export const saveShortlist = (body: { clientName: string; brief: unknown; items: { carrierId: number; note?: string }[] }, signal: AbortSignal) =>
  requestJson<{ id: number }>('/api/shortlists', { signal, method: 'POST', body });

export const shareShortlist = (id: number, expiresInDays: number, signal: AbortSignal) =>
  requestJson<{ url: string; token: string; expiresAt: string }>(`/api/shortlists/${id}/share`, { signal, method: 'POST', body: { expiresInDays } });

export const revokeShare = (id: number, token: string, signal: AbortSignal) =>
  requestJson<{ revoked: string[] }>(`/api/shortlists/${id}/share/revoke`, { signal, method: 'POST', body: { token } });

export const fetchShared = (token: string, signal: AbortSignal) =>
  requestJson<SharedShortlist>(`/api/shared/${encodeURIComponent(token)}`, { signal });
