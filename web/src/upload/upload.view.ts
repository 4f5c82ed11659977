/**
 * The survey upload and review page (web/upload.html). Signed-out visitors get a sign-in form;
 * staff and admins upload files into a batch, preview it (counts, map, issue table), commit or
 * undo it; reviewers and admins verify and publish committed batches. The selected batch is kept
 * in the URL hash (`#batch=12`), so a reload or a shared link opens the same preview.
 *
 * This file wires state to the components; every request goes through `imports.service.ts`.
 */
import 'maplibre-gl/dist/maplibre-gl.css';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { fetchLayers, fetchMe } from '../shared/api.service.ts';
import type { FeaturePage, LayerInfo, SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError, requestJson } from '../shared/http.client.ts';
import { getLang, onLangChange, roleLabel, t } from '../shared/i18n.service.ts';
import { PageShell } from '../shared/page-shell.ts';
import { SignInForm } from '../shared/sign-in.component.ts';
import { BatchListComponent } from './batch-list.component.ts';
import { BatchPreviewComponent, type Notice } from './batch-preview.component.ts';
import { ConfirmDialogComponent } from './confirm-dialog.component.ts';
import {
  commitBatch, fetchBatch, fetchIssues, fetchItems, fetchMapping, listBatches, remapBatch, reviewBatch, undoBatch, type BatchMapping,
  type ImportBatch, type ImportItems, type ReviewState,
} from './imports.service.ts';
import { classifyIssues, IssueTableComponent } from './issue-table.component.ts';
import { PreviewMapComponent, STATUS_COLORS, type CountyFeature, type PreviewContext } from './preview-map.component.ts';
import { UploadFormComponent } from './upload-form.component.ts';
import { ImageryPanelComponent } from './imagery-panel.component.ts';
import { ThreeDPanelComponent } from './three-d-panel.component.ts';
import { itemStatusLabel } from './upload-format.util.ts';

/** The test and console hooks exposed as `window.__upload`. */
export interface UploadHandle {
  /** Resolves once the session is known and the page is drawn. */
  ready: Promise<void>;
  /** The preview map (null until a signed-in page draws it). */
  readonly map: MapLibreMap | null;
  /** Resolves when the currently selected batch's preview (map, counts, issues) is drawn. */
  previewReady(): Promise<void>;
}

const HASH = /^#batch=(\d+)$/;
/** Notice after a re-mapping. */
const REMAPPED = { zh: '已按新的字段对应关系（{n} 个字段）重新校验本批次', en: 'Batch validated again with the new mapping ({n} fields)' } as const;

/** The upload page. Create one per document with `new UploadView(root)`. */
export class UploadView {
  readonly ready: Promise<void>;
  private user: SessionUser | null = null;
  private batches: ImportBatch[] | null = null;
  private batch: ImportBatch | null = null;
  private items: ImportItems | null = null;
  /** The shown batch's field mapping (staff, validated carrier batches). */
  private mapping: BatchMapping | null = null;
  private notice: Notice | null = null;
  private busy = false;
  private preview: Promise<void> = Promise.resolve();
  /** Layer catalog and counties, for popup labels and the map's context; loaded once, optional. */
  private catalog: Promise<{ layers: LayerInfo[]; counties: CountyFeature[] }> | null = null;

  private readonly shell: PageShell;
  private readonly stage: HTMLElement;
  private readonly signIn: SignInForm;
  private readonly confirm: ConfirmDialogComponent;
  private uploadForm: UploadFormComponent | null = null;
  private batchList: BatchListComponent | null = null;
  private previewHead: BatchPreviewComponent | null = null;
  private issueTable: IssueTableComponent | null = null;
  private previewMap: PreviewMapComponent | null = null;
  private mapCard: HTMLElement | null = null;
  private imageryPanel: ImageryPanelComponent | null = null;
  private threeDPanel: ThreeDPanelComponent | null = null;

  private listController: AbortController | null = null;
  private previewController: AbortController | null = null;
  private actionController: AbortController | null = null;

  constructor(root: HTMLElement) {
    this.shell = new PageShell({
      page: 'upload',
      title: () => ({ long: `${t('appTitleShort')} · ${t('uploadTitle')}`, short: t('uploadTitleShort'), document: t('uploadTitle') }),
      signInButton: false,
      onUserChange: (user) => (user ? this.setUser(user) : this.signedOut()),
    });
    this.stage = h('main', { class: 'upload-stage' });
    this.signIn = new SignInForm({ onSignedIn: (user) => this.onSignedIn(user), hint: 'uploadSignInHint', ids: true });
    this.signIn.element.classList.add('card', 'sign-in-card');
    this.confirm = new ConfirmDialogComponent();
    root.replaceChildren(this.shell.element, this.stage, this.confirm.element);
    onLangChange(() => this.onLangChanged());
    window.addEventListener('hashchange', () => {
      const id = this.hashBatch();
      if (this.user && id !== null && id !== this.batch?.id) this.select(id);
    });
    this.renderTopBar();
    this.ready = this.start();
    this.ready.catch(() => {});
  }

  /** `window.__upload`. */
  handle(): UploadHandle {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const view = this;
    return {
      ready: this.ready,
      get map() { return view.previewMap?.map ?? null; },
      previewReady: () => view.preview,
    };
  }

  private async start(): Promise<void> {
    document.title = t('uploadTitle');
    let user: SessionUser | null = null;
    try {
      user = await fetchMe(new AbortController().signal);
    } catch {
      // Treat an unreachable session endpoint as signed out; the sign-in form reports errors.
    }
    this.setUser(user);
  }

  private get canEdit(): boolean {
    return this.user?.role === 'staff' || this.user?.role === 'admin';
  }

  private get canReview(): boolean {
    return this.user?.role === 'reviewer' || this.user?.role === 'admin';
  }

  private hashBatch(): number | null {
    const m = HASH.exec(location.hash);
    return m ? Number(m[1]) : null;
  }

  // ---------------------------------------------------------------- session

  private onSignedIn(user: SessionUser): void {
    this.setUser(user);
  }

  /** After the shell signed the user out: forget the batches and show the sign-in form. */
  private signedOut(): void {
    this.threeDPanel?.dispose();
    this.listController?.abort();
    this.previewController?.abort();
    this.batch = null;
    this.items = null;
    this.batches = null;
    this.notice = null;
    this.setUser(null);
  }

  private setUser(user: SessionUser | null): void {
    this.user = user;
    this.renderTopBar();
    if (!user) {
      this.stage.replaceChildren(this.signIn.element);
      this.stage.className = 'upload-stage signed-out';
      this.signIn.render();
      this.signIn.focus();
      return;
    }
    if (!this.canEdit && !this.canReview) {
      this.stage.className = 'upload-stage signed-out';
      this.stage.replaceChildren(h('section', { class: 'card sign-in-card' }, h('p', { id: 'no-access', class: 'notice notice-warning' }, t('uploadNoAccess', { role: roleLabel(user.role) }))));
      return;
    }
    this.buildWorkspace();
    this.catalog ??= this.loadCatalog();
    void this.loadBatches();
    const id = this.hashBatch();
    if (id !== null) this.select(id);
  }

  // ---------------------------------------------------------------- layout

  private buildWorkspace(): void {
    this.uploadForm = this.canEdit
      ? new UploadFormComponent({
        onUploaded: (batch) => this.onUploaded(batch),
        onFailed: () => void this.loadBatches(),
      })
      : null;
    this.batchList = new BatchListComponent((id) => this.select(id), () => void this.loadBatches());
    this.previewHead = new BatchPreviewComponent({
      onCommit: () => void this.commit(),
      onUndo: () => void this.undo(),
      onReview: (state) => void this.review(state),
      onMap: (mapping) => void this.remap(mapping),
    });
    this.issueTable = new IssueTableComponent((id) => {
      this.previewMap?.focus(id);
      this.mapCard?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    });
    this.previewMap ??= new PreviewMapComponent();
    this.mapCard = h('section', { class: 'card map-card', 'aria-label': t('uploadTitle') },
      this.previewMap.element,
      h('div', { class: 'map-legend', id: 'map-legend' }));
    this.imageryPanel = new ImageryPanelComponent({ canEdit: this.canEdit, canReview: this.canReview });
    this.threeDPanel?.dispose();
    this.threeDPanel = new ThreeDPanelComponent({ canEdit: this.canEdit, canReview: this.canReview });
    this.stage.className = 'upload-stage';
    this.stage.replaceChildren(
      h('aside', { class: 'upload-side' }, this.uploadForm?.element ?? '', this.batchList.element, this.imageryPanel.element, this.threeDPanel.element),
      h('section', { class: 'upload-main' }, this.previewHead.element, this.mapCard, this.issueTable.element));
    this.renderWorkspace();
  }

  private renderWorkspace(): void {
    this.uploadForm?.render();
    this.imageryPanel?.render();
    this.threeDPanel?.render();
    this.batchList?.update(this.batches);
    this.batchList?.select(this.batch?.id ?? null);
    this.renderPreview();
    const legend = this.mapCard?.querySelector('#map-legend');
    legend?.replaceChildren(...(['valid', 'warning'] as const).map((s) => h('span', { class: 'map-legend-item' },
      h('span', { class: 'swatch', style: `background: ${STATUS_COLORS[s]}55; border-color: ${STATUS_COLORS[s]}` }), itemStatusLabel(s))));
  }

  private renderPreview(): void {
    const has = this.batch !== null;
    this.previewHead?.update(this.batch ? {
      batch: this.batch, items: this.items, notice: this.notice, canEdit: this.canEdit, canReview: this.canReview, busy: this.busy,
      mapping: this.mapping,
    } : null);
    if (this.mapCard) this.mapCard.hidden = !has;
    if (this.issueTable) this.issueTable.element.hidden = !has;
  }

  private renderTopBar(): void {
    this.shell.setUser(this.user);
  }

  private onLangChanged(): void {
    document.title = t('uploadTitle');
    this.renderTopBar();
    this.previewMap?.closePopup();
    if (!this.user) this.signIn.render();
    else if (this.batchList) {
      this.mapCard?.setAttribute('aria-label', t('uploadTitle'));
      this.renderWorkspace();
      this.issueTable?.render();
      // The server words issues, reasons and file problems in the page's language: ask again.
      if (this.batch) this.select(this.batch.id, this.notice);
    } else this.setUser(this.user);
  }

  // ---------------------------------------------------------------- data

  private async loadCatalog(): Promise<{ layers: LayerInfo[]; counties: CountyFeature[] }> {
    const signal = new AbortController().signal;
    // Labels and outlines only make the preview nicer; without them it still works.
    const [layers, counties] = await Promise.all([
      fetchLayers(signal).catch(() => [] as LayerInfo[]),
      requestJson<FeaturePage>('/api/layers/counties/features?limit=50', { signal })
        .then((page) => page.features as CountyFeature[]).catch(() => [] as CountyFeature[]),
    ]);
    void this.previewMap?.setCounties(counties);
    return { layers, counties };
  }

  private async previewContext(layerId: string): Promise<PreviewContext> {
    const { layers, counties } = await (this.catalog ?? Promise.resolve({ layers: [], counties: [] }));
    return {
      layer: layers.find((l) => l.id === layerId) ?? null,
      countyName: (adcode) => {
        const c = counties.find((f) => String(f.properties?.adcode ?? f.id) === adcode);
        const name = getLang() === 'en' ? c?.properties?.name_en : c?.properties?.name;
        return typeof name === 'string' ? name : undefined;
      },
    };
  }

  private async loadBatches(): Promise<void> {
    this.listController?.abort();
    const controller = (this.listController = new AbortController());
    try {
      this.batches = await listBatches(controller.signal, 50);
      this.batchList?.update(this.batches);
      this.batchList?.select(this.batch?.id ?? null);
    } catch (err) {
      if (isAbortError(err)) return;
      this.batchList?.update(null, t('loadFailed') + (err as Error).message);
    }
  }

  /** Open batch `id`'s preview. */
  private select(id: number, notice: Notice | null = null, known?: ImportBatch): void {
    this.preview = this.loadPreview(id, notice, known);
    this.preview.catch(() => {});
  }

  private async loadPreview(id: number, notice: Notice | null, known?: ImportBatch): Promise<void> {
    this.previewController?.abort();
    const controller = (this.previewController = new AbortController());
    const { signal } = controller;
    if (location.hash !== `#batch=${id}`) history.replaceState(null, '', `#batch=${id}`);
    this.notice = notice;
    this.items = null;
    this.mapping = null;
    this.batch = known ?? this.batches?.find((b) => b.id === id) ?? null;
    this.batchList?.select(id);
    this.issueTable?.update(null);
    this.previewMap?.clear();
    try {
      this.batch = known ?? await fetchBatch(id, signal);
      this.renderPreview();
      if (this.batch.status === 'failed' || this.batch.status === 'uploaded' || this.batch.status === 'parsed') {
        // Nothing was staged (or not yet): there are no items or item issues to show.
        this.items = { type: 'FeatureCollection', features: [] };
        const fileIssues = this.batch.summary?.fileIssues ?? [];
        this.issueTable?.update(classifyIssues(fileIssues, this.items));
        this.renderPreview();
        return;
      }
      const mappable = this.canEdit && this.batch.status === 'validated' && ['land', 'factories', 'offices'].includes(this.batch.layer);
      const [items, issues, mapping] = await Promise.all([
        fetchItems(id, signal), fetchIssues(id, signal), mappable ? fetchMapping(id, signal).catch(() => null) : Promise.resolve(null)]);
      this.items = items;
      this.mapping = mapping;
      this.renderPreview();
      this.issueTable?.update(classifyIssues(issues, items));
      await this.previewMap?.show(items, await this.previewContext(this.batch.layer));
    } catch (err) {
      if (isAbortError(err)) return;
      const message = t('loadFailed') + (err as Error).message;
      if (this.batch) {
        this.notice = { kind: 'error', text: () => message };
        this.renderPreview();
        this.issueTable?.update(null, message);
      } else {
        this.batch = null;
        this.renderPreview();
        this.previewHead?.element.replaceChildren(h('p', { class: 'error', role: 'alert' }, message));
      }
    }
  }

  // ---------------------------------------------------------------- actions

  private onUploaded(batch: ImportBatch): void {
    const notice: Notice | null = batch.duplicateOf
      ? { kind: 'warning', text: () => t('uploadDuplicate', { id: batch.duplicateOf! }) }
      : null;
    void this.loadBatches();
    this.select(batch.id, notice, batch);
  }

  /** Run one batch action with buttons disabled; the answer replaces the shown batch. */
  private async act(run: (signal: AbortSignal) => Promise<{ batch: ImportBatch; notice: Notice }>): Promise<void> {
    if (!this.batch || this.busy) return;
    this.actionController?.abort();
    const controller = (this.actionController = new AbortController());
    this.busy = true;
    this.renderPreview();
    try {
      const { batch, notice } = await run(controller.signal);
      if (this.batch?.id === batch.id) {
        this.batch = batch;
        this.notice = notice;
      }
      void this.loadBatches();
    } catch (err) {
      if (isAbortError(err)) return;
      this.notice = { kind: 'error', text: () => t('uploadActionFailed') + (err as Error).message };
    } finally {
      this.busy = false;
      this.renderPreview();
    }
  }

  /** Map source fields onto layer attributes; the batch is staged again, so its whole preview reloads. */
  private async remap(mapping: Record<string, string>): Promise<void> {
    const b = this.batch;
    if (!b) return;
    let done: ImportBatch | null = null;
    await this.act(async (signal) => {
      done = await remapBatch(b.id, mapping, signal);
      return { batch: done, notice: { kind: 'success', text: () => REMAPPED[getLang()].replace('{n}', String(Object.keys(mapping).length)) } };
    });
    if (done && this.batch?.id === b.id) this.select(b.id, this.notice, done);
  }

  private async commit(): Promise<void> {
    const b = this.batch;
    if (!b) return;
    const s = b.summary ?? {};
    const importable = Number(s.valid ?? 0) + Number(s.warnings ?? 0);
    const rejected = Number(s.rejected ?? 0);
    const message = rejected > 0
      ? t('uploadCommitRejected', { rejected, n: importable })
      : t('uploadCommitConfirm', { n: importable });
    if (!(await this.confirm.ask(message, t('uploadCommit')))) return;
    await this.act(async (signal) => {
      const batch = await commitBatch(b.id, signal);
      return { batch, notice: { kind: 'success', text: () => t('uploadCommitted', { id: b.id, n: importable }) } };
    });
  }

  private async undo(): Promise<void> {
    const b = this.batch;
    if (!b) return;
    if (!(await this.confirm.ask(t('uploadUndoConfirm', { id: b.id }), t('uploadUndo'), true))) return;
    await this.act(async (signal) => {
      const batch = await undoBatch(b.id, signal);
      return { batch, notice: { kind: 'info', text: () => t('uploadUndone', { id: b.id }) } };
    });
  }

  private async review(state: ReviewState): Promise<void> {
    const b = this.batch;
    if (!b) return;
    const verify = state === 'verified';
    const question = verify ? t('reviewVerifyConfirm', { id: b.id }) : t('reviewPublishConfirm', { id: b.id });
    if (!(await this.confirm.ask(question, verify ? t('reviewVerify') : t('reviewPublish')))) return;
    await this.act(async (signal) => {
      const { batch, features } = await reviewBatch(b.id, state, signal);
      const text = () => (verify ? t('reviewVerified', { id: b.id, n: features }) : t('reviewPublished', { id: b.id, n: features }));
      return { batch, notice: { kind: 'success', text } };
    });
  }
}
