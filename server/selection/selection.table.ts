/**
 * The in-memory candidate table: every published carrier's filtered and ranked columns, pre-joined
 * with its stored nearest-amenity distances (`carrier_nearest`) and its geometry, held in columns
 * (typed arrays) so that a brief is filtered in one pass over them and ranked with scoring.ts's
 * arithmetic, the contract the SQL ranking reproduces. A brief then costs one change-log probe
 * (plus one GiST query for a point + radius) and one query for the page's details, however many
 * sites match: at 200,000 parcels the SQL ranking has to read every candidate's row from the
 * wide `carriers` table.
 *
 * Exactness (the answer is the SQL ranking's, bit for bit; test/selection.test.ts compares them):
 * - the constraints are `candidates`' in selection.sql, operation for operation on the same float8
 *   values (the area's sargable bound and rounded comparison included); a drawn area is decided
 *   here on the geometry's exact coordinates (area.ts: `ST_Intersects`, exactly); a point +
 *   radius runs `candidates`' own predicate in PostgreSQL (`tableSpatial`: a projected distance);
 * - it is current at a change-log version (`feature_changes`, which every insert, update and
 *   delete of a carrier or an amenity moves on). Read in full once; after that, a change is
 *   patched in (`refresh`: one snapshot reads the carriers the new log entries name, and they are
 *   replaced, added or dropped), and a request that sees a newer version waits for that delta
 *   (`deltaWaitMs`) rather than falling back to SQL. One hole of a max-id version: a transaction
 *   in progress while a read was made could commit a change-log id below the version read. Such
 *   a read is checked (at most once a second, `tableSettled`) until those transactions have
 *   ended: the entries above `lo` (every entry up to `lo` is known to be in) are read again if
 *   one of them changed the log, and the table is read in full after `provisionalMs` if one still
 *   runs;
 * - a brief that needs a distance the table does not hold as current (a carrier without a stored
 *   row, a kind with a pending amenity change) is answered in SQL, which measures it live. A
 *   changed carrier without a stored row (moved) is measured live by the delta, with the same
 *   function; a kind whose pending changes the refresh worker has applied is read again in full
 *   (the worker writes no change-log entry), and rows the worker stored meanwhile are picked up:
 *   an incomplete table reads its delta `incompleteMs` after the last one.
 *
 * Memory: about 300 bytes per published carrier plus its coordinates (200,000 → ~100 MB); above
 * `maxCarriers` published carriers there is no table and every brief is ranked in SQL.
 *
 * The site finder reads the same table (`finderRows`, server/search/search.table.ts): each row also
 * holds the carrier's `carrier_search` columns as that table stores them (document, code, usable
 * area, bounding box; read in the same snapshot as the rest), so one copy and one change-log
 * tracking serve both. For it the table builds, on the finder's first request, a substring index
 * of the documents (substring.index.ts: posting lists of their character pairs, 4 bytes a
 * posting; bench:search's 200,000 documents: 12.9 M postings, 51 MB) and the rows' rank in code
 * order; rows a delta writes afterwards are checked directly until too many have changed and both
 * are built again.
 */
import type { Brief } from './brief.ts';
import { CARRIER_LAYER_KINDS, DISTANCE_PREFIX, distanceKind } from './brief.ts';
import { round6, type Rankable, type Ranked } from './scoring.ts';
import type { CachedCandidates } from './selection.cache.ts';
import { VALUE_SLOTS } from './selection.query.ts';
import type { SelectionRepository, TableDelta, TableSnapshot } from './selection.repository.ts';
import { intersectsArea, packWkb, prepareArea, type PreparedArea } from './area.ts';
import { compareCodePoints, SubstringIndex } from './substring.index.ts';

/** Options of the candidate table. */
export interface CandidateTableOptions {
  /** Most published carriers held (0 disables the table). */
  maxCarriers: number;
  /** How long (ms) a table read while other transactions were in progress is used. */
  provisionalMs: number;
  /** After how long (ms) a table with missing or pending distances reads its delta again. */
  incompleteMs: number;
  /** How long (ms) a request whose change-log version is newer than the table's waits for the delta. */
  deltaWaitMs: number;
}

/** Defaults: up to 500,000 carriers (~150 MB); provisional 30 s; incomplete re-read after 1 s; a delta waited for up to 1 s. */
export const CANDIDATE_TABLE_DEFAULTS: CandidateTableOptions = {
  maxCarriers: 500_000, provisionalMs: 30_000, incompleteMs: 1_000, deltaWaitMs: 1_000,
};

/** Most changed carriers a delta patches in (more: the table is read again in full). */
const MAX_DELTA = 20_000;
/** Most carriers without stored distances whose rows a delta looks for (to pick up rows the worker stored). */
const MAX_REREAD = 20_000;
/** Most carriers without a stored row measured live by a delta (16 KNN probes each): changed ones, then those measured live before. */
const MAX_LIVE = 200;

// Column positions of `tableRows` (array row mode).
const ID = 0, KIND = 1, STATUS = 2, COUNTY = 3, PARK = 4, LAND_USE = 5, INDUSTRIES = 6, AREA_RAW = 7, AREA = 8, PRICE = 9,
  PRICE_UNIT = 10, POWER = 11, WATER = 12, GAS = 13, FLOORS = 14, FLOOR_LOAD = 15, CLEAR_HEIGHT = 16, PLOT_MIN = 17,
  PLOT_MAX = 18, INTENSITY = 19, OUTPUT = 20, HAS_ROW = 21, D1 = 22, WKB = 38, DOC = 39, CODE = 40, USABLE = 41, FINDER_BOX = 42;

/** The numeric columns held, by name (NaN = NULL). */
const NUMERIC = {
  areaRaw: AREA_RAW, area: AREA, price: PRICE, power: POWER, water: WATER, floors: FLOORS, floorLoad: FLOOR_LOAD,
  clearHeight: CLEAR_HEIGHT, plotMin: PLOT_MIN, plotMax: PLOT_MAX, intensity: INTENSITY, output: OUTPUT, park: PARK,
} as const;
type NumericColumn = keyof typeof NUMERIC;
const NUMERIC_AT = Object.entries(NUMERIC) as [NumericColumn, number][];

/** Rows put in per turn of the event loop while a full read is built. */
const BUILD_SLICE = 5_000;

/** Column of each value slot (`v` in selection.sql: the attribute criteria in VALUE_SLOTS order). */
const SLOT_COLUMN: Record<string, NumericColumn> = {
  area: 'area', price: 'price', power: 'power', water: 'water', plot_ratio: 'plotMax', floor_load: 'floorLoad',
  clear_height: 'clearHeight', investment_intensity: 'intensity', output_per_mu: 'output',
};

/** A text column as dictionary codes (0 = NULL), growable. */
export class Codes {
  codes: Int32Array;
  readonly dictionary = new Map<string, number>();
  readonly words: (string | null)[] = [null];

  constructor(n: number) {
    this.codes = new Int32Array(n);
  }

  grow(cap: number): void {
    const c = new Int32Array(cap);
    c.set(this.codes);
    this.codes = c;
  }

  set(i: number, value: string | null): void {
    if (value === null) {
      this.codes[i] = 0;
      return;
    }
    let code = this.dictionary.get(value);
    if (code === undefined) {
      code = this.words.length;
      this.words.push(value);
      this.dictionary.set(value, code);
    }
    this.codes[i] = code;
  }

  /** Codes of `values` (absent words match nothing); null when `values` is null. */
  of(values: readonly string[] | null): Uint8Array | null {
    if (values === null) return null;
    const wanted = new Uint8Array(this.words.length);
    for (const v of values) {
      const code = this.dictionary.get(v);
      if (code !== undefined) wanted[code] = 1;
    }
    return wanted;
  }
}

/** What a table read (in full or as a delta) saw, for the settle check (see `tableSettled`). */
interface ReadRecord {
  version: number;
  /** Change-log entries in (countFrom, version] when it was read. */
  countFrom: number;
  entries: number;
  inProgress: string[];
  at: number;
}

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * What the site finder (server/search/search.table.ts) reads of the table: every published
 * carrier's finder columns as `carrier_search` holds them, read-only. Row `i` is live when its kind
 * code is not 0; NaN is NULL.
 */
export interface FinderRows {
  /** Rows in use (live and free). */
  readonly n: number;
  readonly ids: Float64Array;
  readonly kind: Codes;
  readonly status: Codes;
  readonly county: Codes;
  readonly priceUnit: Codes;
  readonly industries: readonly (readonly string[])[];
  readonly park: Float64Array;
  /** carrier_search.price as float8. */
  readonly price: Float64Array;
  /** carrier_search.usable_m2. */
  readonly usable: Float64Array;
  /** carrier_search.min_x, min_y, max_x, max_y: 4 per row. */
  readonly finderBox: Float64Array;
  readonly code: readonly (string | null)[];
  /** The search document (carrier_search.doc). */
  readonly doc: readonly (string | null)[];
  /** The rows whose document holds `word` (live or not, each once). */
  rowsContaining(word: string): Int32Array;
  /** Code-point order of two rows' codes (`compareCodePoints`, by a precomputed rank where it holds). */
  compareCode(i: number, j: number): number;
  /** The rows' ranks in code order (equal codes, equal ranks) and which rows have one (`ok` 1); null when none were made. */
  codeRanks(): { rank: Int32Array; ok: Uint8Array } | null;
}

/**
 * One table: columns with spare capacity, patched in place by deltas. A carrier that leaves it
 * keeps its row with kind code 0 (matches no brief) until the row is reused.
 */
class Table implements FinderRows {
  /** Rows in use (including free ones). */
  n = 0;
  private cap: number;
  ids: Float64Array;
  readonly kind: Codes;
  readonly status: Codes;
  readonly county: Codes;
  readonly landUse: Codes;
  readonly priceUnit: Codes;
  readonly industries: (readonly string[])[] = [];
  /** 0 NULL, 1 false, 2 true. */
  gas: Uint8Array;
  readonly num = {} as Record<NumericColumn, Float64Array>;
  /** 0 no distances, 1 the stored row, 2 measured live (kept current by every delta). */
  hasRow: Uint8Array;
  /** n × slots distances (NaN = NULL). */
  dist: Float64Array;
  /** Packed geometry (area.ts) and its box; null when it could not be read. */
  readonly geom: (Float64Array | null)[] = [];
  box: Float64Array;
  /** Live rows without a readable geometry. */
  noGeom = 0;
  /** The finder's columns (see FinderRows). */
  readonly doc: (string | null)[] = [];
  readonly code: (string | null)[] = [];
  usable: Float64Array;
  finderBox: Float64Array;
  /** Live rows without a finder row (carrier_search): the finder then answers in SQL. */
  noDoc = 0;
  /** The documents' substring index, started by the finder's first request. */
  private docIndex: SubstringIndex | null = null;
  /** Rank of each row's code in code-point order, built with the index; rows written since (`rankOk` 0) compare their strings. */
  private codeRank: Int32Array | null = null;
  private rankOk: Uint8Array | null = null;
  readonly slots: string[];
  readonly slotOf: Map<string, number>;
  /** Amenity kinds whose distances the table does not hold as current (pending, or pending since they were read). */
  readonly stale: Set<string>;
  /** Rows whose distances are not stored (none, or measured live). */
  readonly missing = new Set<number>();
  /** Row of each carrier id. */
  readonly rowOf = new Map<number, number>();
  private readonly free: number[] = [];
  private readonly shared = new Map<string, readonly string[]>();
  /** Change-log version it is current at. */
  version: number;
  /** Every change-log entry up to `lo` is in the table; the next delta reads the entries after it. */
  lo: number;
  /** Whether the full read's own snapshot is settled (until then settle checks count from 0). */
  baseSettled = false;
  /** The latest read not yet known to be settled (null: settled). */
  unsettled: ReadRecord | null;
  /** When the oldest read not known to be settled was made. */
  unsettledSince = 0;
  /** When it was last read (in full or as a delta). */
  readAt: number;

  /**
   * A table of the rows of a full read, built a slice at a time so that the server keeps
   * answering meanwhile (200,000 rows with their geometry are seconds of work on a loaded machine).
   */
  static async build(snapshot: Omit<TableSnapshot, 'rows'>, rows: unknown[][], readAt: number): Promise<Table> {
    const t = new Table(snapshot, rows.length, readAt);
    for (let from = 0; from < rows.length; from += BUILD_SLICE) {
      if (from) await new Promise((r) => setImmediate(r));
      for (let k = from; k < Math.min(rows.length, from + BUILD_SLICE); k++) t.upsert(rows[k]);
    }
    return t;
  }

  private constructor(snapshot: Omit<TableSnapshot, 'rows'>, n: number, readAt: number) {
    this.cap = Math.max(16, Math.ceil(n * 1.05));
    const cap = this.cap;
    this.ids = new Float64Array(cap);
    this.kind = new Codes(cap);
    this.status = new Codes(cap);
    this.county = new Codes(cap);
    this.landUse = new Codes(cap);
    this.priceUnit = new Codes(cap);
    this.gas = new Uint8Array(cap);
    this.hasRow = new Uint8Array(cap);
    this.slots = snapshot.slots;
    this.dist = new Float64Array(cap * this.slots.length);
    this.box = new Float64Array(cap * 4);
    this.usable = new Float64Array(cap);
    this.finderBox = new Float64Array(cap * 4);
    this.slotOf = new Map(this.slots.map((k, i) => [k, i]));
    this.stale = new Set(snapshot.pending);
    for (const name of Object.keys(NUMERIC) as NumericColumn[]) this.num[name] = new Float64Array(cap);
    this.version = snapshot.version;
    this.lo = snapshot.version;
    this.readAt = readAt;
    this.unsettled = snapshot.inProgress.length
      ? { version: snapshot.version, countFrom: 0, entries: snapshot.entries, inProgress: snapshot.inProgress, at: readAt }
      : null;
    if (!this.unsettled) this.baseSettled = true;
    this.unsettledSince = readAt;
  }

  /** Whether nothing in it waits for the refresh worker. */
  get complete(): boolean {
    return this.missing.size === 0 && this.stale.size === 0;
  }

  /** Whether every live row's geometry could be read (drawn areas are then answered here). */
  get hasGeometry(): boolean {
    return this.noGeom === 0;
  }

  private grow(): void {
    const cap = Math.ceil(this.cap * 1.5) + 16;
    const more = <T extends Float64Array | Uint8Array>(a: T, k = 1): T => {
      const b = new (a.constructor as { new (n: number): T })(cap * k);
      b.set(a);
      return b;
    };
    this.ids = more(this.ids);
    for (const c of [this.kind, this.status, this.county, this.landUse, this.priceUnit]) c.grow(cap);
    this.gas = more(this.gas);
    this.hasRow = more(this.hasRow);
    this.dist = more(this.dist, this.slots.length);
    this.box = more(this.box, 4);
    this.usable = more(this.usable);
    this.finderBox = more(this.finderBox, 4);
    for (const name of Object.keys(NUMERIC) as NumericColumn[]) this.num[name] = more(this.num[name]);
    this.cap = cap;
  }

  /** Put a `tableColumns` row in (a new carrier, or the new state of one held). */
  upsert(r: unknown[]): void {
    const id = Number(r[ID]);
    let i = this.rowOf.get(id);
    if (i === undefined) {
      i = this.free.pop();
      if (i === undefined) {
        if (this.n === this.cap) this.grow();
        i = this.n++;
      }
      this.rowOf.set(id, i);
    } else {
      if (this.geom[i] === null) this.noGeom--;
      if (this.doc[i] === null) this.noDoc--;
    }
    this.ids[i] = id;
    this.kind.set(i, r[KIND] as string);
    this.status.set(i, r[STATUS] as string);
    this.county.set(i, r[COUNTY] as string | null);
    this.landUse.set(i, r[LAND_USE] as string | null);
    this.priceUnit.set(i, r[PRICE_UNIT] as string | null);
    const ind = r[INDUSTRIES] as string[] | null;
    if (!ind?.length) this.industries[i] = EMPTY;
    else {
      const key = ind.join('\u0000');
      let arr = this.shared.get(key);
      if (!arr) this.shared.set(key, (arr = Object.freeze([...ind])));
      this.industries[i] = arr;
    }
    this.gas[i] = r[GAS] === null ? 0 : r[GAS] ? 2 : 1;
    for (const [name, at] of NUMERIC_AT) {
      const v = r[at];
      this.num[name][i] = v === null ? NaN : Number(v);
    }
    const has = Number(r[HAS_ROW]);
    this.hasRow[i] = has;
    const slots = this.slots.length;
    for (let k = 0; k < slots; k++) {
      const v = has ? r[D1 + k] : null;
      this.dist[i * slots + k] = v === null || v === undefined ? NaN : (v as number);
    }
    if (has === 1) this.missing.delete(i);
    else this.missing.add(i);
    const g = r[WKB] ? packWkb(r[WKB] as Uint8Array) : null;
    this.geom[i] = g && g.packed;
    if (g) {
      this.box[4 * i] = g.minX;
      this.box[4 * i + 1] = g.minY;
      this.box[4 * i + 2] = g.maxX;
      this.box[4 * i + 3] = g.maxY;
    }
    else this.noGeom++;
    const doc = (r[DOC] ?? null) as string | null;
    this.doc[i] = doc;
    if (doc === null) this.noDoc++;
    this.code[i] = r[CODE] as string;
    this.usable[i] = r[USABLE] === null ? NaN : Number(r[USABLE]);
    for (let k = 0; k < 4; k++) this.finderBox[4 * i + k] = r[FINDER_BOX + k] === null ? NaN : Number(r[FINDER_BOX + k]);
    this.docIndex?.touch(i);
    if (this.rankOk && i < this.rankOk.length) this.rankOk[i] = 0;
  }

  get park(): Float64Array {
    return this.num.park;
  }

  get price(): Float64Array {
    return this.num.price;
  }

  /** The rows whose document holds `word` (the substring index must be `finderReady`). */
  rowsContaining(word: string): Int32Array {
    return this.docIndex!.rows(word, this.doc, this.n);
  }

  /** Whether the finder can read the table now: every live row has its document, and the index is built (started here). */
  finderReady(): boolean {
    if (this.noDoc > 0) return false;
    if (!this.docIndex || this.docIndex.stale) {
      this.docIndex = SubstringIndex.start(this.doc, this.n);
      this.rankCodes();
    }
    return this.docIndex.ready;
  }

  codeRanks(): { rank: Int32Array; ok: Uint8Array } | null {
    return this.codeRank && this.rankOk && { rank: this.codeRank, ok: this.rankOk };
  }

  compareCode(i: number, j: number): number {
    const ok = this.rankOk;
    if (ok && i < ok.length && j < ok.length && ok[i] && ok[j]) return this.codeRank![i] - this.codeRank![j];
    return compareCodePoints(this.code[i] ?? '', this.code[j] ?? '');
  }

  /**
   * Rank the rows' codes (equal codes share a rank). The native sort compares UTF-16 units, which
   * is code-point order unless a code holds a character above U+FFFF: then there are no ranks.
   */
  private rankCodes(): void {
    this.codeRank = this.rankOk = null;
    const codes = this.code.slice(0, this.n);
    if (codes.some((c) => c !== null && /[\ud800-\udfff]/.test(c))) return;
    const sorted = (codes.filter((c) => c !== null) as string[]).sort();
    const rankOf = new Map<string, number>();
    sorted.forEach((c, r) => { if (!rankOf.has(c)) rankOf.set(c, r); });
    const rank = new Int32Array(this.n), ok = new Uint8Array(this.n);
    codes.forEach((c, i) => { if (c !== null && this.kind.codes[i] !== 0) { rank[i] = rankOf.get(c)!; ok[i] = 1; } });
    this.codeRank = rank;
    this.rankOk = ok;
  }

  /** Take a carrier out (deleted or no longer published). */
  remove(id: number): void {
    const i = this.rowOf.get(id);
    if (i === undefined) return;
    this.rowOf.delete(id);
    this.kind.codes[i] = 0; // matches no brief
    this.missing.delete(i);
    if (this.geom[i] === null) this.noGeom--;
    this.geom[i] = new Float64Array(1);
    if (this.doc[i] === null) this.noDoc--;
    this.doc[i] = '';
    this.free.push(i);
  }

  /**
   * Apply a delta read in one snapshot: the changed carriers' new rows (or their removal), the
   * missing rows read again, the re-read kinds' distances, the pending kinds, and its record.
   */
  apply(d: TableDelta, reread: number[], kinds: string[], countFrom: number, at: number): void {
    const present = new Set<number>();
    for (const r of d.rows) {
      present.add(Number(r[ID]));
      this.upsert(r);
    }
    for (const id of d.changed) if (!present.has(id)) this.remove(id);
    for (const id of reread) if (!present.has(id)) this.remove(id);
    const slots = this.slots.length;
    const kindSlots = kinds.map((k) => this.slotOf.get(k)!);
    for (const r of d.distances) {
      const i = this.rowOf.get(Number(r[0]));
      if (i === undefined || this.hasRow[i] !== 1) continue;
      for (const slot of kindSlots) {
        const v = r[1 + slot];
        this.dist[i * slots + slot] = v === null ? NaN : (v as number);
      }
    }
    for (const r of d.stored) {
      const i = this.rowOf.get(Number(r[0]));
      if (i === undefined || this.hasRow[i] !== 0) continue;
      this.hasRow[i] = 1;
      for (let k = 0; k < slots; k++) {
        const v = r[1 + k];
        this.dist[i * slots + k] = v === null ? NaN : (v as number);
      }
      this.missing.delete(i);
    }
    for (const k of kinds) this.stale.delete(k);
    for (const k of d.pending) this.stale.add(k);
    this.version = d.version;
    this.readAt = at;
    if (d.inProgress.length === 0) {
      // Nothing was in progress: every entry up to the version is in.
      if (countFrom === 0 || this.baseSettled) {
        this.lo = d.version;
        this.baseSettled = true;
        this.unsettled = null;
      } else this.unsettled = { version: d.version, countFrom, entries: d.entries, inProgress: [], at };
    } else {
      if (!this.unsettled) this.unsettledSince = at;
      this.unsettled = { version: d.version, countFrom, entries: d.entries, inProgress: d.inProgress, at };
    }
  }
}

const isNum = (x: number) => x === x; // not NaN (NULL)

/** The candidate table, loaded on demand and kept current by deltas. */
export class CandidateTable {
  private table: Table | null = null;
  private loading: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
  private settling: Promise<void> | null = null;
  private settledAt = 0;
  /** Earliest time (ms) of the next full load (after one: twice its duration, so failures cannot keep the database busy). */
  private nextLoadAt = 0;
  /** Published carriers exceeded `maxCarriers` at the last load. */
  private tooBig = false;

  constructor(private readonly repo: SelectionRepository, private readonly options: CandidateTableOptions = CANDIDATE_TABLE_DEFAULTS) {}

  /**
   * The brief's candidates with the criterion values of `kinds`, when the table is current at
   * change-log `version` (or brought to it by a delta within `deltaWaitMs`) and holds every
   * distance they need; otherwise null (the caller ranks in SQL).
   */
  async candidates(brief: Brief, kinds: string[], version: number): Promise<CachedCandidates | null> {
    const found = await this.rows(brief, kinds, version);
    if (!found) return null;
    const { t, rows } = found;
    return { kinds, candidates: Array.from(rows, (i) => this.rankable(t, i, kinds)) };
  }

  /**
   * The brief ranked over its candidates in the table (as `candidates` + scoring.ts would rank
   * them, without an object per candidate): their number and the requested page; null as for
   * `candidates`.
   */
  async rank(brief: Brief, kinds: string[], version: number): Promise<{ matched: number; page: Ranked<Rankable>[] } | null> {
    const found = await this.rows(brief, kinds, version);
    return found && this.rankRows(found.t, brief, kinds, found.rows);
  }

  /** The table rows of the brief's candidates, when the table may answer it (see `candidates`). */
  private async rows(brief: Brief, kinds: string[], version: number): Promise<{ t: Table; rows: Int32Array } | null> {
    if (this.options.maxCarriers <= 0) return null;
    let t = await this.usable(version);
    if (!t) return null;
    for (const k of kinds) if (t.stale.has(k) || !t.slotOf.has(k)) return null;
    let spatial: Uint8Array | null = null;
    const area = brief.within && t.hasGeometry ? prepareArea(brief.within) : null;
    if (brief.near || (brief.within && !area)) {
      // A point + radius (a projected distance) is decided in PostgreSQL.
      const { version: v, ids } = await this.repo.spatialIds(area ? { ...brief, within: null } : brief);
      if (this.table !== t || v !== t.version) return null;
      spatial = this.mark(t, ids);
      if (!spatial) return null;
    }
    t = this.table;
    if (!t) return null;
    const rows = this.filter(t, brief, kinds, spatial, area);
    return rows && { t, rows };
  }

  /**
   * The table for the site finder when it is current at change-log `version` (default: now; brought to
   * it by a delta within `deltaWaitMs`), holds every published carrier's finder row and has its
   * substring index built; otherwise null (the finder answers in SQL; a missing table or index is
   * built in the background).
   */
  async finderRows(version?: number): Promise<FinderRows | null> {
    if (this.options.maxCarriers <= 0) return null;
    const t = await this.usable(version ?? (await this.repo.changeVersion()));
    return t && t.finderReady() ? t : null;
  }

  /** Drop the table (tests). */
  clear(): void {
    this.table = null;
  }

  /**
   * The table if it may answer at `version`: a newer version is waited for (a delta, up to
   * `deltaWaitMs`); a missing table is loaded in the background (null meanwhile).
   */
  private async usable(version: number): Promise<Table | null> {
    let t = this.table;
    if (!t) {
      this.load();
      return null;
    }
    if (version !== t.version) {
      if (version < t.version) {
        void this.refresh(); // read before a delta, or the log was reset (then the delta reloads): SQL
        return null;
      }
      // A delta under way may have started before this version was committed: then another.
      const until = Date.now() + this.options.deltaWaitMs;
      while (t && t.version < version && Date.now() < until) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.refresh(), new Promise((r) => { timer = setTimeout(r, until - Date.now()); })]);
        clearTimeout(timer);
        t = this.table;
      }
      if (!t || t.version < version) return null;
    }
    const now = Date.now();
    if (t.unsettled) {
      if (now - t.unsettledSince > this.options.provisionalMs) {
        this.table = null;
        this.load();
        return null;
      }
      this.settle(t);
    }
    if (!t.complete && now - t.readAt > this.options.incompleteMs) void this.refresh();
    return t;
  }

  /** Check (at most once a second) whether the table's latest read is exact; advance `lo` when it is. */
  private settle(t: Table): void {
    const now = Date.now();
    const rec = t.unsettled;
    if (!rec || this.settling || now - this.settledAt < 1000) return;
    this.settledAt = now;
    this.settling = this.repo.tableSettled(rec.inProgress, rec.version, rec.entries, rec.countFrom)
      .then((exact) => {
        if (this.table !== t) return;
        if (exact === true) {
          t.lo = Math.max(t.lo, rec.version);
          t.baseSettled = true;
          if (t.unsettled === rec) t.unsettled = null;
          else if (t.unsettled) t.unsettledSince = t.unsettled.at;
        } else if (exact === false) {
          // A change committed below the version read: read again from `lo` (from scratch when
          // the full read itself is in doubt).
          if (rec.countFrom === 0 && !t.baseSettled) {
            this.table = null;
            this.load();
          } else void this.refresh();
        }
      })
      .catch(() => undefined)
      .finally(() => { this.settling = null; });
  }

  /** Read what changed since the table's `lo` and patch it in (one delta at a time). */
  private refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (this.loading) return this.loading;
    const t = this.table;
    if (!t) return Promise.resolve();
    const started = Date.now();
    const missing = [...t.missing];
    // Read again in full and measured live: the rows measured live before (kept current at every
    // delta); the others without a row: only their stored distances, if the worker has stored them.
    const live = missing.filter((i) => t.hasRow[i] === 2).map((i) => t.ids[i]);
    const nearest = missing.filter((i) => t.hasRow[i] === 0).slice(0, MAX_REREAD).map((i) => t.ids[i]);
    const countFrom = t.baseSettled ? t.lo : 0;
    this.refreshing = this.repo.tableDelta(t.lo, countFrom, MAX_DELTA, live, live, MAX_LIVE, [...t.stale], t.slots, nearest)
      .then((d) => {
        if (this.table !== t) return;
        if (d.version < t.version || d.tooMany) {
          // The log was reset (a restore), or too much changed: read it all again.
          this.table = null;
          this.load();
          return;
        }
        t.apply(d, live, d.kinds, countFrom, started);
      })
      .catch(() => undefined) // the next request tries again; SQL answers meanwhile
      .finally(() => { this.refreshing = null; });
    return this.refreshing;
  }

  private load(): void {
    if (this.loading || Date.now() < this.nextLoadAt) return;
    const started = Date.now();
    this.loading = this.repo.tableSnapshot(this.options.maxCarriers)
      .then(({ rows, ...state }) => {
        this.tooBig = rows.length > this.options.maxCarriers;
        return this.tooBig ? null : Table.build(state, rows, started);
      })
      .then((t) => { this.table = t; })
      .catch(() => { this.table = null; }) // answered in SQL, which reports a lasting error
      .finally(() => {
        const took = Date.now() - started;
        this.nextLoadAt = Date.now() + (this.tooBig ? 60_000 : 2 * took);
        this.loading = null;
      });
  }

  /** Row flags of the given carrier ids; null when one is not in the table (it changed since). */
  private mark(t: Table, ids: number[]): Uint8Array | null {
    const flags = new Uint8Array(t.n);
    for (const id of ids) {
      const i = t.rowOf.get(id);
      if (i === undefined) return null;
      flags[i] = 1;
    }
    return flags;
  }

  /**
   * One pass over the table: `candidates`' constraints, then the maximum distances. The rows that
   * meet them, in table order; null when one of them has no stored distances (measured live in SQL).
   */
  private filter(t: Table, b: Brief, kinds: string[], spatial: Uint8Array | null, drawn: PreparedArea | null): Int32Array | null {
    const kind = t.kind.of(b.layers.map((l) => CARRIER_LAYER_KINDS[l]))!;
    const status = t.status.of(b.status)!;
    const county = t.county.of(b.counties);
    const landUse = t.landUse.of(b.landUse);
    const unit = b.priceUnit === null ? -1 : (t.priceUnit.dictionary.get(b.priceUnit) ?? -2);
    const parks = b.parks === null ? null : new Set(b.parks);
    const { areaRaw, area, price, power, water, floors, floorLoad, clearHeight, plotMin, plotMax, intensity, output, park } = t.num;
    const slots = t.slots.length;
    const box = t.box;
    const kindSlots = kinds.map((k) => t.slotOf.get(k)!);
    const maxDist = kinds.map((k) => b.maxDistanceM[k] ?? null);
    const aMin = b.area.min, aMax = b.area.max, pMin = b.priceMin, pMax = b.priceMax;
    const out = new Int32Array(t.n);
    let count = 0;
    rows: for (let i = 0; i < t.n; i++) {
      if (spatial && !spatial[i]) continue;
      if (!kind[t.kind.codes[i]] || !status[t.status.codes[i]]) continue;
      if (county && !county[t.county.codes[i]]) continue;
      if (parks && !(isNum(park[i]) && parks.has(park[i]))) continue;
      // NaN (NULL) fails every comparison, as NULL does in SQL.
      if (aMin !== null && !(areaRaw[i] >= aMin - 0.005 && area[i] >= aMin)) continue;
      if (aMax !== null && !(areaRaw[i] <= aMax + 0.005 && area[i] <= aMax)) continue;
      if (pMin !== null && !(price[i] >= pMin)) continue;
      if (pMax !== null && !(price[i] <= pMax)) continue;
      if (unit !== -1 && t.priceUnit.codes[i] !== unit) continue;
      if (landUse && !landUse[t.landUse.codes[i]]) continue;
      if (b.industry !== null && !t.industries[i].includes(b.industry)) continue;
      if (b.powerKvaMin !== null && !(power[i] >= b.powerKvaMin)) continue;
      if (b.waterTPerDayMin !== null && !(water[i] >= b.waterTPerDayMin)) continue;
      if (b.gas && t.gas[i] !== 2) continue;
      if (b.floorsMin !== null && !(floors[i] >= b.floorsMin)) continue;
      if (b.floorsMax !== null && !(floors[i] <= b.floorsMax)) continue;
      if (b.floorLoadMin !== null && !(floorLoad[i] >= b.floorLoadMin)) continue;
      if (b.clearHeightMin !== null && !(clearHeight[i] >= b.clearHeightMin)) continue;
      if (b.plotRatio.min !== null && !(plotMax[i] >= b.plotRatio.min)) continue;
      if (b.plotRatio.max !== null && !(plotMin[i] <= b.plotRatio.max)) continue;
      const ii = b.standardLand.investmentIntensity, op = b.standardLand.outputPerMu;
      if (ii !== null && isNum(intensity[i]) && !(intensity[i] <= ii)) continue;
      if (op !== null && isNum(output[i]) && !(output[i] <= op)) continue;
      if (drawn) {
        const g = t.geom[i];
        if (!g || !intersectsArea(g, box[4 * i], box[4 * i + 1], box[4 * i + 2], box[4 * i + 3], drawn)) continue;
      }
      if (kinds.length) {
        if (!t.hasRow[i]) return null; // measured live in SQL
        for (let k = 0; k < kinds.length; k++) {
          const m = maxDist[k];
          if (m !== null && !(t.dist[i * slots + kindSlots[k]] <= m)) continue rows;
        }
      }
      out[count++] = i;
    }
    return out.subarray(0, count);
  }

  /** Where a criterion's values lie: row `i`'s value is `col[i * stride + offset]` (NaN = NULL). */
  private column(t: Table, criterion: string): { col: Float64Array; stride: number; offset: number } {
    const kind = distanceKind(criterion);
    if (kind === null) return { col: t.num[SLOT_COLUMN[criterion]], stride: 1, offset: 0 };
    return { col: t.dist, stride: t.slots.length, offset: t.slotOf.get(kind)! };
  }

  /** A row as the ranking sees it: id, price unit and the criterion values (attributes, then `kinds`' distances). */
  private rankable(t: Table, i: number, kinds: string[]): Rankable {
    const values: Record<string, number | null> = {};
    for (const c of VALUE_SLOTS) {
      const v = t.num[SLOT_COLUMN[c]][i];
      values[c] = isNum(v) ? v : null;
    }
    const slots = t.slots.length;
    for (const k of kinds) {
      const d = t.dist[i * slots + t.slotOf.get(k)!];
      values[DISTANCE_PREFIX + k] = isNum(d) ? d : null;
    }
    return { id: t.ids[i], priceUnit: t.priceUnit.words[t.priceUnit.codes[i]], values };
  }

  /**
   * scoring.ts's `scoreAll` and `sortRanked` on the columns, operation for operation (same
   * float8 arithmetic in the same order, same bounds, same comparator), without an object per
   * candidate: one goodness column per weighted criterion and the totals in typed arrays, then
   * only the rows up to the page's end are ordered (a bounded heap when the page ends early in a
   * long list: the comparator is a total order, ties by id, so this is the full sort's prefix),
   * and only the page's rows become objects.
   */
  private rankRows(t: Table, b: Brief, kinds: string[], rows: Int32Array): { matched: number; page: Ranked<Rankable>[] } {
    const m = rows.length;
    const criteria = Object.keys(b.weights).sort();
    const nc = criteria.length;
    const unitCodes = t.priceUnit.codes;
    const groups = t.priceUnit.words.length;
    const goodness: Float64Array[] = [];
    const lows: Float64Array[] = [];
    const highs: Float64Array[] = [];
    const byUnit: boolean[] = [];
    for (const c of criteria) {
      const { col, stride, offset } = this.column(t, c);
      const dir = b.directions[c];
      const mode = dir === 'higher' ? 0 : dir === 'lower' ? 1 : 2;
      const ideal = typeof dir === 'object' ? dir.ideal : 0;
      const unit = c === 'price';
      // Bounds per group (price: per unit code, 0 = NULL; else one group); NaN = no value yet.
      const lo = new Float64Array(unit ? groups : 1).fill(NaN);
      const hi = new Float64Array(unit ? groups : 1).fill(NaN);
      const x = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        const i = rows[k];
        const v = col[i * stride + offset];
        if (!Number.isFinite(v)) { x[k] = NaN; continue; }
        const g = mode === 0 ? v : mode === 1 ? -v : -Math.abs(v - ideal);
        x[k] = g;
        const key = unit ? unitCodes[i] : 0;
        const min = lo[key];
        if (min !== min) { lo[key] = g; hi[key] = g; } else {
          if (g < min) lo[key] = g;
          if (g > hi[key]) hi[key] = g;
        }
      }
      goodness.push(x);
      lows.push(lo);
      highs.push(hi);
      byUnit.push(unit);
    }
    const weights = criteria.map((c) => b.weights[c]);
    /** Score 0..100 of criterion j for the k-th candidate (normalise()'s formula). */
    const score = (j: number, k: number): number => {
      const g = goodness[j][k];
      if (g !== g) return 0;
      const key = byUnit[j] ? unitCodes[rows[k]] : 0;
      const min = lows[j][key], max = highs[j][key];
      return max === min ? 100 : (100 * (g - min)) / (max - min);
    };
    const total = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      let sum = 0;
      for (let j = 0; j < nc; j++) sum += (weights[j] * score(j, k)) / 100;
      total[k] = round6(sum);
    }

    // Sort key per candidate (NaN = NULL, last), ties by id.
    const { key, descending } = b.sort;
    const sign = descending ? -1 : 1;
    const ids = t.ids;
    let sortKey: Float64Array;
    if (key === 'score') sortKey = total;
    else {
      sortKey = new Float64Array(m);
      if (key === 'id') for (let k = 0; k < m; k++) sortKey[k] = ids[rows[k]];
      else {
        const { col, stride, offset } = this.column(t, key);
        for (let k = 0; k < m; k++) sortKey[k] = col[rows[k] * stride + offset];
      }
    }
    const before = (ka: number, kb: number): number => {
      const va = sortKey[ka], vb = sortKey[kb];
      const na = va !== va, nb = vb !== vb;
      if (na || nb) {
        if (!(na && nb)) return na ? 1 : -1;
      } else if (va !== vb) return sign * (va - vb);
      return ids[rows[ka]] - ids[rows[kb]];
    };
    const end = Math.min(m, b.offset + b.limit);
    let ordered: Int32Array;
    if (b.offset >= m) ordered = new Int32Array(0);
    else if (end * 8 >= m) {
      ordered = new Int32Array(m);
      for (let k = 0; k < m; k++) ordered[k] = k;
      ordered.sort(before);
    } else ordered = topK(m, end, before);
    const page: Ranked<Rankable>[] = [];
    for (let p = b.offset; p < end; p++) {
      const k = ordered[p];
      const scores: Record<string, number> = {};
      for (let j = 0; j < nc; j++) scores[criteria[j]] = round6(score(j, k));
      page.push({ candidate: this.rankable(t, rows[k], kinds), score: total[k], scores });
    }
    return { matched: m, page };
  }
}

/** The first `n` of 0..m-1 in `before` order (a total order), in order: a bounded max-heap. */
export function topK(m: number, n: number, before: (a: number, b: number) => number): Int32Array {
  const heap = new Int32Array(n);
  let size = 0;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let worst = i;
      if (l < size && before(heap[l], heap[worst]) > 0) worst = l;
      if (r < size && before(heap[r], heap[worst]) > 0) worst = r;
      if (worst === i) return;
      const tmp = heap[i]; heap[i] = heap[worst]; heap[worst] = tmp;
      i = worst;
    }
  };
  for (let k = 0; k < m; k++) {
    if (size < n) {
      let i = size++;
      heap[i] = k;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (before(heap[i], heap[parent]) <= 0) break;
        const tmp = heap[i]; heap[i] = heap[parent]; heap[parent] = tmp;
        i = parent;
      }
    } else if (before(k, heap[0]) < 0) {
      heap[0] = k;
      down(0);
    }
  }
  return heap.sort(before);
}
