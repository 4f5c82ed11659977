/** Typed calls to /api/site-selection, /api/shortlists and /api/shared. */
import { isAbortError, LatestRequest, requestJson } from '../shared/http.client.ts';
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

/** What `LiveSelection` reports to its page. */
export interface LiveSelectionHandlers {
  /** The brief as the form stands. */
  brief(): Record<string, unknown>;
  /** Whether an edit may run it by itself (every field valid, weights summing to 100). */
  ready(): boolean;
  /** The newest run's answer. */
  answer(res: SelectionResponse, brief: Record<string, unknown>): void;
  /** The newest run failed (never called for a superseded or aborted run). */
  error(err: Error): void;
  /** A run started (true) or the newest one ended (false). */
  busy(running: boolean): void;
}

/**
 * Runs the officer's brief as it is edited. `edited()` after each edit runs it once the edits
 * pause for `delayMs`; `run()` runs it at once. A run aborts the request of the run it supersedes
 * (AbortController), and only the newest run's answer or error is reported, so typing a number
 * never queues stale queries nor shows a stale answer; an unchanged brief is not asked again
 * unless forced (the search button).
 */
export class LiveSelection {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly latest = new LatestRequest();
  /** The brief of the answer on screen. */
  private shown = '';

  constructor(
    private readonly handlers: LiveSelectionHandlers,
    readonly delayMs = 350,
    private readonly send: (brief: unknown, signal: AbortSignal) => Promise<SelectionResponse> = selectSites,
  ) {}

  /** The form changed: run the brief when the edits pause (if it is ready). */
  edited(): void {
    clearTimeout(this.timer);
    if (this.handlers.ready()) this.timer = setTimeout(() => void this.run(), this.delayMs);
  }

  /** Run the brief now; `force` runs it even when its answer is the one on screen. */
  async run(force = false): Promise<void> {
    clearTimeout(this.timer);
    const brief = this.handlers.brief();
    const key = JSON.stringify(brief);
    if (!force && key === this.shown) return;
    const signal = this.latest.next();
    this.handlers.busy(true);
    try {
      const res = await this.send(brief, signal);
      if (!this.latest.isLatest(signal)) return;
      this.shown = key;
      this.handlers.answer(res, brief);
    } catch (err) {
      if (!isAbortError(err) && this.latest.isLatest(signal)) this.handlers.error(err as Error);
    } finally {
      if (this.latest.isLatest(signal)) this.handlers.busy(false);
    }
  }

  /** Cancel the pending run and the request in flight (the page is left). */
  stop(): void {
    clearTimeout(this.timer);
    this.latest.next();
  }
}
