/**
 * Staff page for policies and featured projects (`/policies.html`, 招商政策与推介项目): sign in, list
 * every entry with its review state and validity, write or edit one (zh and en title and Markdown
 * body, what it applies to, valid from–to, images), see the rendered text, and — for reviewers —
 * verify or publish it. Saving a published entry makes it a draft again (the server's rule). The
 * header, language and sign-in are the shared ones (`StaffPage`); a language switch draws the list
 * and the open entry again (unsaved edits in the form are kept).
 */
import './portal.css';
import './inbox.css';
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { requestJson, requestMultipart } from '../shared/http.client.ts';
import { getLang } from '../shared/i18n.service.ts';
import { StaffPage } from './staff-page.ts';

type I18n = { zh: string; en: string };
const T = {
  title: { zh: '招商政策与推介项目', en: 'Policies and featured projects' },
  titleShort: { zh: '政策与项目', en: 'Policies' },
  signInHint: { zh: '请使用载体资源人员、校核人员或管理员账号登录。', en: 'Sign in as carrier staff, a reviewer or an admin.' },
  noAccess: { zh: '当前账号（{role}）无权编辑政策。', en: 'Your account ({role}) may not edit policies.' },
  add: { zh: '新建', en: 'New entry' }, save: { zh: '保存（保存后需重新校核）', en: 'Save (needs review again)' },
  delete: { zh: '删除', en: 'Delete' },
  kind: { zh: '类型', en: 'Kind' }, policy: { zh: '招商政策', en: 'Policy' }, project: { zh: '推介项目', en: 'Featured project' },
  titleZh: { zh: '标题（中文）', en: 'Title (Chinese)' }, titleEn: { zh: '标题（英文）', en: 'Title (English)' },
  bodyZh: { zh: '正文（中文，Markdown）', en: 'Text (Chinese, Markdown)' }, bodyEn: { zh: '正文（英文，Markdown）', en: 'Text (English, Markdown)' },
  mdHint: { zh: '支持 ## 标题、**加粗**、*斜体*、- 列表、1. 列表、> 引用、[链接](https://…)、![图片](/api/…)；HTML 按原文显示。', en: 'Supports ## headings, **bold**, *italic*, - and 1. lists, > quotes, [links](https://…), ![images](/api/…); HTML is shown as text.' },
  counties: { zh: '适用县（市、区）', en: 'Counties' }, parks: { zh: '适用园区', en: 'Parks' },
  industries: { zh: '适用产业（逗号分隔）', en: 'Industries (comma-separated, Chinese names)' },
  scopeHint: { zh: '均不选则全市适用。', en: 'Nothing selected: applies city-wide.' },
  validFrom: { zh: '生效日期', en: 'Valid from' }, validTo: { zh: '截止日期', en: 'Valid until' },
  images: { zh: '图片', en: 'Images' }, upload: { zh: '上传图片', en: 'Upload image' }, uploading: { zh: '正在上传 {p}%', en: 'Uploading {p}%' },
  preview: { zh: '预览（公众看到的样子）', en: 'Preview (as the public sees it)' },
  state: { zh: '校核状态', en: 'Review state' }, draft: { zh: '草稿', en: 'Draft' }, verified: { zh: '已校核', en: 'Verified' }, published: { zh: '已发布', en: 'Published' },
  verify: { zh: '校核通过', en: 'Verify' }, publish: { zh: '发布', en: 'Publish' }, unpublish: { zh: '撤回为草稿', en: 'Back to draft' },
  open: { zh: '长期', en: 'open' }, empty: { zh: '还没有条目', en: 'No entry yet' },
} as const;
/** A string of this page in the current language. */
const t = (k: keyof typeof T) => T[k][getLang()];
const nm = (n: I18n) => (getLang() === 'en' && n.en ? n.en : n.zh);

interface Policy {
  id: number; kind: 'policy' | 'project'; title: I18n; body: I18n; html: I18n; version: number;
  counties: { adcode: string; name: I18n }[]; parks: { id: number; name: I18n }[]; industries: I18n[];
  validFrom: string | null; validTo: string | null; reviewState: 'draft' | 'verified' | 'published';
  images: { id: number; url: string; caption: I18n }[];
}
interface Park { id: number; name: I18n; county: { adcode: string; name: I18n } }

const state = { ready: false, saved: 0 };
(window as unknown as { __policies: typeof state }).__policies = state;

/** The entry open in the editor (null: a new one) and its unsaved form values, drawn again after a language switch. */
let open: { id: number | null; values: [string, string][] | null } | null = null;

/** Put `values` (from `FormData`) back into `form`'s fields. */
function restore(form: HTMLFormElement, values: [string, string][]): void {
  for (const el of [...form.elements] as HTMLInputElement[]) {
    if (!el.name) continue;
    const mine = values.filter(([k]) => k === el.name).map(([, v]) => v);
    if (el.type === 'checkbox') el.checked = mine.includes(el.value);
    else if (mine.length) el.value = mine[0];
  }
}

/** The list and the editor for staff (write), reviewers (verify, publish) and admins (both). */
async function draw(main: HTMLElement, user: SessionUser, signal: AbortSignal): Promise<void> {
  const canWrite = user.role === 'staff' || user.role === 'admin';
  const canReview = user.role === 'reviewer' || user.role === 'admin';
  const lang = getLang();
  const summary = await requestJson<{ parks: Park[] }>('/api/portal/summary', { signal });
  const counties = new Map(summary.parks.map((p) => [p.county.adcode, p.county.name]));
  const list = h('ul', { class: 'inbox-items', id: 'policy-list' });
  const editor = h('section', { class: 'inbox-detail', id: 'policy-editor', hidden: true });
  const addButton = canWrite ? h('button', { class: 'pt-button primary', type: 'button', id: 'policy-new', onclick: () => edit(null) }, t('add')) : null;
  main.classList.add('inbox-main');
  if (addButton) main.append(addButton);
  main.append(h('div', { class: 'inbox-cols' }, list, editor));

  let entries: Policy[] = [];
  async function load(): Promise<void> {
    entries = (await requestJson<{ policies: Policy[] }>('/api/policies', { signal })).policies;
    list.replaceChildren(...(entries.length ? entries.map((p) => h('li', { class: `inbox-item status-${p.reviewState === 'published' ? 'signed' : p.reviewState === 'draft' ? 'new' : 'contacted'}`, 'data-policy-id': p.id },
      h('button', { type: 'button', onclick: () => { edit(p); editor.scrollIntoView({ behavior: 'smooth', block: 'start' }); } },
        h('span', { class: 'inbox-status' }, `${t(p.reviewState)} · ${t(p.kind)}`),
        h('strong', {}, nm(p.title)),
        h('span', { class: 'muted' }, `${p.validFrom ?? '…'} – ${p.validTo ?? t('open')}`)))) : [h('li', { class: 'muted' }, t('empty'))]));
  }

  /** Run `action`; show its error under the form instead of losing it. */
  const guarded = (err: HTMLElement, action: () => Promise<void>) => async () => {
    try {
      await action();
    } catch (x) {
      if (signal.aborted) return;
      err.textContent = (x as Error).message;
      err.hidden = false;
    }
  };

  function edit(p: Policy | null, values: [string, string][] | null = null): void {
    open = { id: p?.id ?? null, values };
    const field = (label: string, input: HTMLElement) => h('label', { class: 'pc-field' }, h('span', {}, label), input);
    const checks = (name: string, options: [string, string][], chosen: string[]) => h('fieldset', { class: 'policy-checks' },
      options.map(([v, l]) => h('label', {}, h('input', { type: 'checkbox', name, value: v, checked: chosen.includes(v), disabled: !canWrite }), ` ${l}`)));
    const err = h('p', { class: 'form-error', id: 'policy-error', role: 'alert', hidden: true });
    const form = h('form', { class: 'pc-form', id: 'policy-form' },
      field(t('kind'), h('select', { name: 'kind', disabled: !canWrite }, (['policy', 'project'] as const).map((k) => h('option', { value: k, selected: p?.kind === k }, t(k))))),
      field(t('titleZh'), h('input', { name: 'titleZh', required: true, maxlength: 200, value: p?.title.zh ?? '', disabled: !canWrite })),
      field(t('titleEn'), h('input', { name: 'titleEn', maxlength: 300, value: p?.title.en ?? '', disabled: !canWrite })),
      h('p', { class: 'muted' }, t('mdHint')),
      field(t('bodyZh'), h('textarea', { name: 'bodyZh', rows: 8, maxlength: 20000, value: p?.body.zh ?? '', disabled: !canWrite })),
      field(t('bodyEn'), h('textarea', { name: 'bodyEn', rows: 6, maxlength: 30000, value: p?.body.en ?? '', disabled: !canWrite })),
      h('div', { class: 'pc-field-row' },
        field(t('validFrom'), h('input', { name: 'validFrom', type: 'date', value: p?.validFrom ?? '', disabled: !canWrite })),
        field(t('validTo'), h('input', { name: 'validTo', type: 'date', value: p?.validTo ?? '', disabled: !canWrite }))),
      h('p', { class: 'muted' }, t('scopeHint')),
      h('p', {}, t('counties')), checks('counties', [...counties].map(([a, n]) => [a, nm(n)]), p?.counties.map((c) => c.adcode) ?? []),
      h('p', {}, t('parks')), checks('parkIds', summary.parks.map((k) => [String(k.id), nm(k.name)]), p?.parks.map((k) => String(k.id)) ?? []),
      field(t('industries'), h('input', { name: 'industries', value: p?.industries.map((i) => i.zh).join('，') ?? '', disabled: !canWrite })),
      err,
      canWrite ? h('button', { class: 'pt-button primary', type: 'submit', id: 'policy-save' }, t('save')) : null) as HTMLFormElement;
    if (values) restore(form, values);
    // Kept so that a language switch, which draws the page again, does not lose what was typed.
    form.addEventListener('input', () => {
      if (open) open.values = [...new FormData(form)].map(([k, v]) => [k, String(v)]);
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const fd = new FormData(form);
      const str = (k: string) => String(fd.get(k) ?? '').trim();
      const body = {
        kind: str('kind'), title: { zh: str('titleZh'), en: str('titleEn') }, body: { zh: String(fd.get('bodyZh') ?? ''), en: String(fd.get('bodyEn') ?? '') },
        counties: fd.getAll('counties').map(String), parkIds: fd.getAll('parkIds').map(Number),
        industries: str('industries').split(/[,，、]/).map((s) => s.trim()).filter(Boolean),
        ...(str('validFrom') ? { validFrom: str('validFrom') } : {}), ...(str('validTo') ? { validTo: str('validTo') } : {}),
        ...(p ? { version: p.version } : {}),
      };
      void guarded(err, async () => {
        const saved = await requestJson<Policy>(p ? `/api/policies/${p.id}` : '/api/policies', { method: p ? 'PUT' : 'POST', body, lang, signal });
        state.saved++;
        await load();
        edit(saved);
      })();
    });
    const review = p && canReview ? h('p', { class: 'pc-actions', id: 'policy-review' },
      p.reviewState !== 'verified' && p.reviewState !== 'published' ? h('button', { class: 'pt-button', type: 'button', onclick: guarded(err, () => setState(p, 'verified')) }, t('verify')) : null,
      p.reviewState !== 'published' ? h('button', { class: 'pt-button primary', type: 'button', id: 'policy-publish', onclick: guarded(err, () => setState(p, 'published')) }, t('publish')) : null,
      p.reviewState !== 'draft' ? h('button', { class: 'pt-button', type: 'button', onclick: guarded(err, () => setState(p, 'draft')) }, t('unpublish')) : null) : null;
    const progress = h('span', { class: 'muted', id: 'policy-upload-progress', role: 'status' });
    const upload = async (file: File) => {
      const fd = new FormData();
      fd.append('file', file);
      const saved = await requestMultipart<Policy>(`/api/policies/${p!.id}/images`, fd, {
        signal, lang, onProgress: ({ loaded, total }) => { progress.textContent = t('uploading').replace('{p}', String(Math.round((100 * loaded) / Math.max(total, 1)))); },
      });
      await load();
      edit(saved);
    };
    const images = p ? h('div', { class: 'policy-images' }, h('p', {}, t('images')),
      p.images.map((i) => h('figure', { class: 'pt-policy-image' }, h('img', { src: i.url, alt: nm(i.caption), width: 160 }), h('figcaption', {}, `![${nm(i.caption)}](${i.url})`))),
      canWrite ? h('label', { class: 'pt-button' }, t('upload'), h('input', { type: 'file', id: 'policy-image', accept: 'image/jpeg,image/png,image/webp', hidden: true, onchange: (e: Event) => {
        const input = e.target as HTMLInputElement;
        const file = input.files?.[0];
        if (file) void guarded(err, () => upload(file))().finally(() => { progress.textContent = ''; input.value = ''; });
      } })) : null, progress) : null;
    const preview = p ? h('div', { class: 'policy-preview' }, h('h2', {}, t('preview')), h('div', { class: 'pt-policy-body', id: 'policy-preview' })) : null;
    // The server rendered the HTML with its strict Markdown subset (escaped first); it is safe to insert.
    if (preview) preview.querySelector('#policy-preview')!.innerHTML = lang === 'en' && p!.body.en ? p!.html.en : p!.html.zh;
    editor.replaceChildren(...([
      p ? h('p', {}, h('span', { class: 'inbox-status', id: 'policy-state' }, `${t('state')}: ${t(p.reviewState)}`)) : h('h2', {}, t('add')),
      review, form, images, preview,
      p && canWrite ? h('p', {}, h('button', { class: 'pt-button', type: 'button', onclick: guarded(err, async () => {
        await requestJson(`/api/policies/${p.id}`, { method: 'DELETE', signal, lang });
        open = null;
        editor.hidden = true;
        await load();
      }) }, t('delete'))) : null] as (HTMLElement | null)[]).filter((x): x is HTMLElement => x !== null));
    editor.hidden = false;
  }

  async function setState(p: Policy, s: Policy['reviewState']): Promise<void> {
    const saved = await requestJson<Policy>(`/api/policies/${p.id}/review`, { method: 'POST', body: { state: s }, lang, signal });
    await load();
    edit(saved);
  }

  await load();
  if (open) {
    const again = open.id === null ? null : entries.find((e) => e.id === open!.id);
    if (again !== undefined) edit(again, open.values);
  }
}

const page = new StaffPage(document.querySelector<HTMLElement>('#policies-app')!, {
  page: 'policies',
  title: () => ({ long: t('title'), short: t('titleShort') }),
  roles: ['staff', 'reviewer', 'admin'],
  signInId: 'policies-signin',
  signInHint: () => t('signInHint'),
  noAccess: (role) => t('noAccess').replace('{role}', role),
  draw,
  onShown: () => { state.ready = true; },
});
void page.open();
