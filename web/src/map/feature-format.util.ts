/**
 * Formats attribute values for the details panel: enums by their labels, booleans as 是/否,
 * lists joined, dates localised, numbers with units, and land areas in m², 亩 and 公顷.
 */
import type { LayerInfo } from '../shared/api.types.ts';
import { formatNumber, getLang, t, tr } from '../shared/i18n.service.ts';
import { PRICE_UNITS } from '../../../layers/catalog.ts';
import { unitOf } from '../../../layers/definition.ts';

/** Square metres in one 亩 (mu). */
export const M2_PER_MU = 666.67;
/** Square metres in one 公顷 (hectare). */
export const M2_PER_HECTARE = 10_000;

type Attribute = LayerInfo['attributes'][number];

/** Lookups that turn codes into names (county adcode → name, park id → name). */
export interface FormatContext {
  countyName(adcode: string): string | undefined;
  parkName(id: number | string): string | undefined;
}

/** "12,345 m² · 18.52 亩 · 1.23 公顷" for an area in square metres. */
export function formatArea(m2: number): string {
  return `${formatNumber(m2, 0)} m² · ${formatNumber(m2 / M2_PER_MU, 2)} ${t('mu')} · ${formatNumber(m2 / M2_PER_HECTARE, 2)} ${t('hectare')}`;
}

/** Whether a value counts as missing (not shown in the panel). */
export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

function parseList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  // MapLibre hands nested values back as JSON strings; Postgres arrays may come as "{a,b}".
  if (typeof v === 'string') {
    if (v.startsWith('[')) {
      try { return JSON.parse(v); } catch { /* fall through */ }
    }
    if (v.startsWith('{') && v.endsWith('}')) return v.slice(1, -1).split(',').filter(Boolean);
    return v.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
  }
  return [v];
}

/**
 * The display text of attribute `attr` with value `value`; `properties` gives companions such as
 * `price_unit` for `price`.
 */
export function formatAttribute(attr: Attribute, value: unknown, properties: Record<string, unknown>, ctx: FormatContext): string {
  switch (attr.type) {
    case 'enum': {
      const label = attr.values?.[String(value)];
      return label ? tr(label) : String(value);
    }
    case 'boolean':
      return value === true || value === 'true' ? t('yes') : t('no');
    case 'string[]':
      return parseList(value).map(String).join(getLang() === 'zh' ? '、' : ', ');
    case 'date': {
      const d = new Date(String(value));
      if (Number.isNaN(d.getTime())) return String(value);
      return d.toLocaleDateString(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
    }
    case 'integer':
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (attr.name === 'park_id') return ctx.parkName(n) ?? String(value);
      if (!Number.isFinite(n)) return String(value);
      if (attr.unit === 'm²' && attr.name === 'area_m2') return formatArea(n);
      const companion = properties[`${attr.name}_unit`];
      // Units in the reader's language, from the layer definitions (万元/亩 → 10k CNY/mu; price units by value).
      const unit = attr.unit ? unitOf(attr, getLang()) : typeof companion === 'string' ? PRICE_UNITS[companion]?.[getLang()] ?? companion : '';
      return unit ? `${formatNumber(n)} ${unit}` : formatNumber(n);
    }
    default: {
      if (attr.name === 'county') {
        const name = ctx.countyName(String(value));
        return name ? `${name}` : String(value);
      }
      return attr.unit ? `${String(value)} ${attr.unit}` : String(value);
    }
  }
}
