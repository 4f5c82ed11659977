/**
 * Site selection page (web/select.html). Officers: a brief form, the ranked results with score
 * explanations, the results highlighted on a MapLibre map (our own vector tiles plus a GeoJSON
 * source of the page of results), a draw-area tool, a compare tray and saving/sharing a shortlist.
 * Clients: `#shared=<token>` opens the read-only, printable proposal without an account.
 */
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import type { Polygon } from 'geojson';
import { fetchLayers, fetchMe } from '../shared/api.service.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError } from '../shared/http.client.ts';
import { getLang, setLang } from '../shared/i18n.service.ts';
import { BriefFormComponent, type KindLabels } from './brief-form.component.ts';
import { DrawAreaTool } from './draw-area.tool.ts';
import { renderProposal } from './proposal.view.ts';
import { ResultsComponent } from './results.component.ts';
import { fetchShared, revokeShare, saveShortlist, selectSites, shareShortlist, type SelectionResult } from './selection.service.ts';
import { st } from './select.i18n.ts';
import './select.css';

const app = document.getElementById('app')!;
let resolveReady: () => void;
/** For tests: resolves once the page has rendered its first content. */
(window as unknown as { __select: { ready: Promise<void> } }).__select = { ready: new Promise<void>((r) => { resolveReady = r; }) };

async function amenityKinds(signal: AbortSignal): Promise<KindLabels> {
  const layers = await fetchLayers(signal);
  const kind = layers.find((l) => l.id === 'amenities')?.attributes.find((a) => a.name === 'kind');
  return (kind?.values ?? {}) as KindLabels;
}

async function sharedView(token: string): Promise<void> {
  document.title = st('proposalTitle');
  const ctl = new AbortController();
  try {
    const [data, kinds] = await Promise.all([fetchShared(token, ctl.signal), amenityKinds(ctl.signal)]);
    document.title = `${st('proposalTitle')} · ${data.clientName}`;
    app.replaceChildren(renderProposal(data, kinds));
  } catch (err) {
    app.replaceChildren(h('p', { class: 'gone' }, err instanceof HttpError && err.status === 404 ? st('linkGone') : `${st('error')}${(err as Error).message}`));
  }
  resolveReady();
}

function createMap(container: HTMLElement): Promise<MapLibreMap> {
  const map = new maplibregl.Map({
    container,
    center: [107.47, 31.2],
    zoom: 9,
    attributionControl: false,
    style: {
      version: 8,
      sources: {
        carriers: { type: 'vector', tiles: [`${location.origin}/tiles/land,factories,offices,amenities/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 16 },
        results: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#eef1f4' } },
        { id: 'land', type: 'fill', source: 'carriers', 'source-layer': 'land', paint: { 'fill-color': '#2e7d32', 'fill-opacity': 0.25 } },
        { id: 'factories', type: 'fill', source: 'carriers', 'source-layer': 'factories', paint: { 'fill-color': '#1565c0', 'fill-opacity': 0.25 } },
        { id: 'offices', type: 'fill', source: 'carriers', 'source-layer': 'offices', paint: { 'fill-color': '#6a1b9a', 'fill-opacity': 0.25 } },
        { id: 'amenities', type: 'circle', source: 'carriers', 'source-layer': 'amenities', paint: { 'circle-radius': 3, 'circle-color': '#455a64' } },
        { id: 'results-fill', type: 'fill', source: 'results', paint: { 'fill-color': '#ff6f00', 'fill-opacity': 0.6 } },
        { id: 'results-line', type: 'line', source: 'results', paint: { 'line-color': '#e65100', 'line-width': 2 } },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  return new Promise((resolve) => map.on('load', () => resolve(map)));
}

function fitTo(map: MapLibreMap, coords: number[][]): void {
  if (!coords.length) return;
  const lons = coords.map((c) => c[0]);
  const lats = coords.map((c) => c[1]);
  map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 60, maxZoom: 16, duration: 0 });
}

async function officerView(): Promise<void> {
  const ctl = new AbortController();
  const me = await fetchMe(ctl.signal).catch(() => null);
  if (!me || !['officer', 'admin'].includes(me.role)) {
    app.replaceChildren(h('p', { class: 'gone' }, st('signInNeeded'), ' ', h('a', { href: '/' }, '→')));
    resolveReady();
    return;
  }
  const kinds = await amenityKinds(ctl.signal);
  const status = h('p', { class: 'status', role: 'status' });
  const mapEl = h('div', { class: 'select-map' });
  let area: Polygon | null = null;
  let lastBrief: Record<string, unknown> = {};
  let running: AbortController | null = null;

  const results = new ResultsComponent(kinds, (r: SelectionResult) => focus(r));
  const form = new BriefFormComponent(kinds, () => void run());
  const drawBtn = h('button', { type: 'button' }, st('drawArea'));
  const clearBtn = h('button', { type: 'button' }, st('clearArea'));
  const client = h('input', { type: 'text', name: 'clientName', placeholder: st('clientName') });
  const shareOut = h('div', { class: 'share-out' });
  const saveBtn = h('button', { type: 'button', class: 'primary' }, st('saveShortlist'));

  app.replaceChildren(
    h('header', { class: 'select-top' }, h('h1', {}, st('title')),
      h('button', { type: 'button', onclick: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); location.reload(); } }, st('language'))),
    h('aside', { class: 'select-side' }, form.el, h('div', { class: 'row' }, drawBtn, clearBtn),
      h('div', { class: 'shortlist-box' }, client, saveBtn, shareOut), status),
    h('main', { class: 'select-main' }, mapEl, results.compareTray, results.el));

  const map = await createMap(mapEl);
  const draw = new DrawAreaTool(map);
  drawBtn.addEventListener('click', () => {
    if (draw.drawing) {
      area = draw.finish();
      drawBtn.textContent = st('drawArea');
      status.textContent = '';
    } else {
      draw.start();
      drawBtn.textContent = st('finishArea');
      status.textContent = st('drawHint');
    }
  });
  clearBtn.addEventListener('click', () => { draw.clear(); area = null; });

  function focus(r: SelectionResult) {
    const src = map.getSource('results') as GeoJSONSource;
    void src.getData().then((fc) => {
      const f = (fc as GeoJSON.FeatureCollection).features.find((x) => x.id === r.id);
      if (f && f.geometry.type === 'MultiPolygon') fitTo(map, f.geometry.coordinates.flat(2));
    });
  }

  async function run() {
    running?.abort();
    running = new AbortController();
    lastBrief = { ...form.brief(), ...(area ? { within: area } : {}) };
    try {
      const res = await selectSites(lastBrief, running.signal);
      results.show(res);
      (map.getSource('results') as GeoJSONSource).setData(res.geojson);
      fitTo(map, res.geojson.features.flatMap((f) => (f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates.flat(2) : [])));
      status.textContent = '';
    } catch (err) {
      if (!isAbortError(err)) status.textContent = `${st('error')}${(err as Error).message}`;
    }
  }

  saveBtn.addEventListener('click', async () => {
    try {
      const items = [...results.picked].map((carrierId) => ({ carrierId }));
      const saved = await saveShortlist({ clientName: client.value.trim(), brief: lastBrief, items }, ctl.signal);
      const link = await shareShortlist(saved.id, 30, ctl.signal);
      shareOut.replaceChildren(
        h('p', {}, st('saved', { id: saved.id })),
        h('p', {}, st('linkReady', { date: new Date(link.expiresAt).toLocaleDateString() })),
        h('a', { href: link.url, target: '_blank', rel: 'noopener' }, link.url),
        h('button', { type: 'button', onclick: async () => { await revokeShare(saved.id, link.token, ctl.signal); shareOut.replaceChildren(); } }, st('revoke')));
    } catch (err) {
      status.textContent = `${st('error')}${(err as Error).message}`;
    }
  });

  await run();
  resolveReady();
}

const shared = /(?:^#|&)shared=([A-Za-z0-9_-]+)/.exec(location.hash);
void (shared ? sharedView(shared[1]) : officerView());
