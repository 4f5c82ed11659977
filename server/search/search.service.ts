/**
 * The public site finder: instant search over published land parcels, standard factories and
 * office space, parks and counties — names, codes, Chinese, pinyin initials (`gxq` → 高新区) and
 * full pinyin (`gaoxinqu`), English — with filters by kind, status, county, park, usable area (亩
 * or m²), price in one unit (sale 万元/亩 and 元/m² are never mixed with rent 元/m²·月) and industry.
 *
 * A word matches a carrier when it lies inside one segment of the carrier's own search document
 * (name, code, English name, their pinyin) or of its park's (names, short names, aliases) or its
 * county's; every word must match. The documents are kept by the database (migration 013); this
 * service normalises the words exactly as `search_norm` does.
 */
import { industryName } from '../../layers/industries.ts';
import { BadParameterError } from '../../core/errors.ts';
import type { CarrierFilter, CarrierHit, PlaceRow, SearchRepository, Sort, Summary, WordCondition } from './search.repository.ts';
import type { CandidateTable } from '../selection/selection.table.ts';
import { findInTable } from './search.table.ts';

/** 1 亩 in m². */
export const M2_PER_MU = 2000 / 3;
/** Price units as stored: sale of land, sale of floor space, rent of floor space. */
export const PRICE_UNITS = ['万元/亩', '元/m²', '元/m²·月'] as const;
export const KINDS = ['land', 'factory', 'office'] as const;
export const STATUSES = ['available', 'reserved', 'occupied'] as const;
/** Most words a query may have. */
export const MAX_WORDS = 6;

const CJK = /[\u4e00-\u9fff\u3400-\u4dbf]/;

/** A word as `search_norm` (migration 013) normalises it: NFKC, lower-case, only [0-9a-z] and CJK. */
export function normalizeWord(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^0-9a-z\u4e00-\u9fff\u3400-\u4dbf]+/g, '');
}

/**
 * The words of a query: split at spaces and punctuation between words, normalised, duplicates
 * dropped. A single Latin letter or digit says too little to search for and is left out.
 */
export function queryWords(q: string): string[] {
  const words: string[] = [];
  for (const part of q.normalize('NFKC').split(/[\s,，、;；/|]+/)) {
    const w = normalizeWord(part);
    if (!w || (w.length < 2 && !CJK.test(w)) || words.includes(w)) continue;
    words.push(w);
  }
  return words;
}

/** The index keys a word needs: its bigrams, or the character itself when it is one CJK character. */
export function wordGrams(word: string): string[] {
  const chars = Array.from(word);
  if (chars.length === 1) return CJK.test(word) ? [word] : [];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i] + chars[i + 1]);
  return [...grams];
}

/** Whether a search document holds `word` inside one of its segments. */
export function docMatches(doc: string | null, word: string): boolean {
  return (doc ?? '').split('|').some((seg) => seg.includes(word));
}

/** The validated finder query (the route's schema). */
export interface SearchQuery {
  q?: string;
  type?: string[];
  status?: string[];
  county?: string[];
  park?: number[];
  areaMin?: number;
  areaMax?: number;
  areaUnit: 'mu' | 'm2';
  priceUnit?: string;
  priceMin?: number;
  priceMax?: number;
  industry?: string[];
  sort: Sort;
  limit: number;
  offset: number;
}

type Text = { zh: string; en: string | null };

/** A park or county in the answer. */
export interface PlaceHit {
  type: 'park' | 'county';
  id: string;
  code: string;
  name: { zh: string; en: string };
  shortName: Text | null;
  county: { adcode: string; name: { zh: string; en: string } } | null;
  center: [number, number];
  bbox: [number, number, number, number];
  /** Matching carriers in it (with the filters). */
  count: number;
  href: string | null;
}

/** A carrier in the answer: what an investor needs to pick it, nothing internal. */
export interface CarrierResult {
  id: number;
  kind: CarrierHit['kind'];
  code: string;
  /** The English name is null when none is recorded (the page shows the Chinese one, marked). */
  name: Text;
  status: CarrierHit['status'];
  areaM2: number;
  areaMu: number;
  floorAreaM2: number | null;
  floors: number | null;
  price: number | null;
  priceUnit: string | null;
  industries: { zh: string; en: string }[];
  availableFrom: string | null;
  park: { id: number; name: { zh: string; en: string }; shortName: Text | null } | null;
  county: { adcode: string; name: { zh: string; en: string } } | null;
  center: [number, number];
  geometry: CarrierHit['geometry'];
  /** Whether the carrier's own name or code matched every word (else its park or county did). */
  nameMatch: boolean;
  links: { park: string | null; enquiry: string | null };
}

/** The finder's answer. */
export interface SearchResult {
  q: string;
  words: string[];
  numberMatched: number;
  numberReturned: number;
  limit: number;
  offset: number;
  /** Extent of every matching carrier (to fit the map), null when none match. */
  bbox: [number, number, number, number] | null;
  items: CarrierResult[];
  places: PlaceHit[];
  facets: {
    type: Record<(typeof KINDS)[number], number>;
    county: { adcode: string; name: { zh: string; en: string }; count: number }[];
    park: { id: number; name: { zh: string; en: string }; count: number }[];
  };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Where an answer's carriers came from: the in-memory table (search.table.ts) or the `find` statement. */
export type SearchSource = 'table' | 'sql';

/**
 * Site-finder rules. The matching carriers come from the `find` statement of search.sql (the
 * contract), or — the same answer, faster — from the in-memory candidate table shared with site
 * selection when it is current (search.table.ts; only the page's rows are then read).
 */
export class SearchService {
  /** The published parks and counties, as read at a change-log version (kept until it moves on). */
  private places: { version: number; rows: PlaceRow[] } | null = null;

  /** `table`: the candidate table (server/selection) to answer from when current; without it every answer is SQL. */
  constructor(private readonly repo: SearchRepository, private readonly table: CandidateTable | null = null) {}

  /** The published parks and counties at change-log `version` (read again when it moved on). */
  private async placesAt(version: number): Promise<PlaceRow[]> {
    if (this.places?.version === version) return this.places.rows;
    const read = await this.repo.places();
    if (read.version !== null && read.version >= (this.places?.version ?? 0)) this.places = { version: read.version, rows: read.rows };
    return read.rows;
  }

  /** Search published carriers, parks and counties. */
  async search(query: SearchQuery): Promise<SearchResult> {
    return (await this.answer(query)).result;
  }

  /** `search`, telling also where the carriers came from. */
  async answer(query: SearchQuery): Promise<{ result: SearchResult; source: SearchSource }> {
    checkRanges(query);
    const q = query.q ?? '';
    const words = queryWords(q);
    if (words.length > MAX_WORDS) throw new BadParameterError('q', q, `may have at most ${MAX_WORDS} words`);
    // One probe of the change log validates the parks and counties held and the candidate table.
    const version = await this.repo.version();
    const [places, rowsInMemory] = await Promise.all([this.placesAt(version), this.table?.finderRows(version) ?? null]);
    const parks = places.filter((p) => p.type === 'park');
    const counties = places.filter((p) => p.type === 'county');
    const conditions: WordCondition[] = words.map((word) => ({
      word,
      grams: wordGrams(word),
      parkIds: parks.filter((p) => docMatches(p.search_doc, word)).map((p) => Number(p.id)),
      counties: counties.filter((c) => docMatches(c.search_doc, word)).map((c) => c.id),
    }));
    const k = query.areaUnit === 'mu' ? M2_PER_MU : 1;
    const filter: CarrierFilter = {
      words: conditions,
      kinds: query.type, statuses: query.status ?? ['available'], counties: query.county, parks: query.park,
      areaMinM2: query.areaMin === undefined ? undefined : query.areaMin * k,
      areaMaxM2: query.areaMax === undefined ? undefined : query.areaMax * k,
      priceUnit: query.priceUnit, priceMin: query.priceMin, priceMax: query.priceMax, industries: query.industry,
    };
    let found: { rows: CarrierHit[]; summary: Summary } | null = null;
    if (rowsInMemory && (await this.repo.ordersByCodePoint())) {
      // Computed at once on the table as it is now (no await in between), then the page's rows.
      const { page, summary } = findInTable(rowsInMemory, filter, query.sort, query.limit, query.offset);
      const pageRows = await this.repo.page(page);
      if (pageRows) found = { rows: pageRows, summary };
    }
    const source: SearchSource = found ? 'table' : 'sql';
    const { rows, summary } = found ?? (await this.repo.find(filter, query.sort, query.limit, query.offset));
    const parkById = new Map(parks.map((p) => [Number(p.id), p]));
    const countyById = new Map(counties.map((c) => [c.id, c]));
    const countyOf = (adcode: string | null) => {
      const c = adcode === null ? undefined : countyById.get(adcode);
      return c ? { adcode: c.id, name: { zh: c.name_zh, en: c.name_en } } : null;
    };
    const shortName = (p: PlaceRow): Text | null => (p.short_name_zh ? { zh: p.short_name_zh, en: p.short_name_en } : null);
    const items: CarrierResult[] = rows.map((r) => {
      const park = r.park_id === null ? undefined : parkById.get(r.park_id);
      return {
        id: r.id, kind: r.kind, code: r.code, name: { zh: r.name, en: r.name_en }, status: r.status,
        areaM2: round(r.area_m2, 1), areaMu: round(r.area_m2 / M2_PER_MU, 2),
        floorAreaM2: r.floor_area_m2 === null ? null : round(r.floor_area_m2, 1), floors: r.floors,
        price: r.price, priceUnit: r.price_unit,
        industries: (r.allowed_industries ?? []).map((zh) => ({ zh, en: industryName(zh, 'en') })),
        availableFrom: r.available_from,
        park: park ? { id: Number(park.id), name: { zh: park.name_zh, en: park.name_en }, shortName: shortName(park) } : null,
        county: countyOf(r.county_adcode),
        center: [round(r.lon, 6), round(r.lat, 6)], geometry: r.geometry,
        nameMatch: words.length > 0 && r.own === words.length,
        links: {
          park: park ? `/parks/${park.id}` : null,
          enquiry: park ? `/parks/${park.id}?carrier=${r.id}#enquire` : null,
        },
      };
    });
    // Parks and counties named by every word, biggest share of the matches first.
    const placeHits: PlaceHit[] = words.length === 0 ? [] : places
      .filter((p) => words.every((w) => docMatches(p.search_doc, w)))
      .map((p) => ({
        type: p.type, id: p.id, code: p.code, name: { zh: p.name_zh, en: p.name_en }, shortName: shortName(p),
        county: p.type === 'park' ? countyOf(p.county_adcode) : null,
        center: [round(p.lon, 6), round(p.lat, 6)] as [number, number],
        bbox: [p.xmin, p.ymin, p.xmax, p.ymax].map((v) => round(v, 6)) as [number, number, number, number],
        count: (p.type === 'park' ? summary.parks[p.id] : summary.counties[p.id]) ?? 0,
        href: p.type === 'park' ? `/parks/${p.id}` : null,
      }))
      .sort((a, b) => (a.type === b.type ? b.count - a.count : a.type === 'park' ? -1 : 1));
    const result: SearchResult = {
      q, words,
      numberMatched: summary.total, numberReturned: items.length, limit: query.limit, offset: query.offset,
      bbox: summary.extent, items, places: placeHits,
      facets: {
        type: { land: summary.kinds.land ?? 0, factory: summary.kinds.factory ?? 0, office: summary.kinds.office ?? 0 },
        county: Object.entries(summary.counties).map(([adcode, count]) => ({ adcode, name: countyOf(adcode)?.name ?? { zh: adcode, en: adcode }, count }))
          .sort((a, b) => b.count - a.count || a.adcode.localeCompare(b.adcode)),
        park: Object.entries(summary.parks).flatMap(([id, count]) => {
          const p = parkById.get(Number(id));
          return p ? [{ id: Number(id), name: { zh: p.name_zh, en: p.name_en }, count }] : [];
        }).sort((a, b) => b.count - a.count || a.id - b.id),
      },
    };
    return { result, source };
  }
}

/** The rules between parameters a schema cannot say. */
function checkRanges(query: SearchQuery): void {
  if (query.areaMin !== undefined && query.areaMax !== undefined && query.areaMin > query.areaMax) {
    throw new BadParameterError('areaMax', query.areaMax, `must not be below areaMin (${query.areaMin})`);
  }
  if ((query.priceMin !== undefined || query.priceMax !== undefined) && query.priceUnit === undefined) {
    throw new BadParameterError('priceUnit', null, `is required with priceMin/priceMax (one of ${PRICE_UNITS.join(', ')}: sale and rent prices are never compared)`);
  }
  if (query.priceMin !== undefined && query.priceMax !== undefined && query.priceMin > query.priceMax) {
    throw new BadParameterError('priceMax', query.priceMax, `must not be below priceMin (${query.priceMin})`);
  }
  if ((query.sort === 'price' || query.sort === '-price') && query.priceUnit === undefined) {
    throw new BadParameterError('sort', query.sort, 'needs priceUnit (prices in different units cannot be ordered)');
  }
}
