/**
 * The site finder over the in-memory candidate table (server/selection/selection.table.ts, which
 * holds every published carrier's `carrier_search` columns and keeps them current from the change
 * log): the `find` statement of search.sql evaluated on its columns. That statement is the
 * contract; this is a faster way to the same answer, and test/search.test.ts compares the two on
 * both engines. Operation for operation:
 *
 * - a word matches a carrier when its document holds the word (`doc LIKE '%word%'`; the GIN key
 *   check in SQL is implied by it — here the table's substring index finds the candidates), or its
 *   park is one of the word's parks, or its county one of the word's counties; `own` counts the
 *   words its own document holds;
 * - the filters compare the same float8 values (usable area, bounding box); the price, `numeric` in
 *   SQL, is compared as float8 (equal unless two prices differ beyond float8's ~16 digits);
 * - the orders are `ORDER` of search.repository.ts, ties by id: text in code-point order, which is
 *   the database's only when its collation sorts by code point — the caller checks that
 *   (`SearchRepository.ordersByCodePoint`) and answers in SQL otherwise; NULLs as PostgreSQL
 *   places them (last ascending, first descending, but `NULLS LAST` for the price);
 * - total, facets and extent are the sums, minima and maxima `find`'s groups give.
 *
 * One pass over the table's typed columns (200,000 rows: a few milliseconds), then the page by a
 * bounded heap; only the page's rows are read from PostgreSQL afterwards.
 */
import { topK, type FinderRows } from '../selection/selection.table.ts';
import { compareCodePoints } from '../selection/substring.index.ts';
import type { CarrierFilter, Sort, Summary } from './search.repository.ts';

export { compareCodePoints };

/** A page row found in the table: the carrier id and how many words its own document matched. */
export interface TableHit {
  id: number;
  own: number;
}

/** Flags of the dictionary codes of `values` (undefined or empty: null, no condition). */
function wanted(dictionary: Map<string, number>, size: number, values: readonly string[] | undefined): Uint8Array | null {
  if (!values?.length) return null;
  const flags = new Uint8Array(size);
  for (const v of values) {
    const code = dictionary.get(v);
    if (code !== undefined) flags[code] = 1;
  }
  return flags;
}

/** PostgreSQL's place of NULL (NaN here) in an order: `last` → after every value. */
function numberOrder(col: Float64Array, descending: boolean, nullsLast: boolean) {
  const sign = descending ? -1 : 1;
  return (i: number, j: number): number => {
    const a = col[i], b = col[j];
    const na = a !== a, nb = b !== b;
    if (na || nb) return na && nb ? 0 : na === nullsLast ? 1 : -1;
    return a === b ? 0 : sign * (a < b ? -1 : 1);
  };
}

/** Scratch columns reused by every call (no allocation per row or per request: the answers are computed synchronously). */
const scratch = { rows: new Int32Array(0), own: new Int32Array(0), ownAt: new Int32Array(0), flags: [] as Uint8Array[], parks: new Float64Array(0), keys: new Float64Array(0) };

function ensure(n: number, words: number): void {
  if (scratch.rows.length < n) {
    scratch.rows = new Int32Array(n);
    scratch.own = new Int32Array(n);
    scratch.ownAt = new Int32Array(n);
    scratch.flags = [];
  }
  while (scratch.flags.length < words) scratch.flags.push(new Uint8Array(scratch.rows.length));
}

/** Park ids up to this are counted and looked up in arrays (else in a Map / Set). */
const DENSE_PARK_IDS = 1 << 20;

/** A test of a row's park id (NaN: NULL, never in): an array of flags when the ids are small, else a Set. */
function parkTest(ids: readonly number[] | undefined): ((p: number) => boolean) | null {
  if (!ids?.length) return null;
  if (ids.some((id) => !(id >= 0 && id < DENSE_PARK_IDS && Number.isInteger(id)))) {
    const set = new Set(ids);
    return (p) => set.has(p);
  }
  const flags = new Uint8Array(Math.max(...ids) + 1);
  for (const id of ids) flags[id] = 1;
  const len = flags.length;
  return (p) => p >= 0 && p < len && flags[p] === 1;
}

/**
 * For the relevance and code orders, when every matching row has a code rank: one number per row
 * (indexed by row) that orders as `own DESC, kind, code` or `code` do — (max own − own, kind
 * rank, code rank) in one float8, exact below 2^53 — so the page is chosen by comparing numbers.
 */
function rankKeys(t: FinderRows, sort: Sort, rows: Int32Array, ownOf: Int32Array, m: number): Float64Array | null {
  const ranks = t.codeRanks();
  if (!ranks) return null;
  const { rank, ok } = ranks;
  for (let k = 0; k < m; k++) if (rows[k] >= ok.length || ok[rows[k]] === 0) return null;
  if (scratch.keys.length < t.n) scratch.keys = new Float64Array(t.n);
  const keys = scratch.keys;
  const base = rank.length + 1;
  if (sort === 'code') {
    for (let k = 0; k < m; k++) keys[rows[k]] = rank[rows[k]];
    return keys;
  }
  const kinds = t.kind.words.length;
  const kindRank = new Float64Array(kinds);
  t.kind.words.map((w, code) => ({ w: w ?? '', code })).sort((a, b) => compareCodePoints(a.w, b.w)).forEach((e, r) => { kindRank[e.code] = r; });
  let maxOwn = 0;
  for (let k = 0; k < m; k++) if (ownOf[k] > maxOwn) maxOwn = ownOf[k];
  const kindCodes = t.kind.codes;
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    keys[i] = ((maxOwn - ownOf[k]) * kinds + kindRank[kindCodes[i]]) * base + rank[i];
  }
  return keys;
}

/** One page of the matching carriers of `filter` in `sort` order, and the summary of every match. */
export function findInTable(t: FinderRows, filter: CarrierFilter, sort: Sort, limit: number, offset: number): { page: TableHit[]; summary: Summary } {
  const n = t.n;
  ensure(n, filter.words.length);
  const kinds = t.kind.codes, statuses = t.status.codes, counties = t.county.codes, units = t.priceUnit.codes;
  const { park, price, usable, finderBox: box, industries } = t;
  const kind = wanted(t.kind.dictionary, t.kind.words.length, filter.kinds);
  const status = wanted(t.status.dictionary, t.status.words.length, filter.statuses);
  const county = wanted(t.county.dictionary, t.county.words.length, filter.counties);
  const parks = parkTest(filter.parks);
  const unit = filter.priceUnit === undefined ? -1 : (t.priceUnit.dictionary.get(filter.priceUnit) ?? -2);
  const aMin = filter.areaMinM2 ?? -Infinity, aMax = filter.areaMaxM2 ?? Infinity;
  const hasArea = filter.areaMinM2 !== undefined || filter.areaMaxM2 !== undefined;
  const pMin = filter.priceMin ?? -Infinity, pMax = filter.priceMax ?? Infinity;
  const hasPrice = filter.priceMin !== undefined || filter.priceMax !== undefined;
  const industry = filter.industries?.length ? new Set(filter.industries) : null;
  const industryOk = new Map<readonly string[], boolean>();
  // Per word: the rows whose own document holds it (flags), its parks and its counties.
  const words = filter.words.map((w, j) => {
    const own = scratch.flags[j];
    own.fill(0);
    const rows = t.rowsContaining(w.word);
    for (let k = 0; k < rows.length; k++) own[rows[k]] = 1;
    return {
      own,
      rows,
      parks: parkTest(w.parkIds),
      counties: wanted(t.county.dictionary, t.county.words.length, w.counties),
    };
  });
  const nw = words.length;
  // A word matched only by documents (no park or county of that name) limits the rows to look at.
  let driver: Int32Array | null = null;
  for (const w of words) if (!w.parks && !w.counties && (!driver || w.rows.length < driver.length)) driver = w.rows;
  const rowsToLook = driver ? driver.length : n;

  const rows = scratch.rows, ownOf = scratch.own;
  let m = 0;
  const byKind = new Float64Array(t.kind.words.length);
  const byCounty = new Float64Array(t.county.words.length);
  if (scratch.parks.length < 64) scratch.parks = new Float64Array(64);
  let byPark = scratch.parks;
  byPark.fill(0);
  const sparseParks = new Map<number, number>();
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  rows: for (let r = 0; r < rowsToLook; r++) {
    const i = driver ? driver[r] : r;
    const k = kinds[i];
    if (k === 0) continue; // not in the table (left it)
    if (status !== null && status[statuses[i]] === 0) continue;
    if (kind !== null && kind[k] === 0) continue;
    if (county !== null && county[counties[i]] === 0) continue;
    if (parks !== null && !parks(park[i])) continue;
    // NaN (NULL) fails every comparison, as NULL does in SQL.
    if (hasArea && !(usable[i] >= aMin && usable[i] <= aMax)) continue;
    if (unit !== -1 && units[i] !== unit) continue;
    if (hasPrice && !(price[i] >= pMin && price[i] <= pMax)) continue;
    if (industry !== null) {
      const list = industries[i];
      let ok = industryOk.get(list);
      if (ok === undefined) industryOk.set(list, (ok = list.some((x) => industry.has(x))));
      if (!ok) continue;
    }
    let own = 0;
    for (let j = 0; j < nw; j++) {
      const w = words[j];
      if (w.own[i] === 1) own++;
      else if (!((w.parks !== null && w.parks(park[i])) || (w.counties !== null && w.counties[counties[i]] === 1))) continue rows;
    }
    rows[m] = i;
    ownOf[m++] = own;
    byKind[k]++;
    byCounty[counties[i]]++;
    const p = park[i];
    if (p >= 0 && p < DENSE_PARK_IDS && p === Math.floor(p)) {
      if (p >= byPark.length) {
        const grown = new Float64Array(Math.max(p + 1, byPark.length * 2));
        grown.set(byPark);
        scratch.parks = byPark = grown;
      }
      byPark[p]++;
    } else if (p === p) sparseParks.set(p, (sparseParks.get(p) ?? 0) + 1);
    const b = 4 * i;
    if (box[b] < x0) x0 = box[b];
    if (box[b + 1] < y0) y0 = box[b + 1];
    if (box[b + 2] > x1) x1 = box[b + 2];
    if (box[b + 3] > y1) y1 = box[b + 3];
  }

  const summary: Summary = { total: m, extent: m ? [x0, y0, x1, y1] : null, kinds: {}, counties: {}, parks: {} };
  byKind.forEach((c, code) => { if (c) summary.kinds[t.kind.words[code]!] = c; });
  byCounty.forEach((c, code) => { if (c && code !== 0) summary.counties[t.county.words[code]!] = c; });
  byPark.forEach((c, p) => { if (c) summary.parks[String(p)] = c; });
  for (const [p, c] of sparseParks) summary.parks[String(p)] = c;

  // The order (ORDER of search.repository.ts) on row numbers, ties by id.
  const ids = t.ids;
  let primary: (i: number, j: number) => number;
  const ranked = (sort === 'relevance' || sort === 'code') ? rankKeys(t, sort, rows, ownOf, m) : null;
  if (ranked) primary = (i, j) => ranked[i] - ranked[j];
  else if (sort === 'relevance') {
    // own DESC, kind, code
    const kindRank = new Float64Array(t.kind.words.length);
    t.kind.words.map((w, code) => ({ w: w ?? '', code })).sort((a, b) => compareCodePoints(a.w, b.w)).forEach((e, r) => { kindRank[e.code] = r; });
    const ownAt = scratch.ownAt;
    for (let k = 0; k < m; k++) ownAt[rows[k]] = ownOf[k];
    primary = (i, j) => ownAt[j] - ownAt[i] || kindRank[kinds[i]] - kindRank[kinds[j]] || t.compareCode(i, j);
  } else if (sort === 'code') primary = (i, j) => t.compareCode(i, j);
  else if (sort === 'area') primary = numberOrder(usable, false, true);
  else if (sort === '-area') primary = numberOrder(usable, true, false);
  else if (sort === 'price') primary = numberOrder(price, false, true);
  else primary = numberOrder(price, true, true);
  const before = (a: number, b: number): number => {
    const i = rows[a], j = rows[b];
    return primary(i, j) || ids[i] - ids[j];
  };
  const end = Math.min(m, offset + limit);
  let ordered: Int32Array;
  if (offset >= m) ordered = new Int32Array(0);
  else if (end * 8 >= m) {
    ordered = new Int32Array(m);
    for (let k = 0; k < m; k++) ordered[k] = k;
    ordered.sort(before);
  } else ordered = topK(m, end, before);
  const page: TableHit[] = [];
  for (let p = offset; p < end; p++) page.push({ id: ids[rows[ordered[p]]], own: ownOf[ordered[p]] });
  return { page, summary };
}
