/**
 * Data access for site selection: one ranked page compiled from a brief (ranked in SQL over every
 * candidate), the candidates' criterion values for the cache, and the details of a page ranked
 * from the cache. Visibility is fixed here: published carriers and amenities only.
 */
import type pg from 'pg';
import { fillTemplate, loadQueries } from '../../core/db/sql.ts';
import type { Brief } from './brief.ts';
import { compileBrief, compileRanking } from './selection.query.ts';

const Q = loadQueries(import.meta.url, 'selection.sql', [
  'candidates', 'rankPage', 'rankSlotGoodness', 'rankSlotBounds', 'rankSlotScore', 'rankSlotTerm', 'rankSlotPage',
  'candidateCount', 'candidateValues', 'pageDetails', 'changeVersion', 'tableColumns', 'tableRows', 'tableState', 'tableSettled',
  'tableSpatial', 'tableDeltaState', 'tableRowsById', 'tableDistances',
] as const);

const withColumns = (sql: string) => fillTemplate(sql, { columns: Q.tableColumns });
const TABLE_ROWS_SQL = withColumns(Q.tableRows);
const TABLE_ROWS_BY_ID_SQL = withColumns(Q.tableRowsById);

const withCandidates = (sql: string) => fillTemplate(sql, { candidates: Q.candidates });
const COUNT_SQL = withCandidates(Q.candidateCount);
const VALUES_SQL = withCandidates(Q.candidateValues);
const RANK_SQL = new Map<number, string>();

/** `rankPage` for `n` weighted criteria: each rankSlot* fragment repeated for slots 1..n (numbers only). */
function rankSql(n: number): string {
  let sql = RANK_SQL.get(n);
  if (!sql) {
    const slots = (fragment: string) => Array.from({ length: n }, (_, i) => fillTemplate(fragment, { j: String(i + 1) })).join('');
    sql = fillTemplate(withCandidates(Q.rankPage), {
      goodness: slots(Q.rankSlotGoodness),
      bounds: slots(Q.rankSlotBounds),
      terms: slots(Q.rankSlotTerm),
      scores: slots(Q.rankSlotScore),
      page: slots(Q.rankSlotPage),
    });
    RANK_SQL.set(n, sql);
  }
  return sql;
}

/** Columns of a carrier that a result shows. */
export interface CarrierDetails {
  id: number;
  kind: 'land' | 'factory' | 'office';
  name: string;
  status: string;
  county_adcode: string | null;
  park_id: number | null;
  land_use: string | null;
  area_m2: number;
  price: number | null;
  price_unit: string | null;
  /** GeoJSON geometry text (EPSG:4326, 7 decimals). */
  geometry: string;
}

/** One row of a page ranked in SQL. */
export interface RankedRow extends CarrierDetails {
  /** Criterion values: the nine attribute criteria, then the distances of the measured kinds. */
  v: (number | null)[];
  /** Total, rounded to 6 decimals. */
  score: number;
  /** Unrounded score of each weighted criterion, in the order `compileRanking` returns them. */
  scores: number[];
}

/** A ranked page and the number of candidates. */
export interface RankedPage {
  matched: number;
  rows: RankedRow[];
  /** The measured kinds (slots 10.. of `v`). */
  kinds: string[];
  /** The weighted criteria in slot order. */
  criteria: string[];
}

/** Every candidate's id, price unit and criterion values (`v`), for the cache. */
export interface CandidateValues {
  ids: number[];
  priceUnits: (string | null)[];
  values: (number | null)[][];
}

/** Rows of the candidate table read per statement. */
const TABLE_CHUNK = 10_000;

/** Every published carrier's selection columns (`tableRows`, array row mode) and what they were read at. */
export interface TableSnapshot {
  /** Rows in `tableColumns`' order. */
  rows: unknown[][];
  version: number;
  /** Amenity kinds whose stored distances are not current. */
  pending: string[];
  /** Amenity kind of each stored-distance slot (d1..d16). */
  slots: string[];
  /** Change-log entries with ids up to `version`. */
  entries: number;
  /** Transactions in progress when it was read (xid8 as text). */
  inProgress: string[];
}

/** What changed since a table was read (`tableDelta`), read in one snapshot. */
export interface TableDelta {
  version: number;
  /** Change-log entries in (countFrom, version]. */
  entries: number;
  /** Carriers named by change-log entries after `after` (more than `maxChanged`: `tooMany`, no rows read). */
  changed: number[];
  tooMany: boolean;
  /** `tableColumns` rows of the changed and the asked carriers that are published. */
  rows: unknown[][];
  pending: string[];
  inProgress: string[];
  /** Kinds whose stored distances `distances` holds current (those asked for or, after an amenity change, all not pending). */
  kinds: string[];
  /** Every published carrier's stored distances, `[carrier id, d1..d16]`, when `kinds` is not empty. */
  distances: unknown[][];
  /** The stored distances, `[carrier id, d1..d16]`, of the carriers asked for that now have a row. */
  stored: unknown[][];
}

/** Site-selection queries. */
export class SelectionRepository {
  /** Whether the server can JIT-compile queries (asked once). */
  private jit: Promise<boolean> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** One page of the brief's candidates, ranked over all of them in SQL, plus their number. */
  async rankPage(brief: Brief): Promise<RankedPage> {
    const { values, kinds, criteria } = compileRanking(brief);
    const { rows } = await this.query(rankSql(criteria.length), values);
    let matched = rows.length ? Number(rows[0].matched) : 0;
    if (!rows.length && brief.offset > 0) matched = await this.count(brief);
    return {
      matched, kinds, criteria,
      rows: rows.map((r) => ({
        id: r.id, kind: r.kind, name: r.name, status: r.status, county_adcode: r.county_adcode, park_id: r.park_id,
        land_use: r.land_use, area_m2: r.area_m2, price: r.price, price_unit: r.price_unit, geometry: r.geometry,
        v: r.v, score: r.score, scores: criteria.map((_, j) => r[`s${j + 1}`]),
      })),
    };
  }

  /**
   * Run a candidate query with JIT compilation off. The planner's estimate for these queries
   * (per-candidate subplans, parallel scans) passes `jit_above_cost`, and compiling them cost
   * 1–5 s on a loaded 2-core machine for queries that run in tens of milliseconds (EXPLAIN
   * ANALYZE of bench:select's brief 9: JIT 4.9 s, execution without it 0.27 s).
   */
  private async query(text: string, values: unknown[], rowMode?: 'array', settings = ''): Promise<pg.QueryResult> {
    // Without a JIT provider (the embedded PGlite, a server built without LLVM) there is nothing
    // to turn off: one round trip instead of four.
    this.jit ??= this.pool.query('SELECT pg_jit_available() AS jit').then((r) => r.rows[0].jit === true, () => true);
    if (!(await this.jit)) return this.pool.query({ text, values, ...(rowMode ? { rowMode } : {}) });
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL jit = off; ${settings}`);
      const result = await client.query({ text, values, ...(rowMode ? { rowMode } : {}) });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** The number of candidates of the brief. */
  async count(brief: Brief): Promise<number> {
    const { rows } = await this.query(COUNT_SQL, compileBrief(brief).values);
    return Number(rows[0].matched);
  }

  /** Every candidate's criterion values, measuring the distances of `kinds`. */
  async candidateValues(brief: Brief, kinds: string[]): Promise<CandidateValues> {
    const { rows } = await this.query(VALUES_SQL, compileBrief(brief, kinds).values, 'array');
    return { ids: rows.map((r) => r[0]), priceUnits: rows.map((r) => r[1]), values: rows.map((r) => r[2]) };
  }

  /** What results show of the given (published) carriers, by id. */
  async details(ids: number[]): Promise<Map<number, CarrierDetails>> {
    if (!ids.length) return new Map();
    const { rows } = await this.pool.query<CarrierDetails>(Q.pageDetails, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /**
   * Every published carrier's selection columns (at most `max` + 1 rows), read in one snapshot with
   * the change-log version and the pending amenity kinds.
   */
  async tableSnapshot(max: number): Promise<TableSnapshot> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const state = (await client.query(Q.tableState)).rows[0];
      const rows: unknown[][] = [];
      for (let after = 0; rows.length <= max;) {
        const chunk = (await client.query({ text: TABLE_ROWS_SQL, values: [after, TABLE_CHUNK], rowMode: 'array' })).rows;
        for (const r of chunk) rows.push(r);
        if (chunk.length < TABLE_CHUNK) break;
        after = Number(chunk[chunk.length - 1][0]);
      }
      await client.query('COMMIT');
      return { rows, version: Number(state.version), entries: Number(state.entries), pending: state.pending, slots: state.slots, inProgress: state.in_progress };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * What changed since a table was read, in one REPEATABLE READ snapshot: the carriers named by
   * change-log entries after `after` (re-read with the carriers `reread`; of those without a
   * stored row, up to `maxLive` are measured live, the changed ones first, then those of `live`), the entries counted from `countFrom`, the pending kinds,
   * the transactions in progress, and every stored distance when one of `kinds` is no longer
   * pending or an amenity changed (`slots`: the table's kinds in slot order), and the stored
   * distances of the carriers `nearest` that have a row now.
   */
  async tableDelta(
    after: number, countFrom: number, maxChanged: number, reread: number[], live: number[], maxLive: number, kinds: string[],
    slots: string[], nearest: number[],
  ): Promise<TableDelta> {
    const client = await this.pool.connect();
    try {
      // (JIT off: compiling the kind re-read costs more than running it, as for the rankings.)
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL jit = off');
      const state = (await client.query(Q.tableDeltaState, [after, countFrom, maxChanged])).rows[0];
      const changed: number[] = state.changed.map(Number);
      const base = {
        version: Number(state.version), entries: Number(state.entries), changed, pending: state.pending as string[],
        inProgress: state.in_progress as string[],
      };
      if (changed.length > maxChanged) {
        await client.query('COMMIT');
        return { ...base, tooMany: true, rows: [], kinds: [], distances: [], stored: [] };
      }
      const ids = [...new Set([...changed, ...reread])];
      // The changed carriers first: an edited site without a stored row (moved) is measured live.
      const measure = [...new Set([...changed, ...live])].slice(0, maxLive);
      const rows = ids.length ? (await client.query({ text: TABLE_ROWS_BY_ID_SQL, values: [ids, measure], rowMode: 'array' })).rows : [];
      // The kinds whose changes have all been applied in this snapshot; after an amenity change,
      // every kind not pending (its changes may have been applied before this snapshot).
      const current = (state.amenities ? slots : kinds).filter((k) => !base.pending.includes(k));
      const distances = current.length ? (await client.query({ text: Q.tableDistances, values: [null], rowMode: 'array' })).rows : [];
      const stored = nearest.length ? (await client.query({ text: Q.tableDistances, values: [nearest], rowMode: 'array' })).rows : [];
      await client.query('COMMIT');
      return { ...base, tooMany: false, rows, kinds: current, distances, stored };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Ids of the published carriers meeting the brief's drawn area and point + radius, and the
   * change-log version. Without parallel workers: an index probe that returns in milliseconds
   * alone took 70 ms with a parallel gather on the loaded 2-core machine.
   */
  async spatialIds(brief: Brief): Promise<{ version: number; ids: number[] }> {
    const { rows } = await this.query(Q.tableSpatial, [
      brief.within ? JSON.stringify(brief.within) : null, brief.near?.lon ?? null, brief.near?.lat ?? null, brief.near?.radiusM ?? null,
    ], undefined, 'SET LOCAL max_parallel_workers_per_gather = 0');
    return { version: Number(rows[0].version), ids: rows[0].ids.map(Number) };
  }

  /**
   * Whether a table read while `inProgress` ran is exact now (see `tableSettled`: `entries` is the
   * number of change-log entries in (`countFrom`, `version`] it saw); null while one still runs.
   */
  async tableSettled(inProgress: string[], version: number, entries: number, countFrom = 0): Promise<boolean | null> {
    const { rows } = await this.pool.query(Q.tableSettled, [inProgress, version, entries, countFrom]);
    return rows[0].ended ? rows[0].same === true : null;
  }

  /** The newest entry of the change log (`feature_changes`): any edit of a carrier or amenity moves it on. */
  async changeVersion(): Promise<number> {
    const { rows } = await this.pool.query(Q.changeVersion);
    return Number(rows[0].version);
  }
}
