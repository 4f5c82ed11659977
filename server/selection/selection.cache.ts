/**
 * A short-lived cache of site-selection candidates, keyed by the constraint part of a brief. An
 * officer adjusting a brief live mostly changes weights, preferences, the sort or the page: those
 * re-rank the same candidates, so the candidates' criterion values are kept in memory and ranked
 * here with scoring.ts, the contract the SQL ranking reproduces.
 *
 * - A constraint set is cached the second time it is asked within `ttlMs` (the first answer comes
 *   from the candidate table or the SQL ranking, which keep no candidate objects; a brief asked
 *   once costs nothing here). A request that asked for a fresh answer never reads the cache and
 *   counts as a first time. An entry is filled from the candidate table (selection.table.ts) when
 *   it is current, else in SQL.
 * - An entry is tagged with the change-log version read before its candidates were read (or the
 *   candidate table's, which equals it), and is
 *   used only while the version is unchanged (one index probe per request): any insert, update or
 *   delete of a carrier or amenity, whatever wrote it, drops it, as for tiles. It expires `ttlMs`
 *   after it was filled, which also bounds the one hole of a max-id version (a transaction that
 *   took a lower id commits after a higher one was read).
 * - An entry holds the distances of the kinds it was filled with; a brief that needs another kind
 *   refills it with the union.
 * - At most `maxEntries` entries and `maxCandidates` candidates in all (least recently used dropped
 *   first); a set bigger than `maxCandidates` is always ranked in SQL.
 */
import type { Brief } from './brief.ts';
import type { Rankable } from './scoring.ts';
import { valuesOf } from './selection.query.ts';
import type { SelectionRepository } from './selection.repository.ts';

/** Options of the candidate cache. */
export interface CandidateCacheOptions {
  /** Lifetime of an entry after it was filled, ms (0 disables the cache). */
  ttlMs: number;
  /** Most constraint sets kept. */
  maxEntries: number;
  /** Most candidates kept, over all entries (about 0.5 KB each). */
  maxCandidates: number;
}

/** Defaults: a minute, 32 constraint sets, 100,000 candidates in all. */
export const CANDIDATE_CACHE_DEFAULTS: CandidateCacheOptions = { ttlMs: 60_000, maxEntries: 32, maxCandidates: 100_000 };

/** Another way to read a brief's candidates (the candidate table), tried before SQL; null when it cannot. */
export type CandidateSource = (kinds: string[]) => Promise<CachedCandidates | null>;

/** A cached candidate set. */
export interface CachedCandidates {
  /** The measured kinds whose distances `candidates[i].values` hold. */
  kinds: string[];
  candidates: Rankable[];
}

interface Entry {
  at: number;
  /** Candidates held, once filled. */
  size: number;
  /** Change-log version the candidates were read at (undefined: seen once, not filled). */
  version?: number;
  kinds: string[];
  data?: Promise<CachedCandidates | null>;
}

/** The constraint part of a brief: everything but weights, preferences, sort and paging. */
export function constraintKey(brief: Brief): string {
  const { weights: _w, directions: _d, sort: _s, limit: _l, offset: _o, ...constraints } = brief;
  return JSON.stringify(constraints);
}

/** Candidates of recently asked constraint sets. */
export class CandidateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly repo: SelectionRepository, private readonly options: CandidateCacheOptions = CANDIDATE_CACHE_DEFAULTS) {}

  /**
   * The cached candidates of the brief's constraints when they may be used (filling them on the
   * second ask), or null: then the caller ranks in SQL.
   */
  async get(brief: Brief, kinds: string[], version: number, source?: CandidateSource): Promise<CachedCandidates | null> {
    if (this.options.ttlMs <= 0) return null;
    const key = constraintKey(brief);
    const now = Date.now();
    let entry = this.entries.get(key);
    if (entry && now - entry.at > this.options.ttlMs) entry = undefined;
    if (!entry) {
      this.remember(key, { at: now, size: 0, kinds: [] });
      return null;
    }
    this.entries.delete(key);
    this.entries.set(key, entry); // most recently used last
    const known = entry.kinds;
    const covers = kinds.every((k) => known.includes(k));
    if (!entry.data || entry.version !== version || !covers) {
      const union = [...new Set([...known, ...kinds])].sort();
      const filled: Entry = { at: now, size: 0, version, kinds: union, data: this.fill(brief, union, source) };
      this.remember(key, filled);
      entry = filled;
    }
    const data = await entry.data!;
    if (!data) {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      return null;
    }
    if (!entry.size) {
      entry.size = data.candidates.length;
      this.trim();
    }
    return data;
  }

  /** Note that the brief's constraints were asked (answered without the cache). */
  seen(brief: Brief): void {
    if (this.options.ttlMs <= 0) return;
    const key = constraintKey(brief);
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.options.ttlMs) this.remember(key, { at: Date.now(), size: 0, kinds: [] });
  }

  /** Drop every entry. */
  clear(): void {
    this.entries.clear();
  }

  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.trim();
  }

  /** Drop the least recently used entries beyond the limits (the newest always stays). */
  private trim(): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.size;
    for (const [key, e] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= this.options.maxEntries && total <= this.options.maxCandidates)) break;
      this.entries.delete(key);
      total -= e.size;
    }
  }

  private async fill(brief: Brief, kinds: string[], source?: CandidateSource): Promise<CachedCandidates | null> {
    try {
      const fromSource = source ? await source(kinds) : null;
      if (fromSource) return fromSource.candidates.length > this.options.maxCandidates ? null : fromSource;
      const { ids, priceUnits, values } = await this.repo.candidateValues(brief, kinds);
      if (ids.length > this.options.maxCandidates) return null;
      return { kinds, candidates: ids.map((id, i) => ({ id: Number(id), priceUnit: priceUnits[i], values: valuesOf(values[i], kinds) })) };
    } catch {
      return null; // the caller ranks in SQL, which reports the error if it persists
    }
  }
}
