/** Health, client configuration and the OpenAPI document. */
import type { Config } from '../../core/config.ts';
import type { Database } from '../../core/db/database.ts';
import { apiDocsHtml } from './api-docs.ts';
import { OPENAPI_TYPE } from './openapi.ts';
import type { RouteSpec } from './route.ts';
import { s } from './schema.ts';
import type { Viewer } from '../auth/roles.ts';

const NO_QUERY = s.object({});

/** Extent of Dazhou (WGS84), used to fit the map on start. */
export const DAZHOU_BOUNDS = [106.6, 30.3, 108.6, 32.4] as const;

/** System routes. `openapi` builds the document of the routes the viewer may call, from the complete route list read lazily. */
export function systemRoutes(db: Database, config: Config, version: string, openapi: (viewer: Viewer) => Record<string, unknown>): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/health', access: 'public', tag: 'system',
      summary: 'Liveness and database: {status, db: "embedded"|"postgres", postgis}',
      query: NO_QUERY,
      async handler(_req, res) {
        await db.pool.query('SELECT 1');
        res.json({ status: 'ok', db: db.engine, postgis: db.postgis, mvt: db.hasMvt, version });
      },
    },
    {
      method: 'get', path: '/api/config', access: 'public', tag: 'system',
      summary: 'Client configuration: optional basemap URL, initial bounds',
      query: NO_QUERY,
      handler(_req, res) {
        res.json({ basemapUrl: config.basemapUrl, basemapAttribution: config.basemapAttribution, bounds: DAZHOU_BOUNDS, version });
      },
    },
    {
      method: 'get', path: '/api/openapi.json', access: 'public', tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document: the operations the caller may use (signed-in staff see theirs)',
      query: NO_QUERY,
      response: { status: 200, type: OPENAPI_TYPE, schema: { type: 'object' } },
      handler(_req, res, viewer) {
        res.setHeader('Cache-Control', 'private, no-cache');
        res.type(OPENAPI_TYPE).send(JSON.stringify(openapi(viewer)));
      },
    },
    {
      method: 'get', path: '/api/docs', access: 'public', tag: 'system',
      summary: 'This API as an HTML page (every operation, who may call it, its parameters and body)',
      query: NO_QUERY,
      response: { status: 200, type: 'text/html', schema: { type: 'string' } },
      handler(_req, res, viewer) {
        res.setHeader('Cache-Control', 'private, no-cache');
        res.type('text/html; charset=utf-8').send(apiDocsHtml(openapi(viewer), '/api/openapi.json'));
      },
    },
  ];
}
