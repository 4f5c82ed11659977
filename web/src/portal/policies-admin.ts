/**
 * Staff page for policies and featured projects (`/policies.html`, 招商政策与推介项目): sign in, list
 * every entry with its review state and validity, write or edit one (zh and en title and Markdown
 * body, what it applies to, valid from–to, images), see the rendered text, and — for reviewers —
 * verify or publish it. Saving a published entry makes it a draft again (the server's rule).
 */
import './portal.css';
import './inbox.css';
import { h } from '../shared/dom.util.ts';
import { requestJson } from '../shared/http.client.ts';

type Lang = 'zh' | 'en';
type I18n = { zh: string; en: string };
const lang: Lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
const T = {
  title: { zh: '招商政策与推介项目', en: 'Policies and featured projects' },
  signIn: { zh: '登录', en: 'Sign in' }, signOut: { zh: '退出', en: 'Sign out' },
  username: { zh: '用户名', en: 'Username' }, password: { zh: '密码', en: 'Password' },
  signInHint: { zh: '请使用载体资源人员、校核人员或管理员账号登录。', en: 'Sign in as carrier staff, a reviewer or an admin.' },
  noAccess: { zh: '当前账号（{role}）无权编辑政策。', en: 'Your account ({role}) may not edit policies.' },
  add: { zh: '新建', en: 'New entry' }, save: { zh: '保存（保存后需重新校核）', en: 'Save (needs review again)' },
  saved: { zh: '已保存', en: 'Saved' }, delete: { zh: '删除', en: 'Delete' },
  kind: { zh: '类型', en: 'Kind' }, policy: { zh: '招商政策', en: 'Policy' }, project: { zh: '推介项目', en: 'Featured project' },
  titleZh: { zh: '标题（中文）', en: 'Title (Chinese)' }, titleEn: { zh: '标题（英文）', en: 'Title (English)' },
  bodyZh: { zh: '正文（中文，Markdown）', en: 'Text (Chinese, Markdown)' }, bodyEn: { zh: '正文（英文，Markdown）', en: 'Text (English, Markdown)' },
  mdHint: { zh: '支持 ## 标题、**加粗**、*斜体*、- 列表、1. 列表、> 引用、[链接](https://…)、![图片](/api/…)；HTML 按原文显示。', en: 'Supports ## headings, **bold**, *italic*, - and 1. lists, > quotes, [links](https://…), ![images](/api/…); HTML is shown as text.' },
  counties: { zh: '适用县（市、区）', en: 'Counties' }, parks: { zh: '适用园区', en: 'Parks' },
  industries: { zh: '适用产业（逗号分隔）', en: 'Industries (comma-separated, Chinese names)' },
  scopeHint: { zh: '均不选则全市适用。', en: 'Nothing selected: applies city-wide.' },
  validFrom: { zh: '生效日期', en: 'Valid from' }, validTo: { zh: '截止日期', en: 'Valid until' },
  images: { zh: '图片', en: 'Images' }, upload: { zh: '上传图片', en: 'Upload image' },
  preview: { zh: '预览（公众看到的样子）', en: 'Preview (as the public sees it)' },
  state: { zh: '校核状态', en: 'Review state' }, draft: { zh: '草稿', en: 'Draft' }, verified: { zh: '已校核', en: 'Verified' }, published: { zh: '已发布', en: 'Published' },
  verify: { zh: '校核通过', en: 'Verify' }, publish: { zh: '发布', en: 'Publish' }, unpublish: { zh: '撤回为草稿', en: 'Back to draft' },
  open: { zh: '长期', en: 'open' }, empty: { zh: '还没有条目', en: 'No entry yet' }, portal: { zh: '门户首页', en: 'Portal' },
} as const;
const t = (k: keyof typeof T) => T[k][lang];
const nm = (n: I18n) => (lang === 'en' && n.en ? n.en : n.zh);

interface Policy {
  id: number; kind: 'policy' | 'project'; title: I18n; body: I18n; html: I18n; version: number;
  counties: { adcode: string; name: I18n }[]; parks: { id: number; name: I18n }[]; industries: I18n[];
  validFrom: string | null; validTo: string | null; reviewState: 'draft' | 'verified' | 'published';
  images: { id: number; url: string; caption: I18n }[];
}
interface Park { id: number; name: I18n; county: { adcode: string; name: I18n } }

const root = document.querySelector<HTMLElement>('#policies-app')!;
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
document.title = t('title');
const state = { ready: false, saved: 0 };
(window as unknown as { __policies: typeof state }).__policies = state;
const signal = () => AbortSignal.timeout(20_000);

function header(user: { username: string } | null): HTMLElement {
  return h('header', { class: 'pt-header' },
    h('a', { class: 'pt-brand', href: lang === 'en' ? '/?lang=en' : '/' }, h('span', { class: 'pt-logo' }), h('span', { class: 'pt-brand-text' }, t('title'))),
    h('nav', { class: 'pt-nav' },
      user ? h('a', { href: '#', id: 'sign-out', onclick: async (e: Event) => { e.preventDefault(); await requestJson('/api/auth/logout', { method: 'POST', signal: signal() }).catch(() => undefined); location.reload(); } }, `${user.username} · ${t('signOut')}`) : null,
      h('a', { class: 'pt-lang', href: lang === 'en' ? '/policies.html' : '/policies.html?lang=en' }, lang === 'en' ? '中文' : 'EN')));
}

function signInForm(): void {
  const err = h('p', { class: 'form-error', hidden: true });
  const form = h('form', { class: 'pc-form inbox-signin', id: 'policies-signin' },
    h('p', {}, t('signInHint')),
    h('label', { class: 'pc-field' }, h('span', {}, t('username')), h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', { class: 'pc-field' }, h('span', {}, t('password')), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    err, h('button', { class: 'pt-button primary', type: 'submit' }, t('signIn')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    try {
      await requestJson('/api/auth/login', { method: 'POST', signal: signal(), body: { username: fd.get('username'), password: fd.get('password') } });
      await start();
    } catch (x) {
      err.textContent = (x as Error).message;
      err.hidden = false;
    }
  });
  root.replaceChildren(header(null), h('main', { class: 'pt-main' }, h('section', { class: 'pt-hero' }, h('h1', {}, t('title')), form)));
  state.ready = true;
}

async function start(): Promise<void> {
  const me = await requestJson<{ user: { username: string; role: string } | null }>('/api/auth/me', { signal: signal() });
  if (!me.user) return signInForm();
  const role = me.user.role;
  if (!['staff', 'reviewer', 'admin'].includes(role)) {
    root.replaceChildren(header(me.user), h('main', { class: 'pt-main' }, h('section', { class: 'pt-hero' }, h('h1', {}, t('title')),
      h('p', { class: 'form-error', id: 'no-access' }, t('noAccess').replace('{role}', role)))));
    state.ready = true;
    return;
  }
  const canWrite = role === 'staff' || role === 'admin';
  const canReview = role === 'reviewer' || role === 'admin';
  const summary = await requestJson<{ parks: Park[] }>('/api/portal/summary', { signal: signal() });
  const counties = new Map(summary.parks.map((p) => [p.county.adcode, p.county.name]));
  const list = h('ul', { class: 'inbox-items', id: 'policy-list' });
  const editor = h('section', { class: 'inbox-detail', id: 'policy-editor', hidden: true });
  const addButton = canWrite ? h('button', { class: 'pt-button primary', type: 'button', id: 'policy-new', onclick: () => edit(null) }, t('add')) : null;
  root.replaceChildren(header(me.user), h('main', { class: 'pt-main inbox-main' }, h('h1', {}, t('title')), addButton,
    h('div', { class: 'inbox-cols' }, list, editor)));

  let entries: Policy[] = [];
  async function load(): Promise<void> {
    entries = (await requestJson<{ policies: Policy[] }>('/api/policies', { signal: signal() })).policies;
    list.replaceChildren(...(entries.length ? entries.map((p) => h('li', { class: `inbox-item status-${p.reviewState === 'published' ? 'signed' : p.reviewState === 'draft' ? 'new' : 'contacted'}`, 'data-policy-id': p.id },
      h('button', { type: 'button', onclick: () => edit(p) },
        h('span', { class: 'inbox-status' }, `${t(p.reviewState)} · ${t(p.kind)}`),
        h('strong', {}, nm(p.title)),
        h('span', { class: 'muted' }, `${p.validFrom ?? '…'} – ${p.validTo ?? t('open')}`)))) : [h('li', { class: 'muted' }, t('empty'))]));
    state.ready = true;
  }

  function edit(p: Policy | null): void {
    const field = (label: string, input: HTMLElement) => h('label', { class: 'pc-field' }, h('span', {}, label), input);
    const checks = (name: string, options: [string, string][], chosen: string[]) => h('fieldset', { class: 'policy-checks' },
      options.map(([v, l]) => h('label', {}, h('input', { type: 'checkbox', name, value: v, checked: chosen.includes(v), disabled: !canWrite }), ` ${l}`)));
    const err = h('p', { class: 'form-error', id: 'policy-error', hidden: true });
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
      canWrite ? h('button', { class: 'pt-button primary', type: 'submit', id: 'policy-save' }, t('save')) : null);
    form.addEventListener('submit', async (e) => {
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
      try {
        const saved = await requestJson<Policy>(p ? `/api/policies/${p.id}` : '/api/policies', { method: p ? 'PUT' : 'POST', body, lang, signal: signal() });
        state.saved++;
        await load();
        edit(saved);
      } catch (x) {
        err.textContent = (x as Error).message;
        err.hidden = false;
      }
    });
    const review = p && canReview ? h('p', { class: 'pc-actions', id: 'policy-review' },
      p.reviewState !== 'verified' && p.reviewState !== 'published' ? h('button', { class: 'pt-button', type: 'button', onclick: () => setState(p, 'verified') }, t('verify')) : null,
      p.reviewState !== 'published' ? h('button', { class: 'pt-button primary', type: 'button', id: 'policy-publish', onclick: () => setState(p, 'published') }, t('publish')) : null,
      p.reviewState !== 'draft' ? h('button', { class: 'pt-button', type: 'button', onclick: () => setState(p, 'draft') }, t('unpublish')) : null) : null;
    const images = p ? h('div', { class: 'policy-images' }, h('p', {}, t('images')),
      p.images.map((i) => h('figure', { class: 'pt-policy-image' }, h('img', { src: i.url, alt: nm(i.caption), width: 160 }), h('figcaption', {}, `![${nm(i.caption)}](${i.url})`))),
      canWrite ? h('label', { class: 'pt-button' }, t('upload'), h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', hidden: true, onchange: async (e: Event) => {
        const file = (e.target as HTMLInputElement).files?.[0];
        if (!file) return;
        const fd = new FormData();
        fd.append('file', file);
        const res = await fetch(`/api/policies/${p.id}/images`, { method: 'POST', body: fd, credentials: 'same-origin' });
        if (res.ok) { await load(); edit(await res.json() as Policy); } else { err.textContent = (await res.json()).error?.message ?? res.statusText; err.hidden = false; }
      } })) : null) : null;
    const preview = p ? h('div', { class: 'policy-preview' }, h('h2', {}, t('preview')), h('div', { class: 'pt-policy-body', id: 'policy-preview' })) : null;
    // The server rendered the HTML with its strict Markdown subset (escaped first); it is safe to insert.
    if (preview) preview.querySelector('#policy-preview')!.innerHTML = lang === 'en' && p!.body.en ? p!.html.en : p!.html.zh;
    editor.replaceChildren(...([
      p ? h('p', {}, h('span', { class: 'inbox-status', id: 'policy-state' }, `${t('state')}: ${t(p.reviewState)}`)) : h('h2', {}, t('add')),
      review, form, images, preview,
      p && canWrite ? h('p', {}, h('button', { class: 'pt-button', type: 'button', onclick: async () => {
        await requestJson(`/api/policies/${p.id}`, { method: 'DELETE', signal: signal() });
        editor.hidden = true;
        await load();
      } }, t('delete'))) : null] as (HTMLElement | null)[]).filter((x): x is HTMLElement => x !== null));
    editor.hidden = false;
  }

  async function setState(p: Policy, s: Policy['reviewState']): Promise<void> {
    const saved = await requestJson<Policy>(`/api/policies/${p.id}/review`, { method: 'POST', body: { state: s }, signal: signal() });
    await load();
    edit(saved);
  }

  await load();
}

void start();
