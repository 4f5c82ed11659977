/**
 * The client's read-only proposal (opened from a share link, no account): a cover with the map of
 * every site and a one-line summary of each, then one card per site with its key indicators, an
 * outline of the plot, its park and the nearest amenities with distances. Printed (select.css
 * `@media print`), the cover is page 1 and every site gets exactly one A4 page of its own.
 */
import type { LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, setLang, tr } from '../shared/i18n.service.ts';
import type { KindLabels } from './brief-form.component.ts';
import { SelectMapView, outlineSvg } from './select-map.view.ts';
import type { SharedShortlist, SharedSite } from './selection.service.ts';
import { LAYER_LABELS, formatDistance, st } from './select.i18n.ts';

const INDICATOR_LABELS: Record<string, { zh: string; en: string; unit?: string }> = {
  area_mu: { zh: '面积', en: 'Area', unit: '亩' },
  area_m2: { zh: '面积（m²）', en: 'Area (m²)', unit: 'm²' },
  price: { zh: '价格', en: 'Price' },
  land_use: { zh: '用地性质', en: 'Land use' },
  allowed_industries: { zh: '准入产业', en: 'Industries' },
  power_kva: { zh: '供电容量', en: 'Power', unit: 'kVA' },
  water_t_per_day: { zh: '供水能力', en: 'Water', unit: 't/日' },
  gas: { zh: '天然气', en: 'Natural gas' },
  floors: { zh: '层数', en: 'Floors' },
  floor_area_m2: { zh: '建筑面积', en: 'Floor area', unit: 'm²' },
  floor_load_kn_m2: { zh: '楼面荷载', en: 'Floor load', unit: 'kN/m²' },
  clear_height_m: { zh: '净高', en: 'Clear height', unit: 'm' },
  building_height_m: { zh: '建筑高度', en: 'Building height', unit: 'm' },
  plot_ratio_max: { zh: '容积率上限', en: 'Max plot ratio' },
  investment_intensity_wan_per_mu: { zh: '投资强度门槛', en: 'Investment threshold', unit: '万元/亩' },
  output_per_mu_wan: { zh: '亩均产出门槛', en: 'Output threshold', unit: '万元/亩' },
  available_from: { zh: '可交付时间', en: 'Available from' },
};
/** The indicators shown as big figures at the top of a site card. */
const HEADLINE = ['area_mu', 'price', 'power_kva'];

function formatIndicator(key: string, v: unknown, all: Record<string, unknown>): string {
  if (typeof v === 'boolean') return v ? (getLang() === 'zh' ? '已接通' : 'Connected') : '—';
  if (Array.isArray(v)) return v.join('、');
  if (key === 'price') return `${formatNumber(v as number)} ${all.price_unit ?? ''}`.trim();
  if (key === 'plot_ratio_max' && typeof all.plot_ratio_min === 'number') return `${formatNumber(all.plot_ratio_min)}–${formatNumber(v as number)}`;
  const unit = INDICATOR_LABELS[key].unit;
  return typeof v === 'number' ? `${formatNumber(v)}${unit ? ` ${unit}` : ''}` : String(v);
}

const placeName = (s: SharedSite) => {
  const zh = getLang() === 'zh';
  return [s.county ? (zh ? s.county.name_zh : s.county.name_en) : null, s.park ? (zh ? s.park.name_zh : s.park.name_en) : null].filter(Boolean).join(' · ');
};

function siteCard(s: SharedSite, i: number, kinds: KindLabels): HTMLElement {
  const headline = HEADLINE.filter((k) => s.indicators[k] !== undefined);
  const rest = Object.keys(INDICATOR_LABELS).filter((k) => !HEADLINE.includes(k) && s.indicators[k] !== undefined);
  const nearest = [...s.nearest].sort((a, b) => a.distance_m - b.distance_m);
  return h('section', { class: 'proposal-site card', 'data-site-id': s.id },
    h('header', { class: 'site-head' },
      h('span', { class: 'rank-marker static' }, String(i + 1)),
      h('div', {}, h('h2', {}, s.name), h('p', { class: 'meta' }, h('span', { class: `tag tag-${s.layer}` }, tr(LAYER_LABELS[s.layer]) || s.layer), placeName(s)))),
    s.note ? h('p', { class: 'note' }, h('strong', {}, `${st('note')}：`), s.note) : null,
    h('div', { class: 'figures' }, ...headline.map((k) => h('div', { class: 'figure' },
      h('span', {}, tr(INDICATOR_LABELS[k])), h('strong', {}, formatIndicator(k, s.indicators[k], s.indicators))))),
    h('div', { class: 'site-grid' },
      h('div', {},
        h('h3', {}, st('indicators')),
        h('table', { class: 'indicators' }, h('tbody', {}, ...rest.map((k) =>
          h('tr', {}, h('th', {}, tr(INDICATOR_LABELS[k])), h('td', {}, formatIndicator(k, s.indicators[k], s.indicators))))))),
      h('div', {},
        h('h3', {}, st('outline')),
        h('figure', { class: 'outline' }, outlineSvg(s.geometry)),
        h('h3', {}, st('nearest')),
        h('table', { class: 'nearest' }, h('tbody', {}, ...nearest.map((n) => h('tr', {},
          h('th', {}, tr(kinds[n.kind]) || n.kind), h('td', {}, n.name), h('td', { class: 'num' }, formatDistance(n.distance_m))))))),
    ));
}

/**
 * Render a shared shortlist as a printable proposal. Call `mountMap` once `element` is in the
 * document (MapLibre sizes its canvas from the container).
 */
export function renderProposal(data: SharedShortlist, kinds: KindLabels, layers: LayerInfo[]): { element: HTMLElement; mountMap: () => SelectMapView } {
  const lang = getLang();
  const date = (d: string | Date) => new Date(d).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
  const mapEl = h('div', { class: 'proposal-map', id: 'proposal-map' });
  const element = h('article', { class: 'proposal' },
    h('div', { class: 'proposal-tools no-print' },
      h('button', { type: 'button', class: 'toggle-button', onclick: () => { setLang(lang === 'zh' ? 'en' : 'zh'); location.reload(); } },
        h('span', { class: lang === 'zh' ? 'on' : '' }, '中'), h('span', { class: lang === 'en' ? 'on' : '' }, 'EN')),
      h('button', { type: 'button', class: 'primary-button', id: 'print', onclick: () => window.print() }, st('print'))),
    h('header', { class: 'proposal-cover' },
      h('div', { class: 'cover-brand' }, h('span', { class: 'brand-mark' }, '达'), h('span', {}, st('preparedBy'))),
      h('h1', {}, st('proposalTitle')),
      h('p', { class: 'client' }, st('preparedFor', { name: data.clientName })),
      h('p', { class: 'muted' }, `${date(new Date())} · ${st('validUntil', { date: date(data.expiresAt) })}`),
      h('p', { class: 'intro' }, st('proposalIntro', { n: data.sites.length })),
      mapEl,
      h('h2', { class: 'contents-title' }, st('contents')),
      h('table', { class: 'contents' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, st('site')), h('th', {}, st('location')), h('th', { class: 'num' }, tr(INDICATOR_LABELS.area_mu)), h('th', { class: 'num' }, tr(INDICATOR_LABELS.price)))),
        h('tbody', {}, ...data.sites.map((s, i) => h('tr', {},
          h('td', {}, h('span', { class: 'mini-rank' }, String(i + 1))), h('td', {}, s.name), h('td', {}, placeName(s)),
          h('td', { class: 'num' }, s.indicators.area_mu !== undefined ? formatIndicator('area_mu', s.indicators.area_mu, s.indicators) : '—'),
          h('td', { class: 'num' }, s.indicators.price !== undefined ? formatIndicator('price', s.indicators.price, s.indicators) : '—')))))),
    h('div', { class: 'proposal-sites' }, ...data.sites.map((s, i) => siteCard(s, i, kinds))));
  const mountMap = () => {
    const map = new SelectMapView(mapEl, layers, { printable: true });
    void map.ready.then(() => map.setSites(data.sites.map((s, i) => ({ id: s.id, rank: i + 1, name: s.name, geometry: s.geometry }))));
    return map;
  };
  return { element, mountMap };
}
