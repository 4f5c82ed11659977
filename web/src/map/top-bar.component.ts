/**
 * The top bar: product name, county filter (`#county-filter`), summary of available carriers,
 * 2D/3D toggle (`#mode-toggle`), language toggle (`#lang-toggle`) and the sign-in / user area.
 */
import type { CountyInfo, SessionUser, SummaryRow } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, roleLabel, t, type StringKey } from '../shared/i18n.service.ts';

/** Summary chips: layer id, label, unit (counts of available carriers). */
const SUMMARY_ITEMS: { layer: string; label: StringKey; unit: StringKey }[] = [
  { layer: 'land', label: 'summaryLand', unit: 'unitParcels' },
  { layer: 'factories', label: 'summaryFactories', unit: 'unitBuildings' },
  { layer: 'offices', label: 'summaryOffices', unit: 'unitBuildings' },
];

/** What the top bar shows. */
export interface TopBarState {
  counties: CountyInfo[];
  county: string | null;
  rows: SummaryRow[] | null;
  user: SessionUser | null;
  mode: '2d' | '3d';
}

/** Callbacks of the top bar. */
export interface TopBarHandlers {
  onCounty(adcode: string | null): void;
  onMode(): void;
  onLang(): void;
  onSignIn(): void;
  onSignOut(): void;
}

/** Renders `#top-bar`. */
export class TopBarComponent {
  readonly element: HTMLElement;
  private state: TopBarState = { counties: [], county: null, rows: null, user: null, mode: '2d' };

  constructor(private readonly handlers: TopBarHandlers) {
    this.element = h('header', { id: 'top-bar', class: 'top-bar' });
  }

  /** Merge `patch` into the state and redraw. */
  update(patch: Partial<TopBarState>): void {
    this.state = { ...this.state, ...patch };
    this.render();
  }

  /** Redraw (e.g. after a language switch). */
  render(): void {
    const s = this.state;
    const en = getLang() === 'en';
    const brand = h('div', { class: 'brand' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '达'),
      h('h1', { title: t('appTitle') },
        h('span', { class: 'brand-long' }, t('appTitle')),
        h('span', { class: 'brand-short' }, t('appTitleShort'))));

    const select = h('select', {
      id: 'county-filter', 'aria-label': t('countyFilter'),
      onchange: (e: Event) => this.handlers.onCounty((e.target as HTMLSelectElement).value || null),
    },
    h('option', { value: '', selected: s.county === null }, t('allCounties')),
    s.counties.map((c) => h('option', { value: c.adcode, selected: s.county === c.adcode }, en ? c.name.en : c.name.zh)));

    const summary = h('div', { id: 'summary', class: 'summary', 'aria-live': 'polite' },
      h('span', { class: 'summary-label' }, t('available')),
      SUMMARY_ITEMS.map(({ layer, label, unit }) => {
        const n = s.rows
          ? s.rows.filter((r) => r.layer === layer && r.status === 'available' && (!s.county || r.county === s.county))
            .reduce((sum, r) => sum + Number(r.count), 0)
          : null;
        return h('span', { class: 'summary-chip', 'data-layer': layer },
          h('span', { class: 'summary-name' }, t(label)),
          h('strong', {}, n === null ? '–' : formatNumber(n, 0)),
          t(unit) ? h('span', { class: 'summary-unit' }, t(unit)) : null);
      }));

    const controls = h('div', { class: 'controls' },
      h('a', { id: 'nav-tours', class: 'text-button', href: '/tour.html' }, t('navTours')),
      h('button', {
        id: 'mode-toggle', class: 'toggle-button', type: 'button', title: t('modeToggleTitle'),
        'aria-pressed': String(s.mode === '3d'), 'data-mode': s.mode, onclick: () => this.handlers.onMode(),
      }, h('span', { class: s.mode === '2d' ? 'on' : '' }, t('mode2d')), h('span', { class: s.mode === '3d' ? 'on' : '' }, t('mode3d'))),
      h('button', {
        id: 'lang-toggle', class: 'toggle-button', type: 'button', title: t('langToggleTitle'), lang: en ? 'zh-CN' : 'en',
        onclick: () => this.handlers.onLang(),
      }, h('span', { class: en ? '' : 'on' }, '中'), h('span', { class: en ? 'on' : '' }, 'EN')),
      s.user
        ? h('div', { class: 'user' },
          // Work pages for signed-in roles: survey upload/review and the officer's site selection.
          ['staff', 'reviewer', 'admin'].includes(s.user.role)
            ? h('a', { id: 'nav-upload', class: 'text-button', href: '/upload.html' }, t('navUpload')) : null,
          ['officer', 'admin'].includes(s.user.role)
            ? h('a', { id: 'nav-select', class: 'text-button', href: '/select.html' }, t('navSelect')) : null,
          h('span', { class: 'user-name', title: s.user.username }, s.user.displayName || s.user.username),
          h('span', { class: 'user-role' }, roleLabel(s.user.role)),
          h('button', { id: 'sign-out', class: 'text-button', type: 'button', title: `${s.user.displayName || s.user.username} · ${roleLabel(s.user.role)}`, onclick: () => this.handlers.onSignOut() }, t('signOut')))
        : h('button', { id: 'sign-in', class: 'primary-button', type: 'button', onclick: () => this.handlers.onSignIn() }, t('signIn')));

    this.element.replaceChildren(brand, h('div', { class: 'filters' }, select, summary), controls);
  }
}
