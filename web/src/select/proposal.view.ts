/**
 * The client's read-only proposal (opened from a share link, no account): a cover with the map of
 * every site and a one-line summary of each, then one card per site with its key indicators, an
 * outline of the plot, its park and the nearest amenities with distances. The cover map draws the
 * published orthophotos around the plots under its vector layers. Printed (select.css
 * `@media print`), the cover is page 1 and every site gets exactly one A4 page of its own.
 */
import type { LayerInfo } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, onLangChange, t, tr } from '../shared/i18n.service.ts';
import { languageToggle } from '../shared/page-shell.ts';
import { formatAttribute, type FormatContext } from '../map/feature-format.util.ts';
import { geometryBBox } from '../map/geometry.util.ts';
import type { KindLabels } from './brief-form.component.ts';
import { ImageryLayers } from '../shared/imagery.layer.ts';
import { SelectMapView, outlineSvg } from './select-map.view.ts';
import type { SharedShortlist, SharedSite } from './selection.service.ts';
import { formatDistance, st } from './select.i18n.ts';

/**
 * The indicators a site card shows, in this order; labels, units and enum values come from the
 * site's layer in the catalog (`GET /api/layers`). `area_mu` is derived by the server from `area_m2`.
 */
const INDICATORS = [
  'area_mu', 'price', 'power_kva', 'area_m2', 'land_use', 'allowed_industries', 'water_t_per_day', 'gas', 'floors',
  'floor_area_m2', 'floor_load_kn_m2', 'clear_height_m', 'building_height_m', 'plot_ratio_min', 'plot_ratio_max',
  'investment_intensity_wan_per_mu', 'output_per_mu_wan', 'available_from',
];
/** The indicators shown as big figures at the top of a site card. */
const HEADLINE = ['area_mu', 'price', 'power_kva'];

type Attribute = LayerInfo['attributes'][number];
const NO_NAMES: FormatContext = { countyName: () => undefined, parkName: () => undefined };

/** Label and display text of the site's indicators, from its layer's attribute definitions. */
class Indicators {
  private readonly byLayer: Map<string, Map<string, Attribute>>;

  constructor(private readonly layers: LayerInfo[]) {
    this.byLayer = new Map(layers.map((l) => [l.id, new Map(l.attributes.map((a) => [a.name, a]))]));
  }

  /** The attribute `key` of `layer`; `area_mu` is the area attribute counted in 亩. */
  private attribute(layer: string, key: string): Attribute | undefined {
    const attrs = this.byLayer.get(layer) ?? this.byLayer.get('land');
    if (key !== 'area_mu') return attrs?.get(key);
    const area = attrs?.get('area_m2');
    return area && { ...area, name: 'area_mu', unit: t('mu') };
  }

  /** The catalog's title of `layer` (its tag on a card). */
  title(layer: string): string {
    return tr(this.layers.find((l) => l.id === layer)?.title) || layer;
  }

  /** The label of indicator `key` on `layer`, with its unit where it matters (area in 亩). */
  label(layer: string, key: string): string {
    const a = this.attribute(layer, key);
    if (!a) return key;
    return key === 'area_mu' || key === 'area_m2' ? `${tr(a.label)}（${a.unit}）` : tr(a.label);
  }

  /** The keys of `site` the card shows (those its layer defines and it has a value for). */
  present(site: SharedSite, keys: readonly string[]): string[] {
    return keys.filter((k) => site.indicators[k] !== undefined && this.attribute(site.layer, k));
  }

  /** The display text of indicator `key` of `site`: enums by their labels, numbers with units. */
  value(site: SharedSite, key: string): string {
    const v = site.indicators[key];
    const a = this.attribute(site.layer, key);
    if (!a || v === undefined) return '—';
    // The area row shows m² only (亩 has its own row); formatAttribute would add 亩 and 公顷.
    if (key === 'area_m2' && typeof v === 'number') return `${formatNumber(v)} m²`;
    return formatAttribute(a, v, site.indicators, NO_NAMES);
  }
}

const placeName = (s: SharedSite) => {
  const zh = getLang() === 'zh';
  return [s.county ? (zh ? s.county.name_zh : s.county.name_en) : null, s.park ? (zh ? s.park.name_zh : s.park.name_en) : null].filter(Boolean).join(' · ');
};

function siteCard(s: SharedSite, i: number, kinds: KindLabels, ind: Indicators): HTMLElement {
  const headline = ind.present(s, HEADLINE);
  const rest = ind.present(s, INDICATORS.filter((k) => !HEADLINE.includes(k)));
  const nearest = [...s.nearest].sort((a, b) => a.distance_m - b.distance_m);
  return h('section', { class: 'proposal-site card', 'data-site-id': s.id },
    h('header', { class: 'site-head' },
      h('span', { class: 'rank-marker static' }, String(i + 1)),
      h('div', {}, h('h2', {}, s.name), h('p', { class: 'meta' }, h('span', { class: `tag tag-${s.layer}` }, ind.title(s.layer)), placeName(s)))),
    s.note ? h('p', { class: 'note' }, h('strong', {}, `${st('note')}：`), s.note) : null,
    h('div', { class: 'figures' }, ...headline.map((k) => h('div', { class: 'figure' },
      h('span', {}, ind.label(s.layer, k)), h('strong', {}, ind.value(s, k))))),
    h('div', { class: 'site-grid' },
      h('div', {},
        h('h3', {}, st('indicators')),
        h('table', { class: 'indicators' }, h('tbody', {}, ...rest.map((k) =>
          h('tr', {}, h('th', {}, ind.label(s.layer, k)), h('td', {}, ind.value(s, k))))))),
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
  // The proposal is drawn in one language (map labels included): a switch draws it anew.
  onLangChange(() => location.reload());
  const ind = new Indicators(layers);
  const date = (d: string | Date) => new Date(d).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
  const mapEl = h('div', { class: 'proposal-map', id: 'proposal-map' });
  const element = h('article', { class: 'proposal' },
    h('div', { class: 'proposal-tools no-print' },
      languageToggle(),
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
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, st('site')), h('th', {}, st('location')), h('th', { class: 'num' }, ind.label('land', 'area_mu')), h('th', { class: 'num' }, ind.label('land', 'price')))),
        h('tbody', {}, ...data.sites.map((s, i) => h('tr', {},
          h('td', {}, h('span', { class: 'mini-rank' }, String(i + 1))), h('td', {}, s.name), h('td', {}, placeName(s)),
          h('td', { class: 'num' }, ind.value(s, 'area_mu')),
          h('td', { class: 'num' }, ind.value(s, 'price'))))))),
    h('div', { class: 'proposal-sites' }, ...data.sites.map((s, i) => siteCard(s, i, kinds, ind))));
  const mountMap = () => {
    const map = new SelectMapView(mapEl, layers, { printable: true });
    void map.ready.then(() => {
      map.setSites(data.sites.map((s, i) => ({ id: s.id, rank: i + 1, name: s.name, geometry: s.geometry })));
      // The published orthophotos around the plots (about 1 km beyond them), under the vector layers.
      const boxes = data.sites.map((s) => geometryBBox(s.geometry)).filter((b): b is [number, number, number, number] => b !== null);
      if (!boxes.length) return;
      const PAD = 0.01;
      const around: [number, number, number, number] = [
        Math.min(...boxes.map((b) => b[0])) - PAD, Math.min(...boxes.map((b) => b[1])) - PAD,
        Math.max(...boxes.map((b) => b[2])) + PAD, Math.max(...boxes.map((b) => b[3])) + PAD,
      ];
      new ImageryLayers().load(map.map, { within: around }).catch(() => {});
    });
    return map;
  };
  return { element, mountMap };
}
