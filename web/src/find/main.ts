/**
 * The public site finder (web/find.html): an instant search box, type chips and filters, a result
 * list kept in step with a map (hovering or tapping a site highlights it in both; the map fits the
 * matches), paging, and the whole state in the URL (`find-state.ts`) so a search can be shared and
 * survives a reload. Phone first: search, map and list stack; from 900 px the list sits beside the
 * map. Each site links to its park card and to the enquiry form ("我有意向"). English names are
 * shown when recorded, else the Chinese name marked "zh".
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import './find.css';
import maplibregl, { type GeoJSONSource, type MapGeoJSONFeature } from 'maplibre-gl';
import type { FeatureCollection } from 'geojson';
import { addCatalogLayers, createBaseMap, whenLoaded } from '../shared/base-map.ts';
import { fetchLayers } from '../shared/api.service.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError, LatestRequest, requestJson } from '../shared/http.client.ts';
import { formatNumber, getLang, onLangChange, t, tr } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { ft, priceUnitLabel, type FindKey } from './find.i18n.ts';
import { searchSites, type FoundSite, type SearchAnswer } from './find.api.ts';
import { apiQuery, DEFAULT_STATE, KINDS, PAGE_SIZE, parseState, PRICE_UNITS, stateToSearch, type FindState } from './find-state.ts';

declare global {
  interface Window {
    /** Test and console hook of the finder page. */
    __find: { ready: boolean; searches: number; state(): FindState; answer(): SearchAnswer | null; map: maplibregl.Map };
  }
}

type Options = { parks: { id: number; name: { zh: string; en: string }; county: { adcode: string; name: { zh: string; en: string } } }[]; industries: { name: { zh: string; en: string } }[] };

let state: FindState = parseState(location.search);
let answer: SearchAnswer | null = null;
let options: Options = { parks: [], industries: [] };
let searches = 0;
let hovered: number | null = null;
const latest = new LatestRequest();

const root = document.getElementById('app');
if (!root) throw new Error('find.html lacks #app');

const shell = new PageShell({
  page: 'find',
  title: () => ({ long: ft('titleLong'), short: ft('title') }),
  onLangChange: () => {
    renderControls();
    renderResults();
    writeUrl();
  },
});

const input = h('input', {
  id: 'find-q', type: 'search', autocomplete: 'off', enterkeyhint: 'search', maxlength: 100,
  oninput: () => { update({ q: input.value, page: 1, sel: '' }, 250); },
}) as HTMLInputElement;
const form = h('form', { class: 'fd-search', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); input.blur(); update({ q: input.value, page: 1 }, 0); } },
  input, h('button', { type: 'submit', class: 'primary-button', id: 'find-submit' }));
const chips = h('div', { class: 'fd-chips', role: 'group', id: 'find-types' });
const filters = h('details', { class: 'fd-filters', id: 'find-filters' });
const controls = h('section', { class: 'fd-controls' }, form, chips, filters);
const mapBox = h('div', { id: 'find-map', class: 'fd-map' });
const summary = h('p', { id: 'find-summary', class: 'fd-summary', 'aria-live': 'polite' });
const placeList = h('ul', { id: 'find-places', class: 'fd-places' });
const list = h('ol', { id: 'find-results', class: 'fd-results' });
const pager = h('nav', { class: 'fd-pager', id: 'find-pager' });
const results = h('section', { class: 'fd-list' }, summary, placeList, list, pager);
root.replaceChildren(shell.element, h('main', { class: 'fd-app' }, controls, mapBox, results));

// ── state and URL ──

let timer: ReturnType<typeof setTimeout> | undefined;

/** Change the state, write the URL, and search after `delayMs` (typing) or at once. */
function update(change: Partial<FindState>, delayMs = 0): void {
  state = { ...state, ...change };
  writeUrl();
  clearTimeout(timer);
  if (delayMs) timer = setTimeout(() => void run(), delayMs);
  else void run();
}

function writeUrl(): void {
  history.replaceState(null, '', `${location.pathname}${stateToSearch(state, getLang())}`);
}

// ── controls ──

const field = (label: string, ...children: Node[]) => h('label', { class: 'fd-field' }, h('span', {}, label), ...children);

function select(id: string, value: string, entries: [string, string][], onchange: (v: string) => void): HTMLSelectElement {
  const el = h('select', { id, onchange: () => onchange(el.value) }, entries.map(([v, label]) => h('option', { value: v, selected: v === value }, label))) as HTMLSelectElement;
  el.value = value;
  return el;
}

function numberInput(id: string, value: string, placeholder: string, onchange: (v: string) => void): HTMLInputElement {
  const el = h('input', { id, type: 'number', min: 0, step: 'any', inputmode: 'decimal', value, placeholder, onchange: () => onchange(el.value.trim()) }) as HTMLInputElement;
  return el;
}

function renderControls(): void {
  input.placeholder = ft('placeholder');
  input.setAttribute('aria-label', ft('search'));
  if (input.value !== state.q) input.value = state.q;
  form.querySelector('button')!.textContent = ft('search');
  const counts = answer?.facets.type;
  chips.setAttribute('aria-label', ft('filters'));
  chips.replaceChildren(...(['', ...KINDS] as const).map((k) => h('button', {
    type: 'button', class: 'fd-chip', 'data-kind': k || 'all', 'aria-pressed': String(state.type === k),
    onclick: () => update({ type: k, page: 1, sel: '' }),
  }, ft((k || 'all') as FindKey), counts && k && state.type === '' ? h('span', { class: 'fd-count' }, String(counts[k])) : null)));
  const en = getLang() === 'en';
  const parks = options.parks.filter((p) => !state.county || p.county.adcode === state.county);
  const counties = [...new Map(options.parks.map((p) => [p.county.adcode, p.county.name])).entries()];
  for (const f of answer?.facets.county ?? []) if (!counties.some(([a]) => a === f.adcode)) counties.push([f.adcode, f.name]);
  counties.sort(([a], [b]) => a.localeCompare(b));
  const open = filters.open;
  const active = [state.county, state.park, state.areaMin, state.areaMax, state.priceUnit, state.industry].filter(Boolean).length + (state.sort !== 'relevance' ? 1 : 0);
  filters.replaceChildren(
    h('summary', {}, ft('filters'), active ? h('span', { class: 'fd-count' }, String(active)) : null),
    h('div', { class: 'fd-grid' },
      field(ft('county'), select('find-county', state.county, [['', ft('anyCounty')], ...counties.map(([a, n]) => [a, tr(n)] as [string, string])], (v) => update({ county: v, park: '', page: 1, sel: '' }))),
      field(ft('park'), select('find-park', state.park, [['', ft('anyPark')], ...parks.map((p) => [String(p.id), tr(p.name)] as [string, string])], (v) => update({ park: v, page: 1, sel: '' }))),
      field(`${ft('area')} (${state.areaUnit === 'mu' ? t('mu') : 'm²'})`, h('span', { class: 'fd-range' },
        numberInput('find-area-min', state.areaMin, ft('min'), (v) => update({ areaMin: v, page: 1 })),
        numberInput('find-area-max', state.areaMax, ft('max'), (v) => update({ areaMax: v, page: 1 })),
        select('find-area-unit', state.areaUnit, [['mu', en ? 'mu (亩)' : '亩'], ['m2', 'm²']], (v) => update({ areaUnit: v as 'mu' | 'm2', page: 1 })))),
      field(ft('price'), h('span', { class: 'fd-range' },
        select('find-price-unit', state.priceUnit, [['', ft('anyPrice')], ...PRICE_UNITS.map((u) => [u, priceUnitLabel(u)] as [string, string])], (v) => update({ priceUnit: v, page: 1 })),
        numberInput('find-price-min', state.priceMin, ft('min'), (v) => update({ priceMin: v, page: 1 })),
        numberInput('find-price-max', state.priceMax, ft('max'), (v) => update({ priceMax: v, page: 1 })))),
      field(ft('industry'), select('find-industry', state.industry, [['', ft('anyIndustry')], ...options.industries.map((i) => [i.name.zh, tr(i.name)] as [string, string])], (v) => update({ industry: v, page: 1 }))),
      field(ft('sort'), select('find-sort', state.sort, [
        ['relevance', ft('sortRelevance')], ['area', ft('sortArea')], ['-area', ft('sortAreaDesc')],
        ...(state.priceUnit ? [['price', ft('sortPrice')], ['-price', ft('sortPriceDesc')]] as [string, string][] : []),
      ], (v) => update({ sort: v as FindState['sort'], page: 1 }))),
      h('button', { type: 'button', class: 'text-button', id: 'find-clear', onclick: () => update({ ...DEFAULT_STATE, q: state.q }) }, ft('clear')),
    ),
  );
  filters.open = open;
  // Price inputs mean nothing without their unit.
  for (const id of ['find-price-min', 'find-price-max']) (filters.querySelector(`#${id}`) as HTMLInputElement).disabled = !state.priceUnit;
}

// ── results ──

const fmtArea = (s: FoundSite) => {
  if (s.kind === 'land') return `${formatNumber(s.areaMu, 1)} ${t('mu')}`;
  const floor = s.floorAreaM2 ?? s.areaM2;
  return `${formatNumber(floor, 0)} m²${s.floors ? ` · ${s.floors === 1 ? ft('oneFloor') : ft('floors', { n: s.floors })}` : ''}`;
};

function siteName(s: FoundSite): Node[] {
  if (getLang() === 'zh' || s.name.en) return [document.createTextNode(getLang() === 'zh' ? s.name.zh : s.name.en!)];
  return [document.createTextNode(s.name.zh), h('span', { class: 'fd-fallback', title: ft('noEnglish'), lang: 'zh-CN' }, ft('zhMark'))];
}

function withLang(href: string): string {
  if (getLang() !== 'en') return href;
  const [path, hash] = href.split('#');
  return `${path}${path.includes('?') ? '&' : '?'}lang=en${hash ? `#${hash}` : ''}`;
}

function renderResults(): void {
  renderControls();
  if (!answer) return;
  const n = answer.numberMatched;
  summary.textContent = n ? ft('found', { n: formatNumber(n, 0) }) : ft('foundNone');
  placeList.replaceChildren(...answer.places.slice(0, 6).map((p) => h('li', { class: `fd-place fd-place-${p.type}`, 'data-type': p.type, 'data-id': p.id },
    p.href
      ? h('a', { href: withLang(p.href) }, tr(p.shortName?.en || getLang() === 'zh' ? (p.shortName as { zh: string; en: string } | null) ?? p.name : p.name))
      : h('button', { type: 'button', class: 'text-button', onclick: () => update({ county: p.id, q: '', page: 1 }) }, tr(p.name)),
    h('span', { class: 'fd-count' }, ft('sitesIn', { n: p.count })))));
  list.setAttribute('aria-label', ft('resultsLabel'));
  list.replaceChildren(...answer.items.map((s, i) => {
    const li = h('li', {
      class: 'fd-item', 'data-id': String(s.id), 'data-kind': s.kind, tabindex: 0, 'aria-selected': String(state.sel === String(s.id)),
      onmouseenter: () => setHover(s.id), onmouseleave: () => setHover(null),
      onclick: (e: Event) => { if (!(e.target as HTMLElement).closest('a')) select_(s.id, true); },
      onkeydown: (e: KeyboardEvent) => { if (e.key === 'Enter') select_(s.id, true); },
    },
    h('span', { class: 'fd-no' }, String((state.page - 1) * PAGE_SIZE + i + 1)),
    h('div', { class: 'fd-body' },
      h('h3', {}, ...siteName(s), h('span', { class: `fd-kind fd-kind-${s.kind}` }, ft(s.kind))),
      h('p', { class: 'fd-where' }, [s.park ? tr(s.park.shortName?.en || getLang() === 'zh' ? { zh: s.park.shortName?.zh ?? s.park.name.zh, en: s.park.shortName?.en ?? s.park.name.en } : s.park.name) : null, s.county ? tr(s.county.name) : null, s.code].filter(Boolean).join(' · ')),
      h('p', { class: 'fd-facts' },
        h('span', {}, fmtArea(s)),
        s.price !== null && s.priceUnit ? h('span', {}, `${formatNumber(s.price, 2)} ${priceUnitLabel(s.priceUnit)}`) : null,
        s.industries.length ? h('span', { class: 'fd-ind' }, s.industries.slice(0, 2).map((x) => tr(x)).join(getLang() === 'zh' ? '、' : ', ')) : null),
      h('p', { class: 'fd-links' },
        s.links.park ? h('a', { class: 'text-button', href: withLang(s.links.park) }, ft('parkCard')) : null,
        s.links.enquiry ? h('a', { class: 'primary-button fd-interest', href: withLang(s.links.enquiry) }, ft('interested')) : null)));
    return li;
  }));
  const pages = Math.max(1, Math.ceil(n / PAGE_SIZE));
  pager.replaceChildren(...(pages > 1 ? [
    h('button', { type: 'button', class: 'text-button', id: 'find-prev', disabled: state.page <= 1, onclick: () => update({ page: state.page - 1, sel: '' }) }, ft('prev')),
    h('span', {}, ft('pageOf', { p: state.page, n: pages })),
    h('button', { type: 'button', class: 'text-button', id: 'find-next', disabled: state.page >= pages, onclick: () => update({ page: state.page + 1, sel: '' }) }, ft('next')),
  ] : []));
}

async function run(): Promise<void> {
  const signal = latest.next();
  try {
    const a = await searchSites(apiQuery(state), signal, getLang());
    if (!latest.isLatest(signal)) return;
    answer = a;
    searches++;
    renderResults();
    drawResults(true);
  } catch (err) {
    if (isAbortError(err)) return;
    summary.textContent = ft('failed') + (err as Error).message;
  }
}

// ── map ──

const map = createBaseMap({ container: mapBox });
const SRC = 'find-results';

function drawResults(fit: boolean): void {
  const src = map.getSource(SRC) as GeoJSONSource | undefined;
  if (!src || !answer) return;
  const fc: FeatureCollection = {
    type: 'FeatureCollection',
    features: answer.items.flatMap((s) => [
      { type: 'Feature', id: s.id, geometry: s.geometry, properties: { id: s.id, kind: s.kind } },
      { type: 'Feature', id: s.id, geometry: { type: 'Point', coordinates: s.center }, properties: { id: s.id, kind: s.kind, point: 1 } },
    ]),
  };
  src.setData(fc);
  applySelection();
  if (fit && !state.sel) {
    const b = answer.bbox ?? answer.places[0]?.bbox;
    if (b) map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 40, maxZoom: 15, duration: 0 });
  } else if (fit && state.sel) focusSite(Number(state.sel));
}

function setHover(id: number | null): void {
  if (hovered !== null) map.setFeatureState({ source: SRC, id: hovered }, { hover: false });
  hovered = id;
  if (id !== null) map.setFeatureState({ source: SRC, id }, { hover: true });
  for (const li of list.querySelectorAll<HTMLElement>('.fd-item')) li.classList.toggle('is-hover', li.dataset.id === String(id));
}

function applySelection(): void {
  for (const s of answer?.items ?? []) map.setFeatureState({ source: SRC, id: s.id }, { selected: String(s.id) === state.sel });
  for (const li of list.querySelectorAll<HTMLElement>('.fd-item')) li.setAttribute('aria-selected', String(li.dataset.id === state.sel));
}

function focusSite(id: number): void {
  const s = answer?.items.find((x) => x.id === id);
  if (!s) return;
  const coords = (s.geometry.type === 'MultiPolygon' ? s.geometry.coordinates.flat(2) : s.geometry.type === 'Polygon' ? s.geometry.coordinates.flat() : [s.center]) as [number, number][];
  const b = coords.reduce((a, [x, y]) => [Math.min(a[0], x), Math.min(a[1], y), Math.max(a[2], x), Math.max(a[3], y)], [180, 90, -180, -90]);
  map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 16, duration: 300 });
}

/** Select a site (from the list or the map): both highlight it, the map flies to it. */
function select_(id: number, fromList: boolean): void {
  state = { ...state, sel: String(id) };
  writeUrl();
  applySelection();
  focusSite(id);
  if (!fromList) list.querySelector(`[data-id="${id}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

async function setUpMap(): Promise<void> {
  await whenLoaded(map);
  try {
    const layers = (await fetchLayers(new AbortController().signal)).filter((l) => l.id === 'counties' || l.id === 'parks');
    addCatalogLayers(map, layers, { pointer: () => false });
  } catch {
    // Context layers are a nicety; the results draw without them.
  }
  map.addSource(SRC, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const color = ['match', ['get', 'kind'], 'land', '#e67e22', 'factory', '#1e6fd9', '#8e44ad'] as unknown as string;
  const active = ['any', ['boolean', ['feature-state', 'hover'], false], ['boolean', ['feature-state', 'selected'], false]];
  map.addLayer({ id: 'find-fill', type: 'fill', source: SRC, filter: ['!has', 'point'], paint: { 'fill-color': color, 'fill-opacity': ['case', active, 0.75, 0.4] as unknown as number } });
  map.addLayer({ id: 'find-line', type: 'line', source: SRC, filter: ['!has', 'point'], paint: { 'line-color': ['case', active, '#c0392b', color] as unknown as string, 'line-width': ['case', active, 3, 1] as unknown as number } });
  map.addLayer({
    id: 'find-dot', type: 'circle', source: SRC, filter: ['has', 'point'], maxzoom: 15,
    paint: {
      'circle-color': ['case', active, '#c0392b', color] as unknown as string,
      'circle-radius': ['case', active, 9, 6] as unknown as number,
      'circle-stroke-color': '#fff', 'circle-stroke-width': 2,
    },
  });
  for (const layer of ['find-fill', 'find-dot']) {
    map.on('mousemove', layer, (e) => {
      map.getCanvas().style.cursor = 'pointer';
      const f = e.features?.[0] as MapGeoJSONFeature | undefined;
      if (f && f.id !== hovered) setHover(Number(f.id));
    });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; setHover(null); });
    map.on('click', layer, (e) => {
      const f = e.features?.[0];
      if (f) select_(Number(f.id), false);
    });
  }
  drawResults(true);
}

// ── start ──

onLangChange(() => drawResults(false));
renderControls();
void (async () => {
  const signal = new AbortController().signal;
  const [, opts] = await Promise.all([
    run(),
    requestJson<Options>('/api/portal/summary', { signal }).catch(() => options),
    shell.loadUser(signal).catch(() => null),
    setUpMap(),
  ]);
  options = opts;
  renderControls();
  window.__find.ready = true;
})();

window.__find = { ready: false, get searches() { return searches; }, state: () => state, answer: () => answer, map } as Window['__find'];
