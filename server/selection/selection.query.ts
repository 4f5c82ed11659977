/**
 * Compiles a validated brief into the parameters of the static candidate query (`candidates` in
 * selection.sql) and of the ranking around it (`rankPage`). Values only ever travel as `$n`
 * parameters; an absent constraint is NULL. The order below is the parameter table documented at
 * the top of the SQL file.
 */
import { ATTRIBUTE_CRITERIA, CARRIER_LAYER_KINDS, distanceKind, measuredKinds, type Brief } from './brief.ts';

/** A query ready for `pool.query`, plus the amenity kinds its `dist` column holds (in order). */
export interface CompiledQuery {
  values: unknown[];
  kinds: string[];
}

/**
 * The attribute criteria in the order of the first nine slots of a candidate's value array `v`
 * (selection.sql builds `ARRAY[area_m2, price, power_kva, …]` in this order); slots 10.. hold the
 * distances of the measured kinds.
 */
export const VALUE_SLOTS: readonly string[] = Object.keys(ATTRIBUTE_CRITERIA);

/** 1-based position of `criterion` in `v`, given the measured kinds; 0 when it is not there. */
export function valueSlot(criterion: string, kinds: readonly string[]): number {
  const kind = distanceKind(criterion);
  if (kind === null) return VALUE_SLOTS.indexOf(criterion) + 1;
  const i = kinds.indexOf(kind);
  return i < 0 ? 0 : VALUE_SLOTS.length + i + 1;
}

/** Criterion → value, read from a candidate's `v` array (attributes, then `kinds`' distances). */
export function valuesOf(v: readonly (number | null)[], kinds: readonly string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  VALUE_SLOTS.forEach((c, i) => { out[c] = v[i] ?? null; });
  kinds.forEach((k, i) => { out[`distance_${k}`] = v[VALUE_SLOTS.length + i] ?? null; });
  return out;
}

/** The brief's parameters $1..$28 for the `candidates` fragment; `kinds` defaults to the brief's own. */
export function compileBrief(brief: Brief, kinds: string[] = measuredKinds(brief)): CompiledQuery {
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

/** `compileBrief` plus the ranking parameters $29..$36, and the weighted criteria in slot order. */
export function compileRanking(brief: Brief): CompiledQuery & { criteria: string[] } {
  const compiled = compileBrief(brief);
  // The order scoring.ts sums in: criterion names sorted.
  const criteria = Object.keys(brief.weights).sort();
  const { key, descending } = brief.sort;
  compiled.values.push(
    criteria.map((c) => valueSlot(c, compiled.kinds)), // $29
    criteria.map((c) => { const d = brief.directions[c]; return typeof d === 'string' ? d : 'ideal'; }), // $30
    criteria.map((c) => { const d = brief.directions[c]; return typeof d === 'string' ? null : d.ideal; }), // $31
    criteria.map((c) => brief.weights[c]), // $32
    key === 'score' ? 0 : key === 'id' ? -1 : valueSlot(key, compiled.kinds), // $33
    descending, // $34
    brief.limit, // $35
    brief.offset, // $36
  );
  return { ...compiled, criteria };
}
