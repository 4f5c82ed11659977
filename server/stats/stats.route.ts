/**
 * /api/stats routes: the summary, and the dashboard's figures (/stats.html). Every dashboard route
 * takes the same filters, validated here: county adcodes, park ids, carrier types, statuses and a
 * period (`from`/`to`, dates); `published=true` asks for the public variant.
 */
import type { RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { STAT_STATUSES, STAT_TYPES, type StatsQuery, type StatsService } from './stats.service.ts';

const JSON_TYPE = 'application/json';

/** The filters of every dashboard figure. */
export const STATS_QUERY = s.object({
  county: s.array(s.string({ pattern: '^[0-9]{6}$', description: 'county adcode' }), { maxItems: 50, description: 'county adcodes (comma-separated)' }),
  park: s.array(s.integer({ minimum: 1 }), { maxItems: 200, description: 'park ids (comma-separated)' }),
  type: s.array(s.enum(STAT_TYPES), { maxItems: 3, description: 'carrier types: land, factory, office' }),
  status: s.array(s.enum(STAT_STATUSES), { maxItems: 3, description: 'statuses: available, reserved (negotiating), occupied' }),
  from: s.string({ format: 'date', description: 'first day of the period (default: first day of the month 11 months before `to`)' }),
  to: s.string({ format: 'date', description: 'last day of the period (default: today)' }),
  published: s.boolean({ description: 'count published rows only (the public variant), also when signed in' }),
});

type Handler = (viewer: Parameters<RouteSpec['handler']>[2], q: StatsQuery) => Promise<unknown>;

function figure(path: string, summary: string, fn: Handler, access: RouteSpec['access'] = 'public'): RouteSpec {
  return {
    method: 'get', path, access, tag: 'stats', summary, query: STATS_QUERY,
    response: { status: 200, type: JSON_TYPE },
    async handler(_req, res, viewer, { query }) {
      res.set('cache-control', 'no-store');
      res.json(await fn(viewer, query as StatsQuery));
    },
  };
}

/** Statistics routes. */
export function statsRoutes(stats: StatsService): RouteSpec[] {
  const scope = ' (the public counts published rows only; signed-in users also rows in progress unless published=true)';
  return [
    {
      method: 'get', path: '/api/stats/summary', access: 'public', tag: 'stats',
      summary: 'Counts and areas by county adcode × layer × status (published only for the public)',
      query: s.object({}),
      response: { status: 200, type: JSON_TYPE, schema: { $ref: '#/components/schemas/Summary' } },
      async handler(_req, res, viewer) {
        res.json(await stats.summary(viewer));
      },
    },
    figure('/api/stats/options', `Filter lists: counties, visible parks, types, statuses, and the scope counted${scope}`, (v, q) => stats.options(v, q)),
    figure('/api/stats/status', `Carriers per county × type × status: count, land and floor area (m²)${scope}`, (v, q) => stats.status(v, q)),
    figure('/api/stats/available', `Available carriers by county and by park: count, land and floor area (m²)${scope}`, (v, q) => stats.available(v, q)),
    figure('/api/stats/land', `Land parcels by land use × 标准地 class (investment-intensity band, 万元/亩)${scope}`, (v, q) => stats.land(v, q)),
    figure('/api/stats/prices', `Price distribution per price unit: quartiles and a 10-bin histogram${scope}`, (v, q) => stats.prices(v, q)),
    figure('/api/stats/parks', `Parks side by side, with the monthly available area of each over the period${scope}`, (v, q) => stats.parks(v, q)),
    figure('/api/stats/inventory', `Monthly inventory per type from the change history, with 环比/同比 where the history allows${scope}`, (v, q) => stats.inventory(v, q)),
    figure('/api/stats/freshness', `Share of carriers surveyed (photos, edits, status dates) within 6 and 12 months of the period's end${scope}`, (v, q) => stats.freshness(v, q)),
    figure('/api/stats/counties', `County outlines (GeoJSON) with the figures the map is shaded by${scope}`, (v, q) => stats.counties(v, q)),
    figure('/api/stats/enquiries', 'Signed-in users: enquiries received in the period by park × month and the funnel new → visit → signed', (v, q) => stats.enquiries(v, q), 'signed-in'),
  ];
}
