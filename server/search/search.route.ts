/**
 * `GET /api/search`: the public site finder. Anyone may call it; it reads published rows only and
 * answers with what an investor sees. Every parameter is checked here (a bad one is a 400 naming
 * it); the service gets the typed query.
 */
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { SORTS } from './search.repository.ts';
import { KINDS, MAX_WORDS, PRICE_UNITS, STATUSES, type SearchService } from './search.service.ts';

const SEARCH_QUERY = s.object({
  q: s.string({ maxLength: 100, description: `words (at most ${MAX_WORDS}), each matched in names, codes, English names, pinyin initials (gxq) or full pinyin (gaoxinqu) of carriers, their park (incl. short names and aliases) or county; every word must match` }),
  type: s.array(s.enum(KINDS), { maxItems: 3, description: 'carrier kinds, comma-separated (default all)' }),
  status: s.array(s.enum(STATUSES), { maxItems: 3, description: 'availability (default available)' }),
  county: s.array(s.string({ pattern: '^[0-9]{6}$' }), { maxItems: 20, description: 'county adcodes' }),
  park: s.array(s.integer({ minimum: 1 }), { maxItems: 50, description: 'park ids' }),
  areaMin: s.number({ minimum: 0, description: 'usable area at least (land: the parcel; factories and offices: floor area), in areaUnit' }),
  areaMax: s.number({ minimum: 0, description: 'usable area at most, in areaUnit' }),
  areaUnit: s.enum(['mu', 'm2'], { default: 'm2', description: 'unit of areaMin/areaMax: mu (亩, 666.67 m²) or m2' }),
  priceUnit: s.enum(PRICE_UNITS, { description: 'only carriers priced in this unit: 万元/亩 (land sale), 元/m² (floor space sale), 元/m²·月 (rent); required with priceMin/priceMax' }),
  priceMin: s.number({ minimum: 0, description: 'price at least, in priceUnit' }),
  priceMax: s.number({ minimum: 0, description: 'price at most, in priceUnit' }),
  industry: s.array(s.string({ minLength: 1, maxLength: 50 }), { maxItems: 10, description: 'allowed industries (any of), in Chinese as stored, e.g. 电子信息' }),
  sort: s.enum(SORTS, { default: 'relevance', description: 'relevance (own name/code matches first), area, -area, price, -price (price needs priceUnit), code' }),
  limit: s.integer({ minimum: 1, maximum: 100, default: 20, description: 'page size' }),
  offset: s.integer({ minimum: 0, maximum: 10_000, default: 0 }),
  lang: s.enum(['zh', 'en'], { description: 'language of error messages' }),
});

/** Site-finder routes. */
export function searchRoutes(search: SearchService): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/api/search', access: 'public', tag: 'search',
      summary: 'Site finder: published land, factories and offices matching words (Chinese, pinyin initials/full, English, codes; parks by short name/alias, counties) and filters; paged, with total, extent, matching parks/counties and facet counts',
      query: SEARCH_QUERY,
      response: { status: 200, type: 'application/json' },
      async handler(_req, res, _viewer, { query }) {
        const { lang: _lang, ...rest } = query;
        const { result, source } = await search.answer(rest);
        res.set('Cache-Control', 'no-cache').set('X-Search-Source', source).json(result);
      },
    }),
  ];
}
