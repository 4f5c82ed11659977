/**
 * Ranking of site-selection candidates. Pure functions over numbers; the candidate set is every
 * carrier that passed the brief's constraints, never just the requested page.
 *
 * Per criterion, min-max normalisation to 0..100 over the candidates that have a value:
 *
 * - `higher`: score = 100 × (v − min) / (max − min)
 * - `lower`:  score = 100 × (max − v) / (max − min)
 * - `{ideal: t}`: the same as `lower` applied to the deviation |v − t| (closest to t scores 100,
 *   farthest 0)
 * - ties: when every candidate with a value has the same value (including a single candidate),
 *   each of them scores 100: nothing separates them and none is worse than the best available
 * - a candidate without a value (e.g. floor load of a land parcel, no amenity of that kind) scores 0
 * - `price` is normalised within groups of candidates sharing a `price_unit`: 万元/亩, 元/m² and
 *   元/m²·月 are not comparable numbers
 *
 * total = Σ weight × score / 100 (weights in percent summing to 100, so 0..100). Criterion scores
 * and totals are rounded to 6 decimals; candidates with equal rounded totals are ordered by id.
 */
import type { Direction } from './brief.ts';

/** Round to 6 decimals (scores) — also what makes equal scores compare equal. */
export const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * Scores 0..100 of one criterion for every candidate, in input order. `groups` (optional, same
 * length) normalises each group of equal keys on its own.
 */
export function normalise(values: readonly (number | null)[], direction: Direction, groups?: readonly (string | null)[]): number[] {
  const t = values.map((v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return null;
    if (direction === 'higher') return v;
    if (direction === 'lower') return -v;
    return -Math.abs(v - direction.ideal);
  });
  const bounds = new Map<string | null, { min: number; max: number }>();
  t.forEach((x, i) => {
    if (x === null) return;
    const g = groups ? groups[i] : null;
    const b = bounds.get(g);
    if (!b) bounds.set(g, { min: x, max: x });
    else {
      if (x < b.min) b.min = x;
      if (x > b.max) b.max = x;
    }
  });
  return t.map((x, i) => {
    if (x === null) return 0;
    const { min, max } = bounds.get(groups ? groups[i] : null)!;
    return max === min ? 100 : (100 * (x - min)) / (max - min);
  });
}

/** A candidate as the ranking sees it. */
export interface Rankable {
  id: number;
  /** Criterion → value (null when the carrier does not record it). */
  values: Record<string, number | null>;
  priceUnit: string | null;
}

/** A ranked candidate: total score and each weighted criterion's score (unrounded inputs, rounded outputs). */
export interface Ranked<T extends Rankable> {
  candidate: T;
  score: number;
  scores: Record<string, number>;
}

/** Score every candidate for the weighted criteria. Without weights every score is 0. */
export function scoreAll<T extends Rankable>(
  candidates: readonly T[], weights: Record<string, number>, directions: Record<string, Direction>,
): Ranked<T>[] {
  const criteria = Object.keys(weights).sort();
  const perCriterion = criteria.map((c) => normalise(
    candidates.map((x) => x.values[c] ?? null),
    directions[c],
    c === 'price' ? candidates.map((x) => x.priceUnit) : undefined,
  ));
  return candidates.map((candidate, i) => {
    let total = 0;
    const scores: Record<string, number> = {};
    criteria.forEach((c, j) => {
      total += (weights[c] * perCriterion[j][i]) / 100;
      scores[c] = round6(perCriterion[j][i]);
    });
    return { candidate, score: round6(total), scores };
  });
}

/**
 * Order ranked candidates: by score (descending by default) or by a criterion's value (nulls
 * last), ties by id ascending.
 */
export function sortRanked<T extends Rankable>(ranked: Ranked<T>[], key: string, descending: boolean): Ranked<T>[] {
  const sign = descending ? -1 : 1;
  const valueOf = (r: Ranked<T>): number | null =>
    key === 'score' ? r.score : key === 'id' ? r.candidate.id : (r.candidate.values[key] ?? null);
  return ranked.sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return sign * (va - vb);
    }
    return a.candidate.id - b.candidate.id;
  });
}
