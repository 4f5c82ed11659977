/**
 * The frame of a staff work page that lives beside the portal (`/enquiries.html`,
 * `/policies.html`): the shared page shell on top (header, language toggle, user and sign-out),
 * then either the page's content for the roles that may use it, the shared sign-in form for a
 * visitor, or a "your role may not use this page" line. A sign-in, a sign-out or a language switch
 * redraws the page; the page itself only says how to draw its content.
 */
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { isAbortError } from '../shared/http.client.ts';
import { roleLabel } from '../shared/i18n.service.ts';
import { PageShell, type PageId } from '../shared/page-shell.ts';
import { SignInForm } from '../shared/sign-in.component.ts';

/** What a staff page tells its frame. */
export interface StaffPageOptions {
  page: PageId;
  /** The page title in the current language: long (header, heading) and short (phones). */
  title(): { long: string; short: string };
  /** Roles that may use the page. */
  roles: readonly string[];
  /** Id of the sign-in card (`#inbox-signin`), which tests and links look for. */
  signInId: string;
  /** The line under the sign-in heading: which accounts the page is for. */
  signInHint(): string;
  /** "Your account ({role}) may not …" in the current language. */
  noAccess(role: string): string;
  /**
   * Draw the page for `user` into `main` (called again after a language switch); `signal` is
   * aborted when the page is drawn anew, so requests of the old drawing stop.
   */
  draw(main: HTMLElement, user: SessionUser, signal: AbortSignal): Promise<void>;
  /** Called once the page shows something (sign-in, no access, or the drawn content). */
  onShown?(): void;
  /** Shows an error that stopped the drawing. */
  onError?(err: unknown): void;
}

/** A staff page: shell plus one of sign-in, no access, or the page's content. */
export class StaffPage {
  readonly shell: PageShell;
  readonly main: HTMLElement;
  private controller = new AbortController();

  constructor(private readonly root: HTMLElement, private readonly options: StaffPageOptions) {
    this.shell = new PageShell({
      page: options.page,
      title: options.title,
      signInButton: false,
      onUserChange: () => void this.show(),
      onLangChange: () => void this.show(),
    });
    this.main = h('main', { class: 'pt-main staff-main' });
    root.replaceChildren(this.shell.element, this.main);
  }

  /** Ask the server who is signed in, then show the page for them. */
  async open(): Promise<void> {
    try {
      await this.shell.loadUser(this.controller.signal);
    } catch (err) {
      if (isAbortError(err)) return;
      this.fail(err);
      return;
    }
    await this.show();
  }

  /** Whether `user` may use the page. */
  allows(user: SessionUser | null): boolean {
    return user !== null && this.options.roles.includes(user.role);
  }

  /** Draw what the shell's current user gets (aborting the requests of the previous drawing). */
  async show(): Promise<void> {
    this.controller.abort();
    const controller = (this.controller = new AbortController());
    const user = this.shell.user;
    const heading = h('h1', { class: 'staff-title' }, this.options.title().long);
    if (!user) {
      this.main.replaceChildren(this.signInCard());
      this.options.onShown?.();
      return;
    }
    if (!this.allows(user)) {
      this.main.replaceChildren(heading, h('p', { class: 'form-error', id: 'no-access' }, this.options.noAccess(roleLabel(user.role))));
      this.options.onShown?.();
      return;
    }
    this.main.replaceChildren(heading);
    try {
      await this.options.draw(this.main, user, controller.signal);
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return;
      this.fail(err);
      return;
    }
    if (!controller.signal.aborted) this.options.onShown?.();
  }

  private signInCard(): HTMLElement {
    const form = new SignInForm({
      title: () => this.options.title().long,
      hint: () => this.options.signInHint(),
      // Tell the shell (header: user, role, sign-out), then draw what this user gets.
      onSignedIn: (user) => {
        this.shell.setUser(user);
        void this.show();
      },
    });
    form.render();
    form.element.id = this.options.signInId;
    form.element.classList.add('card', 'staff-sign-in');
    return form.element;
  }

  private fail(err: unknown): void {
    this.main.replaceChildren(h('p', { class: 'form-error', id: 'page-error', role: 'alert' }, (err as Error).message ?? String(err)));
    this.options.onError?.(err);
    this.options.onShown?.();
  }
}
