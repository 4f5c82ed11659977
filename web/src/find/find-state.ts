/**
 * The finder's state as it lives in the URL (`/find.html?q=gxq&type=factory&county=511725…`), so a
 * search can be shared and is restored on reload; and the API query made from it. Defaults are
 * left out of the URL.
 */

/** Carrier kinds. */
export const KINDS = ['land', 'factory', 'office'] as const;
export type Kind = (typeof KINDS)[number];
/** Price units as stored; sale and rent are never mixed. */
export const PRICE_UNITS = ['万元/亩', '元/m²', '元/m²·月'] as const;
export const SORTS = ['relevance', 'area', '-area', 'price', '-price'] as const;

/** Everything the finder's URL can say. */
export interface FindState {
  q: string;
  type: Kind | '';
  county: string;
  park: string;
  areaMin: string;
  areaMax: string;
  areaUnit: 'mu' | 'm2';
  priceUnit: string;
  priceMin: string;
  priceMax: string;
  industry: string;
  sort: (typeof SORTS)[number];
  page: number;
  /** Selected carrier id. */
  sel: string;
}

export const DEFAULT_STATE: FindState = {
  q: '', type: '', county: '', park: '', areaMin: '', areaMax: '', areaUnit: 'mu', priceUnit: '', priceMin: '', priceMax: '',
  industry: '', sort: 'relevance', page: 1, sel: '',
};

const num = (s: string | null) => (s !== null && /^\d+(\.\d+)?$/.test(s.trim()) ? s.trim() : '');

/** State from a query string; unknown or malformed values fall back to the defaults. */
export function parseState(search: string): FindState {
  const p = new URLSearchParams(search);
  const get = (k: string) => p.get(k) ?? '';
  const type = get('type');
  const sort = get('sort');
  const priceUnit = get('priceUnit');
  const page = Number(get('page'));
  return {
    q: get('q').slice(0, 100),
    type: (KINDS as readonly string[]).includes(type) ? (type as Kind) : '',
    county: /^\d{6}$/.test(get('county')) ? get('county') : '',
    park: /^\d{1,12}$/.test(get('park')) ? get('park') : '',
    areaMin: num(p.get('areaMin')),
    areaMax: num(p.get('areaMax')),
    areaUnit: get('areaUnit') === 'm2' ? 'm2' : 'mu',
    priceUnit: (PRICE_UNITS as readonly string[]).includes(priceUnit) ? priceUnit : '',
    priceMin: num(p.get('priceMin')),
    priceMax: num(p.get('priceMax')),
    industry: get('industry').slice(0, 50),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as FindState['sort']) : 'relevance',
    page: Number.isInteger(page) && page >= 1 && page <= 500 ? page : 1,
    sel: /^\d{1,15}$/.test(get('sel')) ? get('sel') : '',
  };
}

/** The query string of `state` (defaults left out), with `lang` when given. */
export function stateToSearch(state: FindState, lang?: 'zh' | 'en'): string {
  const p = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_STATE) as (keyof FindState)[]) {
    const v = state[key];
    if (v === DEFAULT_STATE[key] || v === '') continue;
    if (key === 'areaUnit' && !state.areaMin && !state.areaMax) continue;
    p.set(key, String(v));
  }
  if (lang === 'en') p.set('lang', 'en');
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Page size of the result list. */
export const PAGE_SIZE = 20;

/** The `/api/search` query of `state`: price bounds only with their unit, price order only with a unit. */
export function apiQuery(state: FindState): string {
  const p = new URLSearchParams();
  if (state.q.trim()) p.set('q', state.q.trim());
  if (state.type) p.set('type', state.type);
  if (state.county) p.set('county', state.county);
  if (state.park) p.set('park', state.park);
  if (state.areaMin) p.set('areaMin', state.areaMin);
  if (state.areaMax) p.set('areaMax', state.areaMax);
  if (state.areaMin || state.areaMax) p.set('areaUnit', state.areaUnit);
  if (state.priceUnit) {
    p.set('priceUnit', state.priceUnit);
    if (state.priceMin) p.set('priceMin', state.priceMin);
    if (state.priceMax) p.set('priceMax', state.priceMax);
  }
  if (state.industry) p.set('industry', state.industry);
  const sort = (state.sort === 'price' || state.sort === '-price') && !state.priceUnit ? 'relevance' : state.sort;
  if (sort !== 'relevance') p.set('sort', sort);
  p.set('limit', String(PAGE_SIZE));
  p.set('offset', String((state.page - 1) * PAGE_SIZE));
  return p.toString();
}
