/**
 * The one staff sign-in form, shown inline on work pages (`#sign-in-form`, e.g. upload) or in the
 * modal `#sign-in-dialog` the page shell opens. Posts to `/api/auth/login`; says "wrong username or
 * password" on 401 and shows the server's own message otherwise (e.g. a temporary lockout, 429).
 */
import { login } from './api.service.ts';
import type { SessionUser } from './api.types.ts';
import { h } from './dom.util.ts';
import { HttpError, isAbortError } from './http.client.ts';
import { t, type StringKey } from './i18n.service.ts';

/** Options of a sign-in form. */
export interface SignInFormOptions {
  /** Called with the user once signed in. */
  onSignedIn(user: SessionUser): void;
  /** The heading (default "staff sign-in"). */
  title?(): string;
  /** A line under the title (inline forms). */
  hint?: StringKey | (() => string);
  /** Shows a cancel button (the dialog). */
  onCancel?(): void;
  /** Give the form, error and button their ids (`#sign-in-form`…): one inline form per page. */
  ids?: boolean;
}

/** The message for a failed sign-in. */
export function signInErrorMessage(err: unknown): string {
  if (err instanceof HttpError && err.status === 401) return t('signInFailed');
  if (err instanceof HttpError && err.status >= 400 && err.status < 500) return err.message;
  return t('signInError') + (err as Error).message;
}

/** A sign-in form; `render()` redraws it empty (also after a language switch). */
export class SignInForm {
  readonly element: HTMLElement;
  private controller: AbortController | null = null;
  private error: HTMLElement | null = null;

  constructor(private readonly options: SignInFormOptions) {
    this.element = h('div', { class: 'sign-in' });
  }

  /** Abort a sign-in still on its way (the dialog closed). */
  abort(): void {
    this.controller?.abort();
  }

  /** Redraw with an empty form. */
  render(): void {
    const { ids, hint, onCancel, title } = this.options;
    const error = h('p', { id: ids ? 'sign-in-error' : undefined, class: 'error', role: 'alert', hidden: true });
    this.error = error;
    const submit = h('button', { id: ids ? 'sign-in-submit' : undefined, class: 'primary-button', type: 'submit' }, t('signIn'));
    const form = h('form', { id: ids ? 'sign-in-form' : undefined, method: onCancel ? 'dialog' : undefined },
      h('h2', {}, title ? title() : t('signInTitle')),
      hint ? h('p', { class: 'muted' }, typeof hint === 'function' ? hint() : t(hint)) : null,
      h('label', {}, h('span', {}, t('username')), h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: 64 })),
      h('label', {}, h('span', {}, t('password')), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 })),
      error,
      onCancel
        ? h('div', { class: 'dialog-actions' }, h('button', { class: 'text-button', type: 'button', onclick: () => onCancel() }, t('cancel')), submit)
        : submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form as HTMLFormElement);
      this.controller?.abort();
      const controller = (this.controller = new AbortController());
      submit.disabled = true;
      error.hidden = true;
      try {
        this.options.onSignedIn(await login(String(data.get('username')), String(data.get('password')), controller.signal));
      } catch (err) {
        if (isAbortError(err)) return;
        error.textContent = signInErrorMessage(err);
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    this.element.replaceChildren(form);
  }

  /** Focus the username field. */
  focus(): void {
    this.element.querySelector<HTMLInputElement>('input[name=username]')?.focus();
  }

  /** Show `text` as the form's error (e.g. "this role cannot use the page"). */
  showError(text: string): void {
    if (!this.error) return;
    this.error.textContent = text;
    this.error.hidden = false;
  }
}

/** The modal sign-in dialog (`#sign-in-dialog`). */
export class SignInDialog {
  readonly element: HTMLDialogElement;
  private readonly form: SignInForm;

  constructor(onSignedIn: (user: SessionUser) => void) {
    this.element = h('dialog', { id: 'sign-in-dialog', class: 'dialog' });
    this.form = new SignInForm({
      onSignedIn: (user) => { this.element.close(); onSignedIn(user); },
      onCancel: () => this.element.close(),
    });
    this.element.append(this.form.element);
    this.element.addEventListener('close', () => this.form.abort());
  }

  /** Open the dialog with an empty form. */
  open(): void {
    this.form.render();
    if (!this.element.isConnected) document.body.append(this.element);
    this.element.showModal();
    this.form.focus();
  }
}
