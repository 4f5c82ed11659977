/**
 * The map's edit mode for staff and reviewers (`#edit-toggle`, `#edit-panel`): click a feature to
 * edit its attributes in a form generated from the layer definition, reshape its outline, delete
 * it, see its history and restore a former state; draw a new feature; list the features in view in
 * a table and change the status of a selection at once; reviewers publish or reject the waiting
 * changesets. Every change is a draft until a reviewer publishes it.
 */
import type { Geometry } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { FeaturePage, LayerInfo, SessionUser } from '../../shared/api.types.ts';
import { h } from '../../shared/dom.util.ts';
import { isAbortError, requestJson } from '../../shared/http.client.ts';
import { getLang, tr } from '../../shared/i18n.service.ts';
import {
  bulkEdit, createDraft, decideChangeset, deleteDraft, fetchChangesets, fetchEditable, fetchHistory, restoreDraft, saveDraft,
  type Changeset, type EditableFeature, type EditHttpError, type HistoryEntry,
} from './edit-api.service.ts';
import { EditFormComponent, formAttributes } from './edit-form.component.ts';
import { et, type EditStringKey } from './edit-strings.ts';
import { VertexEditor } from './vertex-editor.ts';

/** Layers editable in the browser (tables with versions and history on the server). */
export const EDITABLE_LAYERS = ['land', 'factories', 'offices', 'amenities', 'parks'] as const;
const EDIT_ROLES = ['staff', 'reviewer', 'admin'];
const REVIEW_ROLES = ['reviewer', 'admin'];
/** Lowest zoom at which the table lists the features in view. */
const TABLE_MIN_ZOOM = 12;

/** What the edit mode needs from the map page. */
export interface EditHost {
  map: MapLibreMap;
  layers(): LayerInfo[];
  /** Outline the feature being edited (null: none). */
  highlight(layerId: string | null, id: string | null): void;
  /** A changeset was published: reload tiles and counts. */
  onPublished(): void;
  /** Edit mode opened or closed (the page hides its own details panel). */
  onActiveChange(active: boolean): void;
}

type Tab = 'feature' | 'table' | 'review';
interface Current {
  layer: LayerInfo;
  feature: EditableFeature | null;
  form: EditFormComponent;
  geometry: Geometry | null;
  reshaped: boolean;
  history: HistoryEntry[];
}

const HISTORY_LABEL: Record<string, EditStringKey> = {
  import: 'hImport', create: 'hCreate', edit: 'hEdit', review: 'hReview', publish: 'hPublish', reject: 'hReject', undo: 'hUndo', restore: 'hRestore',
};

/** The edit mode: toggle button, panel, vertex editor. */
export class EditModeController {
  readonly toggle: HTMLButtonElement;
  readonly panel: HTMLElement;
  private readonly editor: VertexEditor;
  private user: SessionUser | null = null;
  private on = false;
  private tab: Tab = 'feature';
  private current: Current | null = null;
  private drawLayer: string = 'land';
  private message: { ok: boolean; text: string; reload?: boolean } | null = null;
  private tableLayer = 'land';
  private tableRows: FeaturePage['features'] = [];
  private selected = new Set<string>();
  private changesets: Changeset[] = [];
  private busy = false;
  /** Language the form was built in: a switch rebuilds it with the values entered so far. */
  private formLang = getLang();
  private controller = new AbortController();

  constructor(private readonly host: EditHost) {
    this.editor = new VertexEditor(host.map, (g) => {
      if (!this.current) return;
      this.current.geometry = g;
      this.current.reshaped = true;
      this.render();
    });
    this.toggle = h('button', { id: 'edit-toggle', class: 'edit-toggle primary-button', type: 'button', hidden: true, onclick: () => this.setActive(!this.on) });
    this.panel = h('aside', { id: 'edit-panel', class: 'feature-panel card edit-panel', hidden: true, 'aria-live': 'polite' });
    host.map.on('moveend', () => { if (this.on && this.tab === 'table') void this.loadTable(); });
    this.renderToggle();
  }

  /** Whether edit mode is on. */
  get active(): boolean {
    return this.on;
  }

  /** Test hook: the screen positions of the corners being edited. */
  cornerPixels(): { x: number; y: number }[] {
    return this.editor.cornerPixels();
  }

  /** The signed-in user changed: staff, reviewers and admins get the toggle. */
  setUser(user: SessionUser | null): void {
    this.user = user;
    if (!this.canEdit()) this.setActive(false);
    this.renderToggle();
  }

  private canEdit(): boolean {
    return !!this.user && EDIT_ROLES.includes(this.user.role);
  }

  private canReview(): boolean {
    return !!this.user && REVIEW_ROLES.includes(this.user.role);
  }

  /** Turn edit mode on or off. */
  setActive(on: boolean): void {
    if (on && !this.canEdit()) return;
    this.on = on;
    if (!on) {
      this.controller.abort();
      this.controller = new AbortController();
      this.current = null;
      this.message = null;
      this.editor.stop();
      this.host.highlight(null, null);
    }
    this.host.onActiveChange(on);
    this.renderToggle();
    this.render();
    if (on && this.tab === 'review') void this.loadChangesets();
  }

  /** A map click in edit mode; true when the editor used it (drawing). */
  mapClick(lng: number, lat: number, x: number, y: number): boolean {
    if (!this.on || !this.editor.isDrawing) return false;
    this.editor.click(lng, lat, x, y);
    return true;
  }

  /** Open feature `id` of `layerId` in the form (a click on the map or in the table). */
  async open(layerId: string, id: string): Promise<void> {
    const layer = this.host.layers().find((l) => l.id === layerId);
    if (!layer || !(EDITABLE_LAYERS as readonly string[]).includes(layerId)) return;
    this.tab = 'feature';
    this.message = null;
    this.editor.stop();
    this.host.highlight(layerId, id);
    const signal = this.controller.signal;
    try {
      const [feature, history] = await Promise.all([fetchEditable(layerId, id, signal), fetchHistory(layerId, id, signal)]);
      this.current = { layer, feature, form: this.form(layer, feature.properties), geometry: feature.geometry, reshaped: false, history };
    } catch (err) {
      if (isAbortError(err)) return;
      this.message = { ok: false, text: et('failed') + (err as Error).message };
    }
    this.render();
  }

  private form(layer: LayerInfo, values: Record<string, unknown>): EditFormComponent {
    return new EditFormComponent(layer, values, () => void this.save());
  }

  // ---------------------------------------------------------------- actions

  private async run(fn: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.render();
    try {
      await fn();
    } catch (err) {
      if (isAbortError(err)) return;
      const e = err as EditHttpError;
      this.message = { ok: false, text: e.message, reload: e.status === 409 };
      if (e.fields && this.current) this.current.form.showErrors(e.fields);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private async save(): Promise<void> {
    const c = this.current;
    if (!c) return;
    await this.run(async () => {
      const properties = c.form.values();
      const signal = this.controller.signal;
      let saved: EditableFeature;
      if (!c.feature) {
        saved = await createDraft(c.layer.id, { properties, geometry: c.geometry! }, signal);
      } else {
        saved = await saveDraft(c.layer.id, c.feature.id, { properties, etag: c.feature.etag, ...(c.reshaped && c.geometry ? { geometry: c.geometry } : {}) }, signal);
      }
      this.editor.stop();
      const history = await fetchHistory(c.layer.id, saved.id, signal);
      this.current = { layer: c.layer, feature: saved, form: this.form(c.layer, saved.properties), geometry: saved.geometry, reshaped: false, history };
      this.host.highlight(c.layer.id, saved.id);
      this.message = { ok: true, text: et('saved') };
    });
  }

  private async remove(): Promise<void> {
    const c = this.current;
    if (!c?.feature) return;
    if (!window.confirm(et('deleteConfirm', { name: String(c.feature.properties.name ?? c.feature.id) }))) return;
    await this.run(async () => {
      const f = await deleteDraft(c.layer.id, c.feature!.id, c.feature!.etag, this.controller.signal);
      const history = await fetchHistory(c.layer.id, f.id, this.controller.signal);
      this.current = { ...c, feature: f, history };
      this.message = { ok: true, text: et('deleted') };
    });
  }

  private async restore(entry: HistoryEntry): Promise<void> {
    const c = this.current;
    if (!c?.feature) return;
    await this.run(async () => {
      const f = await restoreDraft(c.layer.id, c.feature!.id, entry.id, c.feature!.etag, this.controller.signal);
      const history = await fetchHistory(c.layer.id, f.id, this.controller.signal);
      this.current = { layer: c.layer, feature: f, form: this.form(c.layer, f.properties), geometry: f.geometry, reshaped: false, history };
      this.message = { ok: true, text: et('restored') };
    });
  }

  private startReshape(): void {
    if (!this.current?.geometry) return;
    this.editor.reshape(this.current.geometry);
    this.render();
  }

  private startDraw(): void {
    const layer = this.host.layers().find((l) => l.id === this.drawLayer);
    if (!layer) return;
    this.current = null;
    this.message = null;
    this.host.highlight(null, null);
    this.editor.draw(layer.geometryType === 'Point' ? 'point' : 'polygon', (g) => {
      this.current = { layer, feature: null, form: this.form(layer, layer.attributes.some((a) => a.name === 'status') ? { status: 'available' } : {}), geometry: g, reshaped: true, history: [] };
      this.render();
    });
    this.render();
  }

  private async loadTable(): Promise<void> {
    const map = this.host.map;
    if (map.getZoom() < TABLE_MIN_ZOOM) {
      this.tableRows = [];
      this.render();
      return;
    }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
    try {
      const page = await requestJson<FeaturePage>(`/api/layers/${encodeURIComponent(this.tableLayer)}/features?bbox=${bbox}&limit=200`, { signal: this.controller.signal });
      this.tableRows = page.features;
      const ids = new Set(this.tableRows.map((f) => String(f.id)));
      this.selected = new Set([...this.selected].filter((id) => ids.has(id)));
    } catch (err) {
      if (!isAbortError(err)) this.message = { ok: false, text: et('failed') + (err as Error).message };
    }
    this.render();
  }

  private async applyBulk(status: string, date: string): Promise<void> {
    await this.run(async () => {
      const properties: Record<string, unknown> = { status, status_date: date || null };
      const r = await bulkEdit(this.tableLayer, [...this.selected], properties, this.controller.signal);
      this.message = { ok: true, text: et('bulkDone', { n: r.count }) };
      this.selected.clear();
    });
  }

  private async loadChangesets(): Promise<void> {
    try {
      this.changesets = await fetchChangesets(this.controller.signal);
    } catch (err) {
      if (!isAbortError(err)) this.message = { ok: false, text: et('failed') + (err as Error).message };
    }
    this.render();
  }

  private async decide(cs: Changeset, decision: 'publish' | 'reject'): Promise<void> {
    await this.run(async () => {
      await decideChangeset(cs.id, decision, this.controller.signal);
      this.message = { ok: true, text: et(decision === 'publish' ? 'publishedOk' : 'rejectedOk', { id: cs.id }) };
      if (decision === 'publish') this.host.onPublished();
      this.changesets = await fetchChangesets(this.controller.signal);
    });
  }

  // ---------------------------------------------------------------- rendering

  private renderToggle(): void {
    this.toggle.hidden = !this.canEdit();
    this.toggle.textContent = this.on ? et('editModeOn') : et('editMode');
    this.toggle.setAttribute('aria-pressed', String(this.on));
  }

  /** Redraw (also after a language switch). */
  render(): void {
    if (this.current && this.formLang !== getLang()) {
      this.current.form = this.form(this.current.layer, { ...(this.current.feature?.properties ?? {}), ...this.current.form.values() });
    }
    this.formLang = getLang();
    this.renderToggle();
    this.panel.hidden = !this.on;
    if (!this.on) {
      this.panel.replaceChildren();
      return;
    }
    const tabs: Tab[] = this.canReview() ? ['feature', 'table', 'review'] : ['feature', 'table'];
    const tabBar = h('div', { class: 'edit-tabs', role: 'tablist' }, tabs.map((t) => h('button', {
      type: 'button', role: 'tab', class: `edit-tab${t === this.tab ? ' on' : ''}`, id: `edit-tab-${t}`, 'aria-selected': String(t === this.tab),
      onclick: () => {
        this.tab = t;
        this.message = null;
        if (t === 'table') void this.loadTable();
        if (t === 'review') void this.loadChangesets();
        this.render();
      },
    }, et(t === 'feature' ? 'tabFeature' : t === 'table' ? 'tabTable' : 'tabReview'))));
    const header = h('header', { class: 'feature-header edit-header' },
      h('h2', { class: 'feature-title' }, et('editTitle')),
      h('button', { class: 'icon-button close-button', type: 'button', title: et('editModeOn'), 'aria-label': et('editModeOn'), onclick: () => this.setActive(false) }, '×'),
      tabBar);
    const msg = this.message
      ? h('p', { class: `edit-message ${this.message.ok ? 'ok' : 'error'}`, role: this.message.ok ? 'status' : 'alert' }, this.message.text,
        this.message.reload && this.current?.feature
          ? h('button', { type: 'button', class: 'text-button', id: 'edit-reload', onclick: () => void this.open(this.current!.layer.id, this.current!.feature!.id) }, et('reload'))
          : null)
      : null;
    const body = this.tab === 'feature' ? this.featureTab() : this.tab === 'table' ? this.tableTab() : this.reviewTab();
    this.panel.replaceChildren(header, h('div', { class: 'feature-body edit-body' }, msg, body));
  }

  private featureTab(): HTMLElement {
    if (this.editor.isDrawing) {
      const layer = this.host.layers().find((l) => l.id === this.drawLayer);
      return h('div', { class: 'edit-draw' },
        h('p', {}, layer?.geometryType === 'Point' ? et('drawPointHint') : et('drawHint')),
        h('div', { class: 'edit-actions' },
          layer?.geometryType === 'Point' ? null : h('button', { type: 'button', class: 'primary-button', id: 'edit-finish', onclick: () => this.editor.finishDraw() }, et('finish')),
          h('button', { type: 'button', class: 'text-button', onclick: () => { this.editor.stop(); this.render(); } }, et('cancel'))));
    }
    const c = this.current;
    if (!c) {
      const editable = this.host.layers().filter((l) => (EDITABLE_LAYERS as readonly string[]).includes(l.id));
      return h('div', { class: 'edit-pick' },
        h('p', { class: 'muted' }, et('pickHint')),
        h('div', { class: 'edit-actions' },
          h('select', { id: 'edit-draw-layer', 'aria-label': et('layer'), onchange: (e: Event) => (this.drawLayer = (e.target as HTMLSelectElement).value) },
            editable.map((l) => h('option', { value: l.id, selected: l.id === this.drawLayer }, tr(l.title)))),
          h('button', { type: 'button', class: 'primary-button', id: 'edit-draw', onclick: () => this.startDraw() }, et('drawNew'))));
    }
    const f = c.feature;
    const status = f?.draft
      ? f.draft.action === 'delete'
        ? et('deleteDraft', { who: f.draft.author })
        : et('draftBy', { who: f.draft.author, at: new Date(f.draft.at).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB') })
      : f && f.version > 0 ? et('published', { v: f.version }) : et('notPublished');
    const name = String(c.form.values().name ?? f?.properties.name ?? '');
    const polygon = c.layer.geometryType !== 'Point';
    return h('div', { class: 'edit-feature' },
      h('div', { class: 'feature-layer' }, tr(c.layer.title), f ? ` · ${f.id}` : ''),
      h('h3', { class: 'edit-name' }, name || '—'),
      h('p', { class: `edit-state${f?.draft ? ' draft' : ''}`, id: 'edit-state' }, status),
      c.form.element,
      h('div', { class: 'edit-shape' },
        this.editor.active && !this.editor.isDrawing
          ? h('p', { class: 'muted' }, et('reshapeHint'))
          : h('button', { type: 'button', class: 'text-button', id: 'edit-reshape', disabled: !c.geometry, onclick: () => this.startReshape() }, polygon ? et('reshape') : et('movePoint')),
        c.reshaped && f ? h('p', { class: 'edit-reshaped' }, et('reshaped'),
          h('button', { type: 'button', class: 'text-button', onclick: () => { c.geometry = f.geometry; c.reshaped = false; this.editor.stop(); this.render(); } }, et('resetShape'))) : null),
      h('div', { class: 'edit-actions sticky' },
        h('button', { type: 'button', class: 'primary-button', id: 'edit-save', disabled: this.busy, onclick: () => void this.save() }, this.busy ? et('saving') : et('save')),
        f && f.version > 0 && f.draft?.action !== 'delete'
          ? h('button', { type: 'button', class: 'text-button danger', id: 'edit-delete', disabled: this.busy, onclick: () => void this.remove() }, et('delete'))
          : null),
      f ? this.historyList(c) : null);
  }

  private historyList(c: Current): HTMLElement {
    const labels = new Map(formAttributes(c.layer).map((a) => [a.name, tr(a.label)]));
    const fmt = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : Array.isArray(v) ? v.join('、') : String(v));
    return h('section', { class: 'edit-history', id: 'edit-history' },
      h('h4', {}, et('history')),
      c.history.length === 0 ? h('p', { class: 'muted' }, et('noHistory')) : null,
      h('ol', {}, c.history.map((e) => {
        const key = e.action === 'delete' ? (e.applied ? 'hDelete' : 'hDeleteDraft') : HISTORY_LABEL[e.action];
        const changes = e.after && e.before
          ? Object.keys({ ...e.before, ...e.after }).filter((k) => labels.has(k)).map((k) => `${labels.get(k)}: ${fmt(e.before?.[k])} → ${fmt(e.after?.[k])}`)
          : [];
        return h('li', { class: `edit-history-entry${e.applied ? '' : ' draft'}`, 'data-action': e.action },
          h('div', { class: 'edit-history-head' },
            h('strong', {}, key ? et(key) : e.action),
            h('span', { class: 'muted' }, ` ${e.actor ?? '—'} · ${new Date(e.at).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB')}`)),
          changes.length ? h('div', { class: 'edit-history-changes' }, changes.slice(0, 6).join('；')) : null,
          e.geometryChanged ? h('div', { class: 'edit-history-changes' }, et('geometryChanged')) : null,
          e.applied && e.action !== 'delete' && e.action !== 'undo'
            ? h('button', { type: 'button', class: 'link-button edit-restore', disabled: this.busy, onclick: () => void this.restore(e) }, et('restore'))
            : null);
      })));
  }

  private tableTab(): HTMLElement {
    const layer = this.host.layers().find((l) => l.id === this.tableLayer);
    const statusAttr = layer?.attributes.find((a) => a.name === 'status');
    const editable = this.host.layers().filter((l) => (EDITABLE_LAYERS as readonly string[]).includes(l.id));
    const zoomed = this.host.map.getZoom() >= TABLE_MIN_ZOOM;
    const allOn = this.tableRows.length > 0 && this.tableRows.every((f) => this.selected.has(String(f.id)));
    const bulkStatus = h('select', { id: 'edit-bulk-status', 'aria-label': et('bulkSet') },
      Object.entries(statusAttr?.values ?? {}).map(([k, l]) => h('option', { value: k }, tr(l))));
    const bulkDate = h('input', { id: 'edit-bulk-date', type: 'date', 'aria-label': et('bulkDate'), value: new Date().toISOString().slice(0, 10) });
    return h('div', { class: 'edit-table-tab' },
      h('div', { class: 'edit-actions' },
        h('select', { id: 'edit-table-layer', 'aria-label': et('layer'), onchange: (e: Event) => { this.tableLayer = (e.target as HTMLSelectElement).value; this.selected.clear(); void this.loadTable(); } },
          editable.map((l) => h('option', { value: l.id, selected: l.id === this.tableLayer }, tr(l.title)))),
        h('span', { class: 'muted' }, zoomed ? et('inView', { n: this.tableRows.length }) : et('zoomIn'))),
      h('div', { class: 'edit-table-wrap' },
        h('table', { class: 'edit-table', id: 'edit-table' },
          h('thead', {}, h('tr', {},
            h('th', {}, h('input', { type: 'checkbox', 'aria-label': et('selectAll'), checked: allOn, onchange: (e: Event) => {
              const on = (e.target as HTMLInputElement).checked;
              for (const f of this.tableRows) if (on) this.selected.add(String(f.id)); else this.selected.delete(String(f.id));
              this.render();
            } })),
            h('th', {}, et('name')),
            statusAttr ? h('th', {}, tr(statusAttr.label)) : null,
            layer?.attributes.some((a) => a.name === 'price') ? h('th', {}, tr(layer.attributes.find((a) => a.name === 'price')!.label)) : null)),
          h('tbody', {}, this.tableRows.map((f) => {
            const id = String(f.id);
            return h('tr', { 'data-id': id },
              h('td', {}, h('input', { type: 'checkbox', checked: this.selected.has(id), 'aria-label': String(f.properties.name ?? id), onchange: (e: Event) => {
                if ((e.target as HTMLInputElement).checked) this.selected.add(id); else this.selected.delete(id);
                this.render();
              } })),
              h('td', {}, h('button', { type: 'button', class: 'link-button', onclick: () => void this.open(this.tableLayer, id) }, String(f.properties.name ?? id)),
                h('div', { class: 'muted small' }, String(f.properties.code ?? ''))),
              statusAttr ? h('td', {}, tr(statusAttr.values?.[String(f.properties.status)]) || '—') : null,
              layer?.attributes.some((a) => a.name === 'price') ? h('td', { class: 'num' }, f.properties.price === null || f.properties.price === undefined ? '—' : String(f.properties.price)) : null);
          })))),
      statusAttr ? h('div', { class: 'edit-bulk' },
        h('span', {}, et('selected', { n: this.selected.size })),
        bulkStatus, bulkDate,
        h('button', { type: 'button', class: 'primary-button', id: 'edit-bulk-apply', disabled: this.selected.size === 0 || this.busy,
          onclick: () => void this.applyBulk(bulkStatus.value, bulkDate.value) }, et('bulkApply'))) : null);
  }

  private reviewTab(): HTMLElement {
    const layers = this.host.layers();
    const fmt = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : Array.isArray(v) ? v.join('、') : String(v));
    if (this.changesets.length === 0) return h('p', { class: 'muted', id: 'edit-review-empty' }, et('noChangesets'));
    return h('ol', { class: 'edit-changesets', id: 'edit-changesets' }, this.changesets.map((cs) => h('li', { class: 'edit-changeset', 'data-id': cs.id },
      h('div', { class: 'edit-history-head' },
        h('strong', {}, `#${cs.id} · ${cs.author}`),
        h('span', { class: 'muted' }, ` ${new Date(cs.createdAt).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB')} · ${et('features', { n: cs.revisions.length })}`)),
      cs.note ? h('p', { class: 'edit-note' }, cs.note) : null,
      h('ul', {}, cs.revisions.slice(0, 8).map((r) => {
        const layer = layers.find((l) => l.id === r.layer);
        const labels = new Map(layer ? formAttributes(layer).map((a) => [a.name, tr(a.label)]) : []);
        const act = et(r.action === 'create' ? 'actCreate' : r.action === 'delete' ? 'actDelete' : 'actUpdate');
        const changes = Object.entries(r.changes).map(([k, v]) => `${labels.get(k) ?? k}: ${fmt(v.before)} → ${fmt(v.after)}`);
        return h('li', {},
          h('button', { type: 'button', class: 'link-button', onclick: () => void this.open(r.layer, r.featureId) }, `${layer ? tr(layer.title) : r.layer} ${r.featureId}`),
          ` ${act}`,
          changes.length ? h('div', { class: 'edit-history-changes' }, changes.slice(0, 6).join('；')) : null,
          r.geometryChanged && r.action === 'update' ? h('div', { class: 'edit-history-changes' }, et('geometryChanged')) : null);
      }), cs.revisions.length > 8 ? h('li', { class: 'muted' }, '…') : null),
      h('div', { class: 'edit-actions' },
        h('button', { type: 'button', class: 'primary-button edit-publish', disabled: this.busy, onclick: () => void this.decide(cs, 'publish') }, et('publish')),
        h('button', { type: 'button', class: 'text-button danger edit-reject', disabled: this.busy, onclick: () => void this.decide(cs, 'reject') }, et('reject'))))));
  }
}
