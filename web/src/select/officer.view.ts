/**
 * The officer's site-selection view: the brief form, the ranked results with score explanations,
 * the results numbered on the map (our own vector tiles), a draw-area tool, a compare tray, and
 * saving and sharing a shortlist. Signed out, or signed in with another role, it shows an officer
 * sign-in form in the page shell.
 */
import type { Polygon } from 'geojson';
import { fetchLayers } from '../shared/api.service.ts';
import type { LayerInfo, SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { getLang, roleLabel } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { SignInForm } from '../shared/sign-in.component.ts';
import { BriefFormComponent, type KindLabels } from './brief-form.component.ts';
import { DrawAreaTool } from './draw-area.tool.ts';
import { ResultsComponent } from './results.component.ts';
import { SelectMapView, mapIdle } from './select-map.view.ts';
import { LiveSelection, revokeShare, saveShortlist, shareShortlist } from './selection.service.ts';
import { st } from './select.i18n.ts';

/** Pause in typing after which an edited brief runs by itself. */
const RERUN_DELAY_MS = 350;
const OFFICER_ROLES = ['officer', 'admin'];

/** Labels of the amenity kinds, from the layer catalog. */
export function amenityKinds(layers: LayerInfo[]): KindLabels {
  const kind = layers.find((l) => l.id === 'amenities')?.attributes.find((a) => a.name === 'kind');
  return (kind?.values ?? {}) as KindLabels;
}

/** The test hooks of the page (`window.__select`). */
export interface SelectHandle {
  ready: Promise<void>;
  map: unknown;
  idle(): Promise<void>;
}

/** The officer's page inside `app`. */
export class OfficerView {
  private readonly shell: PageShell;
  private readonly controller = new AbortController();
  /** Runs the brief as it is edited: debounced, superseded requests aborted (selection.service.ts). */
  private readonly live = new LiveSelection({
    brief: () => ({ ...this.form.brief(), ...(this.area ? { within: this.area } : {}) }),
    ready: () => this.form.ready(),
    answer: (res, brief) => {
      this.lastBrief = brief;
      this.results.show(res);
      this.view.setSites(res.geojson.features.map((f) => ({
        id: Number(f.id), rank: Number(f.properties?.rank), name: String(f.properties?.name), geometry: f.geometry,
      })));
      this.status.textContent = '';
    },
    error: (err) => { this.status.textContent = `${st('error')}${err.message}`; },
    busy: (running) => {
      this.form.submitButton.disabled = running;
      this.form.submitButton.textContent = st(running ? 'searching' : 'search');
    },
  }, RERUN_DELAY_MS);
  private area: Polygon | null = null;
  private lastBrief: Record<string, unknown> = {};
  // Set once an officer is signed in (`start`).
  private form!: BriefFormComponent;
  private results!: ResultsComponent;
  private view!: SelectMapView;
  private draw!: DrawAreaTool;
  private readonly status = h('p', { class: 'status', role: 'status' });
  private readonly drawBtn = h('button', { type: 'button', class: 'ghost-button', id: 'draw-area' }, '✎ ', st('drawArea'));
  private readonly clearBtn = h('button', { type: 'button', class: 'text-button', id: 'clear-area', hidden: true }, st('clearArea'));
  private readonly areaNote = h('p', { class: 'hint' });
  private readonly client = h('input', { type: 'text', name: 'clientName', id: 'client-name', placeholder: st('clientName'), maxlength: '200' });
  private readonly pickedList = h('ol', { class: 'picked-list' });
  private readonly pickedCount = h('span', { class: 'count' });
  private readonly shareOut = h('div', { class: 'share-out', id: 'share-out' });
  private readonly saveBtn = h('button', { type: 'button', class: 'primary-button', id: 'save-shortlist' }, st('saveShortlist'));

  constructor(private readonly app: HTMLElement, private readonly handle: SelectHandle, private readonly ready: () => void) {
    this.shell = new PageShell({
      page: 'select',
      title: () => ({ long: st('title'), short: st('title') }),
      middle: () => h('span', { class: 'brand-sub' }, st('subtitle')),
      signInButton: false,
      // The brief form and results are drawn in one language; a switch redraws the page.
      onLangChange: () => location.reload(),
      onUserChange: (user) => (user ? void this.start(user) : location.reload()),
    });
    this.shell.element.classList.add('select-bar');
  }

  /** Show the page for the signed-in officer, or the sign-in form. */
  async open(): Promise<void> {
    const me = await this.shell.loadUser(this.controller.signal).catch(() => null);
    if (me && OFFICER_ROLES.includes(me.role)) await this.start(me);
    else this.showSignIn(me);
  }

  private showSignIn(current: SessionUser | null): void {
    const form = new SignInForm({
      title: () => st('signInTitle'),
      hint: () => st('signInIntro'),
      onSignedIn: (user) => {
        if (OFFICER_ROLES.includes(user.role)) {
          this.shell.setUser(user);
          void this.start(user);
        } else form.showError(st('notOfficer', { role: roleLabel(user.role) }));
      },
    });
    form.element.id = 'select-sign-in';
    form.element.classList.add('card');
    form.render();
    if (current) form.showError(st('notOfficer', { role: roleLabel(current.role) }));
    this.app.replaceChildren(h('div', { class: 'select-page' }, this.shell.element, h('main', { class: 'sign-in-stage' }, form.element)));
    form.focus();
    this.ready();
  }

  private async start(user: SessionUser): Promise<void> {
    this.shell.setUser(user);
    const layers = await fetchLayers(this.controller.signal);
    const kinds = amenityKinds(layers);
    this.results = new ResultsComponent(kinds, { focus: (r) => this.focus(r.id, true), picked: () => this.renderShortlist() }, layers);
    this.form = new BriefFormComponent(kinds, () => void this.run(true),
      h('section', { class: 'brief-section draw' }, h('div', { class: 'row' }, this.drawBtn, this.clearBtn), this.areaNote));
    // Officers adjust a brief live: every edit re-runs it once typing pauses (RERUN_DELAY_MS), and a
    // newer run aborts the request of an older one, so no stale query queues up or overwrites.
    this.form.el.addEventListener('input', () => this.live.edited());
    const mapEl = h('div', { class: 'map select-map', id: 'select-map' });
    const shortlistBox = h('section', { class: 'shortlist-box', id: 'shortlist' },
      h('h2', {}, st('shortlistTitle'), this.pickedCount), this.pickedList, h('div', { class: 'row' }, this.client, this.saveBtn), this.shareOut);
    this.app.replaceChildren(h('div', { class: 'select-page' },
      this.shell.element,
      h('div', { class: 'select-layout' },
        h('aside', { class: 'select-side' }, h('h2', { class: 'side-title' }, st('brief')), this.form.el, this.status),
        h('main', { class: 'select-stage' }, mapEl, this.results.compareTray),
        h('section', { class: 'select-results' }, this.results.el, shortlistBox))));

    this.view = new SelectMapView(mapEl, layers, { onPick: (id) => this.focus(id, false) });
    this.handle.map = this.view.map;
    this.handle.idle = () => mapIdle(this.view.map);
    await this.view.ready;
    this.draw = new DrawAreaTool(this.view.map);
    this.renderShortlist();
    this.drawBtn.addEventListener('click', () => this.toggleDrawing());
    this.clearBtn.addEventListener('click', () => this.clearArea());
    this.saveBtn.addEventListener('click', () => void this.save());
    await this.run(true);
    this.ready();
  }

  private renderShortlist(): void {
    const sites = [...this.results.picked.values()];
    this.pickedCount.textContent = st('picked', { n: sites.length });
    this.pickedList.replaceChildren(...(sites.length
      ? sites.map((s) => h('li', {}, h('span', {}, s.name),
        h('button', { type: 'button', class: 'remove', 'aria-label': '×', onclick: () => this.results.unpick(s.id) }, '×')))
      : [h('li', { class: 'muted empty' }, st('pickHint'))]));
  }

  private toggleDrawing(): void {
    if (this.draw.drawing) {
      this.area = this.draw.finish();
      this.drawBtn.replaceChildren('✎ ', st('drawArea'));
      this.drawBtn.classList.remove('active');
      this.areaNote.textContent = this.area ? st('areaSet') : '';
      this.clearBtn.hidden = !this.area;
      if (this.area) void this.run();
    } else {
      this.draw.start();
      this.drawBtn.replaceChildren('✓ ', st('finishArea'));
      this.drawBtn.classList.add('active');
      this.areaNote.textContent = st('drawHint');
    }
  }

  private clearArea(): void {
    this.draw.clear();
    this.area = null;
    this.clearBtn.hidden = true;
    this.areaNote.textContent = '';
    void this.run();
  }

  private focus(id: number, zoom: boolean): void {
    this.view.focus(id, zoom);
    this.results.highlight(id);
  }

  /** Run the brief; `force` (the search button) runs it even when it is the one on screen. */
  private run(force = false): Promise<void> {
    return this.live.run(force);
  }

  private async save(): Promise<void> {
    const clientName = this.client.value.trim();
    if (!clientName) { this.shareOut.replaceChildren(h('p', { class: 'error' }, st('needClient'))); this.client.focus(); return; }
    if (!this.results.picked.size) { this.shareOut.replaceChildren(h('p', { class: 'error' }, st('needSites'))); return; }
    this.saveBtn.disabled = true;
    try {
      const items = [...this.results.picked.keys()].map((carrierId) => ({ carrierId }));
      const saved = await saveShortlist({ clientName, brief: this.lastBrief, items }, this.controller.signal);
      const savedLine = () => h('p', { class: 'ok' }, '✓ ', st('saved', { client: clientName, n: items.length, id: saved.id }));
      const shareBtn = h('button', { type: 'button', class: 'primary-button', id: 'create-share' }, st('shareLink'));
      this.shareOut.replaceChildren(savedLine(), shareBtn);
      shareBtn.addEventListener('click', () => void this.share(saved.id, shareBtn, savedLine));
    } catch (err) {
      this.shareOut.replaceChildren(h('p', { class: 'error' }, `${st('error')}${(err as Error).message}`));
    } finally {
      this.saveBtn.disabled = false;
    }
  }

  private async share(shortlistId: number, shareBtn: HTMLButtonElement, savedLine: () => HTMLElement): Promise<void> {
    shareBtn.disabled = true;
    try {
      const link = await shareShortlist(shortlistId, 30, this.controller.signal);
      const url = h('input', { type: 'text', readonly: true, value: link.url, id: 'share-url', class: 'share-url' });
      const copy = h('button', { type: 'button', class: 'ghost-button' }, st('copy'));
      copy.addEventListener('click', async () => {
        url.select();
        await navigator.clipboard?.writeText(link.url).catch(() => document.execCommand('copy'));
        copy.textContent = st('copied');
      });
      this.shareOut.replaceChildren(
        savedLine(),
        h('p', { class: 'muted' }, st('linkReady', { date: new Date(link.expiresAt).toLocaleDateString(getLang() === 'zh' ? 'zh-CN' : 'en-GB') })),
        h('div', { class: 'row' }, url, copy, h('a', { class: 'ghost-button', href: link.url, target: '_blank', rel: 'noopener', id: 'open-share' }, st('open'))),
        h('button', { type: 'button', class: 'text-button danger', onclick: async () => {
          await revokeShare(shortlistId, link.token, this.controller.signal);
          this.shareOut.replaceChildren(h('p', { class: 'muted' }, st('revoked')));
        } }, st('revoke')));
    } catch (err) {
      this.shareOut.append(h('p', { class: 'error' }, `${st('error')}${(err as Error).message}`));
      shareBtn.disabled = false;
    }
  }
}
