/**
 * Site selection: the brief's constraints select candidates (repository), every candidate is
 * scored against all the others (scoring.ts), and one page is returned with an explanation per
 * criterion and the page as GeoJSON for the map.
 */
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import {
  ATTRIBUTE_CRITERIA, CRITERIA, DISTANCE_PREFIX, LAYER_OF_KIND, distanceKind, parseBrief, type Brief,
} from './brief.ts';
import { scoreAll, sortRanked, type Rankable } from './scoring.ts';
import type { CandidateRow, SelectionRepository } from './selection.repository.ts';

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
export class SelectionService {
  constructor(private readonly repo: SelectionRepository) {}

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
