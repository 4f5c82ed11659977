/**
 * Site selection page (web/select.html). Officers get `OfficerView` (brief, ranked and explained
 * results, map, compare, shortlists and share links; a sign-in form when signed out). Clients:
 * `#shared=<token>` opens the read-only, printable proposal.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import '../map/map.css';
import './select.css';
import { fetchLayers } from '../shared/api.service.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError } from '../shared/http.client.ts';
import { getLang } from '../shared/i18n.service.ts';
import { amenityKinds, OfficerView, type SelectHandle } from './officer.view.ts';
import { renderProposal } from './proposal.view.ts';
import { mapIdle } from './select-map.view.ts';
import { fetchShared } from './selection.service.ts';
import { st } from './select.i18n.ts';

const app = document.getElementById('app')!;
document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
let resolveReady: () => void;
/** For tests: `ready` resolves once the page has rendered its first content; `map` once there is one. */
const handle: SelectHandle = { ready: new Promise<void>((r) => { resolveReady = r; }), map: null, idle: () => Promise.resolve() };
(window as unknown as { __select: SelectHandle }).__select = handle;

/** The client's read-only proposal behind a share link. */
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

const shared = /(?:^#|&)shared=([A-Za-z0-9_-]+)/.exec(location.hash);
if (shared) void sharedView(shared[1]);
else void new OfficerView(app, handle, () => resolveReady()).open();
