/**
 * 3D uploads on the upload page (倾斜摄影 / 3D Tiles / BIM): staff pick a ContextCapture OSGB export
 * (zip), a 3D Tiles tileset (zip) or a BIM model (IFC, glTF/GLB), see the upload's progress (bytes
 * sent), then for an OSGB export the conversion's stage and progress (polled from
 * `/api/tilesets/jobs/{id}`), then the result in the list with its review state; reviewers verify
 * and publish tilesets and models. Every request goes through the shared HTTP client with
 * cancellation; the server's errors are shown as sent, in the page's language (they name the file).
 */
import { h } from '../shared/dom.util.ts';
import { isAbortError, requestJson, requestMultipart } from '../shared/http.client.ts';
import { getLang, tr } from '../shared/i18n.service.ts';

type ReviewState = 'draft' | 'verified' | 'published';

interface TilesetRow {
  id: number;
  name: string;
  origin: 'upload' | 'demo';
  version: string;
  tile_count: number;
  total_bytes: number;
  center_lon: number | null;
  center_lat: number | null;
  review_state: ReviewState;
}

interface ModelRow {
  id: number;
  name: string;
  origin: 'upload' | 'demo';
  format: string;
  element_count: number;
  review_state: ReviewState;
}

interface Job {
  id: number;
  file_name: string;
  name: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  stage_label: { zh: string; en: string };
  progress: number;
  error: { zh: string; en: string } | null;
  tileset_id: number | null;
}

const STATE = {
  draft: { zh: '草稿', en: 'Draft' },
  verified: { zh: '已校核', en: 'Verified' },
  published: { zh: '已发布', en: 'Published' },
} as const;

const ACTION = {
  verified: { zh: '校核', en: 'Verify' },
  published: { zh: '发布', en: 'Publish' },
  draft: { zh: '退回草稿', en: 'Back to draft' },
} as const;

/** Failed conversions shown (the newest). */
const FAILED_SHOWN = 3;
/** Poll interval of running conversions (ms). */
const POLL_MS = 1000;

const MODEL_EXT = /\.(ifc|glb|gltf)$/i;

/** A byte count in KB or MB. */
const size = (bytes: number) => (bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`);

/** The 3D card of the upload page. */
export class ThreeDPanelComponent {
  readonly element: HTMLElement;
  private tilesets: TilesetRow[] = [];
  private models: ModelRow[] = [];
  private jobs: Job[] = [];
  private message: { kind: 'error' | 'info'; text: string | { zh: string; en: string } } | null = null;
  private uploading: { name: string; sent: number; total: number; controller: AbortController } | null = null;
  /** The job of this page's last OSGB upload, to say when it is converted. */
  private pendingJob: { id: number; file: string } | null = null;
  private loadController: AbortController | null = null;
  private timer: number | null = null;

  constructor(private readonly o: { canEdit: boolean; canReview: boolean }) {
    this.element = h('section', { class: 'card imagery-panel three-d-panel', id: 'three-d-panel' });
    void this.load();
  }

  /** Stops polling and cancels requests (the page leaves the workspace). */
  dispose(): void {
    this.loadController?.abort();
    this.uploading?.controller.abort();
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
  }

  private async load(): Promise<void> {
    this.loadController?.abort();
    const controller = (this.loadController = new AbortController());
    const { signal } = controller;
    const lang = getLang();
    try {
      const [t, m, j] = await Promise.all([
        requestJson<{ tilesets: TilesetRow[] }>('/api/tilesets', { signal, lang }),
        requestJson<{ models: ModelRow[] }>('/api/models', { signal, lang }),
        requestJson<{ jobs: Job[] }>('/api/tilesets/jobs', { signal, lang }),
      ]);
      this.tilesets = t.tilesets.slice().reverse();
      this.models = m.models.slice().reverse();
      this.jobs = j.jobs;
      const pending = this.pendingJob && this.jobs.find((x) => x.id === this.pendingJob!.id);
      if (pending && (pending.state === 'done' || pending.state === 'failed')) {
        const file = this.pendingJob!.file;
        this.pendingJob = null;
        // A failure is shown in the list with its message; a success says where the result is.
        this.message = pending.state === 'done'
          ? { kind: 'info', text: { zh: `${file} 已转换为 3D Tiles，见下方列表（草稿，待校核）`, en: `${file} converted to 3D Tiles: listed below (draft, awaiting review)` } }
          : null;
      }
    } catch (err) {
      if (isAbortError(err)) return;
      this.message = { kind: 'error', text: (err as Error).message };
    }
    this.render();
    if (this.timer === null && this.jobs.some((r) => r.state === 'queued' || r.state === 'running')) {
      this.timer = window.setTimeout(() => {
        this.timer = null;
        if (this.element.isConnected) void this.load();
      }, POLL_MS);
    }
  }

  private async upload(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || !file.name) {
      this.message = { kind: 'error', text: { zh: '请选择一个文件（OSGB 或 3D Tiles 压缩包、IFC 或 glTF 模型）', en: 'Choose a file (an OSGB or 3D Tiles zip, an IFC or glTF model)' } };
      this.render();
      return;
    }
    const model = MODEL_EXT.test(file.name);
    if (!model && !/\.zip$/i.test(file.name)) {
      this.message = { kind: 'error', text: { zh: `${file.name}：不支持的文件类型，请上传 .zip（OSGB 或 3D Tiles）、.ifc、.glb 或 .gltf`, en: `${file.name}: unsupported file type; upload a .zip (OSGB or 3D Tiles), .ifc, .glb or .gltf` } };
      this.render();
      return;
    }
    // Text fields first, so the server reads them before the (large) file.
    const body = new FormData();
    for (const k of ['name', 'lon', 'lat']) {
      const v = String(data.get(k) ?? '').trim();
      if (v) body.set(k, v);
    }
    body.append('file', file, file.name);
    const controller = new AbortController();
    this.uploading = { name: file.name, sent: 0, total: file.size, controller };
    this.message = null;
    this.render();
    const lang = getLang();
    try {
      const url = `${model ? '/api/models' : '/api/tilesets'}?lang=${lang}`;
      const out = await requestMultipart<{ job?: Job; tileset?: TilesetRow; model?: ModelRow; warnings?: string[] }>(url, body, {
        signal: controller.signal, lang,
        onProgress: (p) => {
          if (this.uploading?.controller !== controller) return;
          this.uploading.sent = p.loaded;
          this.uploading.total = p.total;
          this.render();
        },
      });
      form.reset();
      this.pendingJob = out.job ? { id: out.job.id, file: file.name } : null;
      this.message = out.job
        ? { kind: 'info', text: { zh: `${file.name} 已上传，正在转换为 3D Tiles…`, en: `${file.name} uploaded; converting to 3D Tiles…` } }
        : { kind: 'info', text: { zh: `${file.name} 已上传（草稿，待校核）`, en: `${file.name} uploaded (draft, awaiting review)` } };
    } catch (err) {
      this.message = isAbortError(err)
        ? { kind: 'info', text: { zh: `已取消上传 ${file.name}`, en: `Upload of ${file.name} cancelled` } }
        : { kind: 'error', text: (err as Error).message };
    } finally {
      if (this.uploading?.controller === controller) this.uploading = null;
    }
    await this.load();
  }

  private async review(kind: 'tilesets' | 'models', id: number, state: ReviewState): Promise<void> {
    try {
      await requestJson(`/api/${kind}/${id}/review`, { signal: new AbortController().signal, method: 'POST', body: { state }, lang: getLang() });
    } catch (err) {
      this.message = { kind: 'error', text: (err as Error).message };
    }
    await this.load();
  }

  private reviewButtons(kind: 'tilesets' | 'models', id: number, current: ReviewState): HTMLElement | null {
    if (!this.o.canReview) return null;
    return h('div', { class: 'imagery-actions' }, (['verified', 'published', 'draft'] as const).filter((s) => s !== current).map((s) => h('button', {
      type: 'button', class: 'button small', 'data-review': s, onclick: () => void this.review(kind, id, s),
    }, tr(ACTION[s]))));
  }

  /** Redraw (e.g. after a language switch). */
  render(): void {
    const lang = getLang();
    const parts: (HTMLElement | string)[] = [h('h2', {}, tr({ zh: '三维模型（倾斜摄影 / 3D Tiles / BIM）', en: '3D models (oblique / 3D Tiles / BIM)' }))];
    if (this.o.canEdit) {
      parts.push(h('form', { class: 'imagery-form three-d-form', onsubmit: (e: Event) => { e.preventDefault(); void this.upload(e.target as HTMLFormElement); } },
        h('p', { class: 'muted' }, tr({
          zh: 'ContextCapture 倾斜摄影 OSGB 导出（含 metadata.xml 与 Data/ 的 zip，上传后在后台转换为 3D Tiles）、3D Tiles 瓦片集（含 tileset.json 的 zip），或 BIM 模型（IFC、glTF/GLB）。',
          en: 'A ContextCapture OSGB oblique export (zip with metadata.xml and Data/, converted to 3D Tiles in the background), a 3D Tiles tileset (zip with tileset.json), or a BIM model (IFC, glTF/GLB).',
        })),
        h('input', { type: 'file', name: 'file', accept: '.zip,.ifc,.glb,.gltf,application/zip', 'aria-label': tr({ zh: '三维文件', en: '3D file' }) }),
        h('label', {}, tr({ zh: '名称', en: 'Name' }), h('input', { type: 'text', name: 'name', maxlength: '200' })),
        h('details', {}, h('summary', {}, tr({ zh: '位置（文件未定位时填写）', en: 'Location (if the file does not place itself)' })),
          h('label', {}, tr({ zh: '经度', en: 'Longitude' }), h('input', { type: 'text', name: 'lon', inputmode: 'decimal', placeholder: '107.47' })),
          h('label', {}, tr({ zh: '纬度', en: 'Latitude' }), h('input', { type: 'text', name: 'lat', inputmode: 'decimal', placeholder: '31.21' }))),
        h('button', { type: 'submit', class: 'button primary', disabled: this.uploading !== null }, tr({ zh: '上传三维数据', en: 'Upload 3D data' }))));
    }
    if (this.uploading) {
      const u = this.uploading;
      const pct = u.total ? Math.min(100, Math.round((u.sent / u.total) * 100)) : 0;
      parts.push(h('div', { class: 'imagery-progress', id: 'three-d-upload-progress' }, `${tr({ zh: '上传中', en: 'Uploading' })} ${u.name}: ${pct}% `,
        h('progress', { max: '100', value: String(pct) }),
        h('button', { type: 'button', class: 'button small', onclick: () => u.controller.abort() }, tr({ zh: '取消', en: 'Cancel' }))));
    }
    if (this.message) {
      const text = typeof this.message.text === 'string' ? this.message.text : this.message.text[lang];
      parts.push(h('p', { class: `notice ${this.message.kind === 'error' ? 'notice-error' : 'notice-info'}`, role: 'status' }, text));
    }
    const running = this.jobs.filter((j) => j.state === 'queued' || j.state === 'running');
    const failed = this.jobs.filter((j) => j.state === 'failed').slice(0, FAILED_SHOWN);
    const items: HTMLElement[] = [];
    for (const j of [...running, ...failed]) {
      const pct = Math.round(j.progress * 100);
      items.push(h('li', { 'data-job': String(j.id), 'data-state': j.state },
        h('strong', {}, j.name), ' ', h('span', { class: 'muted' }, j.file_name),
        j.state === 'failed'
          ? h('div', { class: 'notice-error' }, j.error?.[lang] ?? tr(j.stage_label))
          : h('div', {}, `${tr(j.stage_label)} ${pct}% `, h('progress', { max: '100', value: String(pct) }))));
    }
    for (const t of this.tilesets) {
      const where = t.center_lon !== null && t.center_lat !== null ? ` · ${t.center_lon.toFixed(5)}, ${t.center_lat.toFixed(5)}` : '';
      items.push(h('li', { 'data-tileset': String(t.id), 'data-review-state': t.review_state },
        h('strong', {}, t.name), ' ',
        h('span', { class: 'muted' }, `3D Tiles ${t.version}${t.origin === 'demo' ? tr({ zh: ' · 演示', en: ' · demo' }) : ''}`),
        h('div', {}, `${tr(STATE[t.review_state])} · ${tr({ zh: `${t.tile_count} 个瓦片`, en: `${t.tile_count} tiles` })} · ${size(t.total_bytes)}${where}`),
        this.reviewButtons('tilesets', t.id, t.review_state)));
    }
    for (const m of this.models) {
      items.push(h('li', { 'data-model': String(m.id), 'data-review-state': m.review_state },
        h('strong', {}, m.name), ' ',
        h('span', { class: 'muted' }, `BIM ${m.format.toUpperCase()}${m.origin === 'demo' ? tr({ zh: ' · 演示', en: ' · demo' }) : ''}`),
        h('div', {}, `${tr(STATE[m.review_state])} · ${tr({ zh: `${m.element_count} 个构件`, en: `${m.element_count} elements` })}`),
        this.reviewButtons('models', m.id, m.review_state)));
    }
    if (items.length) parts.push(h('ul', { class: 'imagery-list three-d-list' }, items));
    this.element.replaceChildren(...parts);
  }
}
