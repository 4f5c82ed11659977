/**
 * The map page's part of the page shell: the county filter (`#county-filter`) and the summary of
 * available carriers (`#summary`) in the shell's middle, the 2D/3D toggle (`#mode-toggle`) among
 * its controls. The shell (web/src/shared/page-shell.ts) draws brand, navigation, language and
 * sign-in around them and asks for them again on every redraw.
 */
import type { CountyInfo, SummaryRow } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, t, type StringKey } from '../shared/i18n.service.ts';

/** Summary chips: layer id, label, unit (counts of available carriers). */
const SUMMARY_ITEMS: { layer: string; label: StringKey; unit: StringKey }[] = [
  { layer: 'land', label: 'summaryLand', unit: 'unitParcels' },
  { layer: 'factories', label: 'summaryFactories', unit: 'unitBuildings' },
  { layer: 'offices', label: 'summaryOffices', unit: 'unitBuildings' },
];

/** What the filters show. */
export interface MapFiltersState {
  counties: CountyInfo[];
  county: string | null;
  rows: SummaryRow[] | null;
  mode: '2d' | '3d';
}

/** Callbacks of the filters. */
export interface MapFiltersHandlers {
  onCounty(adcode: string | null): void;
  onMode(): void;
  /** The state changed: redraw the shell (which calls `middle` and `controls`). */
  onChange(): void;
}

/** The number of available carriers of `layer` in `county` (all counties when null). */
export function availableCount(rows: SummaryRow[], layer: string, county: string | null): number {
  return rows.filter((r) => r.layer === layer && r.status === 'available' && (!county || r.county === county))
    .reduce((sum, r) => sum + Number(r.count), 0);
}

/** County filter, summary and mode toggle of the map page. */
export class MapFiltersComponent {
  private state: MapFiltersState = { counties: [], county: null, rows: null, mode: '2d' };

  constructor(private readonly handlers: MapFiltersHandlers) {}

  /** Merge `patch` into the state and redraw. */
  update(patch: Partial<MapFiltersState>): void {
    this.state = { ...this.state, ...patch };
    this.handlers.onChange();
  }

  /** The shell's middle: county filter and summary. */
  middle(): HTMLElement[] {
    const s = this.state;
    const en = getLang() === 'en';
    const select = h('select', {
      id: 'county-filter', 'aria-label': t('countyFilter'),
      onchange: (e: Event) => this.handlers.onCounty((e.target as HTMLSelectElement).value || null),
    },
    h('option', { value: '', selected: s.county === null }, t('allCounties')),
    s.counties.map((c) => h('option', { value: c.adcode, selected: s.county === c.adcode }, en ? c.name.en : c.name.zh)));
    const summary = h('div', { id: 'summary', class: 'summary', 'aria-live': 'polite' },
      h('span', { class: 'summary-label' }, t('available')),
      SUMMARY_ITEMS.map(({ layer, label, unit }) => {
        const n = s.rows ? availableCount(s.rows, layer, s.county) : null;
        return h('span', { class: 'summary-chip', 'data-layer': layer },
          h('span', { class: 'summary-name' }, t(label)),
          h('strong', {}, n === null ? '–' : formatNumber(n, 0)),
          t(unit) ? h('span', { class: 'summary-unit' }, t(unit)) : null);
      }));
    return [select, summary];
  }

  /** The shell's page controls: the 2D/3D toggle. */
  controls(): HTMLElement[] {
    const { mode } = this.state;
    return [h('button', {
      id: 'mode-toggle', class: 'toggle-button', type: 'button', title: t('modeToggleTitle'),
      'aria-pressed': String(mode === '3d'), 'data-mode': mode, onclick: () => this.handlers.onMode(),
    }, h('span', { class: mode === '2d' ? 'on' : '' }, t('mode2d')), h('span', { class: mode === '3d' ? 'on' : '' }, t('mode3d')))];
  }
}
