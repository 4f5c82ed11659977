/**
 * The head of a batch preview (`#batch-preview`): batch number, layer, status chip and times, a
 * notice (duplicate upload, action result), the summary counts (`#summary-counts`), detected
 * coordinate systems and file-level issues, and the actions the user's role allows: commit and
 * undo (staff, admin), verify and publish (reviewer, admin). Staff map the unmapped attributes of
 * a validated batch here (`#field-mapping`: one choice of layer attribute per source field); the
 * server stages the batch again with the mapping before anything is committed.
 */
import { h } from '../shared/dom.util.ts';
import { formatNumber, getLang, t, type StringKey } from '../shared/i18n.service.ts';
import { statusChip } from './batch-list.component.ts';
import type { BatchMapping, ImportBatch, ImportItems, ReviewState } from './imports.service.ts';
import { formatArea, formatTime, formatValue, layerLabel } from './upload-format.util.ts';

/** A message above the counts. */
export interface Notice {
  kind: 'info' | 'success' | 'warning' | 'error';
  /** The text in the current language (called on every redraw, so a language switch applies). */
  text: () => string;
}

/** What the preview head shows. */
export interface BatchPreviewState {
  batch: ImportBatch;
  items: ImportItems | null;
  notice: Notice | null;
  canEdit: boolean;
  canReview: boolean;
  /** An action is running: buttons are disabled. */
  busy: boolean;
  /** The batch's field mapping and its targets (staff, validated carrier batches with unmapped fields). */
  mapping?: BatchMapping | null;
}

/** Callbacks of the action buttons. */
export interface BatchPreviewHandlers {
  onCommit(): void;
  onUndo(): void;
  onReview(state: ReviewState): void;
  /** Apply `{ sourceField: attribute }` to the batch (staged again on the server). */
  onMap?(mapping: Record<string, string>): void;
}

const MAP_TEXT = {
  title: { zh: '字段对应', en: 'Map fields' },
  hint: {
    zh: '为未对应的字段选择图层属性，系统将按新的对应关系重新校验本批次（提交前有效）。',
    en: 'Pick a layer attribute for each unmapped field; the batch is validated again with the new mapping (before it is committed).',
  },
  source: { zh: '源字段', en: 'Source field' },
  files: { zh: '文件', en: 'Files' },
  target: { zh: '对应到图层属性', en: 'Layer attribute' },
  none: { zh: '— 不对应（不导入）—', en: '— leave unmapped (not imported) —' },
  ignore: { zh: '忽略此字段（不再提示）', en: 'Ignore this field (no more reminders)' },
  apply: { zh: '应用对应并重新校验', en: 'Apply mapping and validate again' },
  rows: { zh: '{n} 行', en: '{n} rows' },
  mapped: { zh: '已对应：', en: 'Mapped: ' },
} as const;
const mt = (k: keyof typeof MAP_TEXT, n?: number) => MAP_TEXT[k][getLang()].replace('{n}', String(n ?? ''));

const COUNTS: { key: 'total' | 'valid' | 'warnings' | 'rejected' | 'updates'; label: StringKey }[] = [
  { key: 'total', label: 'uploadTotal' },
  { key: 'valid', label: 'uploadValid' },
  { key: 'warnings', label: 'uploadWarnings' },
  { key: 'rejected', label: 'uploadRejected' },
  { key: 'updates', label: 'uploadUpdates' },
];

/** The preview head card. */
export class BatchPreviewComponent {
  readonly element: HTMLElement;
  private state: BatchPreviewState | null = null;

  constructor(private readonly handlers: BatchPreviewHandlers) {
    this.element = h('section', { id: 'batch-preview', class: 'card panel', 'aria-live': 'polite' });
  }

  /** Show a batch, or the empty hint for null. */
  update(state: BatchPreviewState | null): void {
    this.state = state;
    this.render();
  }

  /** Redraw (also after a language switch). */
  render(): void {
    const s = this.state;
    if (!s) {
      this.element.removeAttribute('data-batch-id');
      this.element.removeAttribute('data-status');
      this.element.replaceChildren(h('p', { class: 'muted empty' }, t('uploadPreviewEmpty')));
      return;
    }
    const b = s.batch;
    this.element.dataset.batchId = String(b.id);
    this.element.dataset.status = b.status;
    const summary = b.summary ?? {};
    const times = [
      t('uploadCreatedAt', { time: formatTime(b.createdAt) }),
      b.committedAt ? t('uploadCommittedAt', { time: formatTime(b.committedAt) }) : '',
      b.undoneAt ? t('uploadUndoneAt', { time: formatTime(b.undoneAt) }) : '',
    ].filter(Boolean).join(' · ');

    const head = h('div', { class: 'preview-head' },
      h('div', { class: 'preview-title' },
        h('h2', { class: 'panel-title' }, t('uploadBatchN', { id: b.id }), h('span', { class: 'batch-layer' }, layerLabel(b.layer))),
        h('span', { id: 'batch-status' }, statusChip(b.status)),
        h('div', { class: 'buttons preview-buttons' }, this.actions(s))),
      h('div', { class: 'muted preview-times' }, times),
      h('div', { class: 'muted preview-files' }, (b.files ?? []).map((f) => f.name).join('、')));

    const notice = s.notice ? h('p', { id: 'batch-notice', class: `notice notice-${s.notice.kind}`, role: s.notice.kind === 'error' ? 'alert' : 'status' }, s.notice.text()) : null;
    const failure = b.status === 'failed' && b.error ? h('p', { class: 'notice notice-error' }, t('uploadBatchError') + b.error) : null;

    const area = (s.items?.features ?? [])
      .filter((f) => f.properties.status !== 'rejected' && typeof f.properties.area_m2 === 'number')
      .reduce((sum, f) => sum + Number(f.properties.area_m2), 0);
    const noGeometry = (s.items?.features ?? []).filter((f) => !f.geometry).length;
    const counts = summary.total === undefined ? null : h('div', { id: 'summary-counts', class: 'counts' },
      COUNTS.map(({ key, label }) => h('div', { class: 'count', 'data-count': key },
        h('strong', {}, formatNumber(Number(summary[key] ?? 0), 0)),
        h('span', {}, t(label)))),
      area > 0 ? h('div', { class: 'count count-area', 'data-count': 'area' }, h('strong', {}, formatArea(area)), h('span', {}, t('uploadTotalArea'))) : null);

    const crs = summary.crs?.length
      ? h('div', { class: 'detail' }, h('span', { class: 'detail-label' }, t('uploadDetectedCrs')),
        h('ul', { id: 'detected-crs' }, summary.crs.map((c) => h('li', {}, c))))
      : null;
    // Files left out and unmapped attributes have their own lists below.
    const otherIssues = (summary.fileIssues ?? []).filter((i) => !i.code || !(i.code.startsWith('not_imported') || i.code === 'unmapped_fields'));
    const fileIssues = otherIssues.length
      ? h('div', { class: 'detail' }, h('span', { class: 'detail-label' }, t('uploadFileIssues')),
        h('ul', { class: 'file-issues' }, otherIssues.map((i) => h('li', {},
          h('strong', {}, i.file), ': ', i.field ? h('code', {}, i.field) : '', i.value !== undefined ? h('code', { class: 'value' }, formatValue(i.value)) : '', ' ', i.message))))
      : null;
    const notImported = summary.notImported?.length
      ? h('div', { class: 'detail' }, h('span', { class: 'detail-label' }, t('uploadNotImported')),
        h('ul', { id: 'not-imported', class: 'file-issues' }, summary.notImported.map((n) => h('li', { 'data-code': n.code }, n.reason))))
      : null;
    const unmapped = summary.unmapped?.length
      ? h('div', { class: 'detail' }, h('span', { class: 'detail-label' }, t('uploadUnmapped')),
        h('ul', { id: 'unmapped-fields', class: 'file-issues' }, summary.unmapped.map((u) => h('li', {},
          h('strong', {}, u.file), ': ',
          ...u.fields.flatMap((f, i) => [i ? '、' : '', h('code', { 'data-field': f.field }, f.field), ` (${t('uploadUnmappedRows', { n: f.rows })})`])))),
        h('p', { class: 'muted small' }, t('uploadUnmappedHint')))
      : null;
    const mappingForm = this.mappingForm(s);
    const geometryNote = noGeometry ? h('p', { class: 'muted small' }, t('itemNoGeometry', { n: noGeometry })) : null;

    const reviewHint = s.canReview && b.status === 'committed'
      ? t('reviewHint')
      : s.canReview && !s.canEdit && b.status !== 'committed' && b.status !== 'undone' ? t('reviewNotCommitted') : null;

    this.element.replaceChildren(head, notice ?? '', failure ?? '', counts ?? '',
      h('div', { class: 'details' }, crs ?? '', fileIssues ?? '', notImported ?? '', unmapped ?? ''), mappingForm ?? '', geometryNote ?? '',
      reviewHint ? h('p', { class: 'muted small review-hint' }, reviewHint) : '');
  }

  /**
   * The mapping form: one select per unmapped (or already mapped) source field with the layer's
   * attributes; only for staff, a validated batch and a layer with attribute mapping.
   */
  private mappingForm(s: BatchPreviewState): HTMLElement | null {
    const m = s.mapping;
    if (!m || !s.canEdit || s.batch.status !== 'validated' || !this.handlers.onMap || m.targets.length === 0 || m.fields.length === 0) return null;
    const label = (c: string) => {
      const target = m.targets.find((x) => x.column === c);
      return target ? `${target.label[getLang()]}${target.unit ? ` (${target.unit})` : ''}` : c;
    };
    const rows = m.fields.map((f) => {
      const select = h('select', { name: f.field, 'aria-label': `${mt('target')}: ${f.field}` },
        h('option', { value: '' }, mt('none')),
        m.targets.map((x) => h('option', { value: x.column }, label(x.column))),
        h('option', { value: 'ignore' }, mt('ignore')));
      select.value = f.mappedTo === null ? '' : f.mappedTo === '' ? 'ignore' : f.mappedTo;
      return h('tr', { 'data-field': f.field },
        h('td', {}, h('code', {}, f.field), f.rows ? h('span', { class: 'muted small' }, ` ${mt('rows', f.rows)}`) : ''),
        h('td', { class: 'mapping-files' }, f.files.join('、')),
        h('td', {}, select));
    });
    const form = h('form', { id: 'field-mapping', class: 'field-mapping' },
      h('h3', {}, mt('title')),
      h('p', { class: 'muted small' }, mt('hint')),
      h('div', { class: 'table-scroll' }, h('table', { class: 'mapping-table' },
        h('thead', {}, h('tr', {}, h('th', {}, mt('source')), h('th', {}, mt('files')), h('th', {}, mt('target')))),
        h('tbody', {}, rows))),
      h('button', { id: 'apply-mapping', type: 'submit', class: 'primary-button', disabled: s.busy }, mt('apply')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const mapping: Record<string, string> = {};
      for (const sel of form.querySelectorAll('select')) {
        const before = m.fields.find((f) => f.field === sel.name)?.mappedTo ?? '';
        // Send the fields the user chose (or changed) a target for.
        if (sel.value !== '' || before !== '') mapping[sel.name] = sel.value === '' ? 'ignore' : sel.value;
      }
      if (Object.keys(mapping).length) this.handlers.onMap!(mapping);
    });
    return form;
  }

  /** The buttons the role and the batch status allow. */
  private actions(s: BatchPreviewState): HTMLElement[] {
    const b = s.batch;
    const actions: HTMLElement[] = [];
    if (s.canEdit && b.status === 'validated') {
      actions.push(h('button', { id: 'commit-button', type: 'button', class: 'primary-button', disabled: s.busy, onclick: () => this.handlers.onCommit() }, t('uploadCommit')));
    }
    if (s.canReview && b.status === 'committed') {
      actions.push(
        h('button', { id: 'verify-button', type: 'button', class: 'secondary-button', disabled: s.busy, onclick: () => this.handlers.onReview('verified') }, t('reviewVerify')),
        h('button', { id: 'publish-button', type: 'button', class: 'primary-button', disabled: s.busy, onclick: () => this.handlers.onReview('published') }, t('reviewPublish')));
    }
    if (s.canEdit && b.status === 'committed') {
      actions.push(h('button', { id: 'undo-button', type: 'button', class: 'danger-button', disabled: s.busy, onclick: () => this.handlers.onUndo() }, t('uploadUndo')));
    }
    return actions;
  }
}
