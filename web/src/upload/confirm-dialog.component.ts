/**
 * A modal confirmation (`#confirm-dialog`) for commit, undo and review: the page's look instead of
 * `window.confirm`, and testable in headless Chromium.
 */
import { h } from '../shared/dom.util.ts';
import { t } from '../shared/i18n.service.ts';

/** One reusable `<dialog>`. */
export class ConfirmDialogComponent {
  readonly element: HTMLDialogElement;

  constructor() {
    this.element = h('dialog', { id: 'confirm-dialog', class: 'dialog confirm-dialog' });
  }

  /** Ask `message`; resolves true when the user confirms, false on cancel or Escape. */
  ask(message: string, confirmLabel = t('uploadConfirm'), danger = false): Promise<boolean> {
    return new Promise((resolve) => {
      const form = h('form', { method: 'dialog' },
        h('p', { class: 'confirm-message' }, message),
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'submit', value: 'cancel', class: 'text-button', id: 'confirm-cancel' }, t('cancel')),
          h('button', { type: 'submit', value: 'ok', class: danger ? 'danger-button' : 'primary-button', id: 'confirm-ok' }, confirmLabel)));
      this.element.returnValue = '';
      this.element.replaceChildren(form);
      this.element.addEventListener('close', () => resolve(this.element.returnValue === 'ok'), { once: true });
      this.element.showModal();
      form.querySelector<HTMLButtonElement>('#confirm-ok')?.focus();
    });
  }
}
