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
import { fieldError, s, validate, type Infer, type Lang, type Schema } from '../http/schema.ts';

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

/** A reason in both languages. */
type Reason = Record<Lang, string>;

const NUMBER = s.nullable(s.number({ minimum: 0 }));
const RANGE = (description: string) => s.nullable(s.object({ min: NUMBER, max: NUMBER }, { description }));
const LIST = <T>(items: Schema<T>, description: string) => s.nullable(s.array(items, { minItems: 1, description: `${description}; leave it out to allow any` }));
const DIRECTION = s.oneOf(
  s.enum(['higher', 'lower'] as const),
  s.object({ ideal: s.number({ description: 'the best value; closer is better' }) }, { required: ['ideal'] }),
);

/**
 * The brief as the route declares it (and the OpenAPI document shows it): the type and range of
 * every field. `toBrief` then applies the rules between fields and fills in the defaults. Every
 * field may be null, which means the same as leaving it out.
 */
export const BRIEF_SCHEMA = s.object({
  layers: LIST(s.enum(Object.keys(CARRIER_LAYER_KINDS) as CarrierLayer[]), 'carrier layers (default all three)'),
  status: LIST(s.enum(Object.keys(CARRIER_STATUS)), 'carrier statuses (default ["available"])'),
  counties: LIST(s.string({ pattern: '^[0-9]{6}$', description: '6-digit county adcode' }), 'county adcodes'),
  parks: LIST(s.integer({ minimum: 1, description: 'park id' }), 'park ids'),
  areaM2: RANGE('{min, max} of the carrier\'s area in m² (not with areaMu)'),
  areaMu: RANGE('{min, max} of the carrier\'s area in 亩, 1 亩 = 10000/15 m² (not with areaM2)'),
  priceMin: s.nullable(s.number({ minimum: 0, description: 'in the carrier\'s own price_unit' })),
  priceMax: s.nullable(s.number({ minimum: 0, description: 'in the carrier\'s own price_unit' })),
  priceUnit: s.nullable(s.enum(PRICE_UNITS, { description: 'only carriers priced in this unit' })),
  landUse: LIST(s.enum(Object.keys(LAND_USE)), 'zoning codes'),
  industry: s.nullable(s.string({ minLength: 1, maxLength: 100, description: 'an industry that must be among the carrier\'s allowed_industries, e.g. 电子信息' })),
  powerKvaMin: s.nullable(s.number({ minimum: 0, description: 'kVA' })),
  waterTPerDayMin: s.nullable(s.number({ minimum: 0, description: 't/day' })),
  gas: s.nullable(s.boolean({ description: 'true: natural gas must be connected (false imposes nothing)' })),
  floorsMin: s.nullable(s.number({ minimum: 1, maximum: 200 })),
  floorsMax: s.nullable(s.number({ minimum: 1, maximum: 200 })),
  floorLoadMin: s.nullable(s.number({ minimum: 0, description: 'kN/m²' })),
  clearHeightMin: s.nullable(s.number({ minimum: 0, description: 'm' })),
  plotRatio: RANGE('{min, max}: the parcel\'s permitted plot-ratio range must overlap it'),
  standardLand: s.nullable(s.object({ investmentIntensity: NUMBER, outputPerMu: NUMBER }, {
    description: '标准地: what the client plans (万元/亩); passes when the plan meets the parcel\'s thresholds',
  })),
  maxDistanceM: s.nullable(s.object(
    Object.fromEntries(Object.keys(AMENITY_KINDS).map((k) => [k, s.number({ minimum: 0, maximum: 1e6 })])),
    { description: '{amenity kind: metres}: the nearest published amenity of that kind, from the site\'s boundary, must be within' },
  )),
  within: s.nullable(s.object({
    type: s.enum(['Polygon', 'MultiPolygon'] as const),
    coordinates: s.array(s.array(s.any()), { minItems: 1 }),
  }, { required: ['type', 'coordinates'], additionalProperties: true, description: 'GeoJSON Polygon or MultiPolygon (EPSG:4326) the site must intersect' })),
  near: s.nullable(s.object({
    lon: s.number({ minimum: -180, maximum: 180 }),
    lat: s.number({ minimum: -90, maximum: 90 }),
    radiusM: s.number({ minimum: 0, maximum: 1e6 }),
  }, { required: ['lon', 'lat', 'radiusM'], additionalProperties: true, description: 'the site\'s boundary must come within radiusM of the point' })),
  weights: s.nullable(s.object(
    Object.fromEntries(CRITERIA.map((c) => [c, s.nullable(s.number({ minimum: 0, maximum: 100 }))])),
    { description: '{criterion: percent} summing to 100 (± 0.01)' },
  )),
  preferences: s.nullable(s.object(
    Object.fromEntries(CRITERIA.map((c) => [c, DIRECTION])),
    { description: '{criterion: "higher" | "lower" | {ideal: n}} overriding the default direction' },
  )),
  limit: s.nullable(s.integer({ minimum: 1, maximum: SELECTION_LIMIT.max, description: `page size (default ${SELECTION_LIMIT.default})` })),
  offset: s.nullable(s.integer({ minimum: 0, maximum: 1e9, description: 'results to skip (default 0)' })),
  sort: s.nullable(s.string({ maxLength: 64, description: '"score" (default, descending), "id" or a criterion; prefix - for descending, + for ascending' })),
  lang: s.enum(['zh', 'en'] as const, { description: 'language of error messages (default: Accept-Language, else English)' }),
}, { title: 'brief', description: 'the brief; see server/selection/brief.ts for every field' });

/** A brief as sent, after `BRIEF_SCHEMA` checked every field's type and range. */
export type BriefBody = Infer<typeof BRIEF_SCHEMA>;

/** The brief's fields. */
export const BRIEF_FIELDS: ReadonlySet<string> = new Set(Object.keys(BRIEF_SCHEMA.properties as object));

/**
 * The rules between a brief's fields that its schema cannot say, then the defaults: areaM2 or
 * areaMu, min ≤ max, criteria naming amenity kinds, weights summing to 100, a polygon's rings, the
 * sort key. Each refusal is a 400 naming the field and the value in `lang`; `prefix` names where
 * the brief sits in the body (`brief` in a shortlist).
 */
export function toBrief(b: BriefBody, lang: Lang = 'en', prefix = ''): Brief {
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const fail = (field: string, value: unknown, reason: Reason) => fieldError(at(field), value, reason, lang);
  const unique = <T>(v: T[] | null | undefined): T[] | null => (v ? [...new Set(v)] : null);
  const orNull = <T>(v: T | null | undefined): T | null => v ?? null;

  const range = (field: string, v: { min?: number | null; max?: number | null } | null | undefined, scale = 1): Range => {
    const min = v?.min ?? null;
    const max = v?.max ?? null;
    if (min !== null && max !== null && min > max) throw fail(field, v, { en: 'must have min ≤ max', zh: '的 min 不能大于 max' });
    return { min: min === null ? null : min * scale, max: max === null ? null : max * scale };
  };
  const ordered = (field: string, low: number | null, other: string, high: number | null) => {
    if (low !== null && high !== null && low > high) throw fail(field, low, { en: `must be ≤ ${other} (${high})`, zh: `不能大于 ${other}（${high}）` });
  };

  if (b.areaM2 != null && b.areaMu != null) throw fail('areaMu', b.areaMu, { en: 'cannot be given together with areaM2', zh: '不能与 areaM2 同时给出' });
  const area = b.areaMu != null ? range('areaMu', b.areaMu, MU_M2) : range('areaM2', b.areaM2);
  const priceMin = orNull(b.priceMin);
  const priceMax = orNull(b.priceMax);
  ordered('priceMin', priceMin, 'priceMax', priceMax);
  const floorsMin = orNull(b.floorsMin);
  const floorsMax = orNull(b.floorsMax);
  ordered('floorsMin', floorsMin, 'floorsMax', floorsMax);
  if (b.industry != null && !b.industry.trim()) throw fail('industry', b.industry, { en: 'must not be blank (an industry such as "电子信息")', zh: '不能为空白（行业，例如"电子信息"）' });

  const weights: Record<string, number> = {};
  for (const [name, w] of Object.entries(b.weights ?? {})) if (w != null && w > 0) weights[name] = w;
  if (b.weights && Object.keys(b.weights).length > 0) {
    const sum = Object.values(b.weights).reduce((total: number, w) => total + (w ?? 0), 0);
    const shown = Number(sum.toFixed(4));
    if (Math.abs(sum - 100) > 0.01) {
      throw fail('weights', b.weights, { en: `must sum to 100 ± 0.01 (they sum to ${shown})`, zh: `之和必须为 100 ± 0.01（现在是 ${shown}）` });
    }
  }
  const directions: Record<string, Direction> = {};
  for (const [name, d] of Object.entries(b.preferences ?? {})) if (d !== undefined) directions[name] = typeof d === 'string' ? d : { ideal: d.ideal };
  for (const name of Object.keys(weights)) directions[name] ??= defaultDirection(name);

  let sort: Brief['sort'] = { key: 'score', descending: true };
  if (b.sort != null) {
    const m = /^([+-]?)([a-z_]+)$/.exec(b.sort);
    if (!m || !(m[2] === 'score' || m[2] === 'id' || CRITERIA.includes(m[2]))) {
      throw fail('sort', b.sort, {
        en: 'must be "score", "id" or a criterion, optionally prefixed with - (descending) or + (ascending)',
        zh: '必须是 "score"、"id" 或一项指标，可加前缀 -（降序）或 +（升序）',
      });
    }
    sort = { key: m[2], descending: m[1] === '-' || (m[1] === '' && m[2] === 'score') };
  }

  return {
    layers: unique(b.layers) ?? ['land', 'factories', 'offices'],
    status: unique(b.status) ?? ['available'],
    counties: unique(b.counties),
    parks: unique(b.parks),
    area,
    priceMin,
    priceMax,
    priceUnit: orNull(b.priceUnit),
    landUse: unique(b.landUse),
    industry: b.industry != null ? b.industry.trim() : null,
    powerKvaMin: orNull(b.powerKvaMin),
    waterTPerDayMin: orNull(b.waterTPerDayMin),
    gas: b.gas === true,
    floorsMin,
    floorsMax,
    floorLoadMin: orNull(b.floorLoadMin),
    clearHeightMin: orNull(b.clearHeightMin),
    plotRatio: range('plotRatio', b.plotRatio),
    standardLand: { investmentIntensity: b.standardLand?.investmentIntensity ?? null, outputPerMu: b.standardLand?.outputPerMu ?? null },
    maxDistanceM: { ...(b.maxDistanceM ?? {}) } as Record<string, number>,
    within: b.within != null ? polygon(b.within, at('within'), lang) : null,
    near: b.near != null ? { lon: b.near.lon, lat: b.near.lat, radiusM: b.near.radiusM } : null,
    weights,
    directions,
    limit: b.limit ?? SELECTION_LIMIT.default,
    offset: b.offset ?? 0,
    sort,
  };
}

/** The rings of a Polygon or MultiPolygon: ≥ 4 positions each, closed, lon/lat in range. */
function polygon(v: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[][] }, field: string, lang: Lang): Brief['within'] {
  const fail = (path: string, value: unknown, reason: Reason) => fieldError(path, value, reason, lang);
  const rings = (list: unknown, path: string) => {
    if (!Array.isArray(list) || list.length === 0) throw fail(path, list, { en: 'must be a non-empty list of rings', zh: '必须是非空的环列表' });
    list.forEach((ring, j) => checkRing(ring, `${path}[${j}]`));
  };
  const checkRing = (ring: unknown, path: string) => {
    if (!Array.isArray(ring) || ring.length < 4) throw fail(path, ring, { en: 'must be a ring of at least 4 positions', zh: '必须是至少 4 个点的环' });
    ring.forEach((p, i) => {
      if (!Array.isArray(p) || p.length < 2 || !p.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        throw fail(`${path}[${i}]`, p, { en: 'must be a position [lon, lat]', zh: '必须是坐标 [经度, 纬度]' });
      }
      if (Math.abs(p[0]) > 180 || Math.abs(p[1]) > 90) {
        throw fail(`${path}[${i}]`, p, { en: 'must have lon within -180..180 and lat within -90..90', zh: '的经度必须在 -180..180 之间、纬度在 -90..90 之间' });
      }
    });
    const [a, z] = [ring[0] as number[], ring[ring.length - 1] as number[]];
    if (a[0] !== z[0] || a[1] !== z[1]) throw fail(path, ring, { en: 'must be closed (first position equal to the last)', zh: '必须闭合（首点与末点相同）' });
  };
  if (v.type === 'Polygon') rings(v.coordinates, `${field}.coordinates`);
  else v.coordinates.forEach((rs, i) => rings(rs, `${field}.coordinates[${i}]`));
  return { type: v.type, coordinates: v.coordinates };
}

/**
 * Check and complete a brief given as plain JSON (scripts, benches, stored shortlists): the
 * route's schema, then `toBrief`. Throws the same 400s the route gives.
 */
export function parseBrief(body: unknown, lang: Lang = 'en'): Brief {
  return toBrief(validate(BRIEF_SCHEMA, body ?? {}, 'body', lang), lang);
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
