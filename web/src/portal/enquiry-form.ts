/**
 * The enquiry form (投资意向) on park cards: sends `POST /api/enquiries` through the one HTTP
 * client and shows the answer — each bad field marked with the server's message (asked for in the
 * page's language), the rate limit or a network failure above the button, or the receipt with its
 * reference number.
 */
import { HttpError, isAbortError, requestJson, type FieldProblem } from '../shared/http.client.ts';

const RECEIPT = {
  zh: { title: '提交成功', ref: '意向编号' },
  en: { title: 'Enquiry sent', ref: 'Reference' },
};

/** Wire `form` to the enquiry API. */
export function enquiryForm(form: HTMLFormElement): void {
  const lang = ((form.elements.namedItem('lang') as HTMLInputElement | null)?.value === 'en' ? 'en' : 'zh') as 'zh' | 'en';
  const formError = form.querySelector<HTMLElement>('#enquiry-error');
  const submit = form.querySelector<HTMLButtonElement>('button[type=submit]');
  const receipt = document.querySelector<HTMLElement>('#enquiry-receipt');
  let inFlight: AbortController | null = null;

  const clearErrors = () => {
    for (const el of form.querySelectorAll<HTMLElement>('.field-error')) { el.hidden = true; el.textContent = ''; }
    for (const el of form.querySelectorAll<HTMLElement>('.has-error')) el.classList.remove('has-error');
    if (formError) { formError.hidden = true; formError.textContent = ''; }
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    const body: Record<string, unknown> = {};
    for (const [k, v] of new FormData(form)) {
      if (typeof v === 'string' && v.trim() !== '') body[k] = v.trim();
    }
    if (body.website === undefined) body.website = '';
    inFlight?.abort();
    inFlight = new AbortController();
    if (submit) submit.disabled = true;
    try {
      const answer = await requestJson<{ reference: string; message: string }>('/api/enquiries', { method: 'POST', body, signal: inFlight.signal, lang });
      form.hidden = true;
      if (receipt) {
        receipt.replaceChildren();
        const h = document.createElement('h3');
        h.textContent = RECEIPT[lang].title;
        const ref = document.createElement('p');
        ref.append(`${RECEIPT[lang].ref}: `);
        const strong = document.createElement('strong');
        strong.id = 'enquiry-reference';
        strong.textContent = answer.reference;
        ref.append(strong);
        const msg = document.createElement('p');
        msg.textContent = answer.message;
        receipt.append(h, ref, msg);
        receipt.hidden = false;
        receipt.scrollIntoView({ behavior: 'smooth', block: 'center' });
      }
    } catch (err) {
      if (isAbortError(err)) return;
      if (!(err instanceof HttpError) || err.status === 0) {
        if (formError) {
          formError.textContent = (lang === 'zh' ? '网络错误，请稍后重试：' : 'Network error, please try again: ') + (err as Error).message;
          formError.hidden = false;
        }
        return;
      }
      const fields: FieldProblem[] = err.fields ?? [];
      for (const f of fields) {
        const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(f.field)}"]`);
        if (slot) {
          slot.textContent = f.message;
          slot.hidden = false;
          slot.closest('.pc-field')?.classList.add('has-error');
        }
      }
      const firstBad = fields[0] && form.querySelector<HTMLElement>(`[name="${CSS.escape(fields[0].field)}"]`);
      firstBad?.focus();
      if (formError && (!fields.length || fields.some((f) => !form.querySelector(`[data-error-for="${CSS.escape(f.field)}"]`)))) {
        formError.textContent = err.message;
        formError.hidden = false;
      }
    } finally {
      if (submit) submit.disabled = false;
    }
  });
}
