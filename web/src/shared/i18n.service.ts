/**
 * Every UI string of the web client, in Chinese (default) and English, plus the current language.
 * The language comes from `?lang=`, then localStorage, then zh-CN; `setLang` remembers the choice.
 * Layer titles, attribute labels and enum labels come from the API as `{ zh, en }` and go
 * through `tr`.
 */
import type { I18nText } from './api.types.ts';

/** UI languages. */
export type Lang = 'zh' | 'en';

const STRINGS = {
  appTitle: { zh: '达州市招商载体资源地图', en: 'Dazhou Investment Carrier Map' },
  appTitleShort: { zh: '达州招商载体', en: 'Dazhou Carriers' },
  allCounties: { zh: '全市', en: 'All of Dazhou' },
  countyFilter: { zh: '县（市、区）', en: 'County' },
  available: { zh: '可招商', en: 'Available' },
  summaryLand: { zh: '土地', en: 'Land' },
  summaryFactories: { zh: '厂房', en: 'Factories' },
  summaryOffices: { zh: '楼宇', en: 'Offices' },
  unitParcels: { zh: '宗', en: '' },
  unitBuildings: { zh: '栋', en: '' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  signInTitle: { zh: '工作人员登录', en: 'Staff sign-in' },
  username: { zh: '用户名', en: 'Username' },
  password: { zh: '密码', en: 'Password' },
  cancel: { zh: '取消', en: 'Cancel' },
  signInFailed: { zh: '用户名或密码错误', en: 'Wrong username or password' },
  signInError: { zh: '登录失败：', en: 'Sign-in failed: ' },
  langToggle: { zh: 'EN', en: '中' },
  langToggleTitle: { zh: 'Switch to English', en: '切换到中文' },
  mode2d: { zh: '2D', en: '2D' },
  mode3d: { zh: '3D', en: '3D' },
  modeToggleTitle: { zh: '切换二维/三维', en: 'Switch 2D / 3D' },
  legend: { zh: '图例', en: 'Legend' },
  legendToggleTitle: { zh: '显示/隐藏图例', en: 'Show / hide legend' },
  groupAdmin: { zh: '行政区划', en: 'Administrative' },
  groupPark: { zh: '园区', en: 'Parks' },
  groupCarrier: { zh: '载体', en: 'Carriers' },
  groupAmenity: { zh: '配套', en: 'Amenities' },
  zoomInToSee: { zh: '放大至 {z} 级显示', en: 'Visible from zoom {z}' },
  close: { zh: '关闭', en: 'Close' },
  loading: { zh: '加载中…', en: 'Loading…' },
  loadFailed: { zh: '数据加载失败：', en: 'Failed to load data: ' },
  featureLoadFailed: { zh: '详情加载失败：', en: 'Failed to load details: ' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  mu: { zh: '亩', en: 'mu' },
  hectare: { zh: '公顷', en: 'ha' },
  layer: { zh: '图层', en: 'Layer' },
  draftBadge: { zh: '未发布', en: 'Unpublished' },
  roleStaff: { zh: '载体专员', en: 'Staff' },
  roleReviewer: { zh: '校核员', en: 'Reviewer' },
  roleOfficer: { zh: '招商专员', en: 'Officer' },
  roleAdmin: { zh: '管理员', en: 'Administrator' },
} satisfies Record<string, I18nText>;

/** Keys of the UI strings. */
export type StringKey = keyof typeof STRINGS;

const STORAGE_KEY = 'dz-gis.lang';
const listeners = new Set<(lang: Lang) => void>();

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    // Storage can be disabled (private mode); fall back to Chinese.
  }
  return 'zh';
}

let current: Lang = initialLang();
document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';

/** The current UI language. */
export function getLang(): Lang {
  return current;
}

/** Switch the UI language, remember it, and notify `onLangChange` listeners. */
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the switch still applies to this page.
  }
  for (const fn of listeners) fn(lang);
}

/** Call `fn` after every language switch. Returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A UI string in the current language; `{name}` placeholders are filled from `params`. */
export function t(key: StringKey, params?: Record<string, string | number>): string {
  let s: string = STRINGS[key][current];
  if (params) for (const [k, v] of Object.entries(params)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A `{ zh, en }` label from the API in the current language (falls back to the other one). */
export function tr(text: I18nText | undefined | null): string {
  if (!text) return '';
  return text[current] || text.zh || text.en || '';
}

/** Label of an account role. */
export function roleLabel(role: string): string {
  const key = ({ staff: 'roleStaff', reviewer: 'roleReviewer', officer: 'roleOfficer', admin: 'roleAdmin' } as const)[role];
  return key ? t(key) : role;
}

/** Number formatting in the current language (grouping, up to `digits` decimals). */
export function formatNumber(n: number, digits = 2): string {
  return n.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits });
}
