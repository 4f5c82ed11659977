/**
 * Data access of the site finder: published parks and counties with their search documents, and
 * one page of matching published carriers with the total, extent and facet counts, in one
 * statement that filters the matches once. The WHERE condition on the narrow table
 * `carrier_search` (alias `s`, migrations 013 and 017) is compiled here from a typed filter, every
 * value a parameter (`SqlParams`); a word uses the GIN index of each requested status
 * (`s.status = … AND s.keys @> search_key_codes(grams)`, then LIKE).
 */
import type pg from 'pg';
import type { Geometry } from 'geojson';
import { fillTemplate, loadQueries } from '../../core/db/sql.ts';
import { bindNamed, SqlParams } from '../../layers/query/feature-query.ts';
import { compareCodePoints, type TableHit } from './search.table.ts';

const Q = loadQueries(import.meta.url, 'search.sql', ['places', 'version', 'find', 'hit', 'page', 'collationProbe'] as const);
const FIND_SQL = fillTemplate(Q.find, { hit: Q.hit });
const PAGE_SQL = fillTemplate(Q.page, { hit: Q.hit });

/**
 * Words whose code-point order differs from a linguistic collation's: case, punctuation, digits,
 * accents, CJK (by code point, not by pinyin or stroke), and a character above U+FFFF after one
 * of U+E000..U+FFFF (where UTF-16 order differs).
 */
const COLLATION_PROBE = ['b', 'B', 'a', 'A', 'a-b', 'ab', 'a b', 'a_b', 'a1', 'a10', 'a2', 'é', 'e', 'f', 'Z', '9', '-1', '高', '渠', '达', '一', '\uff21', '\u{20000}', '\ue000'];


/** A published park or county, as the finder matches and labels it. */
export interface PlaceRow {
  type: 'park' | 'county';
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  short_name_zh: string | null;
  short_name_en: string | null;
  county_adcode: string;
  search_doc: string | null;
  lon: number;
  lat: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** One word of the query: where a carrier may match it. */
export interface WordCondition {
  /** Normalised word (search_norm). */
  word: string;
  /** Index keys the carrier's document must hold (empty: LIKE only). */
  grams: string[];
  /** Carriers of these published parks match the word (the park's names matched it). */
  parkIds: number[];
  /** Carriers of these counties match the word. */
  counties: string[];
}

/** What the finder selects (all optional but the words, which may be empty). */
export interface CarrierFilter {
  words: WordCondition[];
  kinds?: readonly string[];
  statuses?: readonly string[];
  counties?: readonly string[];
  parks?: readonly number[];
  /** Usable area in m² (land: the parcel; factories and offices: the floor area, else the footprint). */
  areaMinM2?: number;
  areaMaxM2?: number;
  priceUnit?: string;
  priceMin?: number;
  priceMax?: number;
  /** Any of these industries allowed. */
  industries?: readonly string[];
}

/** Result orders. */
export const SORTS = ['relevance', 'area', '-area', 'price', '-price', 'code'] as const;
export type Sort = (typeof SORTS)[number];

/** Orders on `s` (carrier_search; `usable_m2` is the usable area) and `own`. */
const ORDER: Record<Sort, string> = {
  relevance: 'own DESC, s.kind, s.code',
  area: 's.usable_m2, s.id',
  '-area': 's.usable_m2 DESC, s.id',
  price: 's.price NULLS LAST, s.id',
  '-price': 's.price DESC NULLS LAST, s.id',
  code: 's.code, s.id',
};

/** The columns of `s` each order needs besides kind and own. */
const SORT_COLUMNS: Record<Sort, string> = {
  relevance: 's.code',
  area: 's.usable_m2',
  '-area': 's.usable_m2',
  price: 's.price',
  '-price': 's.price',
  code: 's.code',
};

/** A matching carrier. */
export interface CarrierHit {
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  name_en: string | null;
  status: 'available' | 'reserved' | 'occupied';
  area_m2: number;
  floor_area_m2: number | null;
  floors: number | null;
  price: number | null;
  price_unit: string | null;
  allowed_industries: string[];
  park_id: number | null;
  county_adcode: string | null;
  available_from: string | null;
  geometry: Geometry;
  lon: number;
  lat: number;
  /** How many words the carrier's own document matched. */
  own: number;
}

/** Facet counts and extent of all matches. */
export interface Summary {
  total: number;
  extent: [number, number, number, number] | null;
  kinds: Record<string, number>;
  counties: Record<string, number>;
  parks: Record<string, number>;
}

/** The WHERE condition of `filter` on alias `s` (carrier_search: published carriers only), with its values in `params`. */
export function carrierWhere(filter: CarrierFilter, params: SqlParams): string {
  const parts = ['true'];
  if (filter.statuses?.length) parts.push(`s.status = ANY(${params.add(filter.statuses)}::text[])`);
  if (filter.kinds?.length) parts.push(`s.kind = ANY(${params.add(filter.kinds)}::text[])`);
  if (filter.counties?.length) parts.push(`s.county_adcode = ANY(${params.add(filter.counties)}::text[])`);
  if (filter.parks?.length) parts.push(`s.park_id = ANY(${params.add(filter.parks)}::bigint[])`);
  if (filter.areaMinM2 !== undefined) parts.push(`s.usable_m2 >= ${params.add(filter.areaMinM2)}::float8`);
  if (filter.areaMaxM2 !== undefined) parts.push(`s.usable_m2 <= ${params.add(filter.areaMaxM2)}::float8`);
  if (filter.priceUnit !== undefined) parts.push(`s.price_unit = ${params.add(filter.priceUnit)}`);
  if (filter.priceMin !== undefined) parts.push(`s.price >= ${params.add(filter.priceMin)}::numeric`);
  if (filter.priceMax !== undefined) parts.push(`s.price <= ${params.add(filter.priceMax)}::numeric`);
  if (filter.industries?.length) parts.push(`s.industries && ${params.add(filter.industries)}::text[]`);
  for (const w of filter.words) {
    const like = `s.doc LIKE ${params.add(`%${w.word}%`)}`;
    let own = `(${like})`;
    if (w.grams.length) {
      // One partial GIN index per status (017): the keys are looked up in those of the requested statuses.
      const keys = `s.keys @> search_key_codes(${params.add(w.grams)}::text[])`;
      const indexed = filter.statuses?.length
        ? filter.statuses.map((st) => `(s.status = ${params.add(st)} AND ${keys})`).join(' OR ')
        : keys;
      own = `((${indexed}) AND ${like})`;
    }
    const arms = [own];
    if (w.parkIds.length) arms.push(`s.park_id = ANY(${params.add(w.parkIds)}::bigint[])`);
    if (w.counties.length) arms.push(`s.county_adcode = ANY(${params.add(w.counties)}::text[])`);
    parts.push(arms.length === 1 ? arms[0] : `(${arms.join(' OR ')})`);
  }
  return parts.join('\n  AND ');
}

/** How many words the carrier's own document matched (0 when there are none). */
function ownMatches(words: readonly WordCondition[], params: SqlParams): string {
  if (!words.length) return '0';
  return words.map((w) => `(s.doc LIKE ${params.add(`%${w.word}%`)})::int`).join(' + ');
}

/** Count and extent of the matches of one (kind, county, park), as `find` returns them. */
type Group = [kind: string, county: string | null, park: number | null, n: number, minX: number, minY: number, maxX: number, maxY: number];

/** Site-finder queries. */
export class SearchRepository {
  private codePointOrder: Promise<boolean> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /**
   * Whether the database orders `carrier_search.code` and `kind` by code point (a C or C.UTF-8
   * collation, as on both engines here), as the in-memory finder does (asked once).
   */
  ordersByCodePoint(): Promise<boolean> {
    this.codePointOrder ??= this.pool.query(Q.collationProbe, [COLLATION_PROBE]).then(
      (r) => JSON.stringify(r.rows[0].sorted) === JSON.stringify([...COLLATION_PROBE].sort(compareCodePoints)),
      () => false,
    );
    return this.codePointOrder;
  }

  /** The rows of a page found in the in-memory table, in its order; null when one is no longer published. */
  async page(hits: readonly TableHit[]): Promise<CarrierHit[] | null> {
    if (!hits.length) return [];
    const { rows } = await this.pool.query<CarrierHit>(PAGE_SQL, [hits.map((h) => h.id), hits.map((h) => h.own)]);
    return rows.length === hits.length ? rows : null;
  }

  /** Published parks and counties, and the change-log version they were read at (null when there are none). */
  async places(): Promise<{ version: number | null; rows: PlaceRow[] }> {
    const { rows } = await this.pool.query<PlaceRow & { version: number }>(Q.places);
    return { version: rows.length ? Number(rows[0].version) : null, rows: rows.map(({ version: _v, ...row }) => row) };
  }

  /** The change-log version now (every write of a carrier, park or county moves it on). */
  async version(): Promise<number> {
    return Number((await this.pool.query(Q.version)).rows[0].version);
  }

  /** One page of matching carriers, with the total, extent and facet counts of every match. */
  async find(filter: CarrierFilter, sort: Sort, limit: number, offset: number): Promise<{ rows: CarrierHit[]; summary: Summary }> {
    const params = new SqlParams();
    const text = fillTemplate(bindNamed(FIND_SQL, { limit, offset }, params, 'search find'), {
      own: ownMatches(filter.words, params),
      where: carrierWhere(filter, params),
      sortcols: SORT_COLUMNS[sort],
      order: ORDER[sort],
    });
    const { rows } = await this.pool.query<CarrierHit & { groups: Group[] }>(text, params.values);
    const summary: Summary = { total: 0, extent: null, kinds: {}, counties: {}, parks: {} };
    let box: [number, number, number, number] | null = null;
    for (const [kind, county, park, n, x0, y0, x1, y1] of rows[0]?.groups ?? []) {
      summary.total += n;
      summary.kinds[kind] = (summary.kinds[kind] ?? 0) + n;
      if (county !== null) summary.counties[county] = (summary.counties[county] ?? 0) + n;
      if (park !== null) summary.parks[String(park)] = (summary.parks[String(park)] ?? 0) + n;
      box = box ? [Math.min(box[0], x0), Math.min(box[1], y0), Math.max(box[2], x1), Math.max(box[3], y1)] : [x0, y0, x1, y1];
    }
    summary.extent = box;
    const hits = rows.filter((r) => r.id !== null).map(({ groups: _groups, ...hit }) => hit as CarrierHit);
    return { rows: hits, summary };
  }

}
