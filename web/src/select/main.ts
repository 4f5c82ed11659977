/**
 * Site selection page (web/select.html). Officers: a brief form, the ranked results with score
 * explanations, the results numbered and highlighted on the map (our own vector tiles), a
 * draw-area tool, a compare tray and saving/sharing a shortlist. Signed out, the page asks for an
 * officer's sign-in. Clients: `#shared=<token>` opens the read-only, printable proposal.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import '../map/map.css';
import './select.css';
import type { Polygon } from 'geojson';
import { fetchLayers, fetchMe, login, logout } from '../shared/api.service.ts';
import type { LayerInfo, SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, LatestRequest, isAbortError } from '../shared/http.client.ts';
import { getLang, roleLabel, setLang, t } from '../shared/i18n.service.ts';
import { BriefFormComponent, type KindLabels } from './brief-form.component.ts';
import { DrawAreaTool } from './draw-area.tool.ts';
import { renderProposal } from './proposal.view.ts';
import { ResultsComponent } from './results.component.ts';
import { SelectMapView, mapIdle } from './select-map.view.ts';
import { fetchShared, revokeShare, saveShortlist, selectSites, shareShortlist, type SelectionResult } from './selection.service.ts';
import { st } from './select.i18n.ts';

const app = document.getElementById('app')!;
/** Pause in typing after which an edited brief runs by itself. */
const RERUN_DELAY_MS = 350;
document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
let resolveReady: () => void;
/** For tests: `ready` resolves once the page has rendered its first content; `map` once there is one. */
const handle = { ready: new Promise<void>((r) => { resolveReady = r; }), map: null as unknown, idle: () => Promise.resolve() };
(window as unknown as { __select: typeof handle }).__select = handle;

function amenityKinds(layers: LayerInfo[]): KindLabels {
  const kind = layers.find((l) => l.id === 'amenities')?.attributes.find((a) => a.name === 'kind');
  return (kind?.values ?? {}) as KindLabels;
}

function langButton(): HTMLElement {
  return h('button', { type: 'button', class: 'toggle-button', id: 'lang-toggle', title: t('langToggleTitle'),
    onclick: () => { setLang(getLang() === 'zh' ? 'en' : 'zh'); location.reload(); } },
  h('span', { class: getLang() === 'zh' ? 'on' : '' }, '中'), h('span', { class: getLang() === 'en' ? 'on' : '' }, 'EN'));
}

function topBar(user: SessionUser | null, onSignOut?: () => void): HTMLElement {
  return h('header', { class: 'top-bar select-bar' },
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-mark' }, '达'),
      h('h1', {}, st('title'), h('small', { class: 'brand-sub' }, st('subtitle')))),
    h('div', { class: 'controls' },
      h('a', { class: 'text-button nav-link', href: '/map.html' }, st('mapLink')),
      langButton(),
      user ? h('span', { class: 'user' }, h('span', { class: 'user-name' }, user.username), h('span', { class: 'user-role' }, roleLabel(user.role)),
        h('button', { type: 'button', class: 'text-button', id: 'sign-out', onclick: onSignOut }, t('signOut'))) : null));
}

async function sharedView(token: string): Promise<void> {
  document.title = st('proposalTitle');
  document.body.classList.add('proposal-page');
  const ctl = new AbortController();
  try {
    const [data, layers] = await Promise.all([fetchShared(token, ctl.signal), fetchLayers(ctl.signal)]);
    document.title = `${st('proposalTitle')} · ${data.clientName}`;
    const view = renderProposal(data, amenityKinds(layers), layers);
    app.replaceChildren(view.element);
    const map = view.mountMap();
    handle.map = map.map;
    handle.idle = () => mapIdle(map.map);
    await map.ready;
  } catch (err) {
    app.replaceChildren(h('div', { class: 'gone card' }, h('h1', {}, st('proposalTitle')),
      h('p', {}, err instanceof HttpError && err.status === 404 ? st('linkGone') : `${st('error')}${(err as Error).message}`)));
  }
  resolveReady();
}

/** Signed out, or not an officer: a sign-in card. Resolves with an officer. */
function signInView(current: SessionUser | null): Promise<SessionUser> {
  return new Promise((resolve) => {
    const error = h('p', { class: 'error', role: 'alert', hidden: !current },
      current ? st('notOfficer', { role: roleLabel(current.role) }) : '');
    const submit = h('button', { type: 'submit', class: 'primary-button wide' }, t('signIn'));
    const form = h('form', { class: 'sign-in card', id: 'select-sign-in' },
      h('span', { class: 'brand-mark big' }, '达'),
      h('h2', {}, st('signInTitle')),
      h('p', { class: 'muted' }, st('signInIntro')),
      h('label', { class: 'field' }, h('span', {}, t('username')), h('input', { name: 'username', autocomplete: 'username', required: true })),
      h('label', { class: 'field' }, h('span', {}, t('password')), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      error, submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      submit.disabled = true;
      error.hidden = true;
      try {
        const user = await login(String(data.get('username')), String(data.get('password')), new AbortController().signal);
        if (['officer', 'admin'].includes(user.role)) resolve(user);
        else {
          error.textContent = st('notOfficer', { role: roleLabel(user.role) });
          error.hidden = false;
        }
      } catch (err) {
        error.textContent = err instanceof HttpError && err.status === 401 ? t('signInFailed') : t('signInError') + (err as Error).message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    app.replaceChildren(h('div', { class: 'select-page' }, topBar(null), h('main', { class: 'sign-in-stage' }, form)));
    resolveReady();
  });
}

async function officerView(): Promise<void> {
  const ctl = new AbortController();
  let me = await fetchMe(ctl.signal).catch(() => null);
  if (!me || !['officer', 'admin'].includes(me.role)) me = await signInView(me);
  const layers = await fetchLayers(ctl.signal);
  const kinds = amenityKinds(layers);
  const status = h('p', { class: 'status', role: 'status' });
  const mapEl = h('div', { class: 'map select-map', id: 'select-map' });
  let area: Polygon | null = null;
  let lastBrief: Record<string, unknown> = {};
  /** The brief of the answer on screen (an unchanged brief is not asked again). */
  let shownBrief = '';
  const selection = new LatestRequest();
  let pending: ReturnType<typeof setTimeout> | undefined;

  const results = new ResultsComponent(kinds, { focus: (r) => focus(r.id, true), picked: () => renderShortlist() });
  const drawBtn = h('button', { type: 'button', class: 'ghost-button', id: 'draw-area' }, '✎ ', st('drawArea'));
  const clearBtn = h('button', { type: 'button', class: 'text-button', id: 'clear-area', hidden: true }, st('clearArea'));
  const areaNote = h('p', { class: 'hint' });
  const form = new BriefFormComponent(kinds, () => void run(true), h('section', { class: 'brief-section draw' }, h('div', { class: 'row' }, drawBtn, clearBtn), areaNote));
  // Officers adjust a brief live: every edit re-runs it once typing pauses (RERUN_DELAY_MS), and a
  // newer run aborts the request of an older one, so no stale query queues up or overwrites.
  form.el.addEventListener('input', () => {
    clearTimeout(pending);
    if (form.ready()) pending = setTimeout(() => void run(), RERUN_DELAY_MS);
  });

  const client = h('input', { type: 'text', name: 'clientName', id: 'client-name', placeholder: st('clientName'), maxlength: '200' });
  const pickedList = h('ol', { class: 'picked-list' });
  const pickedCount = h('span', { class: 'count' });
  const shareOut = h('div', { class: 'share-out', id: 'share-out' });
  const saveBtn = h('button', { type: 'button', class: 'primary-button', id: 'save-shortlist' }, st('saveShortlist'));
  const shortlistBox = h('section', { class: 'shortlist-box', id: 'shortlist' },
    h('h2', {}, st('shortlistTitle'), pickedCount), pickedList, h('div', { class: 'row' }, client, saveBtn), shareOut);

  app.replaceChildren(h('div', { class: 'select-page' },
    topBar(me, async () => { await logout(ctl.signal).catch(() => {}); location.reload(); }),
    h('div', { class: 'select-layout' },
      h('aside', { class: 'select-side' }, h('h2', { class: 'side-title' }, st('brief')), form.el, status),
      h('main', { class: 'select-stage' }, mapEl, results.compareTray),
      h('section', { class: 'select-results' }, results.el, shortlistBox))));

  const view = new SelectMapView(mapEl, layers, { onPick: (id) => focus(id, false) });
  handle.map = view.map;
  handle.idle = () => mapIdle(view.map);
  await view.ready;
  const draw = new DrawAreaTool(view.map);

  function renderShortlist() {
    const sites = [...results.picked.values()];
    pickedCount.textContent = st('picked', { n: sites.length });
    pickedList.replaceChildren(...(sites.length
      ? sites.map((s) => h('li', {}, h('span', {}, s.name),
        h('button', { type: 'button', class: 'remove', 'aria-label': '×', onclick: () => results.unpick(s.id) }, '×')))
      : [h('li', { class: 'muted empty' }, st('pickHint'))]));
  }
  renderShortlist();

  drawBtn.addEventListener('click', () => {
    if (draw.drawing) {
      area = draw.finish();
      drawBtn.replaceChildren('✎ ', st('drawArea'));
      drawBtn.classList.remove('active');
      areaNote.textContent = area ? st('areaSet') : '';
      clearBtn.hidden = !area;
      if (area) void run();
    } else {
      draw.start();
      drawBtn.replaceChildren('✓ ', st('finishArea'));
      drawBtn.classList.add('active');
      areaNote.textContent = st('drawHint');
    }
  });
  clearBtn.addEventListener('click', () => {
    draw.clear();
    area = null;
    clearBtn.hidden = true;
    areaNote.textContent = '';
    void run();
  });

  function focus(id: number, zoom: boolean) {
    view.focus(id, zoom);
    results.highlight(id);
  }

  /** Run the brief; `force` (the search button) runs it even when it is the one on screen. */
  async function run(force = false) {
    clearTimeout(pending);
    const brief = { ...form.brief(), ...(area ? { within: area } : {}) };
    const key = JSON.stringify(brief);
    if (!force && key === shownBrief) return;
    lastBrief = brief;
    const signal = selection.next();
    form.submitButton.disabled = true;
    form.submitButton.textContent = st('searching');
    try {
      const res = await selectSites(brief, signal);
      if (!selection.isLatest(signal)) return;
      shownBrief = key;
      results.show(res);
      view.setSites(res.geojson.features.map((f) => ({
        id: Number(f.id), rank: Number(f.properties?.rank), name: String(f.properties?.name), geometry: f.geometry,
      })));
      status.textContent = '';
    } catch (err) {
      if (!isAbortError(err) && selection.isLatest(signal)) status.textContent = `${st('error')}${(err as Error).message}`;
    } finally {
      if (selection.isLatest(signal)) {
        form.submitButton.disabled = false;
        form.submitButton.textContent = st('search');
      }
    }
  }

  saveBtn.addEventListener('click', async () => {
    const clientName = client.value.trim();
    if (!clientName) { shareOut.replaceChildren(h('p', { class: 'error' }, st('needClient'))); client.focus(); return; }
    if (!results.picked.size) { shareOut.replaceChildren(h('p', { class: 'error' }, st('needSites'))); return; }
    saveBtn.disabled = true;
    try {
      const items = [...results.picked.keys()].map((carrierId) => ({ carrierId }));
      const saved = await saveShortlist({ clientName, brief: lastBrief, items }, ctl.signal);
      const shareBtn = h('button', { type: 'button', class: 'primary-button', id: 'create-share' }, st('shareLink'));
      shareOut.replaceChildren(h('p', { class: 'ok' }, '✓ ', st('saved', { client: clientName, n: items.length, id: saved.id })), shareBtn);
      shareBtn.addEventListener('click', async () => {
        shareBtn.disabled = true;
        try {
          const link = await shareShortlist(saved.id, 30, ctl.signal);
          const url = h('input', { type: 'text', readonly: true, value: link.url, id: 'share-url', class: 'share-url' });
          const copy = h('button', { type: 'button', class: 'ghost-button' }, st('copy'));
          copy.addEventListener('click', async () => {
            url.select();
            await navigator.clipboard?.writeText(link.url).catch(() => document.execCommand('copy'));
            copy.textContent = st('copied');
          });
          shareOut.replaceChildren(
            h('p', { class: 'ok' }, '✓ ', st('saved', { client: clientName, n: items.length, id: saved.id })),
            h('p', { class: 'muted' }, st('linkReady', { date: new Date(link.expiresAt).toLocaleDateString(getLang() === 'zh' ? 'zh-CN' : 'en-GB') })),
            h('div', { class: 'row' }, url, copy, h('a', { class: 'ghost-button', href: link.url, target: '_blank', rel: 'noopener', id: 'open-share' }, st('open'))),
            h('button', { type: 'button', class: 'text-button danger', onclick: async () => {
              await revokeShare(saved.id, link.token, ctl.signal);
              shareOut.replaceChildren(h('p', { class: 'muted' }, st('revoked')));
            } }, st('revoke')));
        } catch (err) {
          shareOut.append(h('p', { class: 'error' }, `${st('error')}${(err as Error).message}`));
          shareBtn.disabled = false;
        }
      });
    } catch (err) {
      shareOut.replaceChildren(h('p', { class: 'error' }, `${st('error')}${(err as Error).message}`));
    } finally {
      saveBtn.disabled = false;
    }
  });

  await run(true);
  resolveReady();
}

const shared = /(?:^#|&)shared=([A-Za-z0-9_-]+)/.exec(location.hash);
void (shared ? sharedView(shared[1]) : officerView());
