/**
 * The landing page's script (the page itself is server-rendered and complete without it): the
 * search box filters the park directory as you type — Chinese, English, codes, industries and
 * pinyin (initials `gxq` or full `gaoxinqu`, computed by the server into `data-search`) — and the
 * query stays in the URL (`?q=`), so a search can be shared. No map library is loaded here.
 */
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

if (input) {
  const initial = new URLSearchParams(location.search).get('q') ?? '';
  if (initial) {
    input.value = initial;
    filterParks(initial);
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
