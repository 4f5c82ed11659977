/**
 * bench:select's reference: the site-selection query path as it was before ranking moved into SQL
 * (commit c40d2ec: every candidate row transferred to Node, scored there with scoring.ts, then the
 * page's geometries fetched). Kept callable here only, so the bench compares old and new in the
 * same run and checks that both give the same answer. Not used by the server.
 */
import type pg from 'pg';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { loadQueries } from '../../core/db/sql.ts';
import {
  ATTRIBUTE_CRITERIA, CARRIER_LAYER_KINDS, CRITERIA, DISTANCE_PREFIX, LAYER_OF_KIND, distanceKind, measuredKinds, parseBrief, type Brief,
} from '../../server/selection/brief.ts';
import { scoreAll, sortRanked, type Rankable } from '../../server/selection/scoring.ts';


/** A query ready for `pool.query`, plus the amenity kinds its `dist` column holds (in order). */
interface CompiledQuery {
  values: unknown[];
  kinds: string[];
}

/** The brief's parameters for `selectCandidates`. */
function compileBrief(brief: Brief): CompiledQuery {
  const kinds = measuredKinds(brief);
  const values: unknown[] = [
    brief.layers.map((l) => CARRIER_LAYER_KINDS[l]), // $1
    brief.status, // $2
    brief.counties, // $3
    brief.parks, // $4
    brief.area.min, brief.area.max, // $5, $6
    brief.priceMin, brief.priceMax, // $7, $8
    brief.priceUnit, // $9
    brief.landUse, // $10
    brief.industry, // $11
    brief.powerKvaMin, // $12
    brief.waterTPerDayMin, // $13
    brief.gas ? true : null, // $14
    brief.floorsMin, brief.floorsMax, // $15, $16
    brief.floorLoadMin, // $17
    brief.clearHeightMin, // $18
    brief.plotRatio.min, brief.plotRatio.max, // $19, $20
    brief.standardLand.investmentIntensity, brief.standardLand.outputPerMu, // $21, $22
    brief.within ? JSON.stringify(brief.within) : null, // $23
    brief.near?.lon ?? null, brief.near?.lat ?? null, brief.near?.radiusM ?? null, // $24..$26
    kinds, // $27
    kinds.map((k) => brief.maxDistanceM[k] ?? null), // $28
  ];
  return { values, kinds };
}


const Q = loadQueries(import.meta.url, 'selection.sql', ['selectCandidates', 'pageGeometries'] as const);

/** One carrier that passed every constraint, with the distances the brief asked for. */
interface CandidateRow {
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
  power_kva: number | null;
  water_t_per_day: number | null;
  gas: boolean | null;
  floors: number | null;
  floor_load_kn_m2: number | null;
  clear_height_m: number | null;
  plot_ratio_min: number | null;
  plot_ratio_max: number | null;
  investment_intensity_wan_per_mu: number | null;
  output_per_mu_wan: number | null;
  /** Kind → metres to the nearest published amenity of that kind (null: none exists). */
  distances: Record<string, number | null>;
}

/** Site-selection queries. */
export class ReferenceSelectionRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Every published carrier that meets the brief's constraints (unordered, unpaged). */
  async candidates(brief: Brief): Promise<CandidateRow[]> {
    const { values, kinds } = compileBrief(brief);
    const { rows } = await this.pool.query(Q.selectCandidates, values);
    return rows.map((r) => {
      const dist: (number | null)[] = r.dist ?? [];
      const { dist: _d, ...rest } = r;
      return { ...rest, distances: Object.fromEntries(kinds.map((k, i) => [k, dist[i] ?? null])) } as CandidateRow;
    });
  }

  /** GeoJSON geometry text of the given (published) carriers, by id. */
  async geometries(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const { rows } = await this.pool.query<{ id: number; geometry: string }>(Q.pageGeometries, [ids]);
    return new Map(rows.map((r) => [r.id, r.geometry]));
  }
}


/** How one criterion bears on one result. */
interface CriterionExplanation {
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
interface SelectionResult {
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
interface SelectionResponse {
  numberMatched: number;
  numberReturned: number;
  limit: number;
  offset: number;
  results: SelectionResult[];
  geojson: FeatureCollection;
}

type Candidate = Rankable & { row: CandidateRow };

function valuesOf(row: CandidateRow): Record<string, number | null> {
  const v: Record<string, number | null> = {};
  for (const [name, def] of Object.entries(ATTRIBUTE_CRITERIA)) v[name] = (row as unknown as Record<string, number | null>)[def.column] ?? null;
  for (const [kind, d] of Object.entries(row.distances)) v[DISTANCE_PREFIX + kind] = d;
  return v;
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

function unitOf(criterion: string, row: CandidateRow): string | null {
  if (distanceKind(criterion)) return 'm';
  const u = ATTRIBUTE_CRITERIA[criterion].unit;
  return u === null ? row.price_unit : u;
}

/** Runs briefs. */
export class ReferenceSelectionService {
  constructor(private readonly repo: ReferenceSelectionRepository) {}

  /** Validate `body` as a brief and answer it. */
  async select(body: unknown): Promise<SelectionResponse> {
    const brief = parseBrief(body);
    const rows = await this.repo.candidates(brief);
    const candidates: Candidate[] = rows.map((row) => ({ id: row.id, values: valuesOf(row), priceUnit: row.price_unit, row }));
    const ranked = sortRanked(scoreAll(candidates, brief.weights, brief.directions), brief.sort.key, brief.sort.descending);
    const page = ranked.slice(brief.offset, brief.offset + brief.limit);

    const constrained = constrainedCriteria(brief);
    const shown = CRITERIA.filter((c) => c in brief.weights || constrained.has(c));
    const results: SelectionResult[] = page.map((r, i) => {
      const row = r.candidate.row;
      return {
        id: row.id,
        layer: LAYER_OF_KIND[row.kind],
        name: row.name,
        score: r.score,
        rank: brief.offset + i + 1,
        criteria: shown.map((c) => ({
          criterion: c,
          value: r.candidate.values[c] ?? null,
          unit: unitOf(c, row),
          score: c in r.scores ? r.scores[c] : null,
          weight: brief.weights[c] ?? 0,
          ...(constrained.has(c) ? { pass: true } : {}),
        })),
        distances: row.distances,
        area_m2: row.area_m2,
        price: row.price,
        price_unit: row.price_unit,
        status: row.status,
        land_use: row.land_use,
        county: row.county_adcode,
        park_id: row.park_id,
      };
    });

    const geometries = await this.repo.geometries(results.map((r) => r.id));
    const features: Feature[] = results.flatMap((r) => {
      const g = geometries.get(r.id);
      return g ? [{
        type: 'Feature' as const, id: r.id, geometry: JSON.parse(g) as Geometry,
        properties: { id: r.id, layer: r.layer, name: r.name, score: r.score, rank: r.rank, status: r.status },
      }] : [];
    });
    return {
      numberMatched: ranked.length,
      numberReturned: results.length,
      limit: brief.limit,
      offset: brief.offset,
      results,
      geojson: { type: 'FeatureCollection', features },
    };
  }
}
