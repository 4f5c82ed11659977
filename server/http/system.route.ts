/** Health, client configuration and the OpenAPI document. */
import type { Config } from '../../core/config.ts';
import type { Database } from '../../core/db/database.ts';
import type { RouteSpec } from './route.ts';

/** Extent of Dazhou (WGS84), used to fit the map on start. */
export const DAZHOU_BOUNDS = [106.6, 30.3, 108.6, 32.4] as const;

/** System routes. `routes` is the complete list, read lazily for the OpenAPI document. */
export function systemRoutes(db: Database, config: Config, version: string, openapi: () => unknown): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/health', access: 'public', tag: 'system',
      summary: 'Liveness and database: {status, db: "embedded"|"postgres", postgis}',
      async handler(_req, res) {
        await db.pool.query('SELECT 1');
        res.json({ status: 'ok', db: db.engine, postgis: db.postgis, mvt: db.hasMvt, version });
      },
    },
    {
      method: 'get', path: '/api/config', access: 'public', tag: 'system',
      summary: 'Client configuration: optional basemap URL, initial bounds',
      handler(_req, res) {
        res.json({ basemapUrl: config.basemapUrl, basemapAttribution: config.basemapAttribution, bounds: DAZHOU_BOUNDS, version });
      },
    },
    {
      method: 'get', path: '/api/openapi.json', access: 'public', tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document',
      handler(_req, res) {
        res.json(openapi());
      },
    },
  ];
}
