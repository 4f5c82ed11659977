/**
 * Value parsers for parcel attributes: numbers with units ("12.5亩", "1,200 ㎡", "1万kVA"),
 * ranges ("1.2-2.5", "≥1.2", "1.0~2.0", "不低于1.0"), and area unit conversion.
 */

/** Square metres per unit of area. 1 亩 = 10000/15 m² ≈ 666.6667 m². */
export const AREA_UNITS_M2: Record<'m2' | 'mu' | 'ha', number> = { m2: 1, mu: 10000 / 15, ha: 10000 };

/** Area unit named by a header or value suffix, or null when none is recognisable. */
export function areaUnit(text: string): 'm2' | 'mu' | 'ha' | null {
  const s = text.toLowerCase().replace(/\s+/g, '');
  if (/英亩|acre/.test(s)) return null; // acres are not 亩
  if (/公顷|hm2|hm²|(^|[^a-z])ha$|_ha$|_gq$|\(ha\)|（ha）/.test(s) || s === 'ha' || s === 'gq') return 'ha';
  if (/亩|(^|_)mu($|[^a-z])/.test(s)) return 'mu';
  if (/平方米|平米|㎡|m2|m²|sqm|(^|_)pfm$/.test(s)) return 'm2';
  return null;
}

const FULL_WIDTH = /[\uFF01-\uFF5E\u3000]/;

/** Full-width digits and punctuation → ASCII, so "１２．５" parses. */
export function toHalfWidth(s: string): string {
  // Most values have nothing to convert: one test instead of two replacements.
  if (!FULL_WIDTH.test(s)) return s;
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** A number found at the start of a value, and the text after it (the unit, if any). */
export interface NumberWithUnit {
  value: number;
  unit: string;
}

/**
 * Parses "12.5亩", "1,200 ㎡", "3.5万", "-2", "1e3" → value (万 multiplied out, except in the
 * currency unit 万元: "15万元/亩" → 15, "万元/亩") and unit text.
 * Returns null when the value does not start with a number.
 */
export function parseNumberWithUnit(raw: unknown): NumberWithUnit | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { value: raw, unit: '' } : null;
  if (typeof raw !== 'string') return null;
  const s = toHalfWidth(raw).trim().replace(/(\d),(?=\d{3}\b)/g, '$1');
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(万(?!元))?\s*(.*)$/.exec(s);
  if (!m) return null;
  const value = Number(m[1]) * (m[2] ? 10000 : 1);
  return Number.isFinite(value) ? { value, unit: m[3]!.trim() } : null;
}

/** Lower and upper bound of a range value; either may be null. */
export interface Range {
  min: number | null;
  max: number | null;
}

const NUM = '(\\d+(?:\\.\\d+)?|\\.\\d+)';
/** The range forms parseRange accepts, compiled once. */
const RANGE = {
  between: new RegExp(`^${NUM}(?:-|~|—|–|至|到)${NUM}$`),
  atLeast: new RegExp(`^(?:≥|>=|>|大于等于|不低于|不小于|大于|最低)${NUM}$`),
  andAbove: new RegExp(`^${NUM}(?:以上|及以上)$`),
  atMost: new RegExp(`^(?:≤|<=|<|小于等于|不高于|不大于|不超过|小于|最高)${NUM}$`),
  andBelow: new RegExp(`^${NUM}(?:以下|及以下)$`),
  single: new RegExp(`^${NUM}$`),
};

/**
 * Parses a range: "1.2-2.5", "1.2~2.5", "1.2～2.5", "1.2—2.5", "1.2至2.5", "≥1.2", ">=1.2",
 * "不低于1.2", "≤2.5", "不大于2.5", "1.2以上", "2.5以下", or a single number (min = max).
 * Returns null when no number can be read.
 */
export function parseRange(raw: unknown): Range | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? { min: raw, max: raw } : null;
  if (typeof raw !== 'string') return null;
  const s = toHalfWidth(raw).replace(/\s+/g, '').replace(/%$/, '');
  let m = RANGE.between.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  m = RANGE.atLeast.exec(s) ?? RANGE.andAbove.exec(s);
  if (m) return { min: Number(m[1]), max: null };
  m = RANGE.atMost.exec(s) ?? RANGE.andBelow.exec(s);
  if (m) return { min: null, max: Number(m[1]) };
  m = RANGE.single.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  return null;
}
