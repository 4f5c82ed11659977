/**
 * The one page header (`#top-bar`) as HTML text, made from plain data: brand mark (the portal's
 * home), page title, links to the other pages the visitor's role may use, the language link
 * (中 | EN) and the sign-in slot (a sign-in link, or the user with role and sign-out).
 *
 * No DOM and no Node: the server renders it into the portal pages (landing, park card, policy
 * page), which paint without JavaScript, and the browser's `PageShell` renders the very same
 * markup on every other page and attaches behaviour to it (language switch in place, sign-in
 * dialog, sign-out). Its labels live here, in both languages; the web client's string table takes
 * them from here. Styled by `web/src/shared/page-shell.css`, the one stylesheet of the header.
 */

/** Header languages (the product's two). */
export type HeaderLang = 'zh' | 'en';

/** The pages of the product (`portal`: the server-rendered landing, park cards and policy pages). */
export type PageId = 'portal' | 'map' | 'find' | 'tour' | 'upload' | 'policies' | 'select' | 'inbox' | 'stats';

/** The header's words in Chinese and English (also part of the web client's string table). */
export const HEADER_TEXT = {
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  navUpload: { zh: '数据上传与校核', en: 'Upload & review' },
  navSelect: { zh: '项目选址', en: 'Site selection' },
  navTours: { zh: '园区导览', en: 'Park tours' },
  navMap: { zh: '招商地图', en: 'Investment map' },
  navFind: { zh: '找载体', en: 'Find sites' },
  navInbox: { zh: '投资意向', en: 'Enquiries' },
  navPolicies: { zh: '政策与项目', en: 'Policies' },
  navStats: { zh: '统计分析', en: 'Statistics' },
  navPortal: { zh: '达州投资门户首页', en: 'Dazhou investment portal' },
  navLabel: { zh: '页面导航', en: 'Pages' },
  langToggleTitle: { zh: 'Switch to English', en: '切换到中文' },
  roleStaff: { zh: '载体专员', en: 'Staff' },
  roleReviewer: { zh: '校核员', en: 'Reviewer' },
  roleOfficer: { zh: '招商专员', en: 'Officer' },
  roleAdmin: { zh: '管理员', en: 'Administrator' },
} as const;

/** Keys of the header's words. */
export type HeaderTextKey = keyof typeof HEADER_TEXT;

/** A link of the page navigation: who sees it (null: everyone). */
export interface NavLink {
  page: PageId;
  id: string;
  href: string;
  label: HeaderTextKey;
  roles: readonly string[] | null;
}

/** Every page's link, in display order (the portal's link is the brand mark). */
export const NAV_LINKS: readonly NavLink[] = [
  { page: 'map', id: 'nav-map', href: '/map.html', label: 'navMap', roles: null },
  { page: 'find', id: 'nav-find', href: '/find.html', label: 'navFind', roles: null },
  { page: 'tour', id: 'nav-tours', href: '/tour.html', label: 'navTours', roles: null },
  { page: 'upload', id: 'nav-upload', href: '/upload.html', label: 'navUpload', roles: ['staff', 'reviewer', 'admin'] },
  { page: 'policies', id: 'nav-policies', href: '/policies.html', label: 'navPolicies', roles: ['staff', 'reviewer', 'admin'] },
  { page: 'select', id: 'nav-select', href: '/select.html', label: 'navSelect', roles: ['officer', 'admin'] },
  { page: 'inbox', id: 'nav-inbox', href: '/enquiries.html', label: 'navInbox', roles: ['officer', 'admin'] },
  { page: 'stats', id: 'nav-stats', href: '/stats.html', label: 'navStats', roles: ['staff', 'reviewer', 'officer', 'admin'] },
];

/** Who is signed in, as far as the header shows it. */
export interface HeaderUser {
  username: string;
  displayName?: string | null;
  role: string;
}

/** The links `user` gets on `page` (the page itself is not linked). */
export function navLinksFor(page: PageId, user: Pick<HeaderUser, 'role'> | null): NavLink[] {
  return NAV_LINKS.filter((l) => l.page !== page && (l.roles === null || (user !== null && l.roles.includes(user.role))));
}

/** A header word in `lang`. */
export function headerText(key: HeaderTextKey, lang: HeaderLang): string {
  return HEADER_TEXT[key][lang];
}

/** The label of an account role in `lang` (an unknown role as it is). */
export function roleText(role: string, lang: HeaderLang): string {
  const key = ({ staff: 'roleStaff', reviewer: 'roleReviewer', officer: 'roleOfficer', admin: 'roleAdmin' } as const)[role];
  return key ? HEADER_TEXT[key][lang] : role;
}

/** Text for HTML content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `href` in `lang`: Chinese is the default and carries no parameter, English adds `lang=en` (before any `#`). */
export function hrefInLang(href: string, lang: HeaderLang): string {
  if (lang === 'zh') return href;
  const hash = href.indexOf('#');
  const [path, fragment] = hash < 0 ? [href, ''] : [href.slice(0, hash), href.slice(hash)];
  return `${path}${path.includes('?') ? '&' : '?'}lang=en${fragment}`;
}

/** The `lang` attribute value of a header language. */
const langTag = (lang: HeaderLang) => (lang === 'zh' ? 'zh-CN' : 'en');

/**
 * The language link (`#lang-toggle`, 中 | EN with the current one marked): a real link to
 * `otherLangHref`, this page in the other language, so it works without JavaScript; the web
 * client switches in place instead.
 */
export function languageLinkHtml(lang: HeaderLang, otherLangHref: string): string {
  const other: HeaderLang = lang === 'zh' ? 'en' : 'zh';
  return `<a id="lang-toggle" class="toggle-button" href="${escapeHtml(otherLangHref)}" hreflang="${langTag(other)}" lang="${langTag(other)}"`
    + ` title="${escapeHtml(headerText('langToggleTitle', lang))}"><span${lang === 'zh' ? ' class="on"' : ''}>中</span><span${lang === 'en' ? ' class="on"' : ''}>EN</span></a>`;
}

/** Where the sign-in link leads without JavaScript: the map, whose shell opens the sign-in dialog on `#sign-in`. */
export const SIGN_IN_HREF = '/map.html#sign-in';

/** What the header shows. */
export interface PageHeaderInput {
  lang: HeaderLang;
  page: PageId;
  /** The page title: long (wide screens) and short (phones and narrow windows; default: the long one). */
  title: { long: string; short?: string };
  /**
   * The title's element: `h1` where the header names the page (the web client's pages), `p` where
   * the page's content has its own `h1` (the portal's pages).
   */
  titleTag?: 'h1' | 'p';
  /** The signed-in user, or null. */
  user: HeaderUser | null;
  /** Offer sign-in when nobody is signed in (false on pages with an inline sign-in form). */
  signIn: boolean;
  /** This page in the other language: the language link's target. */
  otherLangHref: string;
  /**
   * Whether the header's links carry the language (`?lang=en`): on server-rendered pages, whose
   * language comes with the link. The web client's pages keep the reader's stored choice instead.
   */
  langInLinks?: boolean;
}

/**
 * The inside of the header: brand, an empty `.filters` (pages put their filters there) and
 * `.controls` (navigation, language link, sign-in slot; pages put their controls before the
 * language link).
 */
export function pageHeaderInner(input: PageHeaderInput): string {
  const { lang, page, title, titleTag = 'h1', user, signIn, otherLangHref, langInLinks = false } = input;
  const tx = (key: HeaderTextKey) => escapeHtml(headerText(key, lang));
  const link = (href: string) => escapeHtml(langInLinks ? hrefInLang(href, lang) : href);
  const long = escapeHtml(title.long);
  const brand = '<div class="brand">'
    // The portal is server-rendered: its language always comes with the link.
    + `<a class="brand-mark" href="${escapeHtml(hrefInLang('/', lang))}" title="${tx('navPortal')}" aria-label="${tx('navPortal')}">达</a>`
    + `<${titleTag} class="brand-title" title="${long}"><span class="brand-long">${long}</span>`
    + `<span class="brand-short">${escapeHtml(title.short ?? title.long)}</span></${titleTag}></div>`;
  const nav = `<nav class="page-nav" aria-label="${tx('navLabel')}">`
    + navLinksFor(page, user).map((l) => `<a id="${l.id}" class="text-button nav-link" href="${link(l.href)}">${tx(l.label)}</a>`).join('')
    + '</nav>';
  const userArea = user
    ? '<div class="user">'
      + `<span class="user-name" title="${escapeHtml(user.username)}">${escapeHtml(user.displayName || user.username)}</span>`
      + `<span class="user-role" id="user-role" data-role="${escapeHtml(user.role)}">${escapeHtml(roleText(user.role, lang))}</span>`
      + `<button id="sign-out" class="text-button" type="button">${tx('signOut')}</button></div>`
    : signIn
      ? `<a id="sign-in" class="primary-button" href="${escapeHtml(hrefInLang(SIGN_IN_HREF, lang))}" role="button">${tx('signIn')}</a>`
      : '';
  return `${brand}<div class="filters"></div><div class="controls">${nav}${languageLinkHtml(lang, otherLangHref)}${userArea}</div>`;
}

/** The whole header element, as the server puts it at the top of a page. */
export function pageHeaderHtml(input: PageHeaderInput): string {
  return `<header id="top-bar" class="top-bar" data-page="${input.page}" data-lang="${input.lang}">${pageHeaderInner(input)}</header>`;
}
