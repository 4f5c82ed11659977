/**
 * Orthophoto (正射影像) upload and review on the upload page: staff pick a GeoTIFF / COG, give an
 * optional name, capture date and CRS, and see the upload's progress (bytes sent), then the tile
 * cutting's progress (polled from `/api/imagery/{id}`); reviewers verify and publish ready ones.
 * Errors from the server are shown as sent, in the page's language (they name the file and the
 * problem).
 */
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError, requestJson, requestMultipart, type UploadProgress } from '../shared/http.client.ts';
import { getLang, tr } from '../shared/i18n.service.ts';

interface ImageryRow {
  id: number;
  name: string;
  file_name: string;
  captured_on: string | null;
  status: 'processing' | 'ready' | 'failed';
  progress: number;
  error: { zh: string; en: string } | null;
  review_state: 'draft' | 'verified' | 'published';
  width: number;
  height: number;
  pixel_size_m: number;
  source_epsg: number;
  tile_count: number;
}

const STATE = {
  draft: { zh: '草稿', en: 'Draft' },
  verified: { zh: '已校核', en: 'Verified' },
  published: { zh: '已发布', en: 'Published' },
} as const;

/** The orthophoto card of the upload page. */
export class ImageryPanelComponent {
  readonly element: HTMLElement;
  private rows: ImageryRow[] = [];
  private message: { kind: 'error' | 'info'; text: string } | null = null;
  private uploading: { name: string; sent: number; total: number } | null = null;
  private timer: number | null = null;
  /** Cancels an upload still on its way. */
  private readonly controller = new AbortController();

  constructor(private readonly o: { canEdit: boolean; canReview: boolean }) {
    this.element = h('section', { class: 'card imagery-panel', id: 'imagery-panel' });
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.rows = (await requestJson<{ imagery: ImageryRow[] }>('/api/imagery', { signal: new AbortController().signal, lang: getLang() })).imagery;
    } catch (err) {
      this.message = { kind: 'error', text: err instanceof Error ? err.message : String(err) };
    }
    this.render();
    if (this.timer === null && this.rows.some((r) => r.status === 'processing')) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        void this.load();
      }, 1000);
    }
  }

  private upload(form: HTMLFormElement): void {
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || !file.name) {
      this.message = { kind: 'error', text: tr({ zh: '请选择一个 GeoTIFF 文件', en: 'Choose a GeoTIFF file' }) };
      this.render();
      return;
    }
    // Text fields first, so the server knows them before the (large) file streams in.
    const body = new FormData();
    for (const k of ['name', 'capturedOn', 'crs']) {
      const v = String(data.get(k) ?? '').trim();
      if (v) body.set(k, v);
    }
    body.set('lang', getLang());
    body.append('file', file, file.name);
    this.uploading = { name: file.name, sent: 0, total: file.size };
    this.message = null;
    this.render();
    const onProgress = ({ loaded, total }: UploadProgress) => {
      if (!this.uploading) return;
      this.uploading.sent = loaded;
      this.uploading.total = total;
      this.render();
    };
    requestMultipart<{ imagery: ImageryRow }>('/api/imagery', body, { signal: this.controller.signal, lang: getLang(), onProgress })
      .then(() => {
        this.message = { kind: 'info', text: tr({ zh: `${file.name} 已上传，正在切片…`, en: `${file.name} uploaded; cutting tiles…` }) };
        form.reset();
      }, (err: unknown) => {
        if (isAbortError(err)) return;
        this.message = err instanceof HttpError && err.status === 0
          ? { kind: 'error', text: tr({ zh: '上传中断，请重试', en: 'The upload was interrupted; try again' }) }
          : { kind: 'error', text: err instanceof Error ? err.message : String(err) };
      })
      .finally(() => {
        this.uploading = null;
        void this.load();
      });
  }

  private async review(id: number, state: 'verified' | 'published' | 'draft'): Promise<void> {
    try {
      await requestJson(`/api/imagery/${id}/review`, { signal: new AbortController().signal, method: 'POST', body: { state }, lang: getLang() });
    } catch (err) {
      this.message = { kind: 'error', text: err instanceof Error ? err.message : String(err) };
    }
    await this.load();
  }

  /** Redraw (e.g. after a language switch). */
  render(): void {
    const lang = getLang();
    const parts: (HTMLElement | string)[] = [h('h2', {}, tr({ zh: '正射影像', en: 'Orthophotos' }))];
    if (this.o.canEdit) {
      const form = h('form', { class: 'imagery-form', onsubmit: (e: Event) => { e.preventDefault(); this.upload(e.target as HTMLFormElement); } },
        h('p', { class: 'muted' }, tr({
          zh: 'GeoTIFF / COG，8 位 RGB 或 RGBA，支持 BigTIFF 与 CGCS2000 高斯-克吕格坐标（如 EPSG:4545、4524）。',
          en: 'GeoTIFF / COG, 8-bit RGB or RGBA; BigTIFF and CGCS2000 Gauss-Krüger (e.g. EPSG:4545, 4524) supported.',
        })),
        h('input', { type: 'file', name: 'file', accept: '.tif,.tiff,image/tiff', 'aria-label': tr({ zh: '影像文件', en: 'Image file' }) }),
        h('label', {}, tr({ zh: '名称', en: 'Name' }), h('input', { type: 'text', name: 'name', maxlength: '200' })),
        h('label', {}, tr({ zh: '拍摄日期（文件中没有时填写）', en: 'Capture date (if the file has none)' }), h('input', { type: 'date', name: 'capturedOn' })),
        h('label', {}, tr({ zh: '坐标系（文件未声明时）', en: 'CRS (if the file names none)' }), h('input', { type: 'text', name: 'crs', placeholder: 'EPSG:4545' })),
        h('button', { type: 'submit', class: 'button primary', disabled: this.uploading !== null }, tr({ zh: '上传影像', en: 'Upload image' })));
      parts.push(form);
    }
    if (this.uploading) {
      const pct = this.uploading.total ? Math.round((this.uploading.sent / this.uploading.total) * 100) : 0;
      parts.push(h('div', { class: 'imagery-progress' }, `${tr({ zh: '上传中', en: 'Uploading' })} ${this.uploading.name}: ${pct}%`,
        h('progress', { max: '100', value: String(pct) })));
    }
    if (this.message) parts.push(h('p', { class: `notice ${this.message.kind === 'error' ? 'notice-error' : 'notice-info'}`, role: 'status' }, this.message.text));
    if (this.rows.length) {
      parts.push(h('ul', { class: 'imagery-list' }, this.rows.map((r) => {
        const status = r.status === 'processing'
          ? h('span', {}, `${tr({ zh: '切片中', en: 'Cutting tiles' })} ${Math.round(r.progress * 100)}% `, h('progress', { max: '100', value: String(Math.round(r.progress * 100)) }))
          : r.status === 'failed' ? h('span', { class: 'notice-error' }, r.error?.[lang] ?? tr({ zh: '失败', en: 'Failed' }))
          : h('span', {}, `${tr(STATE[r.review_state])} · ${r.width}×${r.height} px · ${r.pixel_size_m.toFixed(2)} m · EPSG:${r.source_epsg}`);
        const actions = this.o.canReview && r.status === 'ready'
          ? (['verified', 'published', 'draft'] as const).filter((s) => s !== r.review_state).map((s) => h('button', {
            type: 'button', class: 'button small', onclick: () => void this.review(r.id, s),
          }, tr(s === 'verified' ? { zh: '校核', en: 'Verify' } : s === 'published' ? { zh: '发布', en: 'Publish' } : { zh: '退回草稿', en: 'Back to draft' })))
          : [];
        return h('li', { 'data-imagery': String(r.id) },
          h('strong', {}, r.name), ' ',
          h('span', { class: 'muted' }, r.captured_on ? tr({ zh: `拍摄于 ${r.captured_on}`, en: `captured ${r.captured_on}` }) : tr({ zh: '拍摄日期未知', en: 'capture date unknown' })),
          h('div', {}, status), actions.length ? h('div', { class: 'imagery-actions' }, actions) : null);
      })));
    }
    this.element.replaceChildren(...parts);
  }
}
