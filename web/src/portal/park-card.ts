/**
 * The park cloud card's script (the card is server-rendered with its figures, QR code and form):
 * the map of the park is loaded only when it scrolls into view (maplibre is a separate chunk), a
 * "我有意向 / I'm interested" on a site fills the enquiry form's subject, the form is sent to
 * `POST /api/enquiries` with every bad field marked, and the print button prints the A4 card.
 */
import '../shared/page-shell.css';
import './portal.css';
import { enquiryForm } from './enquiry-form.ts';

interface CardData {
  id: number;
  lang: 'zh' | 'en';
  bbox: [number, number, number, number];
  outline: GeoJSON.Geometry;
  carriers: { id: number; kind: string; name: string; code: string; geometry: GeoJSON.Geometry }[];
}

const state = { ready: true, mapLoaded: false, mapError: null as string | null, map: null as unknown };
(window as unknown as { __portal: typeof state }).__portal = state;

// The shared header's behaviour (sign-in dialog, the signed-in user), loaded after the page has painted.
void import('./portal-shell.ts').then((m) => m.attachPortalShell());

const dataEl = document.querySelector('#card-data');
const data = dataEl ? (JSON.parse(dataEl.textContent ?? '{}') as CardData) : null;
const form = document.querySelector<HTMLFormElement>('#enquiry-form');
const about = document.querySelector<HTMLElement>('#enquiry-about');

/** Mark carrier `id` in the list (and scroll to it when asked). */
function highlight(id: number | null, scroll = false): void {
  for (const li of document.querySelectorAll<HTMLElement>('.pc-carrier')) {
    const on = Number(li.dataset.carrierId) === id;
    li.classList.toggle('is-highlighted', on);
    if (on && scroll) li.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }
}

if (form) {
  enquiryForm(form);
  // "I'm interested" on a site: that site becomes the enquiry's subject.
  for (const a of document.querySelectorAll<HTMLAnchorElement>('a.interest')) {
    a.addEventListener('click', () => {
      (form.elements.namedItem('carrierId') as HTMLInputElement).value = a.dataset.carrierId ?? '';
      if (about) about.textContent = a.dataset.label ?? '';
      highlight(Number(a.dataset.carrierId));
      const kind = a.closest<HTMLElement>('.pc-carrier')?.dataset.kind;
      const select = form.elements.namedItem('spaceKind') as HTMLSelectElement | null;
      if (kind && select) select.value = kind;
    });
  }
  document.querySelector('#interest-park')?.addEventListener('click', () => {
    (form.elements.namedItem('carrierId') as HTMLInputElement).value = '';
    if (about) about.textContent = about.dataset.default ?? '';
    highlight(null);
  });
  // Arriving from the map's "I'm interested" on a site (`?carrier=<id>#enquire`): that site is the subject.
  const fromMap = new URLSearchParams(location.search).get('carrier');
  if (fromMap) document.querySelector<HTMLAnchorElement>(`a.interest[data-carrier-id="${CSS.escape(fromMap)}"]`)?.click();
  window.addEventListener('hashchange', () => {
    if (location.hash === '#enquire') (form.elements.namedItem('company') as HTMLInputElement).focus({ preventScroll: true });
  });
}

// Kind tabs above the site list: show land, factories or offices only.
for (const tab of document.querySelectorAll<HTMLButtonElement>('#carrier-tabs .pc-tab')) {
  tab.addEventListener('click', () => {
    const kind = tab.dataset.kind ?? '';
    for (const other of document.querySelectorAll<HTMLButtonElement>('#carrier-tabs .pc-tab')) other.setAttribute('aria-pressed', String(other === tab));
    for (const li of document.querySelectorAll<HTMLElement>('.pc-carrier')) li.classList.toggle('is-filtered', kind !== '' && li.dataset.kind !== kind);
  });
}

document.querySelector('#print-card')?.addEventListener('click', () => window.print());

// The map: maplibre is fetched only when the map is about to be seen.
const mapBox = document.querySelector<HTMLElement>('#park-map');
if (mapBox && data) {
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    import('./park-map.ts')
      .then(({ showParkMap }) => showParkMap(mapBox, data, (id) => highlight(id, true)))
      .then((map) => {
        state.map = map;
        state.mapLoaded = true;
        for (const li of document.querySelectorAll<HTMLElement>('.pc-carrier')) {
          li.addEventListener('mouseenter', () => map.highlight(Number(li.dataset.carrierId)));
          li.addEventListener('mouseleave', () => map.highlight(null));
        }
      })
      .catch((err: Error) => { state.mapError = err.message; });
  }, { rootMargin: '100px' });
  observer.observe(mapBox);
}
