/**
 * The one page shell: the header every page shows (`#top-bar`) — brand and page title, links to
 * the other pages the signed-in role may use, the language link (`#lang-toggle`) and the user
 * area (`#sign-in` / `#sign-out`) with the shared sign-in dialog. The markup comes from
 * `ui/page-header.ts`, the same function the server renders the portal's header with; the shell
 * draws it (or takes over the header the server drew) and attaches the behaviour. Pages add their
 * own filters and controls through `middle` and `controls`; the shell redraws itself, and the
 * document title, on a language switch.
 */
import { navLinksFor as navLinksForPage, languageLinkHtml, pageHeaderInner, type NavLink, type PageId } from '../../../ui/page-header.ts';
import { fetchMe, logout } from './api.service.ts';
import type { SessionUser } from './api.types.ts';
import { isAbortError } from './http.client.ts';
import { getLang, onLangChange, setLang, t, type Lang } from './i18n.service.ts';
import { SignInDialog } from './sign-in.component.ts';
import './page-shell.css';

export type { PageId } from '../../../ui/page-header.ts';
export { NAV_LINKS } from '../../../ui/page-header.ts';

type Child = Node | string | null | undefined | false;

/** The links `user` gets on `page` (the page itself is not linked). */
export function navLinksFor(page: PageId, user: SessionUser | null): NavLink[] {
  return navLinksForPage(page, user);
}

/** What a page puts into its shell. */
export interface PageShellOptions {
  page: PageId;
  /**
   * The page title in the current language: long (header), short (phones) and the document title
   * (default: the long title with the product name). Optional only with `element`, whose title
   * the server wrote.
   */
  title?(): { long: string; short?: string; document?: string };
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
  /**
   * A header the server rendered (the portal's pages, `ui/page-header.ts`): the shell takes it
   * over as it is — title, language and the language link's target come from its markup — and
   * only redraws it when the user changes. Its language link stays a link: the server renders
   * the page in the other language.
   */
  element?: HTMLElement;
}

/** `html` (one element) as a DOM element. */
function fromHtml<T extends Element>(html: string): T {
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content.firstElementChild as T;
}

/** This page's URL in `lang` (`?lang=` set, the rest kept): the language link's target. */
function currentUrlIn(lang: Lang): string {
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  return url.pathname + url.search + url.hash;
}

/**
 * Switch the page to `lang` in place; a `?lang=` in the address follows, so a reload or a shared
 * link keeps the language.
 */
function switchLang(lang: Lang): void {
  const url = new URL(location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.set('lang', lang);
    history.replaceState(history.state, '', url);
  }
  setLang(lang);
}

/**
 * The one language toggle (`#lang-toggle`, 中 | EN): a link to this page in the other language
 * that the client follows in place with `setLang`, which tells every `onLangChange` listener. The
 * shell puts it in the header; a page without the header (the client's printable proposal) puts
 * it in its own tools.
 */
export function languageToggle(): HTMLAnchorElement {
  const other: Lang = getLang() === 'en' ? 'zh' : 'en';
  const a = fromHtml<HTMLAnchorElement>(languageLinkHtml(getLang(), currentUrlIn(other)));
  a.addEventListener('click', (e) => {
    e.preventDefault();
    switchLang(other);
  });
  return a;
}

/** The header of a page; `element` goes first into the page (or is the server's header). */
export class PageShell {
  readonly element: HTMLElement;
  private readonly dialog: SignInDialog;
  private readonly serverRendered: boolean;
  private readonly serverTitle: { long: string; short: string } | null = null;
  private readonly serverOtherLangHref: string | null = null;
  private current: SessionUser | null = null;

  constructor(private readonly options: PageShellOptions) {
    this.dialog = new SignInDialog((user) => this.changeUser(user));
    this.serverRendered = options.element !== undefined;
    if (options.element) {
      const el = (this.element = options.element);
      // The page's language is the one the server rendered (the stored choice may differ).
      if (el.dataset.lang === 'zh' || el.dataset.lang === 'en') setLang(el.dataset.lang);
      this.serverTitle = {
        long: el.querySelector('.brand-long')?.textContent ?? '',
        short: el.querySelector('.brand-short')?.textContent ?? '',
      };
      this.serverOtherLangHref = el.querySelector('#lang-toggle')?.getAttribute('href') ?? null;
      this.attach();
    } else {
      this.element = document.createElement('header');
      this.element.id = 'top-bar';
      this.element.className = 'top-bar';
      this.element.dataset.page = options.page;
      onLangChange(() => {
        this.render();
        this.options.onLangChange?.();
      });
      this.render();
    }
  }

  /** The signed-in user, or null. */
  get user(): SessionUser | null {
    return this.current;
  }

  /**
   * Ask the server who is signed in, and show it. Arriving at `#sign-in` (the sign-in link of a
   * page without JavaScript) opens the sign-in dialog for a visitor.
   */
  async loadUser(signal: AbortSignal): Promise<SessionUser | null> {
    this.setUser(await fetchMe(signal));
    if (!this.current && location.hash === '#sign-in' && this.options.signInButton !== false) this.openSignIn();
    return this.current;
  }

  /** Show `user` (no callback: the page set it itself). */
  setUser(user: SessionUser | null): void {
    const changed = user?.username !== this.current?.username || user?.role !== this.current?.role;
    this.current = user;
    // A server-rendered header already shows the visitor: redraw it only for a change.
    if (!this.serverRendered || changed) this.render();
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
    const lang = getLang();
    const own = title?.();
    const long = own?.long ?? this.serverTitle?.long ?? '';
    if (!this.serverRendered) {
      document.title = own?.document ?? (long === t('appTitle') ? long : `${long} · ${t('appTitleShort')}`);
    }
    this.element.dataset.lang = lang;
    this.element.innerHTML = pageHeaderInner({
      lang, page,
      title: { long, short: own ? own.short : this.serverTitle?.short },
      titleTag: this.serverRendered ? 'p' : 'h1',
      user: this.current,
      signIn: signInButton,
      otherLangHref: this.serverOtherLangHref ?? currentUrlIn(lang === 'zh' ? 'en' : 'zh'),
      langInLinks: this.serverRendered,
    });
    const middlePart = middle?.();
    this.element.querySelector('.filters')!.append(...(Array.isArray(middlePart) ? middlePart : [middlePart]).filter((c): c is Node | string => !!c));
    this.element.querySelector('#lang-toggle')!.before(...(controls?.() ?? []).filter((c): c is Node | string => !!c));
    this.attach();
  }

  /** The header's behaviour: language switch in place (the client's pages), sign-in dialog, sign-out. */
  private attach(): void {
    if (!this.serverRendered) {
      this.element.querySelector('#lang-toggle')?.addEventListener('click', (e) => {
        e.preventDefault();
        switchLang(getLang() === 'zh' ? 'en' : 'zh');
      });
    }
    this.element.querySelector('#sign-in')?.addEventListener('click', (e) => {
      e.preventDefault();
      this.openSignIn();
    });
    this.element.querySelector('#sign-out')?.addEventListener('click', () => void this.signOut());
  }

  private changeUser(user: SessionUser | null): void {
    this.current = user;
    this.render();
    this.options.onUserChange?.(user);
  }
}
