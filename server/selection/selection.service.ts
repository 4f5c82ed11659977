/**
 * Site selection: the brief's constraints select candidates, every candidate is scored against
 * all the others, and one page is returned with an explanation per criterion and the page as
 * GeoJSON for the map. Where the candidates come from, fastest first: the candidate cache (the
 * brief's constraints were asked a moment ago), the candidate table (every published carrier's
 * columns and stored distances in memory, current as of the change log), or SQL (`rankPage`:
 * ranked in SQL, only the page comes back). The first two rank with scoring.ts, whose contract
 * the SQL reproduces exactly; all three give the same answer.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import {
  ATTRIBUTE_CRITERIA, CRITERIA, DISTANCE_PREFIX, LAYER_OF_KIND, distanceKind, measuredKinds, parseBrief, type Brief,
} from './brief.ts';
import { round6, scoreAll, sortRanked, type Rankable, type Ranked } from './scoring.ts';
import { CandidateCache, CANDIDATE_CACHE_DEFAULTS, type CachedCandidates, type CandidateCacheOptions } from './selection.cache.ts';
import { CandidateTable, CANDIDATE_TABLE_DEFAULTS, type CandidateTableOptions } from './selection.table.ts';
import { valuesOf } from './selection.query.ts';
import type { CarrierDetails, SelectionRepository } from './selection.repository.ts';

/** How one criterion bears on one result. */
export interface CriterionExplanation {
  criterion: string;
  value: number | null;
  unit: string | null;
  /** 0..100, null when the criterion is not weighted. */
  score: number | null;
  /** Percent of the total; 0 when not weighted. */
  weight: number;
  /** Present (true) when the brief also made this criterion a hard constraint. */
  pass?: boolean;
}

/** One ranked site. */
export interface SelectionResult {
  id: number;
  layer: string;
  name: string;
  score: number;
  rank: number;
  criteria: CriterionExplanation[];
  distances: Record<string, number | null>;
  area_m2: number;
  price: number | null;
  price_unit: string | null;
  status: string;
  land_use: string | null;
  county: string | null;
  park_id: number | null;
}

/** The answer to a brief. */
export interface SelectionResponse {
  numberMatched: number;
  numberReturned: number;
  limit: number;
  offset: number;
  results: SelectionResult[];
  geojson: FeatureCollection;
}

/** Options of a selection request. */
export interface SelectOptions {
  /** Do not use cached candidates (the request said `Cache-Control: no-cache`). */
  fresh?: boolean;
}

/** One result before it is explained: the carrier, its criterion values and its scores. */
interface PageEntry {
  row: CarrierDetails;
  values: Record<string, number | null>;
  score: number;
  /** Rounded score of each weighted criterion. */
  scores: Record<string, number>;
}

/** Criteria the brief turned into hard constraints. */
function constrainedCriteria(brief: Brief): Set<string> {
  const s = new Set<string>();
  if (brief.area.min !== null || brief.area.max !== null) s.add('area');
  if (brief.priceMin !== null || brief.priceMax !== null) s.add('price');
  if (brief.powerKvaMin !== null) s.add('power');
  if (brief.waterTPerDayMin !== null) s.add('water');
  if (brief.plotRatio.min !== null || brief.plotRatio.max !== null) s.add('plot_ratio');
  if (brief.floorLoadMin !== null) s.add('floor_load');
  if (brief.clearHeightMin !== null) s.add('clear_height');
  if (brief.standardLand.investmentIntensity !== null) s.add('investment_intensity');
  if (brief.standardLand.outputPerMu !== null) s.add('output_per_mu');
  for (const k of Object.keys(brief.maxDistanceM)) s.add(DISTANCE_PREFIX + k);
  return s;
}

function unitOf(criterion: string, row: CarrierDetails): string | null {
  if (distanceKind(criterion)) return 'm';
  const u = ATTRIBUTE_CRITERIA[criterion].unit;
  return u === null ? row.price_unit : u;
}

/**
 * Runs briefs: from the candidate cache when the brief's constraints were asked a moment ago, else
 * over the candidate table when it is current, else in SQL over all the candidates (only the page
 * comes back). All three give the same answer.
 */
export class SelectionService {
  private readonly cache: CandidateCache;
  private readonly table: CandidateTable;

  constructor(
    private readonly repo: SelectionRepository,
    private readonly cacheOptions: CandidateCacheOptions = CANDIDATE_CACHE_DEFAULTS,
    private readonly tableOptions: CandidateTableOptions = CANDIDATE_TABLE_DEFAULTS,
  ) {
    this.cache = new CandidateCache(repo, cacheOptions);
    this.table = new CandidateTable(repo, tableOptions);
  }

  /** The candidate table (the site finder answers from it too: server/search/search.table.ts). */
  get candidateTable(): CandidateTable {
    return this.table;
  }

  /** Parse `body` as a brief and answer it (scripts and benches; the route parses the brief itself and calls `answer`). */
  async select(body: unknown, options: SelectOptions = {}): Promise<SelectionResponse> {
    return (await this.answer(parseBrief(body), options)).response;
  }

  /**
   * `select`, telling also where the ranking came from: the candidate cache (constraints asked a
   * moment ago), the candidate table (every published carrier in memory) or SQL. `fresh` skips
   * the cache of earlier briefs' candidates; the table is current data (checked against the
   * change log on every request), so it answers fresh requests too.
   */
  async answer(brief: Brief, options: SelectOptions = {}): Promise<{ response: SelectionResponse; source: 'cache' | 'table' | 'sql' }> {
    const kinds = measuredKinds(brief);
    const useTable = this.tableOptions.maxCarriers > 0;
    const useCache = !options.fresh && this.cacheOptions.ttlMs > 0;
    if (useTable || useCache) {
      // One probe of the change log validates both.
      const version = await this.repo.changeVersion();
      if (options.fresh) this.cache.seen(brief);
      const fromTable = (k: string[]) => (useTable ? this.table.candidates(brief, k, version) : Promise.resolve(null));
      const cached = useCache ? await this.cache.get(brief, kinds, version, fromTable) : null;
      if (cached) return { response: await this.rankCandidates(brief, kinds, cached), source: 'cache' };
      const ranked = useTable ? await this.table.rank(brief, kinds, version) : null;
      if (ranked) return { response: await this.respondPage(brief, kinds, ranked.matched, ranked.page), source: 'table' };
    }
    const { matched, rows, criteria } = await this.repo.rankPage(brief);
    const response = this.respond(brief, kinds, matched, rows.map((row) => ({
      row, values: valuesOf(row.v, kinds), score: row.score,
      scores: Object.fromEntries(criteria.map((c, j) => [c, round6(row.scores[j])])),
    })));
    return { response, source: 'sql' };
  }

  /** Rank candidates read earlier (scoring.ts: the same ranking as SQL's) and fetch the page's details. */
  private async rankCandidates(brief: Brief, kinds: string[], data: CachedCandidates): Promise<SelectionResponse> {
    const ranked = sortRanked(scoreAll(data.candidates, brief.weights, brief.directions), brief.sort.key, brief.sort.descending);
    return this.respondPage(brief, kinds, ranked.length, ranked.slice(brief.offset, brief.offset + brief.limit));
  }

  /** Fetch the details of a page ranked in this process and explain it. */
  private async respondPage(brief: Brief, kinds: string[], matched: number, page: Ranked<Rankable>[]): Promise<SelectionResponse> {
    const details = await this.repo.details(page.map((r) => r.candidate.id));
    const entries = page.flatMap((r) => {
      const row = details.get(r.candidate.id);
      return row ? [{ row, values: r.candidate.values, score: r.score, scores: r.scores }] : [];
    });
    return this.respond(brief, kinds, matched, entries);
  }

  /** Explain each result of the page and draw the page as GeoJSON. */
  private respond(brief: Brief, kinds: string[], matched: number, page: PageEntry[]): SelectionResponse {
    const constrained = constrainedCriteria(brief);
    const shown = CRITERIA.filter((c) => c in brief.weights || constrained.has(c));
    const results: SelectionResult[] = page.map(({ row, values, score, scores }, i) => ({
      id: row.id,
      layer: LAYER_OF_KIND[row.kind],
      name: row.name,
      score,
      rank: brief.offset + i + 1,
      criteria: shown.map((c) => ({
        criterion: c,
        value: values[c] ?? null,
        unit: unitOf(c, row),
        score: c in scores ? scores[c] : null,
        weight: brief.weights[c] ?? 0,
        ...(constrained.has(c) ? { pass: true } : {}),
      })),
      distances: Object.fromEntries(kinds.map((k) => [k, values[DISTANCE_PREFIX + k] ?? null])),
      area_m2: row.area_m2,
      price: row.price,
      price_unit: row.price_unit,
      status: row.status,
      land_use: row.land_use,
      county: row.county_adcode,
      park_id: row.park_id,
    }));
    const features: Feature[] = page.map(({ row }, i) => {
      const r = results[i];
      return {
        type: 'Feature' as const, id: r.id, geometry: JSON.parse(row.geometry) as Geometry,
        properties: { id: r.id, layer: r.layer, name: r.name, score: r.score, rank: r.rank, status: r.status },
      };
    });
    return {
      numberMatched: matched,
      numberReturned: results.length,
      limit: brief.limit,
      offset: brief.offset,
      results,
      geojson: { type: 'FeatureCollection', features },
    };
  }
}
