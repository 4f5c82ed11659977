/**
 * The in-memory candidate table: every published carrier's filtered and ranked columns, pre-joined
 * with its stored nearest-amenity distances (`carrier_nearest`), held in columns (typed arrays) so
 * that a brief is filtered in one pass over them and ranked with scoring.ts, the contract the SQL
 * ranking reproduces. A brief then costs one change-log probe (plus one GiST query for a drawn
 * area or a point + radius) and one query for the page's details, however many sites match:
 * measured, this is what brings the first answer to a brief under the 100 ms of issue 15 at
 * 200,000 parcels, where the SQL ranking has to read every candidate's row from the wide
 * `carriers` table.
 *
 * Exactness (the answer is the SQL ranking's, bit for bit; test/selection.test.ts compares them):
 * - the constraints are `candidates`' in selection.sql, operation for operation on the same float8
 *   values (the area's sargable bound and rounded comparison included); drawn areas and points +
 *   radius run `candidates`' own predicates in PostgreSQL (`tableSpatial`);
 * - it is read in one snapshot with the change-log version (`feature_changes`, which every insert,
 *   update and delete of a carrier or an amenity moves on) and used only while the version is
 *   unchanged; a change makes the next request load it again in the background and answer in
 *   SQL meanwhile. One hole of a max-id version: a transaction in progress while the table was
 *   read could commit a change-log id below the version read. Such a table is checked (at most
 *   once a second, `tableSettled`) until those transactions have ended: read again if one of them
 *   changed the log, and in any case after `provisionalMs` if one still runs;
 * - a brief that needs a distance the table does not hold as current (a carrier without a stored
 *   row, a kind with a pending amenity change) is answered in SQL, which measures it live. Such a
 *   table is read again `incompleteMs` after it was read, as the refresh worker catches up.
 *
 * Memory: about 300 bytes per published carrier (200,000 → ~60 MB); above `maxCarriers` published
 * carriers there is no table and every brief is ranked in SQL.
 */
import type { Brief } from './brief.ts';
import { CARRIER_LAYER_KINDS, DISTANCE_PREFIX, distanceKind } from './brief.ts';
import { round6, type Rankable, type Ranked } from './scoring.ts';
import type { CachedCandidates } from './selection.cache.ts';
import { VALUE_SLOTS } from './selection.query.ts';
import type { SelectionRepository, TableSnapshot } from './selection.repository.ts';

/** Options of the candidate table. */
export interface CandidateTableOptions {
  /** Most published carriers held (0 disables the table). */
  maxCarriers: number;
  /** How long (ms) a table read while other transactions were in progress is used. */
  provisionalMs: number;
  /** After how long (ms) a table with missing or pending distances is read again. */
  incompleteMs: number;
}

/** Defaults: up to 500,000 carriers (~150 MB); provisional 30 s; incomplete re-read after 5 s. */
export const CANDIDATE_TABLE_DEFAULTS: CandidateTableOptions = { maxCarriers: 500_000, provisionalMs: 30_000, incompleteMs: 5_000 };

// Column positions of `tableRows` (array row mode).
const ID = 0, KIND = 1, STATUS = 2, COUNTY = 3, PARK = 4, LAND_USE = 5, INDUSTRIES = 6, AREA_RAW = 7, AREA = 8, PRICE = 9,
  PRICE_UNIT = 10, POWER = 11, WATER = 12, GAS = 13, FLOORS = 14, FLOOR_LOAD = 15, CLEAR_HEIGHT = 16, PLOT_MIN = 17,
  PLOT_MAX = 18, INTENSITY = 19, OUTPUT = 20, HAS_ROW = 21, D1 = 22;

/** The numeric columns held, by name (NaN = NULL). */
const NUMERIC = {
  areaRaw: AREA_RAW, area: AREA, price: PRICE, power: POWER, water: WATER, floors: FLOORS, floorLoad: FLOOR_LOAD,
  clearHeight: CLEAR_HEIGHT, plotMin: PLOT_MIN, plotMax: PLOT_MAX, intensity: INTENSITY, output: OUTPUT, park: PARK,
} as const;
type NumericColumn = keyof typeof NUMERIC;

/** Column of each value slot (`v` in selection.sql: the attribute criteria in VALUE_SLOTS order). */
const SLOT_COLUMN: Record<string, NumericColumn> = {
  area: 'area', price: 'price', power: 'power', water: 'water', plot_ratio: 'plotMax', floor_load: 'floorLoad',
  clear_height: 'clearHeight', investment_intensity: 'intensity', output_per_mu: 'output',
};

/** A text column as dictionary codes (0 = NULL). */
class Codes {
  readonly codes: Int32Array;
  readonly dictionary = new Map<string, number>();
  readonly words: (string | null)[] = [null];

  constructor(n: number) {
    this.codes = new Int32Array(n);
  }

  set(i: number, value: string | null): void {
    if (value === null) return;
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

/** One loaded table. */
class Table {
  readonly n: number;
  readonly ids: Float64Array;
  readonly kind: Codes;
  readonly status: Codes;
  readonly county: Codes;
  readonly landUse: Codes;
  readonly priceUnit: Codes;
  readonly industries: (readonly string[])[];
  /** 0 NULL, 1 false, 2 true. */
  readonly gas: Uint8Array;
  readonly num = {} as Record<NumericColumn, Float64Array>;
  readonly hasRow: Uint8Array;
  /** n × slots stored distances (NaN = NULL). */
  readonly dist: Float64Array;
  readonly slotOf: Map<string, number>;
  readonly pending: Set<string>;
  /** Carriers without a stored row. */
  readonly missing: number;
  /** Row of each carrier id. */
  readonly rowOf = new Map<number, number>();
  /** No transaction that was in progress when it was read can have changed what it holds. */
  settled: boolean;

  constructor(readonly snapshot: Omit<TableSnapshot, 'rows'>, rows: unknown[][], readonly readAt: number) {
    const n = rows.length;
    this.n = n;
    this.ids = new Float64Array(n);
    this.kind = new Codes(n);
    this.status = new Codes(n);
    this.county = new Codes(n);
    this.landUse = new Codes(n);
    this.priceUnit = new Codes(n);
    this.industries = new Array(n);
    this.gas = new Uint8Array(n);
    this.hasRow = new Uint8Array(n);
    const slots = snapshot.slots.length;
    this.dist = new Float64Array(n * slots);
    this.slotOf = new Map(snapshot.slots.map((k, i) => [k, i]));
    this.pending = new Set(snapshot.pending);
    for (const name of Object.keys(NUMERIC) as NumericColumn[]) this.num[name] = new Float64Array(n);
    const empty: readonly string[] = Object.freeze([]);
    const shared = new Map<string, readonly string[]>();
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      this.ids[i] = Number(r[ID]);
      this.kind.set(i, r[KIND] as string);
      this.status.set(i, r[STATUS] as string);
      this.county.set(i, r[COUNTY] as string | null);
      this.landUse.set(i, r[LAND_USE] as string | null);
      this.priceUnit.set(i, r[PRICE_UNIT] as string | null);
      const ind = r[INDUSTRIES] as string[] | null;
      if (!ind?.length) this.industries[i] = empty;
      else {
        const key = ind.join('\u0000');
        let arr = shared.get(key);
        if (!arr) shared.set(key, (arr = Object.freeze([...ind])));
        this.industries[i] = arr;
      }
      this.gas[i] = r[GAS] === null ? 0 : r[GAS] ? 2 : 1;
      for (const name of Object.keys(NUMERIC) as NumericColumn[]) {
        const v = r[NUMERIC[name]];
        this.num[name][i] = v === null ? NaN : Number(v);
      }
      if (r[HAS_ROW]) {
        this.hasRow[i] = 1;
        for (let k = 0; k < slots; k++) {
          const v = r[D1 + k];
          this.dist[i * slots + k] = v === null ? NaN : (v as number);
        }
      } else {
        missing++;
        this.dist.fill(NaN, i * slots, (i + 1) * slots);
      }
    }
    this.missing = missing;
    for (let i = 0; i < n; i++) this.rowOf.set(this.ids[i], i);
    this.settled = snapshot.inProgress.length === 0;
  }

  /** Whether nothing in it waits for the refresh worker. */
  get complete(): boolean {
    return this.missing === 0 && this.pending.size === 0;
  }
}

const isNum = (x: number) => x === x; // not NaN (NULL)

/** The candidate table, loaded on demand and again after every change. */
export class CandidateTable {
  private table: Table | null = null;
  private loading: Promise<void> | null = null;
  private settling: Promise<void> | null = null;
  private settledAt = 0;
  /** Earliest time (ms) of the next load (after a load: twice its duration, so a stream of changes cannot keep the database busy). */
  private nextLoadAt = 0;
  /** Published carriers exceeded `maxCarriers` at the last load. */
  private tooBig = false;

  constructor(private readonly repo: SelectionRepository, private readonly options: CandidateTableOptions = CANDIDATE_TABLE_DEFAULTS) {}

  /**
   * The brief's candidates with the criterion values of `kinds`, when the table is current at
   * change-log `version` and holds every distance they need; otherwise null (the caller ranks in
   * SQL) and, when it is stale, a load starts in the background.
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
    const t = this.usable(version);
    if (!t) return null;
    for (const k of kinds) if (t.pending.has(k) || !t.slotOf.has(k)) return null;
    let spatial: Uint8Array | null = null;
    if (brief.within || brief.near) {
      const { version: v, ids } = await this.repo.spatialIds(brief);
      if (v !== t.snapshot.version || this.table !== t) return null;
      spatial = this.mark(t, ids);
      if (!spatial) return null;
    }
    const rows = this.filter(t, brief, kinds, spatial);
    return rows && { t, rows };
  }

  /** Drop the table (tests). */
  clear(): void {
    this.table = null;
  }

  /** The table if it may answer at `version`; starts a load when it is missing, stale or incomplete. */
  private usable(version: number): Table | null {
    const t = this.table;
    const now = Date.now();
    if (!t || t.snapshot.version !== version) {
      this.load();
      return null;
    }
    if (!t.settled) {
      if (now - t.readAt > this.options.provisionalMs) {
        this.load();
        return null;
      }
      this.settle(t);
    }
    if (!t.complete && now - t.readAt > this.options.incompleteMs) this.load();
    return t;
  }

  /** Check (at most once a second) whether a table read while other transactions ran is exact. */
  private settle(t: Table): void {
    const now = Date.now();
    if (this.settling || now - this.settledAt < 1000) return;
    this.settledAt = now;
    this.settling = this.repo.tableSettled(t.snapshot.inProgress, t.snapshot.version, t.snapshot.entries)
      .then((exact) => {
        if (exact === true) t.settled = true;
        else if (exact === false && this.table === t) {
          this.table = null;
          this.load();
        }
      })
      .catch(() => undefined)
      .finally(() => { this.settling = null; });
  }

  private load(): void {
    if (this.loading || Date.now() < this.nextLoadAt) return;
    const started = Date.now();
    this.loading = this.repo.tableSnapshot(this.options.maxCarriers)
      .then(({ rows, ...state }) => {
        this.tooBig = rows.length > this.options.maxCarriers;
        this.table = this.tooBig ? null : new Table(state, rows, started);
      })
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
  private filter(t: Table, b: Brief, kinds: string[], spatial: Uint8Array | null): Int32Array | null {
    const kind = t.kind.of(b.layers.map((l) => CARRIER_LAYER_KINDS[l]))!;
    const status = t.status.of(b.status)!;
    const county = t.county.of(b.counties);
    const landUse = t.landUse.of(b.landUse);
    const unit = b.priceUnit === null ? -1 : (t.priceUnit.dictionary.get(b.priceUnit) ?? -2);
    const parks = b.parks === null ? null : new Set(b.parks);
    const { areaRaw, area, price, power, water, floors, floorLoad, clearHeight, plotMin, plotMax, intensity, output, park } = t.num;
    const slots = t.snapshot.slots.length;
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

  /** Criterion value of table row `i` (NaN = NULL): an attribute column or a stored distance. */
  private valueAt(t: Table, criterion: string): (i: number) => number {
    const kind = distanceKind(criterion);
    if (kind === null) {
      const col = t.num[SLOT_COLUMN[criterion]];
      return (i) => col[i];
    }
    const slot = t.slotOf.get(kind)!;
    const slots = t.snapshot.slots.length;
    return (i) => t.dist[i * slots + slot];
  }

  /** A row as the ranking sees it: id, price unit and the criterion values (attributes, then `kinds`' distances). */
  private rankable(t: Table, i: number, kinds: string[]): Rankable {
    const values: Record<string, number | null> = {};
    for (const c of VALUE_SLOTS) {
      const v = t.num[SLOT_COLUMN[c]][i];
      values[c] = isNum(v) ? v : null;
    }
    const slots = t.snapshot.slots.length;
    for (const k of kinds) {
      const d = t.dist[i * slots + t.slotOf.get(k)!];
      values[DISTANCE_PREFIX + k] = isNum(d) ? d : null;
    }
    return { id: t.ids[i], priceUnit: t.priceUnit.words[t.priceUnit.codes[i]], values };
  }

  /**
   * scoring.ts's `scoreAll` and `sortRanked` on the columns, operation for operation (same
   * float8 arithmetic in the same order, same bounds, same comparator), without an object per
   * candidate: only the page's rows become objects.
   */
  private rankRows(t: Table, b: Brief, kinds: string[], rows: Int32Array): { matched: number; page: Ranked<Rankable>[] } {
    const m = rows.length;
    const criteria = Object.keys(b.weights).sort();
    const scores = criteria.map((c) => {
      const value = this.valueAt(t, c);
      const dir = b.directions[c];
      const byUnit = c === 'price';
      const x = new Float64Array(m);
      // Bounds per group (price: per unit code, 0 = NULL; else one group), first value first as in normalise().
      const lo = new Map<number, number>();
      const hi = new Map<number, number>();
      for (let k = 0; k < m; k++) {
        const v = value(rows[k]);
        if (!Number.isFinite(v)) { x[k] = NaN; continue; }
        const g = dir === 'higher' ? v : dir === 'lower' ? -v : -Math.abs(v - dir.ideal);
        x[k] = g;
        const key = byUnit ? t.priceUnit.codes[rows[k]] : 0;
        const min = lo.get(key);
        if (min === undefined) { lo.set(key, g); hi.set(key, g); } else {
          if (g < min) lo.set(key, g);
          if (g > hi.get(key)!) hi.set(key, g);
        }
      }
      const s = new Float64Array(m);
      for (let k = 0; k < m; k++) {
        const g = x[k];
        if (g !== g) { s[k] = 0; continue; }
        const key = byUnit ? t.priceUnit.codes[rows[k]] : 0;
        const min = lo.get(key)!, max = hi.get(key)!;
        s[k] = max === min ? 100 : (100 * (g - min)) / (max - min);
      }
      return s;
    });
    const total = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      let sum = 0;
      for (let j = 0; j < criteria.length; j++) sum += (b.weights[criteria[j]] * scores[j][k]) / 100;
      total[k] = round6(sum);
    }
    const { key, descending } = b.sort;
    const sign = descending ? -1 : 1;
    const value = key === 'score' || key === 'id' ? null : this.valueAt(t, key);
    const sortValue = (k: number): number | null => {
      if (key === 'score') return total[k];
      if (key === 'id') return t.ids[rows[k]];
      const v = value!(rows[k]);
      return isNum(v) ? v : null;
    };
    const order = Array.from({ length: m }, (_, k) => k);
    order.sort((ka, kb) => {
      const va = sortValue(ka);
      const vb = sortValue(kb);
      if (va !== vb) {
        if (va === null) return 1;
        if (vb === null) return -1;
        return sign * (va - vb);
      }
      return t.ids[rows[ka]] - t.ids[rows[kb]];
    });
    const page = order.slice(b.offset, b.offset + b.limit).map((k) => ({
      candidate: this.rankable(t, rows[k], kinds),
      score: total[k],
      scores: Object.fromEntries(criteria.map((c, j) => [c, round6(scores[j][k])])),
    }));
    return { matched: m, page };
  }
}
