/**
 * The statistics dashboard (`/stats.html`): filters (county, park, type, status, period) applied to
 * every chart, each chart switchable to its table and exportable (CSV, XLSX), the whole dashboard
 * exported at once, A4-landscape print, and a large-screen mode (`?screen=1`: 1920×1080, dark,
 * auto-refresh every `refresh` seconds, default 60, no scrolling). The public sees published
 * aggregates; signed-in users also rows in progress unless they tick "published only".
 * Filters live in the URL, so a view can be bookmarked or put on the display wall as it is.
 */
import '../shared/page-shell.css';
import './stats.css';
import { PageShell } from '../shared/page-shell.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError, requestJson } from '../shared/http.client.ts';
import { getLang, tr } from '../shared/i18n.service.ts';
import { echarts, type ECharts } from './echarts.ts';
import {
  availableCountyChart, availableParkChart, enquiriesChart, freshnessChart, funnelChart, inventoryChart, landChart, MAP_FIGURES, MAP_NAME,
  mapChart, mapFigureLabel, parksChart, priceUnitText, pricesChart, sparkline, STATUSES, statusChart, TYPES, type Built, type MapFigure, type StatsData,
} from './stats.charts.ts';
import { download, toCsv, toXlsx, type Sheet } from './stats.export.ts';
import { st, type StatsKey } from './stats.i18n.ts';

const params = new URLSearchParams(location.search);
const screen = { on: params.get('screen') === '1' };
const REFRESH_S = Math.max(5, Number(params.get('refresh')) || 60);

/** Filters, as in the URL and the API. */
interface Filters { county: string; park: string; type: string; status: string; from: string; to: string; published: boolean }
const today = new Date().toISOString().slice(0, 10);
const yearAgo = (() => { const d = new Date(); d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() - 11); return d.toISOString().slice(0, 10); })();
const filters: Filters = {
  county: params.get('county') ?? '', park: params.get('park') ?? '', type: params.get('type') ?? '', status: params.get('status') ?? '',
  from: params.get('from') ?? yearAgo, to: params.get('to') ?? today, published: params.get('published') === 'true',
};

/** The charts in display order: id, title, and how to build it. */
interface ChartDef { id: string; title: StatsKey; build(d: StatsData): Built; staffOnly?: boolean; wide?: boolean; tall?: boolean }
const ui = { mapFigure: (params.get('figure') as MapFigure) || 'availableAreaM2', priceUnit: '' };
const CHARTS: ChartDef[] = [
  { id: 'map', title: 'chMap', build: (d) => mapChart(d, ui.mapFigure), tall: true },
  { id: 'status', title: 'chStatus', build: (d) => statusChart(d, filters.county ? [filters.county] : []), wide: true },
  { id: 'availableCounty', title: 'chAvailCounty', build: availableCountyChart },
  { id: 'availablePark', title: 'chAvailPark', build: availableParkChart },
  { id: 'inventory', title: 'chInventory', build: inventoryChart, wide: true },
  { id: 'parks', title: 'chParks', build: parksChart, wide: true },
  { id: 'land', title: 'chLand', build: landChart },
  { id: 'prices', title: 'chPrices', build: (d) => pricesChart(d, ui.priceUnit || undefined) },
  { id: 'freshness', title: 'chFreshness', build: freshnessChart },
  { id: 'enquiries', title: 'chEnquiries', build: enquiriesChart, staffOnly: true },
  { id: 'funnel', title: 'chFunnel', build: funnelChart, staffOnly: true },
];

const state = {
  /** Loads finished (tests wait for it to grow). */
  ready: 0,
  data: null as StatsData | null,
  charts: {} as Record<string, ECharts>,
  built: {} as Record<string, Built>,
  asTable: new Set<string>(params.get('tables')?.split(',') ?? []),
  error: '',
};
(window as unknown as { __stats: typeof state }).__stats = state;

const root = document.querySelector<HTMLElement>('#stats-app')!;
const shell = new PageShell({
  page: 'stats',
  title: () => ({ long: st('titleLong'), short: st('title') }),
  controls: () => [
    h('button', { id: 'screen-toggle', class: 'text-button', type: 'button', onclick: () => toggleScreen() }, screen.on ? st('exitScreen') : st('screen')),
  ],
  onUserChange: () => void load(),
  onLangChange: () => { renderFrame(); drawAll(); },
});

const filterBar = h('form', { id: 'stats-filters', class: 'stats-filters', onsubmit: (e: Event) => { e.preventDefault(); readFilters(); void load(); } });
const toolbar = h('div', { class: 'stats-toolbar' });
const grid = h('main', { id: 'stats-grid', class: 'stats-grid' });
const status = h('p', { id: 'stats-status', class: 'stats-status', role: 'status' });
root.append(shell.element, filterBar, toolbar, status, grid);

function toggleScreen(): void {
  screen.on = !screen.on;
  const u = new URL(location.href);
  if (screen.on) u.searchParams.set('screen', '1'); else u.searchParams.delete('screen');
  history.replaceState(null, '', u);
  applyScreen();
  renderFrame();
  drawAll();
}

let timer: ReturnType<typeof setInterval> | undefined;
function applyScreen(): void {
  document.body.classList.toggle('screen', screen.on);
  clearInterval(timer);
  if (screen.on) timer = setInterval(() => void load(), REFRESH_S * 1000);
  for (const c of Object.values(state.charts)) c.dispose();
  state.charts = {};
}

const query = () => {
  const q = new URLSearchParams();
  for (const k of ['county', 'park', 'type', 'status', 'from', 'to'] as const) if (filters[k]) q.set(k, filters[k]);
  if (filters.published) q.set('published', 'true');
  return q.toString();
};

function readFilters(): void {
  const f = new FormData(filterBar);
  for (const k of ['county', 'park', 'type', 'status', 'from', 'to'] as const) filters[k] = String(f.get(k) ?? '');
  filters.published = f.get('published') === 'on';
  const u = new URL(location.href);
  for (const k of ['county', 'park', 'type', 'status', 'from', 'to'] as const) { if (filters[k]) u.searchParams.set(k, filters[k]); else u.searchParams.delete(k); }
  if (filters.published) u.searchParams.set('published', 'true'); else u.searchParams.delete('published');
  history.replaceState(null, '', u);
}

/** The filter form and the toolbar, in the current language. */
function renderFrame(): void {
  const d = state.data;
  const sel = (name: keyof Filters, label: StatsKey, opts: [string, string][]) => h('label', {},
    h('span', {}, st(label)),
    h('select', { name, id: `f-${name}`, onchange: () => { readFilters(); void load(); } },
      h('option', { value: '' }, st('all')), opts.map(([v, l]) => h('option', { value: v, selected: filters[name] === v }, l))));
  filterBar.replaceChildren(...[
    sel('county', 'county', (d?.options.counties ?? []).map((c) => [c.adcode, tr(c.name)])),
    sel('park', 'park', (d?.options.parks ?? []).filter((p) => !filters.county || p.county === filters.county).map((p) => [String(p.id), tr(p.name)])),
    sel('type', 'type', TYPES.map((t) => [t, st(t)])),
    sel('status', 'status', STATUSES.map((s) => [s, st(s)])),
    h('label', {}, h('span', {}, st('from')), h('input', { type: 'date', name: 'from', id: 'f-from', value: filters.from, onchange: () => { readFilters(); void load(); } })),
    h('label', {}, h('span', {}, st('to')), h('input', { type: 'date', name: 'to', id: 'f-to', value: filters.to, onchange: () => { readFilters(); void load(); } })),
    shell.user ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'published', id: 'f-published', checked: filters.published, onchange: () => { readFilters(); void load(); } }), st('publicOnly')) : null,
  ].filter((x): x is HTMLLabelElement => x !== null));
  toolbar.replaceChildren(...[
    h('span', { id: 'stats-scope', class: 'scope' }, d ? st(d.options.scope === 'all' ? 'scopeAll' : 'scopePublished') : ''),
    d?.inventory.historyFrom ? h('span', { class: 'scope' }, `${st('historyFrom')} ${d.inventory.historyFrom}`) : null,
    h('span', { class: 'print-only', id: 'print-filters' }, d ? filterText() : ''),
    h('span', { class: 'spacer' }),
    h('button', { id: 'export-all-xlsx', class: 'text-button', type: 'button', onclick: () => void exportAll('xlsx') }, `${st('exportAll')} XLSX`),
    h('button', { id: 'export-all-csv', class: 'text-button', type: 'button', onclick: () => void exportAll('csv') }, `${st('exportAll')} CSV`),
    h('button', { id: 'print', class: 'text-button', type: 'button', onclick: () => window.print() }, st('print')),
  ].filter((x): x is HTMLElement => x !== null));
}

const visibleCharts = () => CHARTS.filter((c) => !c.staffOnly || state.data?.enquiries);

function tableEl(b: Built, id: string): HTMLElement {
  const parks = id === 'parks' ? state.data?.parks : undefined;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'stats-table', 'data-chart': id },
    h('thead', {}, h('tr', {}, b.table.columns.map((c) => h('th', {}, c)), parks ? h('th', {}, st('trend')) : null)),
    h('tbody', {}, b.table.rows.map((r, i) => {
      const tr_ = h('tr', {}, r.map((v) => h('td', { class: typeof v === 'number' ? 'num' : '' }, v === null ? '' : typeof v === 'number' ? v.toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-US') : v)));
      if (parks) { const td = h('td', { class: 'spark-cell' }); td.innerHTML = sparkline(parks.parks[i]?.availableAreaByMonth ?? []); tr_.append(td); }
      return tr_;
    }))));
}

/** Build every chart from the data and (re)draw the grid. */
function drawAll(): void {
  const d = state.data;
  if (!d) return;
  for (const c of Object.values(state.charts)) c.dispose();
  state.charts = {};
  state.built = {};
  const theme = screen.on ? 'dz-dark' : undefined;
  const cards = visibleCharts().map((def) => {
    const b = def.build(d);
    state.built[def.id] = b;
    const showTable = state.asTable.has(def.id) && !screen.on;
    const body = h('div', { class: 'chart', id: `chart-${def.id}` });
    const extra = def.id === 'map'
      ? h('select', { id: 'map-figure', onchange: (e: Event) => { ui.mapFigure = (e.target as HTMLSelectElement).value as MapFigure; drawAll(); } },
        MAP_FIGURES.map((f) => h('option', { value: f, selected: ui.mapFigure === f }, mapFigureLabel(f))))
      : def.id === 'prices' && d.prices.units.length > 1
        ? h('select', { id: 'price-unit', onchange: (e: Event) => { ui.priceUnit = (e.target as HTMLSelectElement).value; drawAll(); } },
          d.prices.units.map((u) => h('option', { value: u.unit, selected: (ui.priceUnit || d.prices.units[0].unit) === u.unit }, priceUnitText(u.unit))))
        : null;
    const card = h('section', { class: `card${def.wide ? ' wide' : ''}${def.tall ? ' tall' : ''}`, id: `card-${def.id}`, 'data-chart': def.id },
      h('header', {},
        h('h2', {}, st(def.title)), extra,
        h('span', { class: 'card-actions' },
          h('button', { class: 'text-button toggle-table', type: 'button', onclick: () => { if (state.asTable.has(def.id)) state.asTable.delete(def.id); else state.asTable.add(def.id); drawAll(); } },
            showTable ? st('asChart') : st('asTable')),
          h('button', { class: 'text-button export-csv', type: 'button', onclick: () => exportOne(def, 'csv') }, 'CSV'),
          h('button', { class: 'text-button export-xlsx', type: 'button', onclick: () => void exportOne(def, 'xlsx') }, 'XLSX'))),
      body, showTable ? tableEl(b, def.id) : null,
      // Printed: the table under every chart.
      h('div', { class: 'print-table' }, tableEl(b, def.id)));
    body.hidden = showTable;
    return { def, card, body, b };
  });
  grid.replaceChildren(...cards.map((c) => c.card));
  for (const { def, body, b } of cards) {
    const chart = echarts.init(body, theme, { renderer: 'canvas' });
    chart.setOption(b.option);
    state.charts[def.id] = chart;
  }
}

addEventListener('resize', () => { for (const c of Object.values(state.charts)) c.resize(); });
addEventListener('beforeprint', () => { for (const c of Object.values(state.charts)) c.resize({ width: 460, height: 260 }); });
addEventListener('afterprint', () => { for (const c of Object.values(state.charts)) c.resize(); });

const sheetsOf = (defs: ChartDef[]): Sheet[] => defs.map((d) => ({ id: d.id, title: st(d.title), table: state.built[d.id].table }));
const fileBase = () => `${st('titleLong')}-${filters.from}_${filters.to}`;
const filterText = () => [
  `${st('county')}: ${tr(state.data?.options.counties.find((c) => c.adcode === filters.county)?.name) || st('all')}`,
  `${st('park')}: ${tr(state.data?.options.parks.find((p) => String(p.id) === filters.park)?.name) || st('all')}`,
  `${st('type')}: ${filters.type ? st(filters.type as StatsKey) : st('all')}`, `${st('status')}: ${filters.status ? st(filters.status as StatsKey) : st('all')}`,
  `${filters.from} – ${filters.to}`, state.data ? st(state.data.options.scope === 'all' ? 'scopeAll' : 'scopePublished') : '',
].join('；');

async function exportOne(def: ChartDef, format: 'csv' | 'xlsx'): Promise<void> {
  const sheets = sheetsOf([def]);
  if (format === 'csv') download(new Blob([toCsv(sheets)], { type: 'text/csv;charset=utf-8' }), `${fileBase()}-${def.id}.csv`);
  else download(await toXlsx(sheets, { title: st('titleLong'), filters: filterText(), about: st('filters') }), `${fileBase()}-${def.id}.xlsx`);
}

async function exportAll(format: 'csv' | 'xlsx'): Promise<void> {
  const sheets = sheetsOf(visibleCharts());
  if (format === 'csv') download(new Blob([toCsv(sheets)], { type: 'text/csv;charset=utf-8' }), `${fileBase()}.csv`);
  else download(await toXlsx(sheets, { title: st('titleLong'), filters: filterText(), about: st('filters') }), `${fileBase()}.xlsx`);
}

let current: AbortController | undefined;
/** Fetch every figure for the filters (in parallel), then draw. */
async function load(): Promise<void> {
  current?.abort();
  const ctrl = new AbortController();
  current = ctrl;
  const q = query();
  const get = <T>(path: string) => requestJson<T>(`/api/stats/${path}?${q}`, { signal: ctrl.signal });
  status.textContent = '';
  try {
    const [options, st_, available, land, prices, parks, inventory, freshness, counties, enquiries] = await Promise.all([
      get<StatsData['options']>('options'), get<StatsData['status']>('status'), get<StatsData['available']>('available'),
      get<StatsData['land']>('land'), get<StatsData['prices']>('prices'), get<StatsData['parks']>('parks'),
      get<StatsData['inventory']>('inventory'), get<StatsData['freshness']>('freshness'), get<StatsData['counties']>('counties'),
      shell.user ? get<StatsData['enquiries']>('enquiries') : Promise.resolve(undefined),
    ]);
    if (!echarts.getMap(MAP_NAME)) echarts.registerMap(MAP_NAME, counties as never);
    state.data = { options, status: st_, available, land, prices, parks, inventory, freshness, counties, enquiries };
    renderFrame();
    drawAll();
    status.textContent = `${st('updated')} ${new Date().toLocaleTimeString(getLang() === 'zh' ? 'zh-CN' : 'en-GB')}`;
    state.ready += 1;
  } catch (err) {
    if (isAbortError(err)) return;
    state.error = err instanceof HttpError ? err.message : String(err);
    status.textContent = st('loadFailed') + state.error;
    status.classList.add('error');
  }
}

applyScreen();
renderFrame();
void shell.loadUser(new AbortController().signal).catch(() => null).then(() => load());
