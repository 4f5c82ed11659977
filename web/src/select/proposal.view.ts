/**
 * The client's read-only proposal (opened from a share link, no account): one A4 page per site
 * with its key indicators, park and nearest amenities. The print stylesheet (select.css) turns
 * it into the PDF an officer hands over.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, tr } from '../shared/i18n.service.ts';
import type { KindLabels } from './brief-form.component.ts';
import type { SharedShortlist } from './selection.service.ts';
import { st } from './select.i18n.ts';

const INDICATOR_LABELS: Record<string, { zh: string; en: string; unit?: string }> = {
  area_m2: { zh: '面积', en: 'Area', unit: 'm²' },
  area_mu: { zh: '面积（亩）', en: 'Area (mu)', unit: '亩' },
  land_use: { zh: '用地性质', en: 'Land use' },
  price: { zh: '价格', en: 'Price' },
  power_kva: { zh: '供电容量', en: 'Power', unit: 'kVA' },
  water_t_per_day: { zh: '供水能力', en: 'Water', unit: 't/日' },
  gas: { zh: '天然气', en: 'Natural gas' },
  floors: { zh: '层数', en: 'Floors' },
  floor_load_kn_m2: { zh: '楼面荷载', en: 'Floor load', unit: 'kN/m²' },
  clear_height_m: { zh: '净高', en: 'Clear height', unit: 'm' },
  plot_ratio_max: { zh: '容积率上限', en: 'Max plot ratio' },
  investment_intensity_wan_per_mu: { zh: '投资强度门槛', en: 'Investment threshold', unit: '万元/亩' },
  output_per_mu_wan: { zh: '亩均产出门槛', en: 'Output threshold', unit: '万元/亩' },
};

function formatIndicator(key: string, v: unknown, all: Record<string, unknown>): string {
  if (typeof v === 'boolean') return v ? '✓' : '—';
  if (key === 'price') return `${formatNumber(v as number)} ${all.price_unit ?? ''}`;
  const unit = INDICATOR_LABELS[key].unit;
  return typeof v === 'number' ? `${formatNumber(v)}${unit ? ` ${unit}` : ''}` : String(v);
}

/** Render a shared shortlist as a printable proposal. */
export function renderProposal(data: SharedShortlist, kinds: KindLabels): HTMLElement {
  const lang = getLang();
  return h('article', { class: 'proposal' },
    h('header', { class: 'proposal-cover' },
      h('h1', {}, st('proposalTitle')),
      h('p', { class: 'client' }, st('preparedFor', { name: data.clientName })),
      h('button', { type: 'button', class: 'no-print', onclick: () => window.print() }, st('print'))),
    ...data.sites.map((s, i) => h('section', { class: 'proposal-site', 'data-site-id': s.id },
      h('h2', {}, `${i + 1}. ${s.name}`),
      h('p', { class: 'meta' },
        [s.county ? (lang === 'zh' ? s.county.name_zh : s.county.name_en) : null, s.park ? `${st('park')}：${lang === 'zh' ? s.park.name_zh : s.park.name_en}` : null]
          .filter(Boolean).join(' · ')),
      s.note ? h('p', { class: 'note' }, h('strong', {}, `${st('note')}：`), s.note) : null,
      h('h3', {}, st('indicators')),
      h('table', { class: 'indicators' }, h('tbody', {},
        ...Object.keys(INDICATOR_LABELS).filter((k) => s.indicators[k] !== undefined).map((k) =>
          h('tr', {}, h('th', {}, tr(INDICATOR_LABELS[k])), h('td', {}, formatIndicator(k, s.indicators[k], s.indicators)))))),
      h('h3', {}, st('nearest')),
      h('table', { class: 'nearest' }, h('tbody', {},
        ...s.nearest.map((n) => h('tr', {}, h('th', {}, tr(kinds[n.kind]) || n.kind), h('td', {}, n.name), h('td', { class: 'num' }, `${formatNumber(n.distance_m, 0)} m`))))))));
}
