/**
 * Maps raw parcel attributes (as read from DBF/GeoJSON/CSV, Chinese or pinyin headers) onto
 * the columns of `carriers` (core/db/migrations/001_init.sql), reporting every value it
 * cannot use with the field and the value.
 *
 * Detection: a header is normalised (lower case, full-width → ASCII, no spaces) and its unit is
 * split off, from brackets ("面积(亩)", "出让价（万元/亩）") or a pinyin suffix ("MJ_MU",
 * "MJ_GQ"); the rest is looked up in HEADER_ALIASES (dictionaries.ts). A user mapping
 * `{ sourceField: targetColumn }` wins over detection; the target "" or "ignore" drops a field.
 *
 * Units: areas are m² unless the header or the value says 亩/mu (× 10000/15) or 公顷/ha
 * (× 10000). A bare 面积 whose numbers look like 亩 is NOT guessed: the declared area is
 * compared with the geometry later (declaredAreaIssue), which names the likely unit.
 */
import type { ItemIssue } from '../types.ts';
import { issue } from '../readers/common.ts';
import {
  DAZHOU_COUNTIES, HEADER_ALIASES, LAND_USE_WORDS, NO_WORDS, STATUS_WORDS, YES_WORDS, type CarrierColumn,
} from './dictionaries.ts';
import { AREA_UNITS_M2, areaUnit, parseNumberWithUnit, parseRange, toHalfWidth } from './values.ts';

export type { CarrierColumn } from './dictionaries.ts';

/** Columns of `carriers` that mapping fills (types as stored), plus the declared area. */
export interface CarrierColumns {
  code: string;
  name: string;
  land_use: string;
  allowed_industries: string[];
  price: number;
  price_unit: string;
  floors: number;
  floor_area_m2: number;
  floor_load_kn_m2: number;
  clear_height_m: number;
  building_height_m: number;
  plot_ratio_min: number;
  plot_ratio_max: number;
  building_coefficient_pct: number;
  investment_intensity_wan_per_mu: number;
  output_per_mu_wan: number;
  tax_per_mu_wan: number;
  power_kva: number;
  water_t_per_day: number;
  gas: boolean;
  ownership: string;
  contact_name: string;
  contact_phone: string;
  /** ISO date "YYYY-MM-DD". */
  available_from: string;
  description: string;
  name_en: string;
  description_en: string;
  status: 'available' | 'reserved' | 'occupied';
  county_adcode: string;
  /** Area stated in the attributes, converted to m²; compared with the geometry's area later. */
  area_declared_m2: number;
}

/** Where the attributes came from (for messages) and an optional user mapping. */
export interface MappingContext {
  file: string;
  index: number | null;
  where?: string;
  /** `{ sourceField: targetColumn }`; overrides header detection. "" or "ignore" drops a field. */
  mapping?: Record<string, string>;
}

/** Result of mapCarrierAttributes. */
export interface MappedAttributes {
  values: Partial<CarrierColumns>;
  /** Source fields that matched no column (kept raw by the caller). */
  unmapped: string[];
  /** Values that could not be used or were interpreted with an assumption. */
  issues: ItemIssue[];
}

/** A header split into its lookup key and unit text ("用地面积(亩)" → "用地面积", "亩"). */
export function splitHeader(header: string): { key: string; unit: string } {
  let s = toHalfWidth(header).trim().toLowerCase();
  let unit = '';
  const bracket = /[(（\[]([^)）\]]*)[)）\]]/.exec(s);
  if (bracket) {
    unit = bracket[1]!.trim();
    s = s.replace(bracket[0], '');
  }
  const suffix = /_(mu|m2|pfm|gq|ha|wy)$/.exec(s);
  if (suffix && !unit) {
    unit = suffix[1]!;
    s = s.slice(0, -suffix[0].length);
  }
  return { key: s.replace(/\s+/g, ''), unit };
}

const ALIAS_INDEX = new Map<string, CarrierColumn>();
for (const [target, aliases] of Object.entries(HEADER_ALIASES)) {
  for (const a of aliases) ALIAS_INDEX.set(a.toLowerCase(), target as CarrierColumn);
}

/** Carrier columns by their own name (ALL_TARGETS minus the pseudo-targets plot_ratio and area_declared_m2). */
const COLUMN_NAMES = new Set<string>([
  'code', 'name', 'land_use', 'allowed_industries', 'price', 'price_unit', 'floors', 'floor_area_m2', 'floor_load_kn_m2',
  'clear_height_m', 'building_height_m', 'plot_ratio_min', 'plot_ratio_max', 'building_coefficient_pct',
  'investment_intensity_wan_per_mu', 'output_per_mu_wan', 'tax_per_mu_wan', 'power_kva', 'water_t_per_day', 'gas',
  'ownership', 'contact_name', 'contact_phone', 'available_from', 'description', 'status', 'county_adcode',
  'name_en', 'description_en',
]);

/** What a header means: its detected column (or null) and its unit. */
interface HeaderInfo {
  column: CarrierColumn | null;
  unit: string;
}

/** Headers repeat on every row of a file: each is analysed once (bounded, for files with odd headers). */
const HEADER_CACHE = new Map<string, HeaderInfo>();
const HEADER_CACHE_MAX = 10_000;

function headerInfo(header: string): HeaderInfo {
  let info = HEADER_CACHE.get(header);
  if (!info) {
    const { key, unit } = splitHeader(header);
    // The platform's own column names (its GeoJSON/CSV/Shapefile exports) map to themselves, in the
    // column's own unit: re-importing an export loses nothing.
    const own = header.trim().toLowerCase();
    info = COLUMN_NAMES.has(own) ? { column: own as CarrierColumn, unit: '' } : { column: ALIAS_INDEX.get(key) ?? null, unit };
    if (HEADER_CACHE.size >= HEADER_CACHE_MAX) HEADER_CACHE.clear();
    HEADER_CACHE.set(header, info);
  }
  return info;
}

/** Target column a header maps to by itself (no user mapping), or null. "plot_ratio" fills min and max. */
export function detectColumn(header: string): CarrierColumn | null {
  return headerInfo(header).column;
}

const ALL_TARGETS = new Set<string>([...Object.keys(HEADER_ALIASES), 'plot_ratio_min', 'plot_ratio_max']);

/** Converts a value into `out` for `target`; returns a problem message or null. */
type Converter = (raw: unknown, unit: string, out: Partial<CarrierColumns>, note: (msg: string) => void) => string | null;

const text = (raw: unknown): string => (typeof raw === 'number' ? String(raw) : String(raw).trim());

function numberIn(raw: unknown, unit: string, units: Record<string, number>, what: string): number | string {
  const n = parseNumberWithUnit(raw);
  if (!n) return `${what} ${JSON.stringify(raw)} is not a number`;
  const u = (n.unit || unit).toLowerCase().replace(/\s+/g, '').replace(/平方米|㎡|m²/g, 'm2');
  const factor = units[u];
  if (factor === undefined) return `${what} unit "${n.unit || unit}" is not one of ${Object.keys(units).filter(Boolean).join(', ')}`;
  if (n.value < 0) return `${what} ${JSON.stringify(raw)} is negative`;
  return n.value * factor;
}

/** 万元/亩 and equivalents → factor to 万元/亩. */
const PER_MU = { '': 1, '万元/亩': 1, 万元每亩: 1, '万/亩': 1, '万元/公顷': 1 / 15, '万元/ha': 1 / 15, '元/m2': 10000 / 15 / 10000 };

function area(raw: unknown, unit: string): number | string {
  const n = parseNumberWithUnit(raw);
  if (!n) return `area ${JSON.stringify(raw)} is not a number`;
  const u = n.unit ? areaUnit(n.unit) : unit ? areaUnit(unit) : 'm2';
  if (!u) return `area unit "${n.unit || unit}" is not m²/㎡/平方米, 亩 or 公顷/ha`;
  if (n.value <= 0) return `area ${JSON.stringify(raw)} must be positive`;
  return n.value * AREA_UNITS_M2[u];
}

function setNumber<K extends keyof CarrierColumns>(out: Partial<CarrierColumns>, key: K, v: number | string): string | null {
  if (typeof v === 'string') return v;
  (out as Record<string, unknown>)[key] = v;
  return null;
}

function parseDate(raw: unknown): string | null {
  const s = toHalfWidth(text(raw));
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

const CONVERTERS: Record<CarrierColumn, Converter> = {
  code: (raw, _u, out) => ((out.code = text(raw)), null),
  name: (raw, _u, out) => ((out.name = text(raw)), null),
  ownership: (raw, _u, out) => ((out.ownership = text(raw)), null),
  contact_name: (raw, _u, out) => ((out.contact_name = text(raw)), null),
  contact_phone: (raw, _u, out) => ((out.contact_phone = typeof raw === 'number' ? String(Math.round(raw)) : text(raw)), null),
  description: (raw, _u, out) => ((out.description = text(raw)), null),
  name_en: (raw, _u, out) => ((out.name_en = text(raw)), null),
  description_en: (raw, _u, out) => ((out.description_en = text(raw)), null),
  price_unit: (raw, _u, out) => ((out.price_unit = normalizeUnit(text(raw))), null),
  area_declared_m2: (raw, unit, out) => setNumber(out, 'area_declared_m2', area(raw, unit)),
  floor_area_m2: (raw, unit, out) => setNumber(out, 'floor_area_m2', area(raw, unit)),
  land_use: (raw, _u, out, note) => {
    const found = landUse(text(raw));
    if (!found) return `land use ${JSON.stringify(raw)} is not a known category (一类/二类/三类工业用地, 物流仓储用地, 商业用地, 商务用地, 科研用地 or M1 M2 M3 W1 B1 B2 A35)`;
    if (found.assumed) note(`land use ${JSON.stringify(raw)} names no class; recorded as ${found.code}, check the planning conditions`);
    out.land_use = found.code;
    return null;
  },
  plot_ratio: (raw, _u, out) => {
    const r = parseRange(raw);
    if (!r) return `plot ratio ${JSON.stringify(raw)} is not a number or range such as 1.2-2.5 or ≥1.0`;
    if (r.min !== null && r.max !== null && r.min > r.max) return `plot ratio ${JSON.stringify(raw)} has min > max`;
    if (r.min !== null) out.plot_ratio_min = r.min;
    if (r.max !== null) out.plot_ratio_max = r.max;
    return null;
  },
  plot_ratio_min: (raw, _u, out) => setNumber(out, 'plot_ratio_min', parseRange(raw)?.min ?? `plot ratio ${JSON.stringify(raw)} is not a number`),
  plot_ratio_max: (raw, _u, out) => setNumber(out, 'plot_ratio_max', parseRange(raw)?.max ?? `plot ratio ${JSON.stringify(raw)} is not a number`),
  building_coefficient_pct: (raw, _u, out, note) => {
    const r = parseRange(raw);
    const v = r ? (r.min ?? r.max) : null;
    if (v === null) return `building coefficient ${JSON.stringify(raw)} is not a number or percentage`;
    const percent = typeof raw === 'string' && raw.includes('%');
    const pct = !percent && v <= 1 ? v * 100 : v;
    if (pct !== v) note(`building coefficient ${JSON.stringify(raw)} read as a fraction: ${pct}%`);
    if (pct < 0 || pct > 100) return `building coefficient ${JSON.stringify(raw)} is outside 0..100 %`;
    out.building_coefficient_pct = pct;
    return null;
  },
  investment_intensity_wan_per_mu: (raw, unit, out) => setNumber(out, 'investment_intensity_wan_per_mu', numberIn(stripBound(raw), unit, PER_MU, 'investment intensity')),
  output_per_mu_wan: (raw, unit, out) => setNumber(out, 'output_per_mu_wan', numberIn(stripBound(raw), unit, PER_MU, 'output per mu')),
  tax_per_mu_wan: (raw, unit, out) => setNumber(out, 'tax_per_mu_wan', numberIn(stripBound(raw), unit, PER_MU, 'tax per mu')),
  power_kva: (raw, unit, out) => setNumber(out, 'power_kva', numberIn(raw, unit, { '': 1, kva: 1, 千伏安: 1, mva: 1000, 兆伏安: 1000 }, 'power capacity')),
  water_t_per_day: (raw, unit, out) => setNumber(out, 'water_t_per_day', numberIn(raw, unit, { '': 1, 't/d': 1, '吨/日': 1, '吨/天': 1, '吨': 1, 't': 1, 'm3/d': 1, 'm³/d': 1, '立方米/日': 1, '方/天': 1, '方/日': 1 }, 'water supply')),
  floor_load_kn_m2: (raw, unit, out) => setNumber(out, 'floor_load_kn_m2', numberIn(raw, unit, { '': 1, 'kn/m2': 1, 'kn': 1, 't/m2': 9.80665, '吨/m2': 9.80665, '吨': 9.80665, 't': 9.80665 }, 'floor load')),
  clear_height_m: (raw, unit, out) => setNumber(out, 'clear_height_m', numberIn(raw, unit, { '': 1, m: 1, 米: 1 }, 'clear height')),
  building_height_m: (raw, unit, out) => setNumber(out, 'building_height_m', numberIn(stripBound(raw), unit, { '': 1, m: 1, 米: 1 }, 'building height')),
  floors: (raw, _u, out) => {
    const n = parseNumberWithUnit(raw);
    if (!n || !Number.isInteger(n.value) || n.value < 1 || n.value > 200) return `floors ${JSON.stringify(raw)} is not a whole number 1..200`;
    out.floors = n.value;
    return null;
  },
  gas: (raw, _u, out) => {
    const s = toHalfWidth(text(raw)).toLowerCase();
    if (YES_WORDS.includes(s) || (typeof raw === 'boolean' && raw)) out.gas = true;
    else if (NO_WORDS.includes(s) || raw === false) out.gas = false;
    else return `gas ${JSON.stringify(raw)} is not 有/无 or 是/否`;
    return null;
  },
  price: (raw, unit, out) => {
    const n = parseNumberWithUnit(raw);
    if (!n) return `price ${JSON.stringify(raw)} is not a number`;
    if (n.value < 0) return `price ${JSON.stringify(raw)} is negative`;
    out.price = n.value;
    const u = n.unit || unit;
    if (u && out.price_unit === undefined) out.price_unit = normalizeUnit(u);
    return null;
  },
  status: (raw, _u, out) => {
    const s = STATUS_WORDS[toHalfWidth(text(raw)).toLowerCase().replace(/\s+/g, '')];
    if (!s) return `status ${JSON.stringify(raw)} is not one of ${Object.keys(STATUS_WORDS).filter((k) => /[^\x00-\x7f]/.test(k)).join('/')}`;
    out.status = s;
    return null;
  },
  county_adcode: (raw, _u, out) => {
    const c = county(text(raw));
    if (!c) return `county ${JSON.stringify(raw)} is not one of Dazhou's 7 county-level units (${DAZHOU_COUNTIES.map((d) => `${d.adcode} ${d.names[0]}`).join(', ')})`;
    out.county_adcode = c;
    return null;
  },
  allowed_industries: (raw, _u, out) => {
    out.allowed_industries = text(raw).split(/[,，、;；/|]+/).map((s) => s.trim()).filter(Boolean);
    return null;
  },
  available_from: (raw, _u, out) => {
    const d = parseDate(raw);
    if (!d) return `date ${JSON.stringify(raw)} is not a date like 2025-06-30 or 2025年6月`;
    out.available_from = d;
    return null;
  },
};

/** "≥300" → "300" for per-mu targets, where the bound is the figure itself. */
function stripBound(raw: unknown): unknown {
  return typeof raw === 'string' ? raw.replace(/^\s*(≥|>=|不低于|不少于|不小于|≤|<=|不高于|不超过)\s*/, '') : raw;
}

function normalizeUnit(u: string): string {
  return toHalfWidth(u).replace(/\s+/g, '').replace(/平方米|平米|m2|㎡/gi, 'm²').replace(/\*|×|·/g, '·');
}

/** Chinese land-use names, longest first, so 一类工业用地 wins over 工业用地. */
const LAND_USE_NAMES = Object.keys(LAND_USE_WORDS).filter((k) => /[^\x00-\x7f]/.test(k)).sort((a, b) => b.length - a.length);

/** Land-use code for a word, a code, or "M1 一类工业用地"-style combinations. */
export function landUse(raw: string): { code: string; assumed?: boolean } | null {
  const s = toHalfWidth(raw).trim().replace(/\s+/g, '');
  const direct = LAND_USE_WORDS[s] ?? LAND_USE_WORDS[s.toLowerCase()];
  if (direct) return direct;
  const code = /(?:^|[^A-Za-z])(M[123]|W1|B[12]|A35)(?![0-9])/i.exec(s);
  if (code) return { code: code[1]!.toUpperCase() };
  const hit = LAND_USE_NAMES.find((n) => s.includes(n));
  return hit ? LAND_USE_WORDS[hit]! : null;
}

/** Dazhou county adcode for a name ("达州市通川区", "宣汉") or a 6/9/12-digit code, else null. */
export function county(raw: string): string | null {
  const s = toHalfWidth(raw).trim();
  const digits = /^(\d{6})(\d{3}|\d{6})?$/.exec(s);
  if (digits) return DAZHOU_COUNTIES.some((c) => c.adcode === digits[1]) ? digits[1]! : null;
  const hit = DAZHOU_COUNTIES.find((c) => c.names.some((n) => s === n || s.endsWith(n) || s.includes(c.names[0]!)));
  return hit?.adcode ?? null;
}

/**
 * Maps raw attributes onto carrier columns. Never throws: unusable values become issues naming
 * the file, row, field and value; unrecognised fields are listed in `unmapped`.
 */
export function mapCarrierAttributes(properties: Record<string, unknown>, ctx: MappingContext): MappedAttributes {
  const values: Partial<CarrierColumns> = {};
  const unmapped: string[] = [];
  const issues: ItemIssue[] = [];
  const filledBy = new Map<string, string>();
  const userMapping = ctx.mapping ?? {};
  for (const [field, raw] of Object.entries(properties)) {
    const mapped = Object.prototype.hasOwnProperty.call(userMapping, field) ? userMapping[field] : undefined;
    if (mapped === '' || mapped === 'ignore') continue;
    if (mapped !== undefined && !ALL_TARGETS.has(mapped)) {
      issues.push(issue(ctx.file, ctx.index, ctx.where, field, mapped, `mapping names unknown column "${mapped}" for field ${field}`));
      unmapped.push(field);
      continue;
    }
    const header = headerInfo(field);
    const target = (mapped as CarrierColumn | undefined) ?? header.column;
    if (!target) {
      unmapped.push(field);
      continue;
    }
    if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) continue;
    const key = target === 'plot_ratio' ? 'plot_ratio_min' : target;
    if (filledBy.has(key)) {
      issues.push(issue(ctx.file, ctx.index, ctx.where, field, raw, `${field} also maps to ${target}; kept the value of ${filledBy.get(key)}`));
      continue;
    }
    const notes: string[] = [];
    const problem = CONVERTERS[target](raw, header.unit, values, (m) => notes.push(m));
    if (problem) issues.push(issue(ctx.file, ctx.index, ctx.where, field, raw, `${field}: ${problem}`));
    else filledBy.set(key, field);
    for (const n of notes) issues.push(issue(ctx.file, ctx.index, ctx.where, field, raw, `${field}: ${n}`));
  }
  return { values, unmapped, issues };
}

/**
 * Compares a declared area with the geometry's area (both m²). Returns an issue when they
 * differ by more than `tolerance` (default 5 %), naming the likely cause when the declared
 * figure matches the geometry in 亩 or 公顷; null when they agree.
 */
export function declaredAreaIssue(
  declaredM2: number,
  geometricM2: number,
  ctx: Omit<MappingContext, 'mapping'>,
  tolerance = 0.05,
): ItemIssue | null {
  if (!(declaredM2 > 0) || !(geometricM2 > 0)) return null;
  const diff = (declaredM2 - geometricM2) / geometricM2;
  if (Math.abs(diff) <= tolerance) return null;
  const close = (factor: number) => Math.abs((declaredM2 * factor - geometricM2) / geometricM2) <= tolerance;
  const hint = close(AREA_UNITS_M2.mu) ? '; the declared figure matches the geometry in 亩: label the column 面积(亩)'
    : close(AREA_UNITS_M2.ha) ? '; the declared figure matches the geometry in 公顷: label the column 面积(公顷)' : '';
  return issue(ctx.file, ctx.index, ctx.where, 'area_declared_m2', declaredM2,
    `declared area ${round(declaredM2)} m² differs by ${round(diff * 100)} % from the geometry's ${round(geometricM2)} m²${hint}`);
}

const round = (n: number) => Math.round(n * 10) / 10;
