/**
 * /api/tours: guided tours. Anyone reads published tours; staff author; a reviewer publishes
 * (`POST /api/tours/{id}/review`). Visibility is applied in the repository.
 */
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { parseBBox } from '../features/features.service.ts';
import { NotFoundError } from '../../core/errors.ts';
import { sendImage } from '../panoramas/panoramas.route.ts';
import type { PanoramasService } from '../panoramas/panoramas.service.ts';
import { parseId, type ToursService } from './tours.service.ts';
import { GENERATE_BODY, LIST_QUERY, ORDER_BODY, REVIEW_BODY, STOP_BODY, TOUR_BODY, TOUR_PATCH_BODY } from './tour.input.ts';

const JSON_TYPE = 'application/json';
/** Tour routes. */
export function tourRoutes(tours: ToursService, panoramas: PanoramasService): RouteSpec[] {
  const tourId = (raw: unknown) => parseId('tour', String(raw));
  const stopId = (raw: unknown) => parseId('stop', String(raw));
  return [
    route({
      method: 'get', path: '/api/tours', access: 'public', tag: 'tours',
      summary: 'Tours the caller may see (the public: published ones), newest first',
      query: LIST_QUERY,
      response: { status: 200, type: JSON_TYPE },
      async handler(_req, res, viewer, { query }) {
        res.json(await tours.list(viewer, query));
      },
    }),
    route({
      method: 'post', path: '/api/tours', access: ['staff'], tag: 'tours',
      summary: 'Staff: create a draft tour {title: {zh, en}, summary?, parkId?, stops?}',
      body: TOUR_BODY,
      response: { status: 201, type: JSON_TYPE },
      async handler(_req, res, viewer, { body }) {
        res.status(201).json(await tours.create(viewer, body));
      },
    }),
    route({
      method: 'post', path: '/api/tours/generate', access: ['staff'], tag: 'tours',
      summary: 'Staff: generate a draft tour from {parkId} or {carrierIds} (stops along a short route, captions with distances to the nearest amenities)',
      body: GENERATE_BODY,
      response: { status: 201, type: JSON_TYPE },
      async handler(_req, res, viewer, { body }) {
        res.status(201).json(await tours.generate(viewer, body));
      },
    }),
    route({
      method: 'get', path: '/api/tours/media', access: ['staff'], tag: 'tours',
      summary: 'Staff: photos and panoramas positioned in bbox (drafts included), to attach to a stop',
      query: s.object({ bbox: s.string({ minLength: 1, description: 'minLon,minLat,maxLon,maxLat (EPSG:4326)' }) }, { required: ['bbox'] }),
      response: { status: 200, type: JSON_TYPE },
      async handler(_req, res, _viewer, { query }) {
        res.json(await tours.mediaInView(parseBBox(query.bbox)!)); // minLength 1: never null
      },
    }),
    {
      method: 'get', path: '/api/tours/:id', access: 'public', tag: 'tours',
      summary: 'One tour with its ordered stops (camera, texts, dwell, carriers with outlines, photos and panoramas); drafts are 404 for the public',
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer) {
        res.json(await tours.get(viewer, tourId(req.params.id)));
      },
    },
    route({
      method: 'put', path: '/api/tours/:id', access: ['staff'], tag: 'tours',
      summary: 'Staff: change title, summary or park (a published tour goes back to draft)',
      body: TOUR_PATCH_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await tours.update(viewer, tourId(req.params.id), body));
      },
    }),
    {
      method: 'delete', path: '/api/tours/:id', access: ['staff'], tag: 'tours',
      summary: 'Staff: delete a tour and its stops',
      response: { status: 204, type: JSON_TYPE },
      async handler(req, res) {
        await tours.delete(tourId(req.params.id));
        res.status(204).end();
      },
    },
    route({
      method: 'post', path: '/api/tours/:id/review', access: ['reviewer'], tag: 'tours',
      summary: 'Reviewer (校核): set {state: "draft"|"verified"|"published"}; published tours are public',
      body: REVIEW_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await tours.review(viewer, tourId(req.params.id), body.state));
      },
    }),
    route({
      method: 'post', path: '/api/tours/:id/stops', access: ['staff'], tag: 'tours',
      summary: 'Staff: add a stop (camera, texts, dwell, carriers, media) at `position` or at the end; returns {stopId, tour}',
      body: STOP_BODY,
      response: { status: 201, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.status(201).json(await tours.addStop(viewer, tourId(req.params.id), body));
      },
    }),
    route({
      method: 'put', path: '/api/tours/:id/stops/:stopId', access: ['staff'], tag: 'tours',
      summary: 'Staff: change a stop (given fields only; carrierIds / mediaIds replace the lists)',
      body: STOP_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await tours.updateStop(viewer, tourId(req.params.id), stopId(req.params.stopId), body));
      },
    }),
    {
      method: 'delete', path: '/api/tours/:id/stops/:stopId', access: ['staff'], tag: 'tours',
      summary: 'Staff: delete a stop; returns the tour',
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer) {
        res.json(await tours.deleteStop(viewer, tourId(req.params.id), stopId(req.params.stopId)));
      },
    },
    route({
      method: 'put', path: '/api/tours/:id/order', access: ['staff'], tag: 'tours',
      summary: 'Staff: reorder stops {stopIds: [every stop id in the new order]}; stop ids (deep links) do not change',
      body: ORDER_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await tours.reorder(viewer, tourId(req.params.id), body.stopIds));
      },
    }),
    {
      method: 'get', path: '/api/tours/:id/media/:photoId/:variant', access: 'public', tag: 'tours',
      summary: 'A photo of a tour stop as JPEG (variant thumbnail | preview), with ETag and Cache-Control',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        const id = tourId(req.params.id);
        if (!(await tours.visible(viewer, id))) throw new NotFoundError('tour', id);
        const variant = String(req.params.variant) === 'preview' ? 'preview' : 'thumbnail';
        const file = await panoramas.file(viewer, parseId('photo', String(req.params.photoId)), variant, false);
        sendImage(req.get('if-none-match'), res, file);
      },
    },
  ];
}
