/** /api/layers/{id}/export: a layer or a query result as a file download. */
import { once } from 'node:events';
import type { RouteSpec } from '../http/route.ts';
import { EXPORT_FORMATS, EXPORT_MAX_FEATURES, type ExportsService } from './exports.service.ts';

/**
 * Export route. Public on purpose: investors download what they may already browse, and the
 * repository gives the public published features only, so every format is open to every caller.
 */
export function exportRoutes(exports: ExportsService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/layers/:id/export', access: 'public', tag: 'layers',
      summary: `Download a layer or a query result as GeoJSON, CSV, KML or a zipped shapefile (at most ${EXPORT_MAX_FEATURES} features)`,
      query: [
        { name: 'format', description: Object.keys(EXPORT_FORMATS).join(' | '), schema: { type: 'string', enum: Object.keys(EXPORT_FORMATS), default: 'geojson' } },
        { name: 'bbox', description: 'minLon,minLat,maxLon,maxLat (EPSG:4326); features intersecting it', schema: { type: 'string' } },
        { name: 'filter', description: "CQL2-text, e.g. status = 'available' AND area_m2 >= 20000", schema: { type: 'string' } },
        { name: 'filter-lang', description: 'cql2-text (the only one supported)', schema: { type: 'string', enum: ['cql2-text'] } },
        { name: 'ids', description: 'comma-separated feature ids (a selection)', schema: { type: 'string' } },
      ],
      response: { status: 200, type: 'application/octet-stream' },
      async handler(req, res, viewer) {
        const file = await exports.export(String(req.params.id), viewer, req.query as Record<string, unknown>);
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
    },
  ];
}
