/**
 * The officers' enquiry inbox (`/enquiries.html`): sign in, list enquiries newest first with
 * filters (status, park, county), open one to read the investor's message and history, assign it,
 * add a note and move it along new → contacted → site visit → signed / closed. Officers and admins
 * only; everyone else is asked to sign in or told their role has no access (`StaffPage`: the shared
 * page shell and sign-in form). A language switch draws the inbox again with the open enquiry.
 */
import './portal.css';
import './inbox.css';
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, requestJson } from '../shared/http.client.ts';
import { getLang, t as shared } from '../shared/i18n.service.ts';
import { StaffPage } from './staff-page.ts';

const T = {
  title: { zh: '投资意向受理', en: 'Enquiry inbox' },
  signInHint: { zh: '请使用招商专员或管理员账号登录。', en: 'Sign in with an investment officer or admin account.' },
  noAccess: { zh: '当前账号（{role}）无权查看投资意向。', en: 'Your account ({role}) may not read enquiries.' },
  allStatuses: { zh: '全部状态', en: 'All statuses' },
  allParks: { zh: '全部园区', en: 'All parks' },
  allCounties: { zh: '全部县市区', en: 'All counties' },
  empty: { zh: '没有符合条件的意向', en: 'No enquiry matches' },
  company: { zh: '企业', en: 'Company' },
  contact: { zh: '联系人', en: 'Contact' },
  subject: { zh: '意向载体', en: 'Subject' },
  status: { zh: '状态', en: 'Status' },
  received: { zh: '提交时间', en: 'Received' },
  assigned: { zh: '负责人', en: 'Assigned to' },
  nobody: { zh: '未分配', en: 'Nobody' },
  industry: { zh: '行业', en: 'Industry' },
  investment: { zh: '计划投资', en: 'Planned investment' },
  space: { zh: '需求', en: 'Space needed' },
  message: { zh: '留言', en: 'Message' },
  history: { zh: '处理记录', en: 'History' },
  note: { zh: '添加备注', en: 'Add a note' },
  save: { zh: '保存', en: 'Save' },
  wan: { zh: '万元', en: '×10k CNY' },
  land: { zh: '土地', en: 'Land' }, factory: { zh: '厂房', en: 'Factory' }, office: { zh: '写字楼', en: 'Office' },
} as const;
/** A string of this page in the current language. */
const t = (k: keyof typeof T) => T[k][getLang()];
const STATUS: Record<string, { zh: string; en: string }> = {
  new: { zh: '新提交', en: 'New' }, contacted: { zh: '已联系', en: 'Contacted' }, site_visit: { zh: '已考察', en: 'Site visit' },
  signed: { zh: '已签约', en: 'Signed' }, closed: { zh: '已关闭', en: 'Closed' },
};
const status = (s: string) => STATUS[s]?.[getLang()] ?? s;
const NEXT: Record<string, string[]> = {
  new: ['contacted', 'site_visit', 'closed'], contacted: ['site_visit', 'signed', 'closed'], site_visit: ['signed', 'closed', 'contacted'],
  signed: ['closed'], closed: ['contacted'],
};
const nm = (n: { zh: string | null; en: string | null } | null | undefined) => (n ? (getLang() === 'en' && n.en ? n.en : n.zh) ?? '' : '');
/** A site as "name (code)", with the parentheses of the page's language. */
const siteLabel = (c: { code: string; name: { zh: string | null; en: string | null } }) =>
  (getLang() === 'en' ? `${nm(c.name)} (${c.code})` : `${nm(c.name)}（${c.code}）`);

interface Enquiry {
  id: number; reference: string; company: string; contactPerson: string; phone: string | null; email: string | null;
  industry: string | null; investmentWan: number | null; space: { kind: string | null; m2: number | null; unit: string | null } | null;
  message?: string; status: string; park: { id: number; name: { zh: string; en: string } } | null;
  carrier: { id: number; code: string; name: { zh: string | null; en: string | null }; kind: string } | null; county: { adcode: string; name: { zh: string; en: string } } | null;
  assignedTo: { id: number; username: string; displayName: string } | null; createdAt: string;
  events?: { kind: string; body: string; fromStatus: string | null; toStatus: string | null; assignedTo: { username: string } | null; by: { username: string } | null; at: string }[];
}

const state = { ready: false, loaded: 0 };
(window as unknown as { __inbox: typeof state }).__inbox = state;

const when = (iso: string) => new Date(iso).toLocaleString(getLang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
/** The enquiry open in the detail pane, reopened after a language switch. */
let openId: number | null = null;

/** The inbox for an officer or admin: filters, the list, and the open enquiry. */
async function draw(main: HTMLElement, _user: SessionUser, signal: AbortSignal): Promise<void> {
  const [summary, assignees] = await Promise.all([
    requestJson<{ parks: { id: number; name: { zh: string; en: string }; county: { adcode: string; name: { zh: string; en: string } } }[] }>('/api/portal/summary', { signal }),
    requestJson<{ assignees: { id: number; username: string; displayName: string }[] }>('/api/enquiries/assignees', { signal }),
  ]);
  const params = new URLSearchParams(location.search);
  const counties = new Map(summary.parks.map((p) => [p.county.adcode, p.county.name]));
  const select = (name: string, all: string, options: [string, string][]) =>
    h('select', { name, 'aria-label': all }, h('option', { value: '' }, all), options.map(([v, l]) => h('option', { value: v, selected: params.get(name) === v }, l)));
  const filters = h('form', { class: 'inbox-filters', id: 'inbox-filters' },
    select('status', t('allStatuses'), Object.keys(STATUS).map((s) => [s, status(s)])),
    select('park', t('allParks'), summary.parks.map((p) => [String(p.id), nm(p.name)])),
    select('county', t('allCounties'), [...counties].map(([a, n]) => [a, nm(n)])));
  const list = h('div', { class: 'inbox-list', id: 'inbox-list' });
  const detail = h('section', { class: 'inbox-detail', id: 'inbox-detail', hidden: true });
  filters.addEventListener('change', () => {
    const url = new URL(location.href);
    for (const k of ['status', 'park', 'county']) {
      const v = (filters.elements.namedItem(k) as HTMLSelectElement).value;
      if (v) url.searchParams.set(k, v); else url.searchParams.delete(k);
    }
    history.replaceState(null, '', url);
    void load().catch(showError);
  });
  main.classList.add('inbox-main');
  main.append(filters, h('div', { class: 'inbox-cols' }, list, detail));

  function showError(err: unknown): void {
    if (signal.aborted) return;
    list.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, (err as Error).message));
  }

  async function load(): Promise<void> {
    const q = new URLSearchParams();
    for (const k of ['status', 'park', 'county']) {
      const v = (filters.elements.namedItem(k) as HTMLSelectElement).value;
      if (v) q.set(k, v);
    }
    const page = await requestJson<{ enquiries: Enquiry[]; numberMatched: number }>(`/api/enquiries?${q}`, { signal });
    list.replaceChildren(page.enquiries.length
      ? h('ul', { class: 'inbox-items' }, page.enquiries.map((e) => h('li', { class: `inbox-item status-${e.status}`, 'data-reference': e.reference },
        h('button', { type: 'button', onclick: () => void open(e.id, true).catch(showError) },
          h('span', { class: 'inbox-status' }, status(e.status)),
          h('strong', {}, e.company),
          h('span', {}, `${e.contactPerson} · ${e.phone ?? e.email ?? ''}`),
          h('span', { class: 'muted' }, [nm(e.park?.name), e.carrier ? siteLabel(e.carrier) : ''].filter(Boolean).join(' · ')),
          h('span', { class: 'muted' }, `${e.reference} · ${when(e.createdAt)}`)))))
      : h('p', { class: 'pt-empty' }, t('empty')));
    state.loaded++;
  }

  async function open(id: number, scroll: boolean): Promise<void> {
    const e = await requestJson<Enquiry>(`/api/enquiries/${id}`, { signal });
    openId = id;
    const next = h('select', { name: 'status' }, h('option', { value: '' }, `${status(e.status)} →`), (NEXT[e.status] ?? []).map((s) => h('option', { value: s }, status(s))));
    const assign = h('select', { name: 'assignedTo' }, h('option', { value: '', selected: !e.assignedTo }, t('nobody')),
      assignees.assignees.map((a) => h('option', { value: String(a.id), selected: e.assignedTo?.id === a.id }, a.displayName || a.username)));
    const note = h('textarea', { name: 'note', rows: 3, maxlength: 4000 });
    const msg = h('p', { class: 'form-error', role: 'status' });
    const form = h('form', { class: 'pc-form', id: 'enquiry-update' },
      h('label', { class: 'pc-field' }, h('span', {}, t('status')), next),
      h('label', { class: 'pc-field' }, h('span', {}, t('assigned')), assign),
      h('label', { class: 'pc-field' }, h('span', {}, t('note')), note),
      h('button', { class: 'pt-button primary', type: 'submit' }, t('save')), msg);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body: Record<string, unknown> = {};
      if (next.value) body.status = next.value;
      const a = assign.value ? Number(assign.value) : null;
      if (a !== (e.assignedTo?.id ?? null)) body.assignedTo = a;
      if (note.value.trim()) body.note = note.value.trim();
      if (!Object.keys(body).length) return;
      try {
        await requestJson(`/api/enquiries/${id}`, { method: 'PATCH', signal, body, lang: getLang() });
        await Promise.all([open(id, false), load()]);
      } catch (x) {
        if (!signal.aborted) msg.textContent = x instanceof HttpError ? x.message : String(x);
      }
    });
    const space = e.space ? [e.space.kind ? t(e.space.kind as 'land') : '', e.space.m2 ? (e.space.unit === 'mu' ? `${(e.space.m2 / (10000 / 15)).toFixed(1)} ${shared('mu')}` : `${Math.round(e.space.m2)} m²`) : ''].filter(Boolean).join(' · ') : '';
    const row = (k: string, v: Node | string | null) => (v ? h('div', {}, h('dt', {}, k), h('dd', {}, v)) : null);
    detail.hidden = false;
    detail.replaceChildren(...[
      h('h2', {}, e.company, ' ', h('small', {}, e.reference)),
      h('dl', { class: 'pc-dl' },
        row(t('status'), status(e.status)),
        row(t('contact'), h('span', {}, e.contactPerson, ' ', e.phone ? h('a', { href: `tel:${e.phone.replace(/[^0-9+]/g, '')}` }, e.phone) : null, ' ', e.email ? h('a', { href: `mailto:${e.email}` }, e.email) : null)),
        row(t('subject'), [nm(e.park?.name), e.carrier ? siteLabel(e.carrier) : '', nm(e.county?.name)].filter(Boolean).join(' · ')),
        row(t('industry'), e.industry),
        row(t('investment'), e.investmentWan ? `${e.investmentWan.toLocaleString()} ${t('wan')}` : null),
        row(t('space'), space),
        row(t('assigned'), e.assignedTo ? e.assignedTo.displayName || e.assignedTo.username : t('nobody')),
        row(t('received'), when(e.createdAt))),
      e.message ? h('section', { class: 'pc-section' }, h('h3', {}, t('message')), h('p', { class: 'inbox-message', id: 'enquiry-message' }, e.message)) : null,
      h('section', { class: 'pc-section' }, h('h3', {}, t('history')), h('ol', { class: 'inbox-history' }, (e.events ?? []).map((ev) => h('li', {},
        h('span', { class: 'muted' }, `${when(ev.at)} · ${ev.by?.username ?? ''} · `),
        ev.kind === 'status' ? `${status(ev.fromStatus ?? 'new')} → ${status(ev.toStatus ?? 'new')}` : ev.kind === 'assign' ? `${t('assigned')}: ${ev.assignedTo?.username ?? t('nobody')}` : ev.body)))),
      form].filter((x): x is HTMLElement => x !== null));
    if (scroll) detail.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  await load();
  if (openId !== null) await open(openId, false);
}

const page = new StaffPage(document.querySelector<HTMLElement>('#inbox-app')!, {
  page: 'inbox',
  title: () => ({ long: t('title'), short: shared('navInbox') }),
  roles: ['officer', 'admin'],
  signInId: 'inbox-signin',
  signInHint: () => t('signInHint'),
  noAccess: (role) => t('noAccess').replace('{role}', role),
  draw,
  onShown: () => { state.ready = true; },
});
void page.open();
