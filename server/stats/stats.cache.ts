/**
 * A short-lived cache of dashboard answers, keyed by the figure, the validated filters, the
 * resolved period and whether the viewer counts rows in progress (the public and the signed-in
 * roles see different rows; every signed-in role sees the same ones).
 *
 * - An answer is tagged with the dashboard's change-log version (the newest `stats_commits` entry,
 *   migration 016, written when a transaction that changed a figure's input commits) read before
 *   its queries ran, and is used only while the version is unchanged (one index probe per
 *   request): any committed statement writing carriers, parks, counties, photos, history,
 *   enquiries or their events — an edit, an import, a review or publish, psql — drops every
 *   answer, as the change log drops tiles and selection.cache.ts drops candidates. A change
 *   committed between the version read and the queries makes the answer newer than its tag, never
 *   older.
 * - An answer expires `ttlMs` after it was computed, a safety net for what the version cannot see
 *   (a restored log with the same newest entry, a clock-dependent default period is in the key).
 * - Concurrent requests for the same key share one computation; a failed one is not kept.
 * - At most `maxEntries` answers (least recently used dropped first); answers are small (the
 *   figures, not rows).
 */

/** Options of the answer cache. */
export interface StatsCacheOptions {
  /** Lifetime of an answer after it was computed, ms (0 disables the cache). */
  ttlMs: number;
  /** Most answers kept. */
  maxEntries: number;
}

/** Defaults: ten minutes, 500 answers. */
export const STATS_CACHE_DEFAULTS: StatsCacheOptions = { ttlMs: 600_000, maxEntries: 500 };

interface Entry {
  at: number;
  version: string;
  value: Promise<unknown>;
}

/** Recently computed dashboard answers. */
export class StatsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: StatsCacheOptions = STATS_CACHE_DEFAULTS) {}

  /** The answer of `key` at change-log `version`: cached while current, else computed by `compute` (and kept). */
  async get<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return compute();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.version === version && now - hit.at < this.options.ttlMs) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    const entry: Entry = { at: now, version, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Drop every answer. */
  clear(): void {
    this.entries.clear();
  }
}
