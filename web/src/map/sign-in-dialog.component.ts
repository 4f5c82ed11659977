/**
 * The staff sign-in dialog (`#sign-in-dialog`): posts to `/api/auth/login`, shows a wrong-password
 * message on 401, and resolves with the signed-in user.
 */
import { login } from '../shared/api.service.ts';
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError } from '../shared/http.client.ts';
import { t } from '../shared/i18n.service.ts';

/** A modal `<dialog>` for signing in. */
export class SignInDialogComponent {
  readonly element: HTMLDialogElement;
  private controller: AbortController | null = null;

  constructor(private readonly onSignedIn: (user: SessionUser) => void) {
    this.element = h('dialog', { id: 'sign-in-dialog', class: 'dialog' });
    this.element.addEventListener('close', () => this.controller?.abort());
  }

  /** Open the dialog with an empty form. */
  open(): void {
    this.render();
    this.element.showModal();
    this.element.querySelector<HTMLInputElement>('input[name=username]')?.focus();
  }

  private render(): void {
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const submit = h('button', { class: 'primary-button', type: 'submit' }, t('signIn'));
    const form = h('form', { method: 'dialog' },
      h('h2', {}, t('signInTitle')),
      h('label', {}, h('span', {}, t('username')), h('input', { name: 'username', autocomplete: 'username', required: true })),
      h('label', {}, h('span', {}, t('password')), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      error,
      h('div', { class: 'dialog-actions' },
        h('button', { class: 'text-button', type: 'button', onclick: () => this.element.close() }, t('cancel')),
        submit));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      this.controller?.abort();
      this.controller = new AbortController();
      submit.disabled = true;
      error.hidden = true;
      try {
        const user = await login(String(data.get('username')), String(data.get('password')), this.controller.signal);
        this.element.close();
        this.onSignedIn(user);
      } catch (err) {
        if (isAbortError(err)) return;
        error.textContent = err instanceof HttpError && err.status === 401
          ? t('signInFailed')
          : t('signInError') + (err as Error).message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    });
    this.element.replaceChildren(form);
  }
}
