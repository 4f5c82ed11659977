/** /api/panoramas: positions and headings, one panorama with its hotspots, and the viewer image. */
import type { Response } from 'express';
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { HOTSPOT_RADIUS_M, PANORAMA_LIMIT, parseId, type PanoramasService, type PhotoFile } from './panoramas.service.ts';

/** Query of `GET /api/panoramas`. */
const LIST_QUERY = s.object({
  bbox: s.string({ description: 'minLon,minLat,maxLon,maxLat (EPSG:4326)' }),
  parkId: s.integer({ minimum: 1, description: 'only the panoramas of this park' }),
  limit: s.integer({ minimum: 1, maximum: PANORAMA_LIMIT.max, default: PANORAMA_LIMIT.default, description: `at most this many, 1..${PANORAMA_LIMIT.max}` }),
});

/** Cache lifetime of published images: their URL names the photo, whose bytes never change (content-addressed). */
const IMAGE_MAX_AGE_S = 7 * 24 * 3600;

/**
 * Stream a stored JPEG with caching headers: a strong ETag (the original's hash) answers
 * If-None-Match with 304; published images are publicly cacheable, drafts only privately.
 */
export function sendImage(reqEtag: string | undefined, res: Response, file: PhotoFile): void {
  res.setHeader('ETag', file.etag);
  res.setHeader('Cache-Control', file.published ? `public, max-age=${IMAGE_MAX_AGE_S}` : 'private, max-age=300');
  if (reqEtag && reqEtag.split(',').some((t) => t.trim() === file.etag)) {
    file.stream.destroy();
    res.status(304).end();
    return;
  }
  res.type('image/jpeg');
  file.stream.on('error', () => res.destroy());
  file.stream.pipe(res);
}

/** Panorama routes. Visibility (published only for the public) is applied in the repository. */
export function panoramaRoutes(panoramas: PanoramasService): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/api/panoramas', access: 'public', tag: 'panoramas',
      summary: 'Panoramas with position [lon, lat] and heading of the image centre (published only for the public)',
      query: LIST_QUERY,
      response: { status: 200, type: 'application/json' },
      async handler(_req, res, viewer, { query }) {
        res.json(await panoramas.list(viewer, query));
      },
    }),
    {
      method: 'get', path: '/api/panoramas/:id', access: 'public', tag: 'panoramas',
      summary: `One panorama with hotspots: panoramas within ${HOTSPOT_RADIUS_M.panorama} m and carriers within ${HOTSPOT_RADIUS_M.carrier} m, each with compass bearing and distance`,
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await panoramas.get(viewer, parseId('panorama', String(req.params.id))));
      },
    },
    {
      method: 'get', path: '/api/panoramas/:id/image', access: 'public', tag: 'panoramas',
      summary: 'The equirectangular viewer image (JPEG, at most 4096×2048), with ETag and Cache-Control',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        const file = await panoramas.file(viewer, parseId('panorama', String(req.params.id)), 'panorama', true);
        sendImage(req.get('if-none-match'), res, file);
      },
    },
    {
      method: 'get', path: '/api/panoramas/:id/thumbnail', access: 'public', tag: 'panoramas',
      summary: 'A small JPEG of the panorama (at most 320×320) for lists and tour stops',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        const file = await panoramas.file(viewer, parseId('panorama', String(req.params.id)), 'thumbnail', true);
        sendImage(req.get('if-none-match'), res, file);
      },
    },
  ];
}
