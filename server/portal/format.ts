/**
 * Numbers for people, in zh-CN or English: thousands separators (never in years), areas in the
 * unit that reads best (m², 亩 / mu, 公顷 / ha, km²), distances in m or km.
 */

import { PRICE_UNITS } from '../../layers/catalog.ts';

/** Portal languages. */
export type Lang = 'zh' | 'en';

/** Square metres in one 亩. */
export const M2_PER_MU = 10_000 / 15;

/** `n` with separators and at most `digits` decimals. */
export function fmtNumber(n: number, lang: Lang, digits = 0): string {
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Land area: "1,234 亩（82.3 公顷）" / "1,234 mu (82.3 ha)"; from 1 km² on, km² and 公顷. */
export function fmtLandArea(m2: number, lang: Lang): string {
  const mu = m2 / M2_PER_MU;
  const ha = m2 / 10_000;
  if (m2 >= 1_000_000) {
    return lang === 'zh' ? `${fmtNumber(m2 / 1e6, lang, 2)} km²（${fmtNumber(ha, lang, 0)} 公顷）` : `${fmtNumber(m2 / 1e6, lang, 2)} km² (${fmtNumber(ha, lang, 0)} ha)`;
  }
  return lang === 'zh' ? `${fmtNumber(mu, lang, mu < 100 ? 1 : 0)} 亩（${fmtNumber(ha, lang, ha < 10 ? 2 : 1)} 公顷）` : `${fmtNumber(mu, lang, mu < 100 ? 1 : 0)} mu (${fmtNumber(ha, lang, ha < 10 ? 2 : 1)} ha)`;
}

/** Floor area: "12,300 m²"; from 100,000 m² on "12.3 万 m²" in Chinese, from 1 km² on "1.23 million m²" in English. */
export function fmtFloorArea(m2: number, lang: Lang): string {
  if (lang === 'zh' && m2 >= 100_000) return `${fmtNumber(m2 / 10_000, lang, 1)} 万 m²`;
  if (lang === 'en' && m2 >= 1_000_000) return `${fmtNumber(m2 / 1e6, lang, 2)} million m²`;
  return `${fmtNumber(m2, lang, 0)} m²`;
}

/** Distance: "850 m" or "12.4 km". */
export function fmtDistance(m: number, lang: Lang): string {
  return m < 1000 ? `${fmtNumber(Math.round(m / 10) * 10, lang)} m` : `${fmtNumber(m / 1000, lang, 1)} km`;
}

/** A price with its unit in the reader's language (units are stored in Chinese; their names come from the layer catalog). */
export function fmtPrice(price: number, unit: string | null, lang: Lang): string {
  const u = unit ?? '';
  return `${fmtNumber(price, lang, 2)} ${PRICE_UNITS[u]?.[lang] ?? u}`.trim();
}

/** Escape text for HTML element content and attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
