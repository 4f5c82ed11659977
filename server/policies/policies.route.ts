/**
 * /api/policies: policies and promoted projects (招商政策, 对外推介项目库). Anyone reads the published,
 * currently valid entries; staff write (every change makes the entry a draft again), reviewers
 * publish, and signed-in staff see every state.
 */
import type { Request } from 'express';
import { AppError } from '../../core/errors.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { readMultipart, type UploadLimits } from '../imports/multipart.ts';
import { POLICY_KINDS, POLICY_STATES } from './policies.repository.ts';
import { POLICY_IMAGE, type PoliciesService } from './policies.service.ts';

const JSON_TYPE = 'application/json';
const ADCODE = s.string({ pattern: '^[0-9]{6}$', description: 'county adcode' });

const FIELDS = {
  kind: s.enum(POLICY_KINDS, { description: 'policy (招商政策) or project (对外推介项目)' }),
  title: s.object({ zh: s.string({ maxLength: 200 }), en: s.string({ maxLength: 300 }) }, { required: ['zh'] }),
  body: s.object({ zh: s.string({ maxLength: 20000, description: 'Markdown' }), en: s.string({ maxLength: 30000, description: 'Markdown' }) }),
  counties: s.array(ADCODE, { maxItems: 20, description: 'applies to these counties' }),
  parkIds: s.array(s.integer({ minimum: 1 }), { maxItems: 50, description: 'applies to these parks' }),
  industries: s.array(s.string({ minLength: 1, maxLength: 50 }), { maxItems: 20, description: 'applies to these industries (Chinese names, as parks list them)' }),
  validFrom: s.string({ format: 'date', description: 'first day it applies (YYYY-MM-DD); absent: already' }),
  validTo: s.string({ format: 'date', description: 'last day it applies; absent: until further notice' }),
};
const CREATE_BODY = s.object(FIELDS, { required: ['kind', 'title'] });
const UPDATE_BODY = s.object({ ...FIELDS, version: s.integer({ minimum: 1, description: 'the version the edit started from' }) }, { required: ['kind', 'title', 'version'] });
const LIST_QUERY = s.object({
  kind: s.enum(POLICY_KINDS, { description: 'only policies or only projects' }),
  parkId: s.integer({ minimum: 1, description: 'only the entries applying to this park (by park, county, industry or city-wide)' }),
});
const REVIEW_BODY = s.object({ state: s.enum(POLICY_STATES) }, { required: ['state'] });

function id(req: Request, name = 'id'): number {
  const raw = String(req.params[name]);
  if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('bad_request', `${name} must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: name, value: raw });
  return Number(raw);
}

/** Policy routes. */
export function policyRoutes(policies: PoliciesService, limits: UploadLimits): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/api/policies', access: 'public', tag: 'policies',
      summary: 'Policies and promoted projects: the public gets the published entries valid today; staff, reviewers and admins every state',
      query: LIST_QUERY,
      response: { status: 200, type: JSON_TYPE },
      async handler(_req, res, viewer, { query }) {
        res.set('Cache-Control', 'private, no-cache').json({ policies: await policies.list(viewer, query) });
      },
    }),
    route({
      method: 'get', path: '/api/policies/:id', access: 'public', tag: 'policies',
      summary: 'One entry with its body as Markdown and as safe HTML (zh and en)',
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer) {
        res.set('Cache-Control', 'private, no-cache').json(await policies.get(viewer, id(req)));
      },
    }),
    route({
      method: 'post', path: '/api/policies', access: ['staff'], tag: 'policies',
      summary: 'Staff: write an entry {kind, title{zh,en}, body{zh,en} (Markdown), counties, parkIds, industries, validFrom, validTo}; it starts as a draft',
      body: CREATE_BODY,
      response: { status: 201, type: JSON_TYPE },
      async handler(_req, res, viewer, { body }) {
        res.status(201).json(await policies.create(viewer, body));
      },
    }),
    route({
      method: 'put', path: '/api/policies/:id', access: ['staff'], tag: 'policies',
      summary: 'Staff: replace an entry from the version you edited (409 when someone changed it since); it becomes a draft again',
      body: UPDATE_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await policies.update(viewer, id(req), body));
      },
    }),
    route({
      method: 'delete', path: '/api/policies/:id', access: ['staff'], tag: 'policies',
      summary: 'Staff: delete an entry',
      response: { status: 204, type: JSON_TYPE },
      async handler(req, res) {
        await policies.delete(id(req));
        res.status(204).end();
      },
    }),
    route({
      method: 'post', path: '/api/policies/:id/review', access: ['reviewer'], tag: 'policies',
      summary: 'Reviewer (校核): set {state: draft|verified|published}; published entries are public while valid',
      body: REVIEW_BODY,
      response: { status: 200, type: JSON_TYPE },
      async handler(req, res, viewer, { body }) {
        res.json(await policies.review(viewer, id(req), body.state));
      },
    }),
    {
      method: 'post', path: '/api/policies/:id/images', access: ['staff'], tag: 'policies',
      multipart: true,
      summary: `Staff: add an image (multipart "file": JPEG, PNG or WebP, at most ${POLICY_IMAGE.maxBytes / 1024 / 1024} MB; optional captionZh, captionEn)`,
      response: { status: 201, type: JSON_TYPE },
      async handler(req, res, viewer) {
        const { files, fields } = await readMultipart(req, { ...limits, maxFiles: 1, maxFileBytes: Math.min(limits.maxFileBytes, POLICY_IMAGE.maxBytes) });
        if (files.length !== 1) throw new AppError('bad_request', 'upload exactly one image in field "file"');
        res.status(201).json(await policies.addImage(viewer, id(req), files[0], { zh: fields.captionZh ?? '', en: fields.captionEn ?? '' }));
      },
    },
    route({
      method: 'delete', path: '/api/policies/:id/images/:imageId', access: ['staff'], tag: 'policies',
      summary: 'Staff: remove an image of an entry',
      response: { status: 204, type: JSON_TYPE },
      async handler(req, res) {
        await policies.deleteImage(id(req), id(req, 'imageId'));
        res.status(204).end();
      },
    }),
    route({
      method: 'get', path: '/api/policies/:id/images/:imageId', access: 'public', tag: 'policies',
      summary: 'An image of an entry the caller may see',
      response: { status: 200, type: 'image/jpeg' },
      async handler(req, res, viewer) {
        const img = await policies.image(viewer, id(req), id(req, 'imageId'));
        res.type(img.type).set('Cache-Control', img.public ? 'public, max-age=300' : 'private, no-store').send(Buffer.from(img.bytes));
      },
    }),
  ];
}
