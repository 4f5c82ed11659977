/** /api/layers/{id}/export: a layer or a query result as a file download. */
import { once } from 'node:events';
import { route, type RouteSpec } from '../http/route.ts';
import { selectionOf } from '../ogc/ogc.input.ts';
import { EXPORT_QUERY } from './export.input.ts';
import { EXPORT_MAX_FEATURES, type ExportsService } from './exports.service.ts';

/**
 * Export route. Public on purpose: investors download what they may already browse, and the
 * repository gives the public published features only, so every format is open to every caller.
 */
export function exportRoutes(exports: ExportsService): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/api/layers/:id/export', access: 'public', tag: 'layers',
      summary: `Download a layer or a query result as GeoJSON, CSV, KML or a zipped shapefile (at most ${EXPORT_MAX_FEATURES} features)`,
      query: EXPORT_QUERY,
      response: { status: 200, type: 'application/octet-stream' },
      async handler(req, res, viewer, { query }) {
        const file = await exports.export(String(req.params.id), viewer, { format: query.format, ids: query.ids, selection: selectionOf(query, EXPORT_QUERY) });
        res.status(200);
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.setHeader('X-Feature-Count', String(file.count));
        // What a viewer may download depends on who they are: never cache it in shared caches.
        res.setHeader('Cache-Control', 'private, no-store');
        try {
          for await (const chunk of file.body) {
            if (res.destroyed) return; // the client went away; stop querying
            if (!res.write(chunk)) await once(res, 'drain');
          }
          res.end();
        } catch (err) {
          // Headers are out: a truncated download must not look complete.
          console.error(`export ${req.originalUrl} failed mid-stream:`, err);
          res.destroy(err as Error);
        }
      },
    }),
  ];
}
