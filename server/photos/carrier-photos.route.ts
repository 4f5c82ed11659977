/** A carrier's survey photos ("last surveyed"), and the images of ordinary photos. */
import type { RouteSpec } from '../http/route.ts';
import { parseId, type PanoramasService } from '../panoramas/panoramas.service.ts';
import { sendImage } from '../panoramas/panoramas.route.ts';
import type { CarrierPhotosService } from './carrier-photos.service.ts';

/** Routes of carrier photos; visibility (published only for the public) is decided in the repositories. */
export function carrierPhotoRoutes(photos: CarrierPhotosService, panoramas: PanoramasService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/layers/:layer/features/:id/photos', access: 'public', tag: 'features',
      summary: 'Survey photos and panoramas that show a carrier (land, factories, offices), newest first, with capture dates, thumbnail and image URLs and the last survey day',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await photos.list(viewer, String(req.params.layer), String(req.params.id)));
      },
    },
    {
      method: 'get', path: '/api/photos/:id/thumbnail', access: 'public', tag: 'features',
      summary: 'A small JPEG of a survey photo (at most 320×320), with ETag and Cache-Control',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        sendImage(req.get('if-none-match'), res, await panoramas.file(viewer, parseId('photo', String(req.params.id)), 'thumbnail', false));
      },
    },
    {
      method: 'get', path: '/api/photos/:id/preview', access: 'public', tag: 'features',
      summary: 'A survey photo at screen size (JPEG), with ETag and Cache-Control',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        sendImage(req.get('if-none-match'), res, await panoramas.file(viewer, parseId('photo', String(req.params.id)), 'preview', false));
      },
    },
  ];
}
