/**
 * Statistics rules: the summary an officer or investor sees first, and the leaders' dashboard
 * (/stats.html) figures. Every figure is computed in SQL (stats.sql); this module decides who sees
 * what, fills in the defaults of the filters and shapes the answers (m² to the cm², months,
 * 同比/环比 where the history reaches back far enough).
 *
 * Visibility: the anonymous public counts published rows only; every signed-in role (staff,
 * reviewers, officers, admins) counts published rows and rows in progress (draft, verified), unless
 * it asks for the public variant (`published=true`). Enquiry figures are for signed-in users only.
 *
 * Answers are cached (stats.cache.ts) per figure, filters, period and visibility while the
 * dashboard's change log is unchanged, for at most ten minutes.
 */
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import type { I18nText } from '../../layers/definition.ts';
import type { CarrierFilter, StatsRepository } from './stats.repository.ts';
import { STATS_CACHE_DEFAULTS, StatsCache, type StatsCacheOptions } from './stats.cache.ts';

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const r2 = (v: number) => Math.round(v * 100) / 100;

/** One cell of the summary: county adcode × layer × status, with its count and areas (m², to the cm²). */
export interface SummaryCell {
  county: string;
  layer: string;
  status: string | null;
  count: number;
  areaM2: number | null;
  floorAreaM2: number | null;
}

/** A county-level unit of the summary. */
export interface SummaryCounty {
  adcode: string;
  name: I18nText;
  areaM2: number;
}

/** Carrier kinds and statuses the filters take. */
export const STAT_TYPES = ['land', 'factory', 'office'] as const;
export const STAT_STATUSES = ['available', 'reserved', 'occupied'] as const;

/** The dashboard filters as the route validated them. */
export interface StatsQuery {
  county?: string[];
  park?: number[];
  type?: (typeof STAT_TYPES)[number][];
  status?: (typeof STAT_STATUSES)[number][];
  /** First day of the period (YYYY-MM-DD); default: the first day of the month 11 months before `to`. */
  from?: string;
  /** Last day of the period (YYYY-MM-DD); default: today. */
  to?: string;
  /** Count published rows only, whoever asks (the public variant). */
  published?: boolean;
}

/** A resolved period: days and the months it covers (YYYY-MM). */
interface Period { from: string; to: string; months: string[] }

/** Longest period the time charts cover. */
export const MAX_MONTHS = 60;

const monthOf = (day: string) => day.slice(0, 7);
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
function monthsBetween(a: string, b: string): string[] {
  const out: string[] = [];
  for (let m = a; m <= b; m = addMonths(m, 1)) out.push(m);
  return out;
}
const today = () => new Date().toISOString().slice(0, 10);
const name = (r: { name_zh: string; name_en: string }): I18nText => ({ zh: r.name_zh, en: r.name_en });
/** Percent change from `prev` to `cur` (one decimal), null when there is nothing to compare. */
const change = (cur: number, prev: number | undefined) => (prev === undefined || prev === 0 ? null : Math.round(((cur - prev) / prev) * 1000) / 10);

const PRUNE_EVERY_MS = 600_000;

/** Statistics rules. */
export class StatsService {
  private readonly cache: StatsCache;
  /** When the change log was last pruned (ms since epoch); pruned at most every `PRUNE_EVERY_MS`. */
  private prunedAt = 0;

  constructor(private readonly repo: StatsRepository, cacheOptions: StatsCacheOptions = STATS_CACHE_DEFAULTS) {
    this.cache = new StatsCache(cacheOptions);
  }

  /**
   * The answer of `figure` for these filters (and the resolved period when it depends on it) and
   * this visibility, from the cache while the change log is unchanged.
   */
  private async cached<T>(figure: string, viewer: Viewer, q: StatsQuery, withPeriod: boolean, compute: () => Promise<T>): Promise<T> {
    const f = this.filter(viewer, q);
    const sorted = <T>(v: T[] | null) => (v ? [...v].sort() : null);
    const p = withPeriod ? this.period(q) : null;
    const key = JSON.stringify([figure, f.seesUnpublished, sorted(f.counties), sorted(f.parks), sorted(f.kinds), sorted(f.statuses), p?.from, p?.to]);
    this.pruneNowAndThen();
    return this.cache.get(key, await this.repo.changeVersion(), compute);
  }

  /**
   * The change log gains one entry per write statement; old entries are dropped in the background
   * at most every ten minutes (a failure only logs: the next request tries again later).
   */
  private pruneNowAndThen(): void {
    const now = Date.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.repo.pruneChangeLog().catch((err: unknown) => console.warn('stats: pruning the change log failed:', (err as Error).message));
  }

  /** Counts and areas by county adcode × layer × status, as visible to the viewer. */
  async summary(viewer: Viewer): Promise<{ rows: SummaryCell[]; counties: SummaryCounty[] }> {
    const [rows, counties] = await Promise.all([this.repo.summary(seesUnpublished(viewer)), this.repo.counties()]);
    return {
      rows: rows.map((r) => ({
        county: r.county, layer: r.layer, status: r.status, count: r.count, areaM2: round2(r.area_m2), floorAreaM2: round2(r.floor_area_m2),
      })),
      counties: counties.map((c) => ({ adcode: c.adcode, name: { zh: c.name_zh, en: c.name_en }, areaM2: round2(c.area_m2)! })),
    };
  }

  /** Whether the dashboard counts rows in progress for this viewer and query. */
  static seesInProgress(viewer: Viewer, q: StatsQuery): boolean {
    return viewer.user !== null && !q.published;
  }

  private filter(viewer: Viewer, q: StatsQuery): CarrierFilter {
    const list = <T>(v: T[] | undefined) => (v && v.length ? [...new Set(v)] : null);
    return {
      seesUnpublished: StatsService.seesInProgress(viewer, q), counties: list(q.county), parks: list(q.park),
      kinds: list(q.type), statuses: list(q.status),
    };
  }

  /** The period of the query; a `from` after `to` or a period over MAX_MONTHS months is a 400. */
  period(q: StatsQuery): Period {
    const to = q.to ?? today();
    const from = q.from ?? `${addMonths(monthOf(to), -11)}-01`;
    if (from > to) throw new AppError('bad_request', `parameter "from" must not be after "to", got from=${from} to=${to}`, { parameter: 'from', value: from });
    const months = monthsBetween(monthOf(from), monthOf(to));
    if (months.length > MAX_MONTHS) {
      throw new AppError('bad_request', `the period from ${from} to ${to} covers ${months.length} months; at most ${MAX_MONTHS}`, { parameter: 'from', value: from });
    }
    return { from, to, months };
  }

  /** Filter lists: counties and the parks the viewer may see. */
  async options(viewer: Viewer, q: StatsQuery) {
    return this.cached('options', viewer, q, false, () => this.optionsNow(viewer, q));
  }

  private async optionsNow(viewer: Viewer, q: StatsQuery) {
    const sees = StatsService.seesInProgress(viewer, q);
    const [counties, parks] = await Promise.all([this.repo.counties(), this.repo.parkNames(sees)]);
    return {
      scope: sees ? 'all' : 'published',
      counties: counties.map((c) => ({ adcode: c.adcode, name: name(c) })),
      parks: parks.map((p) => ({ id: p.id, name: name(p), county: p.county })),
      types: [...STAT_TYPES], statuses: [...STAT_STATUSES],
    };
  }

  /** Count, land area and floor area per county × type × status (available / negotiating / occupied). */
  async status(viewer: Viewer, q: StatsQuery) {
    return this.cached('status', viewer, q, false, () => this.statusNow(viewer, q));
  }

  private async statusNow(viewer: Viewer, q: StatsQuery) {
    const rows = await this.repo.statusByCountyKind(this.filter(viewer, q));
    return {
      rows: rows.map((r) => ({ county: r.county, type: r.kind, status: r.status, count: r.count, areaM2: r2(r.area_m2), floorAreaM2: r2(r.floor_area_m2) })),
    };
  }

  /** Available carriers (count, land and floor area) by county and by park. */
  async available(viewer: Viewer, q: StatsQuery) {
    return this.cached('available', viewer, q, false, () => this.availableNow(viewer, q));
  }

  private async availableNow(viewer: Viewer, q: StatsQuery) {
    const f = this.filter(viewer, q);
    const [rows, parks] = await Promise.all([this.repo.statusByCountyKind(f), this.repo.parks(f)]);
    const byCounty = new Map<string, { county: string; count: number; areaM2: number; floorAreaM2: number }>();
    for (const r of rows) {
      if (r.status !== 'available') continue;
      const c = byCounty.get(r.county) ?? { county: r.county, count: 0, areaM2: 0, floorAreaM2: 0 };
      c.count += r.count; c.areaM2 += r.area_m2; c.floorAreaM2 += r.floor_area_m2;
      byCounty.set(r.county, c);
    }
    return {
      byCounty: [...byCounty.values()].map((c) => ({ ...c, areaM2: r2(c.areaM2), floorAreaM2: r2(c.floorAreaM2) })),
      byPark: parks.map((p) => ({
        park: p.id, name: name(p), county: p.county, count: p.available_count, areaM2: r2(p.available_area_m2), floorAreaM2: r2(p.available_floor_area_m2),
      })),
    };
  }

  /** Land parcels by zoning code (land use) × 标准地 class (investment-intensity threshold band). */
  async land(viewer: Viewer, q: StatsQuery) {
    return this.cached('land', viewer, q, false, () => this.landNow(viewer, q));
  }

  private async landNow(viewer: Viewer, q: StatsQuery) {
    const rows = await this.repo.landStructure(this.filter(viewer, q));
    return { rows: rows.map((r) => ({ landUse: r.land_use || null, standardClass: r.std_class, count: r.count, areaM2: r2(r.area_m2) })) };
  }

  /** Price distribution per price unit: quartiles and a 10-bin histogram. */
  async prices(viewer: Viewer, q: StatsQuery) {
    return this.cached('prices', viewer, q, false, () => this.pricesNow(viewer, q));
  }

  private async pricesNow(viewer: Viewer, q: StatsQuery) {
    const rows = await this.repo.priceDistribution(this.filter(viewer, q));
    return {
      units: rows.map((r) => {
        const w = (r.max - r.min) / 10;
        return {
          unit: r.unit, count: r.count, min: r2(r.min), max: r2(r.max), mean: r2(r.mean), p25: r2(r.p25), median: r2(r.p50), p75: r2(r.p75),
          bins: r.bins.map((n, i) => ({ from: r2(r.min + w * i), to: r2(i === 9 ? r.max : r.min + w * (i + 1)), count: n })),
        };
      }),
    };
  }

  /** Parks side by side, with the monthly available area of each (sparkline) over the period. */
  async parks(viewer: Viewer, q: StatsQuery) {
    return this.cached('parks', viewer, q, true, () => this.parksNow(viewer, q));
  }

  private async parksNow(viewer: Viewer, q: StatsQuery) {
    const f = this.filter(viewer, q);
    const p = this.period(q);
    const [parks, inv] = await Promise.all([this.repo.parks(f), this.repo.inventory(f, `${p.months[0]}-01`, `${p.months.at(-1)}-01`)]);
    return {
      months: p.months,
      parks: parks.map((r) => {
        const spark = new Map<string, number>();
        for (const i of inv) if (i.park_id === r.id && i.status === 'available') spark.set(i.month, (spark.get(i.month) ?? 0) + i.area_m2);
        return {
          id: r.id, name: name(r), county: r.county, parkAreaM2: r2(r.park_area_m2), count: r.count, availableCount: r.available_count,
          reservedCount: r.reserved_count, occupiedCount: r.occupied_count, areaM2: r2(r.area_m2), availableAreaM2: r2(r.available_area_m2),
          availableFloorAreaM2: r2(r.available_floor_area_m2),
          availableAreaByMonth: p.months.map((m) => r2(spark.get(m) ?? 0)),
        };
      }),
    };
  }

  /**
   * Monthly inventory per type over the period, reconstructed from the change history: available
   * count and area, all carriers, and 环比 (previous month) / 同比 (same month a year before) in %
   * where the history reaches that month (`historyFrom`: the oldest creation or history entry).
   */
  async inventory(viewer: Viewer, q: StatsQuery) {
    return this.cached('inventory', viewer, q, true, () => this.inventoryNow(viewer, q));
  }

  private async inventoryNow(viewer: Viewer, q: StatsQuery) {
    const f = this.filter(viewer, q);
    const p = this.period(q);
    const first = addMonths(p.months[0], -12);
    const [rows, historyFrom] = await Promise.all([this.repo.inventory(f, `${first}-01`, `${p.months.at(-1)}-01`), this.repo.historyStart()]);
    const types = f.kinds ?? [...STAT_TYPES];
    const series = types.map((type) => {
      const at = new Map<string, { count: number; availableCount: number; availableAreaM2: number }>();
      for (const r of rows) {
        if (r.kind !== type) continue;
        const v = at.get(r.month) ?? { count: 0, availableCount: 0, availableAreaM2: 0 };
        v.count += r.count;
        if (r.status === 'available') { v.availableCount += r.count; v.availableAreaM2 += r.area_m2; }
        at.set(r.month, v);
      }
      const get = (m: string) => (historyFrom !== null && m >= historyFrom ? at.get(m) ?? { count: 0, availableCount: 0, availableAreaM2: 0 } : undefined);
      return {
        type,
        points: p.months.map((m) => {
          const v = get(m) ?? { count: 0, availableCount: 0, availableAreaM2: 0 };
          const prev = get(addMonths(m, -1));
          const year = get(addMonths(m, -12));
          return {
            month: m, count: v.count, availableCount: v.availableCount, availableAreaM2: r2(v.availableAreaM2),
            momAreaPct: change(v.availableAreaM2, prev?.availableAreaM2), yoyAreaPct: change(v.availableAreaM2, year?.availableAreaM2),
            momCountPct: change(v.availableCount, prev?.availableCount), yoyCountPct: change(v.availableCount, year?.availableCount),
          };
        }),
      };
    });
    return { months: p.months, historyFrom, series };
  }

  /** Share of carriers surveyed within 6 and 12 months of the period's end, per county × type. */
  async freshness(viewer: Viewer, q: StatsQuery) {
    return this.cached('freshness', viewer, q, true, () => this.freshnessNow(viewer, q));
  }

  private async freshnessNow(viewer: Viewer, q: StatsQuery) {
    const p = this.period(q);
    const rows = await this.repo.freshness(this.filter(viewer, q), p.to);
    const total = rows.reduce((a, r) => ({ count: a.count + r.count, within6: a.within6 + r.within6, within12: a.within12 + r.within12 }), { count: 0, within6: 0, within12: 0 });
    const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : null);
    return {
      asOf: p.to,
      rows: rows.map((r) => ({ county: r.county, type: r.kind, count: r.count, within6: r.within6, within12: r.within12 })),
      total: { ...total, share6Pct: share(total.within6, total.count), share12Pct: share(total.within12, total.count) },
    };
  }

  /** Enquiries received in the period by park × month, and the funnel new → visit → signed (signed-in only). */
  async enquiries(viewer: Viewer, q: StatsQuery) {
    return this.cached('enquiries', viewer, q, true, () => this.enquiriesNow(viewer, q));
  }

  private async enquiriesNow(viewer: Viewer, q: StatsQuery) {
    const p = this.period(q);
    const f = this.filter(viewer, q);
    const rows = await this.repo.enquiries(f, p.from, p.to);
    const funnel = rows.reduce((a, r) => ({ new: a.new + r.count, visit: a.visit + r.visited, signed: a.signed + r.signed }), { new: 0, visit: 0, signed: 0 });
    return { months: p.months, rows: rows.map((r) => ({ park: r.park_id, month: r.month, count: r.count, visited: r.visited, signed: r.signed })), funnel };
  }

  /** County outlines (GeoJSON) with the status figures the map can be shaded by (freshness comes from `freshness`). */
  async counties(viewer: Viewer, q: StatsQuery) {
    return this.cached('counties', viewer, q, true, () => this.countiesNow(viewer, q));
  }

  private async countiesNow(viewer: Viewer, q: StatsQuery) {
    const f = this.filter(viewer, q);
    this.period(q);
    const [shapes, rows] = await Promise.all([this.repo.countyShapes(), this.repo.statusByCountyKind(f)]);
    return {
      type: 'FeatureCollection' as const,
      features: shapes.map((s) => {
        const mine = rows.filter((r) => r.county === s.adcode);
        const av = mine.filter((r) => r.status === 'available');
        const sum = (xs: typeof mine, k: 'count' | 'area_m2' | 'floor_area_m2') => xs.reduce((a, r) => a + r[k], 0);
        return {
          type: 'Feature' as const, id: s.adcode, geometry: JSON.parse(s.geometry) as unknown,
          properties: {
            adcode: s.adcode, name: { zh: s.name_zh, en: s.name_en },
            count: sum(mine, 'count'), availableCount: sum(av, 'count'), availableAreaM2: r2(sum(av, 'area_m2')),
            availableFloorAreaM2: r2(sum(av, 'floor_area_m2')),
            occupiedAreaM2: r2(sum(mine.filter((r) => r.status === 'occupied'), 'area_m2')),
          },
        };
      }),
    };
  }
}
