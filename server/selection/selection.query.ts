/**
 * Compiles a validated brief into the parameters of the one static candidate query
 * (`selectCandidates` in selection.sql). Values only ever travel as `$n` parameters; an absent
 * constraint is NULL. The order below is the parameter table documented at the top of the SQL file.
 */
import { CARRIER_LAYER_KINDS, measuredKinds, type Brief } from './brief.ts';

/** A query ready for `pool.query`, plus the amenity kinds its `dist` column holds (in order). */
export interface CompiledQuery {
  values: unknown[];
  kinds: string[];
}

/** The brief's parameters for `selectCandidates`. */
export function compileBrief(brief: Brief): CompiledQuery {
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
