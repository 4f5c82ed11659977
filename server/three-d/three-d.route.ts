/**
 * 3D assets over HTTP: /api/tilesets, /api/models (upload: staff; review: reviewer; read: anyone,
 * drafts only for staff) and /3dtiles/{id}/… (the files of a tileset, same visibility).
 */
import type { Request } from 'express';
import { BadParameterError, AppError } from '../../core/errors.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { readMultipart, type UploadLimits } from '../imports/multipart.ts';
import { sendServedFile } from './send-file.ts';
import { importLang } from '../../survey-import/pipeline/messages.ts';
import { REVIEW_STATES, type ThreeDService } from './three-d.service.ts';

function idParam(req: Request): number {
  const raw = String(req.params.id);
  if (!/^\d{1,12}$/.test(raw)) throw new BadParameterError('id', raw, 'must be a positive integer');
  return Number(raw);
}

/** Language of messages: ?lang=, a multipart "lang" field, else Accept-Language. */
const langOf = (req: Request, fields: Record<string, string | undefined> = {}) => importLang(req.query.lang ?? fields.lang, req.headers['accept-language']);

function requireJobs(service: ThreeDService) {
  if (!service.jobs) throw new AppError('internal', 'this server has no conversion queue');
  return service.jobs;
}

/** The one uploaded file of a multipart request. */
async function oneFile(req: Request, limits: UploadLimits) {
  const { files, fields } = await readMultipart(req, { ...limits, maxFiles: 1 });
  if (files.length !== 1) throw new AppError('bad_request', 'upload exactly one file in field "file"');
  return { file: files[0], fields };
}

const placementBody = s.object({
  lon: s.number({ minimum: -180, maximum: 180, description: 'longitude (EPSG:4326)' }),
  lat: s.number({ minimum: -90, maximum: 90, description: 'latitude (EPSG:4326)' }),
  height: s.number({ default: 0, description: 'metres above the ellipsoid (the map surface is 0)' }),
  heading: s.number({ default: 0, description: 'degrees clockwise from north' }),
}, { required: ['lon', 'lat'] });
const reviewBody = s.object({ state: s.enum(REVIEW_STATES) }, { required: ['state'] });
const listQuery = (what: string) => s.object({
  parkId: s.integer({ minimum: 1, description: `only ${what} of this park` }),
  carrierId: s.integer({ minimum: 1, description: `only ${what} of this carrier` }),
});

/** Routes of tilesets and BIM models. */
export function threeDRoutes(service: ThreeDService, limits: UploadLimits): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/tilesets', access: ['staff'], tag: '3d',
      multipart: true,
      summary: 'Upload an OGC 3D Tiles tileset (zip with tileset.json) → 201 {id, url, tileset}, or a ContextCapture OSGB oblique export (zip with metadata.xml and Data/Tile_*/…osgb) → 202 {job}: checked at once (415 without osgconv; 400 for no metadata.xml, unknown SRS, no tile roots), then converted to 3D Tiles 1.1 in the background (poll GET /api/tilesets/jobs/{id}). Multipart "file", optional name, parkId, carrierId, lon, lat, height, heading; messages in ?lang= / Accept-Language',
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        const { file, fields } = await oneFile(req, limits);
        const out = await service.uploadTileset(file, fields, viewer.user?.id ?? null, langOf(req, fields));
        if ('job' in out) {
          res.status(202).setHeader('Location', `/api/tilesets/jobs/${out.job.id}`);
          res.json({ job: out.job });
          return;
        }
        res.status(201).json({ id: out.tileset.id, url: out.url, tileset: out.tileset, warnings: out.warnings });
      },
    },
    route({
      method: 'get', path: '/api/tilesets/jobs', access: ['staff', 'reviewer'], tag: '3d',
      summary: 'The newest OSGB conversion jobs (unfinished first): state queued/running/done/failed, stage with zh/en label, progress 0..1, error naming the file in ?lang= / Accept-Language',
      async handler(req, res) {
        res.json({ jobs: await requireJobs(service).list(langOf(req)) });
      },
    }),
    {
      method: 'get', path: '/api/tilesets/jobs/:id', access: ['staff', 'reviewer'], tag: '3d',
      summary: 'One OSGB conversion job: state, stage, progress, error (zh/en), tileset_id once done',
      async handler(req, res) {
        res.json({ job: await requireJobs(service).get(idParam(req), langOf(req)) });
      },
    },
    route({
      method: 'get', path: '/api/tilesets', access: 'public', tag: '3d',
      summary: 'Tilesets the caller may see (filter with parkId, carrierId)',
      query: listQuery('tilesets'),
      async handler(_req, res, viewer, { query }) {
        res.json({ tilesets: await service.listTilesets(viewer, query) });
      },
    }),
    {
      method: 'get', path: '/api/tilesets/:id', access: 'public', tag: '3d',
      summary: 'One tileset',
      async handler(req, res, viewer) {
        res.json({ tileset: await service.getTileset(viewer, idParam(req)) });
      },
    },
    route({
      method: 'post', path: '/api/tilesets/:id/placement', access: ['staff'], tag: '3d',
      summary: 'Place a tileset without a georeferencing transform: {lon, lat, height, heading}',
      body: placementBody,
      async handler(req, res, _viewer, { body }) {
        res.json({ tileset: await service.placeTileset(idParam(req), body) });
      },
    }),
    route({
      method: 'post', path: '/api/tilesets/:id/review', access: ['reviewer'], tag: '3d',
      summary: 'Reviewer (校核): set {state} of a tileset',
      body: reviewBody,
      async handler(req, res, _viewer, { body }) {
        res.json(await service.reviewTileset(idParam(req), body.state));
      },
    }),
    {
      method: 'get', path: '/3dtiles/:id/*path', access: 'public', tag: '3d',
      summary: 'Files of a tileset: tileset.json (with root.transform from its placement; ?compat=single-content, for loaders.gl/deck.gl: renderable copies of i3dm/cmpt contents made at upload, 1.1 multiple contents split) and its contents; ETag, Range, gzip',
      async handler(req, res, viewer) {
        const segs = req.params.path as unknown as string[];
        const path = (Array.isArray(segs) ? segs : [String(segs)]).join('/');
        const file = await service.tilesetFile(viewer, idParam(req), path, { singleContent: req.query.compat === 'single-content' });
        sendServedFile(req, res, file, !!viewer.user);
      },
    },
    {
      method: 'post', path: '/api/models', access: ['staff'], tag: '3d',
      multipart: true,
      summary: 'Upload a BIM model: multipart "file" (.ifc, .glb or .gltf), carrierId or parkId and/or lon, lat, height, heading, optional name → {id, gltfUrl, propertiesUrl}',
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        const { file, fields } = await oneFile(req, limits);
        const out = await service.uploadModel(file, fields, viewer.user?.id ?? null);
        res.status(201).json({ id: out.model.id, gltfUrl: out.gltfUrl, propertiesUrl: out.propertiesUrl, model: out.model, warnings: out.warnings });
      },
    },
    route({
      method: 'get', path: '/api/models', access: 'public', tag: '3d',
      summary: 'BIM models the caller may see (filter with parkId, carrierId)',
      query: listQuery('models'),
      async handler(_req, res, viewer, { query }) {
        res.json({ models: await service.listModels(viewer, query) });
      },
    }),
    {
      method: 'get', path: '/api/models/:id', access: 'public', tag: '3d',
      summary: 'One BIM model with its placement',
      async handler(req, res, viewer) {
        res.json({ model: await service.getModel(viewer, idParam(req)) });
      },
    },
    {
      method: 'get', path: '/api/models/:id/model.glb', access: 'public', tag: '3d',
      summary: 'The model as GLB (glTF 2.0, y-up, metres; node extras carry expressID/GlobalId)',
      response: { status: 200, type: 'model/gltf-binary' },
      async handler(req, res, viewer) {
        sendServedFile(req, res, await service.modelGlb(viewer, idParam(req)), !!viewer.user);
      },
    },
    {
      method: 'get', path: '/api/models/:id/properties', access: 'public', tag: '3d',
      summary: 'Element property index: {elements: [{expressID, globalId, type, name, storey, propertySets}]}',
      async handler(req, res, viewer) {
        sendServedFile(req, res, await service.modelProperties(viewer, idParam(req)), !!viewer.user);
      },
    },
    route({
      method: 'post', path: '/api/models/:id/review', access: ['reviewer'], tag: '3d',
      summary: 'Reviewer (校核): set {state} of a BIM model',
      body: reviewBody,
      async handler(req, res, _viewer, { body }) {
        res.json(await service.reviewModel(idParam(req), body.state));
      },
    }),
  ];
}
