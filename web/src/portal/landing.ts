/**
 * The landing page's script (the page itself is server-rendered and complete without it): the
 * search box filters the park directory as you type — Chinese, English, codes, industries and
 * pinyin (initials `gxq` or full `gaoxinqu`, computed by the server into `data-search`) — and the
 * query stays in the URL (`?q=`), so a search can be shared. No map library is loaded here.
 */
import '../shared/page-shell.css';
import './portal.css';

const input = document.querySelector<HTMLInputElement>('#portal-search');
const parks = [...document.querySelectorAll<HTMLElement>('#park-directory > .pt-park')];
const empty = document.querySelector<HTMLElement>('#no-match');

/** Show the parks whose search keys contain every word of `query`. */
export function filterParks(query: string): number {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const li of parks) {
    // Each word must lie inside one key (a name, a code, an industry, a pinyin spelling); matching
    // across keys would let "qx" hit "…开发区 宣汉县" (q + x).
    const keys = (li.dataset.search ?? '').split(' ');
    const hit = words.every((w) => keys.some((k) => k.includes(w)));
    li.hidden = !hit;
    if (hit) shown++;
  }
  if (empty) empty.hidden = shown > 0;
  return shown;
}

/** The site finder with the box's words (`/find.html?q=…`): land, factories and offices, not just parks. */
function finderLink(form: HTMLFormElement | null): ((q: string) => void) | null {
  if (!form) return null;
  const en = document.documentElement.lang === 'en';
  const a = document.createElement('a');
  a.id = 'portal-find-link';
  a.className = 'pt-find-link';
  a.style.cssText = 'display:inline-block;margin-top:10px;color:inherit;font-weight:600;text-underline-offset:3px';
  a.textContent = en ? 'Search available land, factories and offices →' : '搜索可用土地、厂房、写字楼 →';
  form.after(a);
  const set = (q: string) => {
    const p = new URLSearchParams();
    if (q.trim()) p.set('q', q.trim());
    if (en) p.set('lang', 'en');
    a.href = `/find.html${p.size ? `?${p}` : ''}`;
  };
  set('');
  return set;
}

if (input) {
  const setFinder = finderLink(input.form);
  input.addEventListener('input', () => setFinder?.(input.value));
  const initial = new URLSearchParams(location.search).get('q') ?? '';
  if (initial) {
    input.value = initial;
    filterParks(initial);
    setFinder?.(initial);
  }
  input.addEventListener('input', () => {
    filterParks(input.value);
    const url = new URL(location.href);
    if (input.value) url.searchParams.set('q', input.value);
    else url.searchParams.delete('q');
    history.replaceState(null, '', url);
  });
  input.form?.addEventListener('submit', (e) => {
    e.preventDefault();
    filterParks(input.value);
    document.querySelector('#park-directory')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  });
}
(window as unknown as { __portal: unknown }).__portal = { ready: true, filterParks };

// The shared header's behaviour (sign-in dialog, the signed-in user), loaded after the page has painted.
void import('./portal-shell.ts').then((m) => m.attachPortalShell());
