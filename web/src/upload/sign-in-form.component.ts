/**
 * The sign-in card shown to signed-out visitors (`#sign-in-form`): posts to `/api/auth/login`,
 * says "wrong username or password" on 401, and hands the user to the page.
 */
import { login } from '../shared/api.service.ts';
import type { SessionUser } from '../shared/api.types.ts';
import { h } from '../shared/dom.util.ts';
import { HttpError, isAbortError } from '../shared/http.client.ts';
import { t } from '../shared/i18n.service.ts';

/** The inline sign-in form. */
export class SignInFormComponent {
  readonly element: HTMLElement;
  private controller: AbortController | null = null;

  constructor(private readonly onSignedIn: (user: SessionUser) => void) {
    this.element = h('section', { class: 'card sign-in-card' });
  }

  /** Redraw with an empty form (also after a language switch). */
  render(): void {
    const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert', hidden: true });
    const submit = h('button', { id: 'sign-in-submit', class: 'primary-button', type: 'submit' }, t('signIn'));
    const form = h('form', { id: 'sign-in-form' },
      h('h2', {}, t('signInTitle')),
      h('p', { class: 'muted' }, t('uploadSignInHint')),
      h('label', {}, h('span', {}, t('username')), h('input', { name: 'username', autocomplete: 'username', required: true })),
      h('label', {}, h('span', {}, t('password')), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
      error,
      submit);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      this.controller?.abort();
      this.controller = new AbortController();
      submit.disabled = true;
      error.hidden = true;
      try {
        this.onSignedIn(await login(String(data.get('username')), String(data.get('password')), this.controller.signal));
      } catch (err) {
        if (isAbortError(err)) return;
        error.textContent = err instanceof HttpError && err.status === 401 ? t('signInFailed') : t('signInError') + (err as Error).message;
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
}
