/**
 * Typed inputs of the enquiry routes, validated at the route (types by the route's schemas, then
 * the rules here): the public form (`parseEnquiryInput`) and an officer's update (`parseEnquiryUpdate`). Every
 * problem names its field and the value, in the caller's language (zh-CN first, English); the form
 * reports all bad fields at once (`error.fields`) so the page can mark each one.
 */
import { AppError } from '../../core/errors.ts';

/** Languages an enquiry message can be answered in. */
export type EnquiryLang = 'zh' | 'en';

/** Where an enquiry is in the officers' workflow. */
export const ENQUIRY_STATUSES = ['new', 'contacted', 'site_visit', 'signed', 'closed'] as const;
export type EnquiryStatus = (typeof ENQUIRY_STATUSES)[number];

/** Labels of the statuses, for pages and messages. */
export const ENQUIRY_STATUS_LABELS: Record<EnquiryStatus, { zh: string; en: string }> = {
  new: { zh: '新提交', en: 'New' },
  contacted: { zh: '已联系', en: 'Contacted' },
  site_visit: { zh: '已考察', en: 'Site visit' },
  signed: { zh: '已签约', en: 'Signed' },
  closed: { zh: '已关闭', en: 'Closed' },
};

/** Which status may follow which: forward along the workflow, closing from anywhere, reopening a closed one. */
export const ENQUIRY_TRANSITIONS: Record<EnquiryStatus, readonly EnquiryStatus[]> = {
  new: ['contacted', 'site_visit', 'closed'],
  contacted: ['site_visit', 'signed', 'closed'],
  site_visit: ['signed', 'closed', 'contacted'],
  signed: ['closed'],
  closed: ['contacted'],
};

/** Space kinds an investor can ask for. */
export const SPACE_KINDS = ['land', 'factory', 'office'] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];

/** Size limits of the form's fields (characters) and of the request body (bytes). */
export const ENQUIRY_LIMITS = {
  company: 200, contactPerson: 100, phone: 40, email: 254, industry: 100, message: 4000, note: 4000,
  investmentWanMax: 100_000_000, spaceM2Max: 100_000_000, bodyBytes: 16 * 1024,
} as const;

/** Square metres in one 亩. */
export const M2_PER_MU = 10_000 / 15;

/** A validated public enquiry. */
export interface EnquiryInput {
  company: string;
  contactPerson: string;
  phone: string | null;
  email: string | null;
  industry: string | null;
  investmentWan: number | null;
  spaceKind: SpaceKind | null;
  spaceM2: number | null;
  spaceUnit: 'mu' | 'm2' | null;
  message: string;
  parkId: number | null;
  carrierId: number | null;
  lang: EnquiryLang;
}

/** Filters of the officers' inbox. */
export interface InboxQuery {
  statuses: EnquiryStatus[] | null;
  parkId: number | null;
  county: string | null;
  assignedTo: number | null;
  q: string | null;
  limit: number;
  offset: number;
}

/** An officer's change: any of status, assignee (null = nobody) and a note. */
export interface EnquiryUpdate {
  status?: EnquiryStatus;
  assignedTo?: number | null;
  note?: string;
}

/** One rejected field. */
export interface FieldProblem {
  field: string;
  value: unknown;
  message: string;
}

const MSG = {
  required: { zh: '必填', en: 'is required' },
  tooLong: { zh: '不能超过 {n} 个字符', en: 'must be at most {n} characters' },
  notText: { zh: '必须是文字', en: 'must be text' },
  contact: { zh: '请至少填写电话或电子邮箱之一', en: 'give a phone number or an e-mail address' },
  phone: { zh: '不是有效的电话号码（如 13800138000 或 0818-2345678）', en: 'is not a phone number (e.g. 13800138000 or 0818-2345678)' },
  email: { zh: '不是有效的电子邮箱', en: 'is not an e-mail address' },
  number: { zh: '必须是大于 0 且不超过 {n} 的数字', en: 'must be a number above 0 and at most {n}' },
  spaceKind: { zh: '必须是 land、factory 或 office', en: 'must be land, factory or office' },
  spaceUnit: { zh: '必须是 mu（亩）或 m2（平方米）', en: 'must be mu or m2' },
  id: { zh: '必须是正整数编号', en: 'must be a positive integer id' },
  honeypot: { zh: '提交被拒绝（疑似自动程序）', en: 'submission refused (looks automated)' },
  notObject: { zh: '请求体必须是 JSON 对象', en: 'the request body must be a JSON object' },
  invalid: { zh: '意向信息有误：', en: 'Please correct the enquiry: ' },
} as const;

/** The caller's language: `lang` in the body, else the Accept-Language header, else Chinese. */
export function requestLang(bodyLang: unknown, acceptLanguage: string | undefined): EnquiryLang {
  if (bodyLang === 'en' || bodyLang === 'zh') return bodyLang;
  return /^\s*en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Labels of the form fields, used in messages. */
const FIELD_LABELS: Record<string, { zh: string; en: string }> = {
  company: { zh: '企业名称', en: 'company' },
  contactPerson: { zh: '联系人', en: 'contact person' },
  phone: { zh: '联系电话', en: 'phone' },
  email: { zh: '电子邮箱', en: 'e-mail' },
  industry: { zh: '所属行业', en: 'industry' },
  investmentWan: { zh: '计划投资（万元）', en: 'planned investment (10k CNY)' },
  spaceKind: { zh: '需求类型', en: 'space type' },
  spaceAmount: { zh: '需求面积', en: 'space needed' },
  spaceUnit: { zh: '面积单位', en: 'area unit' },
  message: { zh: '留言', en: 'message' },
  parkId: { zh: '园区', en: 'park' },
  carrierId: { zh: '载体', en: 'site' },
  website: { zh: '网站', en: 'website' },
};

/** A bad-request error listing every bad field, in `lang`. */
export function fieldsError(problems: FieldProblem[], lang: EnquiryLang): AppError {
  const parts = problems.map((p) => {
    const label = FIELD_LABELS[p.field]?.[lang] ?? p.field;
    const shown = p.value === undefined || p.value === null || p.value === '' ? '' : ` (${JSON.stringify(p.value).slice(0, 60)})`;
    return lang === 'zh' ? `${label}${shown}：${p.message}` : `${label}${shown}: ${p.message}`;
  });
  const first = problems[0];
  return new AppError('bad_request', MSG.invalid[lang] + parts.join(lang === 'zh' ? '；' : '; '), {
    field: first?.field, value: first?.value, fields: problems,
  });
}

function msg(key: keyof typeof MSG, lang: EnquiryLang, n?: number): string {
  return MSG[key][lang].replace('{n}', String(n ?? ''));
}

/** Parse the public enquiry form; throws a 400 naming every bad field. */
export function parseEnquiryInput(body: unknown, lang: EnquiryLang): EnquiryInput {
  if (!isObject(body)) throw new AppError('bad_request', msg('notObject', lang));
  const problems: FieldProblem[] = [];
  const bad = (field: string, value: unknown, message: string) => problems.push({ field, value, message });

  const text = (field: string, max: number, required: boolean): string | null => {
    const v = body[field];
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) {
      if (required) bad(field, v ?? null, msg('required', lang));
      return null;
    }
    if (typeof v !== 'string') { bad(field, v, msg('notText', lang)); return null; }
    const s = v.trim().replace(/\s+/g, (m) => (m.includes('\n') ? m : ' '));
    if (s.length > max) { bad(field, `${s.slice(0, 20)}… (${s.length})`, msg('tooLong', lang, max)); return null; }
    return s;
  };
  const positive = (field: string, max: number): number | null => {
    const v = body[field];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[0-9]+(\.[0-9]+)?\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isFinite(n) || n <= 0 || n > max) { bad(field, v, msg('number', lang, max)); return null; }
    return n;
  };
  const id = (field: string): number | null => {
    const v = body[field];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) { bad(field, v, msg('id', lang)); return null; }
    return n;
  };

  // The honeypot: a field people never see (hidden by CSS, skipped by keyboard and screen readers).
  const trap = body.website;
  if (trap !== undefined && trap !== null && trap !== '') {
    throw new AppError('bad_request', msg('honeypot', lang), { field: 'website', value: String(trap).slice(0, 60) });
  }

  const company = text('company', ENQUIRY_LIMITS.company, true);
  const contactPerson = text('contactPerson', ENQUIRY_LIMITS.contactPerson, true);
  const phone = text('phone', ENQUIRY_LIMITS.phone, false);
  const email = text('email', ENQUIRY_LIMITS.email, false);
  if (phone !== null && !(/^\+?[0-9][0-9 ()-]{5,30}$/.test(phone) && phone.replace(/\D/g, '').length >= 7)) bad('phone', phone, msg('phone', lang));
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email)) bad('email', email, msg('email', lang));
  if (phone === null && email === null && !problems.some((p) => p.field === 'phone' || p.field === 'email')) bad('phone', null, msg('contact', lang));
  const industry = text('industry', ENQUIRY_LIMITS.industry, false);
  const investmentWan = positive('investmentWan', ENQUIRY_LIMITS.investmentWanMax);
  const message = text('message', ENQUIRY_LIMITS.message, false) ?? '';

  let spaceKind: SpaceKind | null = null;
  const rawKind = body.spaceKind;
  if (rawKind !== undefined && rawKind !== null && rawKind !== '') {
    if (SPACE_KINDS.includes(rawKind as SpaceKind)) spaceKind = rawKind as SpaceKind;
    else bad('spaceKind', rawKind, msg('spaceKind', lang));
  }
  let spaceUnit: 'mu' | 'm2' | null = null;
  const amount = positive('spaceAmount', ENQUIRY_LIMITS.spaceM2Max);
  if (amount !== null) {
    const u = body.spaceUnit ?? 'm2';
    if (u === 'mu' || u === 'm2') spaceUnit = u;
    else bad('spaceUnit', u, msg('spaceUnit', lang));
  }
  const spaceM2 = amount !== null && spaceUnit ? Math.round((spaceUnit === 'mu' ? amount * M2_PER_MU : amount) * 100) / 100 : null;

  const parkId = id('parkId');
  const carrierId = id('carrierId');
  if (problems.length) throw fieldsError(problems, lang);
  return {
    company: company!, contactPerson: contactPerson!, phone, email, industry, investmentWan, spaceKind, spaceM2, spaceUnit,
    message, parkId, carrierId, lang,
  };
}

/** An officer's change as the route validated it (types, statuses, lengths): at least one part, the note trimmed. */
export function parseEnquiryUpdate(body: EnquiryUpdate): EnquiryUpdate {
  const out: EnquiryUpdate = { ...body };
  if (out.note !== undefined) {
    out.note = out.note.trim();
    if (!out.note) throw new AppError('bad_request', 'field "note" must not be blank, got ' + JSON.stringify(body.note), { field: 'note', value: body.note });
  }
  if (out.status === undefined && out.assignedTo === undefined && out.note === undefined) {
    throw new AppError('bad_request', 'give at least one of status, assignedTo, note', { field: 'status', value: null });
  }
  return out;
}
