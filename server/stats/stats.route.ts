/** /api/stats routes. */
import type { RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import type { StatsService } from './stats.service.ts';

/** Statistics routes. */
export function statsRoutes(stats: StatsService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/stats/summary', access: 'public', tag: 'stats',
      summary: 'Counts and areas by county adcode × layer × status (published only for the public)',
      query: s.object({}),
      response: { status: 200, type: 'application/json', schema: { $ref: '#/components/schemas/Summary' } },
      async handler(_req, res, viewer) {
        res.json(await stats.summary(viewer));
      },
    },
  ];
}
