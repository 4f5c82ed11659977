/**
 * The upload form (`#upload-form`): target layer (`#layer-select`), coordinate system
 * (`#crs-select`), attribute encoding (`#encoding-select`), optional field mapping, the drop zone,
 * and the upload button with a real progress bar (`#upload-progress`, bytes sent as reported by
 * the shared client's requestMultipart). Resolves each upload to the view through `onUploaded`.
 */
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError } from '../shared/http.client.ts';
import { formatNumber, t, type StringKey } from '../shared/i18n.service.ts';
import { FileDropComponent } from './file-drop.component.ts';
import { IMPORT_LAYERS, uploadBatch, type ImportBatch, type ImportLayer, type UploadOptions } from './imports.service.ts';
import { formatBytes, layerLabel } from './upload-format.util.ts';

/** Coordinate systems offered; '' is "from the file" (.prj, GeoJSON crs, the format's default). */
const CRS_OPTIONS: { value: string; label: string | StringKey }[] = [
  { value: '', label: 'uploadCrsAuto' },
  { value: 'EPSG:4326', label: 'EPSG:4326 · WGS84' },
  { value: 'EPSG:4490', label: 'EPSG:4490 · CGCS2000' },
  { value: 'EPSG:4545', label: 'EPSG:4545 · CGCS2000 GK CM 108E（达州）' },
  { value: 'EPSG:4544', label: 'EPSG:4544 · CGCS2000 GK CM 105E' },
  { value: 'EPSG:4546', label: 'EPSG:4546 · CGCS2000 GK CM 111E' },
  { value: 'EPSG:4523', label: 'EPSG:4523 · CGCS2000 GK zone 35 (3°, 带号)' },
  { value: 'EPSG:4524', label: 'EPSG:4524 · CGCS2000 GK zone 36 (3°, 带号)' },
  { value: 'EPSG:4525', label: 'EPSG:4525 · CGCS2000 GK zone 37 (3°, 带号)' },
  { value: 'EPSG:32648', label: 'EPSG:32648 · WGS84 UTM 48N' },
  { value: 'EPSG:32649', label: 'EPSG:32649 · WGS84 UTM 49N' },
  { value: 'gcj02', label: 'GCJ-02（高德 / 腾讯）' },
  { value: 'bd09', label: 'BD-09（百度）' },
];

const ENCODINGS: { value: string; label: string | StringKey }[] = [
  { value: '', label: 'uploadEncodingAuto' },
  { value: 'utf-8', label: 'UTF-8' },
  { value: 'gbk', label: 'GBK' },
];

function optionLabel(label: string): string {
  return /^[a-z][A-Za-z]+$/.test(label) ? t(label as StringKey) : label;
}

/** Callbacks of the form. */
export interface UploadFormHandlers {
  /** A batch came back (new, or the earlier one when `duplicateOf` is set). */
  onUploaded(batch: ImportBatch): void;
  /** The upload failed (a failed batch may now be listed). */
  onFailed(): void;
}

/** The upload card. */
export class UploadFormComponent {
  readonly element: HTMLElement;
  private readonly drop: FileDropComponent;
  private layer: ImportLayer = 'land';
  private crs = '';
  private encoding = '';
  private mapping = '';
  private controller: AbortController | null = null;
  private progress: { loaded: number; total: number } | null = null;
  private processing = false;
  private error: string | null = null;

  constructor(private readonly handlers: UploadFormHandlers) {
    this.element = h('section', { id: 'upload-form', class: 'card panel', 'aria-labelledby': 'upload-form-title' });
    this.drop = new FileDropComponent(() => {
      this.error = null;
      this.renderFooter();
    });
  }

  private get busy(): boolean {
    return this.controller !== null;
  }

  /** Redraw (also after a language switch). */
  render(): void {
    const field = (label: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), control);
    const layer = h('select', {
      id: 'layer-select', name: 'layer', disabled: this.busy,
      onchange: (e: Event) => { this.layer = (e.target as HTMLSelectElement).value as ImportLayer; },
    }, IMPORT_LAYERS.map((l) => h('option', { value: l, selected: l === this.layer }, layerLabel(l))));
    const crs = h('select', {
      id: 'crs-select', name: 'crs', disabled: this.busy,
      onchange: (e: Event) => { this.crs = (e.target as HTMLSelectElement).value; },
    }, CRS_OPTIONS.map((o) => h('option', { value: o.value, selected: o.value === this.crs }, optionLabel(o.label))));
    const encoding = h('select', {
      id: 'encoding-select', name: 'encoding', disabled: this.busy,
      onchange: (e: Event) => { this.encoding = (e.target as HTMLSelectElement).value; },
    }, ENCODINGS.map((o) => h('option', { value: o.value, selected: o.value === this.encoding }, optionLabel(o.label))));
    const mapping = h('details', { class: 'mapping', open: this.mapping ? true : null },
      h('summary', {}, t('uploadAdvanced')),
      h('textarea', {
        id: 'mapping-input', name: 'mapping', rows: '3', spellcheck: 'false', placeholder: t('uploadMappingHint'), disabled: this.busy,
        oninput: (e: Event) => { this.mapping = (e.target as HTMLTextAreaElement).value; },
      }, this.mapping));

    this.drop.render();
    this.element.replaceChildren(
      h('h2', { id: 'upload-form-title', class: 'panel-title' }, t('uploadNewTitle')),
      h('div', { class: 'field-grid' },
        field(t('uploadTargetLayer'), layer),
        field(t('uploadEncoding'), encoding),
        h('div', { class: 'span-2' }, field(t('uploadCrs'), crs))),
      mapping,
      this.drop.element,
      h('div', { class: 'upload-footer' }));
    this.renderFooter();
  }

  /** The button, progress bar and error line (redrawn while uploading without touching the inputs). */
  private renderFooter(): void {
    const footer = this.element.querySelector('.upload-footer');
    if (!footer) return;
    const p = this.progress;
    const percent = p && p.total ? Math.min(100, Math.round((p.loaded / p.total) * 100)) : 0;
    const bar = this.busy
      ? h('div', { class: 'progress-wrap' },
        h('div', {
          id: 'upload-progress', class: `progress${this.processing ? ' indeterminate' : ''}`, role: 'progressbar',
          'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': this.processing ? null : String(percent),
        }, h('div', { class: 'progress-bar', style: this.processing ? null : `width: ${percent}%` })),
        h('div', { id: 'upload-status', class: 'progress-text', 'aria-live': 'polite' },
          this.processing
            ? t('uploadProcessing')
            : t('uploadProgress', { percent: formatNumber(percent, 0), loaded: formatBytes(p?.loaded ?? 0), total: formatBytes(p?.total ?? 0) })))
      : null;
    footer.replaceChildren(
      bar ?? '',
      this.error ? h('p', { id: 'upload-error', class: 'error', role: 'alert' }, this.error) : '',
      h('div', { class: 'upload-actions' },
        this.busy
          ? h('button', { id: 'upload-cancel', type: 'button', class: 'text-button', onclick: () => this.controller?.abort() }, t('uploadCancel'))
          : '',
        h('button', {
          id: 'upload-button', type: 'button', class: 'primary-button', disabled: this.busy || !this.drop.value.length,
          onclick: () => void this.upload(),
        }, t('uploadStart'))));
  }

  private options(): UploadOptions | null {
    let mapping: Record<string, string> | undefined;
    if (this.mapping.trim()) {
      try {
        const parsed: unknown = JSON.parse(this.mapping);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('{"source": "column"}');
        mapping = parsed as Record<string, string>;
      } catch (err) {
        this.error = t('uploadMappingInvalid') + (err as Error).message;
        return null;
      }
    }
    return { layer: this.layer, crs: this.crs || undefined, encoding: this.encoding || undefined, mapping };
  }

  /** Send the chosen files with the chosen options; errors stay in the form. */
  async upload(): Promise<void> {
    if (this.busy) return;
    this.error = null;
    const files = this.drop.value;
    if (!files.length) {
      this.error = t('uploadNoFiles');
      return this.renderFooter();
    }
    const opts = this.options();
    if (!opts) return this.renderFooter();
    this.controller = new AbortController();
    this.progress = { loaded: 0, total: files.reduce((s, f) => s + f.file.size, 0) };
    this.processing = false;
    this.drop.setDisabled(true);
    this.render();
    try {
      const batch = await uploadBatch(files, opts, this.controller.signal, (p) => {
        this.progress = p;
        // The body is sent; the server now reads, reprojects and validates before answering.
        this.processing = p.loaded >= p.total;
        this.renderFooter();
      });
      this.drop.clear();
      this.handlers.onUploaded(batch);
    } catch (err) {
      this.error = isAbortError(err)
        ? t('uploadCancelled')
        : t('uploadFailed') + (err instanceof HttpError ? err.message : String(err));
      if (!isAbortError(err)) this.handlers.onFailed();
    } finally {
      this.controller = null;
      this.progress = null;
      this.processing = false;
      this.drop.setDisabled(false);
      this.render();
    }
  }
}
