/**
 * The one page shell: the header every page shows (`#top-bar`) — brand and page title, links to
 * the other pages the signed-in role may use, the language toggle (`#lang-toggle`) and the user
 * area (`#sign-in` / `#sign-out`) with the shared sign-in dialog. Pages add their own filters and
 * controls through `middle` and `controls`; the shell redraws itself, and the document title, on a
 * language switch.
 */
import { fetchMe, logout } from './api.service.ts';
import type { SessionUser } from './api.types.ts';
import { h } from './dom.util.ts';
import { isAbortError } from './http.client.ts';
import { getLang, onLangChange, roleLabel, setLang, t, type StringKey } from './i18n.service.ts';
import { SignInDialog } from './sign-in.component.ts';
import './page-shell.css';

/** The pages of the product. */
export type PageId = 'portal' | 'map' | 'find' | 'tour' | 'upload' | 'policies' | 'select' | 'inbox' | 'stats';

type Child = Node | string | null | undefined | false;

/** A link of the page navigation: who sees it (null: everyone). */
interface NavLink {
  page: PageId;
  id: string;
  href: string;
  label: StringKey;
  roles: readonly string[] | null;
}

/** Every page's link, in display order. */
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

/** The links `user` gets on `page` (the page itself is not linked). */
export function navLinksFor(page: PageId, user: SessionUser | null): NavLink[] {
  return NAV_LINKS.filter((l) => l.page !== page && (l.roles === null || (user !== null && l.roles.includes(user.role))));
}

/** What a page puts into its shell. */
export interface PageShellOptions {
  page: PageId;
  /**
   * The page title in the current language: long (header), short (phones) and the document title
   * (default: the long title with the product name).
   */
  title(): { long: string; short?: string; document?: string };
  /** Page content between the title and the controls (filters, summaries), redrawn with the shell. */
  middle?(): Child | Child[];
  /** Page controls before the language toggle (mode toggles, edit buttons). */
  controls?(): Child[];
  /** Offer "sign in" in the header (false on pages that show an inline sign-in form instead). */
  signInButton?: boolean;
  /** Called after the user signed in or out through the shell. */
  onUserChange?(user: SessionUser | null): void;
  /** Called after a language switch, once the shell has redrawn. */
  onLangChange?(): void;
}

/**
 * The one language toggle (`#lang-toggle`, 中 | EN): switches with `setLang`, which tells every
 * `onLangChange` listener. The shell puts it in the header; a page without the header (the
 * client's printable proposal) puts it in its own tools.
 */
export function languageToggle(): HTMLButtonElement {
  const en = getLang() === 'en';
  return h('button', {
    id: 'lang-toggle', class: 'toggle-button', type: 'button', title: t('langToggleTitle'), lang: en ? 'zh-CN' : 'en',
    onclick: () => setLang(en ? 'zh' : 'en'),
  }, h('span', { class: en ? '' : 'on' }, '中'), h('span', { class: en ? 'on' : '' }, 'EN'));
}

/** The header of a page; `element` goes first into the page. */
export class PageShell {
  readonly element: HTMLElement;
  private readonly dialog: SignInDialog;
  private current: SessionUser | null = null;

  constructor(private readonly options: PageShellOptions) {
    this.element = h('header', { id: 'top-bar', class: 'top-bar', 'data-page': options.page });
    this.dialog = new SignInDialog((user) => this.changeUser(user));
    onLangChange(() => {
      this.render();
      this.options.onLangChange?.();
    });
    this.render();
  }

  /** The signed-in user, or null. */
  get user(): SessionUser | null {
    return this.current;
  }

  /** Ask the server who is signed in, and show it. */
  async loadUser(signal: AbortSignal): Promise<SessionUser | null> {
    this.setUser(await fetchMe(signal));
    return this.current;
  }

  /** Show `user` (no callback: the page set it itself). */
  setUser(user: SessionUser | null): void {
    this.current = user;
    this.render();
  }

  /** Open the sign-in dialog. */
  openSignIn(): void {
    this.dialog.open();
  }

  /** Sign out on the server, then tell the page. */
  async signOut(): Promise<void> {
    try {
      await logout(new AbortController().signal);
    } catch (err) {
      if (isAbortError(err)) return;
      // The session may be gone already; the page shows the signed-out state either way.
    }
    this.changeUser(null);
  }

  /** Redraw (the page calls this when its `middle` or `controls` change). */
  render(): void {
    const { page, title, middle, controls, signInButton = true } = this.options;
    const { long, short, document: docTitle } = title();
    document.title = docTitle ?? (long === t('appTitle') ? long : `${long} · ${t('appTitleShort')}`);
    const u = this.current;
    const brand = h('div', { class: 'brand' },
      // The portal is server-rendered: its language comes with the link.
      h('a', { class: 'brand-mark', href: getLang() === 'en' ? '/?lang=en' : '/', title: t('navPortal'), 'aria-label': t('navPortal') }, '达'),
      h('h1', { title: long },
        h('span', { class: 'brand-long' }, long),
        h('span', { class: 'brand-short' }, short ?? long)));
    const nav = h('nav', { class: 'page-nav', 'aria-label': t('navLabel') },
      navLinksFor(page, u).map((l) => h('a', { id: l.id, class: 'text-button nav-link', href: l.href }, t(l.label))));
    const lang = languageToggle();
    const userArea = u
      ? h('div', { class: 'user' },
        h('span', { class: 'user-name', title: u.username }, u.displayName || u.username),
        h('span', { class: 'user-role', id: 'user-role', 'data-role': u.role }, roleLabel(u.role)),
        h('button', { id: 'sign-out', class: 'text-button', type: 'button', onclick: () => void this.signOut() }, t('signOut')))
      : signInButton
        ? h('button', { id: 'sign-in', class: 'primary-button', type: 'button', onclick: () => this.openSignIn() }, t('signIn'))
        : null;
    const middlePart = middle?.();
    this.element.replaceChildren(
      brand,
      h('div', { class: 'filters' }, ...(Array.isArray(middlePart) ? middlePart : [middlePart])),
      h('div', { class: 'controls' }, nav, ...(controls?.() ?? []), lang, userArea),
    );
  }

  private changeUser(user: SessionUser | null): void {
    this.current = user;
    this.render();
    this.options.onUserChange?.(user);
  }
}
