/**
 * The site-selection brief: what an officer asks for on a client's behalf, parsed and validated
 * into a `Brief`. Pure code, no SQL: `selection.query.ts` compiles a `Brief` into parameters and
 * `scoring.ts` ranks the candidates. Every rejection names the field and the value it got, e.g.
 * `areaM2.min must be a number ≥ 0, got "abc"`.
 *
 * Brief fields (JSON body of `POST /api/site-selection`); every field is optional:
 *
 * | field | meaning |
 * |---|---|
 * | `layers` | `land`, `factories`, `offices` (default all three) |
 * | `status` | `available`, `reserved`, `occupied` (default `["available"]`) |
 * | `counties` | county adcodes (6 digits) |
 * | `parks` | park ids |
 * | `areaM2` / `areaMu` | `{min, max}` of the carrier's area (1 亩 = 10000/15 ≈ 666.67 m²); not both |
 * | `priceMin` / `priceMax` | price in the carrier's own `price_unit` (万元/亩 for land, 元/m² to buy, 元/m²·月 to rent): the number is compared as is, so combine with `layers` or `priceUnit` to compare like with like |
 * | `priceUnit` | only carriers priced in this unit |
 * | `landUse` | zoning codes (M1, M2, …) |
 * | `industry` | one industry that must be among the carrier's `allowed_industries` |
 * | `powerKvaMin`, `waterTPerDayMin` | supply capacity at least this |
 * | `gas` | `true`: natural gas must be connected (`false` imposes nothing) |
 * | `floorsMin`, `floorsMax`, `floorLoadMin`, `clearHeightMin` | building constraints |
 * | `plotRatio` | `{min, max}`: the parcel's permitted plot-ratio range must overlap it |
 * | `standardLand` | 标准地: `{investmentIntensity, outputPerMu}` the client plans (万元/亩); passes when the plan meets or exceeds the parcel's thresholds; a carrier without a threshold imposes none |
 * | `maxDistanceM` | `{kind: metres}`: the nearest published amenity of that kind, measured from the site's boundary, must be within |
 * | `within` | GeoJSON Polygon/MultiPolygon (EPSG:4326): the site must intersect it |
 * | `near` | `{lon, lat, radiusM}`: the site's boundary must come within `radiusM` of the point |
 * | `weights` | `{criterion: percent}` summing to 100 (± 0.01) |
 * | `preferences` | `{criterion: "higher" \| "lower" \| {ideal: n}}` overriding the default direction |
 * | `limit`, `offset` | paging (limit 1..500, default 50) |
 * | `sort` | `score` (default: score descending), `id`, or a criterion; prefix `-` for descending, `+` for ascending |
 *
 * A constraint on a carrier's capacity or size (area, power, water, floors, floor load, clear
 * height, plot ratio, price, land use, industry, gas) excludes carriers that do not record it.
 */
import { AMENITY_KINDS, CARRIER_STATUS, LAND_USE } from '../../layers/catalog.ts';
import { AppError } from '../../core/errors.ts';

/** 1 亩 in square metres (10000/15 ≈ 666.67). */
export const MU_M2 = 10000 / 15;

/** Carrier layers and the `kind` each holds in the carriers table. */
export const CARRIER_LAYER_KINDS = { land: 'land', factories: 'factory', offices: 'office' } as const;
export type CarrierLayer = keyof typeof CARRIER_LAYER_KINDS;

/** Layer id of a carrier kind. */
export const LAYER_OF_KIND: Record<string, CarrierLayer> = { land: 'land', factory: 'factories', office: 'offices' };

/** Price units carriers use. */
export const PRICE_UNITS = ['万元/亩', '元/m²', '元/m²·月'] as const;

/** Which way a criterion is better. `ideal`: closest to a target value. */
export type Direction = 'higher' | 'lower' | { ideal: number };

/** An attribute criterion: the carrier column it reads, its unit and its default direction. */
export interface AttributeCriterion {
  column: string;
  /** Display unit; `null` means the carrier's own `price_unit`. */
  unit: string | null;
  direction: 'higher' | 'lower';
}

/**
 * Scoring criteria read from carrier attributes, with their default directions. Besides these,
 * `distance_<kind>` for every amenity kind (metres from the site's boundary, default `lower`).
 */
export const ATTRIBUTE_CRITERIA: Record<string, AttributeCriterion> = {
  area: { column: 'area_m2', unit: 'm²', direction: 'higher' },
  price: { column: 'price', unit: null, direction: 'lower' },
  power: { column: 'power_kva', unit: 'kVA', direction: 'higher' },
  water: { column: 'water_t_per_day', unit: 't/日', direction: 'higher' },
  plot_ratio: { column: 'plot_ratio_max', unit: '', direction: 'higher' },
  floor_load: { column: 'floor_load_kn_m2', unit: 'kN/m²', direction: 'higher' },
  clear_height: { column: 'clear_height_m', unit: 'm', direction: 'higher' },
  investment_intensity: { column: 'investment_intensity_wan_per_mu', unit: '万元/亩', direction: 'lower' },
  output_per_mu: { column: 'output_per_mu_wan', unit: '万元/亩', direction: 'lower' },
};

/** Prefix of distance criteria: `distance_school`, `distance_highway_exit`, … */
export const DISTANCE_PREFIX = 'distance_';

/** Every criterion name the brief accepts in `weights` and `preferences`. */
export const CRITERIA: readonly string[] = [
  ...Object.keys(ATTRIBUTE_CRITERIA),
  ...Object.keys(AMENITY_KINDS).map((k) => DISTANCE_PREFIX + k),
];

/** The amenity kind of a distance criterion, or null for an attribute criterion. */
export function distanceKind(criterion: string): string | null {
  return criterion.startsWith(DISTANCE_PREFIX) ? criterion.slice(DISTANCE_PREFIX.length) : null;
}

/** Default direction of a criterion. */
export function defaultDirection(criterion: string): 'higher' | 'lower' {
  return distanceKind(criterion) ? 'lower' : ATTRIBUTE_CRITERIA[criterion].direction;
}

/** Paging limits. */
export const SELECTION_LIMIT = { default: 50, max: 500 } as const;

/** A numeric range; either end may be open. */
export interface Range {
  min: number | null;
  max: number | null;
}

/** A validated brief. Absent constraints are `null`. */
export interface Brief {
  layers: CarrierLayer[];
  status: string[];
  counties: string[] | null;
  parks: number[] | null;
  /** Area in m² (an `areaMu` range is converted). */
  area: Range;
  priceMin: number | null;
  priceMax: number | null;
  priceUnit: string | null;
  landUse: string[] | null;
  industry: string | null;
  powerKvaMin: number | null;
  waterTPerDayMin: number | null;
  gas: boolean;
  floorsMin: number | null;
  floorsMax: number | null;
  floorLoadMin: number | null;
  clearHeightMin: number | null;
  plotRatio: Range;
  standardLand: { investmentIntensity: number | null; outputPerMu: number | null };
  /** Amenity kind → metres. */
  maxDistanceM: Record<string, number>;
  /** GeoJSON Polygon or MultiPolygon, EPSG:4326. */
  within: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
  near: { lon: number; lat: number; radiusM: number } | null;
  /** Criterion → percent; empty when the brief does not rank. */
  weights: Record<string, number>;
  /** Direction of every weighted criterion (defaults filled in). */
  directions: Record<string, Direction>;
  limit: number;
  offset: number;
  sort: { key: string; descending: boolean };
}

/** 400 naming a brief field and the value it got. */
export class BriefError extends AppError {
  constructor(field: string, value: unknown, expectation: string) {
    super('bad_request', `${field} ${expectation}, got ${show(value)}`, { parameter: field, value: value ?? null });
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export const BRIEF_FIELDS = new Set([
  'layers', 'status', 'counties', 'parks', 'areaM2', 'areaMu', 'priceMin', 'priceMax', 'priceUnit', 'landUse', 'industry',
  'powerKvaMin', 'waterTPerDayMin', 'gas', 'floorsMin', 'floorsMax', 'floorLoadMin', 'clearHeightMin', 'plotRatio',
  'standardLand', 'maxDistanceM', 'within', 'near', 'weights', 'preferences', 'limit', 'offset', 'sort',
]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function number(field: string, v: unknown, min = 0, max = Infinity): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    const bound = max === Infinity ? `≥ ${min}` : `within ${min}..${max}`;
    throw new BriefError(field, v, `must be a number ${bound}`);
  }
  return v;
}

function integer(field: string, v: unknown, def: number, min: number, max: number): number {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new BriefError(field, v, `must be an integer within ${min}..${max}`);
  return v;
}

function range(field: string, v: unknown, scale = 1): Range {
  if (v === undefined || v === null) return { min: null, max: null };
  if (!isObject(v)) throw new BriefError(field, v, 'must be an object {min, max}');
  for (const k of Object.keys(v)) if (k !== 'min' && k !== 'max') throw new BriefError(`${field}.${k}`, v[k], 'is not a field (use min and max)');
  const min = number(`${field}.min`, v.min);
  const max = number(`${field}.max`, v.max);
  if (min !== null && max !== null && min > max) throw new BriefError(field, v, 'must have min ≤ max');
  return { min: min === null ? null : min * scale, max: max === null ? null : max * scale };
}

function list<T>(field: string, v: unknown, check: (item: unknown, itemField: string) => T): T[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) throw new BriefError(field, v, 'must be an array');
  if (v.length === 0) throw new BriefError(field, v, 'must not be empty (leave it out to allow any)');
  return [...new Set(v.map((item, i) => check(item, `${field}[${i}]`)))];
}

function oneOf(allowed: readonly string[], what: string) {
  return (item: unknown, field: string): string => {
    if (typeof item !== 'string' || !allowed.includes(item)) throw new BriefError(field, item, `must be ${what} (one of ${allowed.join(', ')})`);
    return item;
  };
}

/** A polygon ring: ≥ 4 positions, closed, lon/lat in range. */
function checkRing(field: string, ring: unknown): void {
  if (!Array.isArray(ring) || ring.length < 4) throw new BriefError(field, ring, 'must be a ring of at least 4 positions');
  ring.forEach((p, i) => {
    if (!Array.isArray(p) || p.length < 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
      throw new BriefError(`${field}[${i}]`, p, 'must be a position [lon, lat]');
    }
    if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) throw new BriefError(`${field}[${i}]`, p, 'must have lon within -180..180 and lat within -90..90');
  });
  const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]];
  if (a[0] !== b[0] || a[1] !== b[1]) throw new BriefError(field, ring, 'must be closed (first position equal to the last)');
}

function polygonArea(field: string, v: unknown): Brief['within'] {
  if (v === undefined || v === null) return null;
  if (!isObject(v) || (v.type !== 'Polygon' && v.type !== 'MultiPolygon')) throw new BriefError(field, v, 'must be a GeoJSON Polygon or MultiPolygon');
  const polys = v.type === 'Polygon' ? [v.coordinates] : v.coordinates;
  if (!Array.isArray(polys) || polys.length === 0) throw new BriefError(`${field}.coordinates`, v.coordinates, 'must be a non-empty array');
  polys.forEach((rings, i) => {
    const pf = v.type === 'Polygon' ? `${field}.coordinates` : `${field}.coordinates[${i}]`;
    if (!Array.isArray(rings) || rings.length === 0) throw new BriefError(pf, rings, 'must be an array of rings');
    rings.forEach((ring, j) => checkRing(`${pf}[${j}]`, ring));
  });
  return { type: v.type, coordinates: v.coordinates };
}

function direction(field: string, v: unknown): Direction {
  if (v === 'higher' || v === 'lower') return v;
  if (isObject(v) && Object.keys(v).length === 1 && typeof v.ideal === 'number' && Number.isFinite(v.ideal)) return { ideal: v.ideal };
  throw new BriefError(field, v, 'must be "higher", "lower" or {"ideal": number}');
}

function criterionName(field: string, name: string): string {
  if (CRITERIA.includes(name)) return name;
  const kind = distanceKind(name);
  if (kind !== null) throw new BriefError(field, kind, `names no amenity kind (one of ${Object.keys(AMENITY_KINDS).join(', ')})`);
  throw new BriefError(field, name, `is not a criterion (one of ${Object.keys(ATTRIBUTE_CRITERIA).join(', ')}, distance_<amenity kind>)`);
}

/** Parse and validate a brief; throws `BriefError` (400) naming the first bad field. */
export function parseBrief(body: unknown): Brief {
  if (body === undefined || body === null) body = {};
  if (!isObject(body)) throw new BriefError('brief', body, 'must be a JSON object');
  const b = body;
  for (const k of Object.keys(b)) if (!BRIEF_FIELDS.has(k)) throw new BriefError(k, b[k], 'is not a brief field');

  const layers = list('layers', b.layers, oneOf(Object.keys(CARRIER_LAYER_KINDS), 'a carrier layer')) as CarrierLayer[] | null;
  const status = list('status', b.status, oneOf(Object.keys(CARRIER_STATUS), 'a carrier status'));
  const counties = list('counties', b.counties, (c, f) => {
    if (typeof c !== 'string' || !/^[0-9]{6}$/.test(c)) throw new BriefError(f, c, 'must be a 6-digit county adcode');
    return c;
  });
  const parks = list('parks', b.parks, (p, f) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1) throw new BriefError(f, p, 'must be a park id (a positive integer)');
    return p;
  });
  if (b.areaM2 !== undefined && b.areaMu !== undefined) throw new BriefError('areaMu', b.areaMu, 'cannot be given together with areaM2');
  const area = b.areaMu !== undefined ? range('areaMu', b.areaMu, MU_M2) : range('areaM2', b.areaM2);
  const priceMin = number('priceMin', b.priceMin);
  const priceMax = number('priceMax', b.priceMax);
  if (priceMin !== null && priceMax !== null && priceMin > priceMax) throw new BriefError('priceMin', priceMin, `must be ≤ priceMax (${priceMax})`);
  const priceUnit = b.priceUnit === undefined || b.priceUnit === null ? null : oneOf(PRICE_UNITS, 'a price unit')(b.priceUnit, 'priceUnit');
  const landUse = list('landUse', b.landUse, oneOf(Object.keys(LAND_USE), 'a land-use code'));
  if (b.industry !== undefined && b.industry !== null && (typeof b.industry !== 'string' || !b.industry.trim() || b.industry.length > 100)) {
    throw new BriefError('industry', b.industry, 'must be a non-empty string (an industry such as "电子信息")');
  }
  if (b.gas !== undefined && b.gas !== null && typeof b.gas !== 'boolean') throw new BriefError('gas', b.gas, 'must be true or false');
  const floorsMin = number('floorsMin', b.floorsMin, 1, 200);
  const floorsMax = number('floorsMax', b.floorsMax, 1, 200);
  if (floorsMin !== null && floorsMax !== null && floorsMin > floorsMax) throw new BriefError('floorsMin', floorsMin, `must be ≤ floorsMax (${floorsMax})`);

  let standardLand: Brief['standardLand'] = { investmentIntensity: null, outputPerMu: null };
  if (b.standardLand !== undefined && b.standardLand !== null) {
    const s = b.standardLand;
    if (!isObject(s)) throw new BriefError('standardLand', s, 'must be an object {investmentIntensity, outputPerMu}');
    for (const k of Object.keys(s)) {
      if (k !== 'investmentIntensity' && k !== 'outputPerMu') throw new BriefError(`standardLand.${k}`, s[k], 'is not a field (use investmentIntensity and outputPerMu, 万元/亩)');
    }
    standardLand = {
      investmentIntensity: number('standardLand.investmentIntensity', s.investmentIntensity),
      outputPerMu: number('standardLand.outputPerMu', s.outputPerMu),
    };
  }

  const maxDistanceM: Record<string, number> = {};
  if (b.maxDistanceM !== undefined && b.maxDistanceM !== null) {
    if (!isObject(b.maxDistanceM)) throw new BriefError('maxDistanceM', b.maxDistanceM, 'must be an object {amenity kind: metres}');
    for (const [kind, m] of Object.entries(b.maxDistanceM)) {
      if (!AMENITY_KINDS[kind]) throw new BriefError(`maxDistanceM.${kind}`, kind, `names no amenity kind (one of ${Object.keys(AMENITY_KINDS).join(', ')})`);
      maxDistanceM[kind] = number(`maxDistanceM.${kind}`, m, 0, 1e6) ?? (() => { throw new BriefError(`maxDistanceM.${kind}`, m, 'must be a number within 0..1000000'); })();
    }
  }

  let near: Brief['near'] = null;
  if (b.near !== undefined && b.near !== null) {
    const n = b.near;
    if (!isObject(n)) throw new BriefError('near', n, 'must be an object {lon, lat, radiusM}');
    const lon = number('near.lon', n.lon, -180, 180);
    const lat = number('near.lat', n.lat, -90, 90);
    const radiusM = number('near.radiusM', n.radiusM, 0, 1e6);
    if (lon === null) throw new BriefError('near.lon', n.lon, 'must be a number within -180..180');
    if (lat === null) throw new BriefError('near.lat', n.lat, 'must be a number within -90..90');
    if (radiusM === null) throw new BriefError('near.radiusM', n.radiusM, 'must be a number within 0..1000000');
    near = { lon, lat, radiusM };
  }

  const weights: Record<string, number> = {};
  if (b.weights !== undefined && b.weights !== null) {
    if (!isObject(b.weights)) throw new BriefError('weights', b.weights, 'must be an object {criterion: percent}');
    for (const [name, w] of Object.entries(b.weights)) {
      criterionName('weights', name);
      const v = number(`weights.${name}`, w, 0, 100);
      if (v !== null && v > 0) weights[name] = v;
    }
    const sum = Object.values(b.weights).reduce((s: number, w) => s + (typeof w === 'number' ? w : 0), 0);
    if (Object.keys(b.weights).length > 0 && Math.abs(sum - 100) > 0.01) {
      throw new BriefError('weights', b.weights, `must sum to 100 ± 0.01 (they sum to ${Number(sum.toFixed(4))} ≠ 100)`);
    }
  }
  const directions: Record<string, Direction> = {};
  const prefs = b.preferences;
  if (prefs !== undefined && prefs !== null && !isObject(prefs)) throw new BriefError('preferences', prefs, 'must be an object {criterion: "higher"|"lower"|{ideal}}');
  for (const [name, d] of Object.entries(prefs ?? {})) directions[criterionName('preferences', name)] = direction(`preferences.${name}`, d);
  for (const name of Object.keys(weights)) directions[name] ??= defaultDirection(name);

  let sort: Brief['sort'] = { key: 'score', descending: true };
  if (b.sort !== undefined && b.sort !== null) {
    const m = typeof b.sort === 'string' ? /^([+-]?)([a-z_]+)$/.exec(b.sort) : null;
    if (!m || !(m[2] === 'score' || m[2] === 'id' || CRITERIA.includes(m[2]))) {
      throw new BriefError('sort', b.sort, 'must be "score", "id" or a criterion, optionally prefixed with - (descending) or + (ascending)');
    }
    sort = { key: m[2], descending: m[1] === '-' || (m[1] === '' && m[2] === 'score') };
  }

  return {
    layers: layers ?? ['land', 'factories', 'offices'],
    status: status ?? ['available'],
    counties,
    parks,
    area,
    priceMin,
    priceMax,
    priceUnit,
    landUse,
    industry: typeof b.industry === 'string' ? b.industry.trim() : null,
    powerKvaMin: number('powerKvaMin', b.powerKvaMin),
    waterTPerDayMin: number('waterTPerDayMin', b.waterTPerDayMin),
    gas: b.gas === true,
    floorsMin,
    floorsMax,
    floorLoadMin: number('floorLoadMin', b.floorLoadMin),
    clearHeightMin: number('clearHeightMin', b.clearHeightMin),
    plotRatio: range('plotRatio', b.plotRatio),
    standardLand,
    maxDistanceM,
    within: polygonArea('within', b.within),
    near,
    weights,
    directions,
    limit: integer('limit', b.limit, SELECTION_LIMIT.default, 1, SELECTION_LIMIT.max),
    offset: integer('offset', b.offset, 0, 0, 1e9),
    sort,
  };
}

/**
 * Amenity kinds the query must measure, in a stable order: those with a maximum distance and those
 * that are weighted criteria.
 */
export function measuredKinds(brief: Brief): string[] {
  const kinds = new Set(Object.keys(brief.maxDistanceM));
  for (const c of Object.keys(brief.weights)) {
    const k = distanceKind(c);
    if (k) kinds.add(k);
  }
  if (brief.sort.key.startsWith(DISTANCE_PREFIX)) kinds.add(distanceKind(brief.sort.key)!);
  return [...kinds].sort();
}
