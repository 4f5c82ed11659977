/**
 * Editing routes: staff save drafts (edit, draw, delete, bulk edit, restore), reviewers publish or
 * reject changesets, staff and reviewers read a feature's history. Inputs are shaped here; values are
 * validated against the layer definition in the service. Messages follow `?lang=` / Accept-Language.
 */
import type { Request, Response } from 'express';
import type { RouteSpec } from '../http/route.ts';
import { AppError, BadParameterError } from '../../core/errors.ts';
import type { Viewer, SessionUser } from '../auth/roles.ts';
import { BULK_MAX, requestLang, type Lang } from './edit-input.ts';
import type { BulkInput, EditableFeature, EditInput, EditsService } from './edits.service.ts';

const EDITORS = ['staff', 'reviewer'] as const;
const REVIEWERS = ['reviewer'] as const;
const ID = /^[0-9]{1,18}$/;

const langOf = (req: Request): Lang => requestLang(req.query.lang, req.get('accept-language'));

function featureId(req: Request): string {
  const id = String(req.params.fid);
  if (!ID.test(id)) throw new BadParameterError('id', id, 'must be a numeric feature id');
  return id;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{properties, geometry?, note?}` from a JSON body. */
function editInput(body: unknown): EditInput {
  if (!isObject(body)) throw new BadParameterError('body', body ?? null, 'must be a JSON object {properties, geometry?, note?}');
  const properties = body.properties ?? {};
  if (!isObject(properties)) throw new BadParameterError('properties', properties, 'must be an object of attribute values');
  const note = body.note;
  if (note !== undefined && note !== null && (typeof note !== 'string' || note.length > 2000)) throw new BadParameterError('note', note, 'must be text of at most 2000 characters');
  return { properties, geometry: body.geometry ?? undefined, note: (note as string | undefined) ?? null };
}

/** The ETag the client edited: If-Match, else `etag` in the body. */
function ifMatch(req: Request): string | undefined {
  const h = req.get('if-match');
  if (h) return h.trim();
  const b = isObject(req.body) ? req.body.etag : undefined;
  return typeof b === 'string' ? b : undefined;
}

function user(viewer: Viewer): SessionUser {
  if (!viewer.user) throw new AppError('unauthenticated', 'sign in first');
  return viewer.user;
}

function sendFeature(res: Response, f: EditableFeature, status = 200): void {
  res.status(status).set('ETag', f.etag).json(f);
}

const featureBody = {
  type: 'object',
  properties: {
    properties: { type: 'object', description: 'attribute values by name (as in the layer definition); omitted ones keep their value' },
    geometry: { type: 'object', description: 'GeoJSON geometry (Polygon/MultiPolygon or Point, EPSG:4326); omitted: unchanged' },
    note: { type: 'string' },
    etag: { type: 'string', description: 'alternative to the If-Match header' },
  },
};

/** Edit, review and history routes. */
export function editRoutes(edits: EditsService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/layers/:id/features/:fid/edit', access: EDITORS, tag: 'edits',
      summary: 'The editable state of a feature (its open draft, else the published row) with its ETag',
      async handler(req, res) {
        sendFeature(res, await edits.working(String(req.params.id), featureId(req), langOf(req)));
      },
    },
    {
      method: 'put', path: '/api/layers/:id/features/:fid', access: EDITORS, tag: 'edits',
      summary: 'Save an edit as a draft revision (If-Match: the ETag edited; 409 names who changed the feature since)',
      body: featureBody,
      async handler(req, res, viewer) {
        sendFeature(res, await edits.save(String(req.params.id), featureId(req), editInput(req.body), ifMatch(req), user(viewer), langOf(req)));
      },
    },
    {
      method: 'post', path: '/api/layers/:id/features', access: EDITORS, tag: 'edits',
      summary: 'Draw a new feature: a draft revision with a reserved id, public once a reviewer publishes it',
      body: featureBody,
      async handler(req, res, viewer) {
        sendFeature(res, await edits.create(String(req.params.id), editInput(req.body), user(viewer), langOf(req)), 201);
      },
    },
    {
      method: 'delete', path: '/api/layers/:id/features/:fid', access: EDITORS, tag: 'edits',
      summary: 'Propose deleting a feature (If-Match); published, the row is removed and kept in its history as a tombstone',
      async handler(req, res, viewer) {
        const note = isObject(req.body) && typeof req.body.note === 'string' ? req.body.note.slice(0, 2000) : null;
        const f = await edits.remove(String(req.params.id), featureId(req), ifMatch(req), note, user(viewer), langOf(req));
        res.status(200).set('ETag', f.etag).json(f);
      },
    },
    {
      method: 'post', path: '/api/layers/:id/bulk-edit', access: EDITORS, tag: 'edits',
      summary: `Bulk edit: the same attribute values for up to ${BULK_MAX} features, as one reviewed changeset`,
      body: {
        type: 'object', required: ['ids', 'properties'],
        properties: { ids: { type: 'array', items: { type: 'string' } }, properties: { type: 'object' }, etags: { type: 'object' }, note: { type: 'string' } },
      },
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        const b: unknown = req.body;
        if (!isObject(b)) throw new BadParameterError('body', b ?? null, 'must be a JSON object {ids, properties}');
        if (!Array.isArray(b.ids) || b.ids.some((x) => !ID.test(String(x)))) throw new BadParameterError('ids', b.ids ?? null, 'must be a list of numeric feature ids');
        if (!isObject(b.properties)) throw new BadParameterError('properties', b.properties ?? null, 'must be an object of attribute values');
        if (b.etags !== undefined && !isObject(b.etags)) throw new BadParameterError('etags', b.etags, 'must map feature ids to ETags');
        const input: BulkInput = {
          ids: b.ids.map(String), properties: b.properties, etags: b.etags as Record<string, string> | undefined,
          note: typeof b.note === 'string' ? b.note.slice(0, 2000) : null,
        };
        res.status(201).json(await edits.bulk(String(req.params.id), input, user(viewer), langOf(req)));
      },
    },
    {
      method: 'get', path: '/api/layers/:id/features/:fid/history', access: EDITORS, tag: 'edits',
      summary: 'Every change of a feature, newest first: import, edit, review, publish, reject, undo, delete, restore — who, when, before/after values and geometry',
      async handler(req, res) {
        res.json({ history: await edits.history(String(req.params.id), featureId(req), langOf(req)) });
      },
    },
    {
      method: 'post', path: '/api/layers/:id/features/:fid/history/:hid/restore', access: EDITORS, tag: 'edits',
      summary: 'Restore the feature as it was after a history entry, as a new draft (If-Match)',
      async handler(req, res, viewer) {
        const hid = String(req.params.hid);
        if (!ID.test(hid)) throw new BadParameterError('hid', hid, 'must be a numeric history entry id');
        sendFeature(res, await edits.restore(String(req.params.id), featureId(req), hid, ifMatch(req), user(viewer), langOf(req)));
      },
    },
    {
      method: 'get', path: '/api/changesets', access: EDITORS, tag: 'edits',
      summary: 'Changesets (drafts waiting for review by default) with each revision\'s changes against the published row',
      query: [
        { name: 'state', description: 'draft (default), published, rejected or all', schema: { type: 'string' } },
        { name: 'limit', description: '1..500 (default 100)', schema: { type: 'integer' } },
      ],
      async handler(req, res) {
        const state = req.query.state === undefined ? 'draft' : String(req.query.state);
        if (!['draft', 'published', 'rejected', 'all'].includes(state)) throw new BadParameterError('state', state, 'must be draft, published, rejected or all');
        const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new BadParameterError('limit', req.query.limit, 'must be an integer within 1..500');
        res.json({ changesets: await edits.changesets(state === 'all' ? null : (state as 'draft'), limit) });
      },
    },
    {
      method: 'post', path: '/api/changesets/:cid/publish', access: REVIEWERS, tag: 'edits',
      summary: 'Reviewer: publish a changeset — its revisions are applied to the published rows in one transaction',
      async handler(req, res, viewer) {
        const cid = String(req.params.cid);
        if (!ID.test(cid)) throw new BadParameterError('cid', cid, 'must be a numeric changeset id');
        res.json(await edits.publish(cid, user(viewer), langOf(req)));
      },
    },
    {
      method: 'post', path: '/api/changesets/:cid/reject', access: REVIEWERS, tag: 'edits',
      summary: 'Reviewer: reject a changeset; the published rows stay as they are',
      async handler(req, res, viewer) {
        const cid = String(req.params.cid);
        if (!ID.test(cid)) throw new BadParameterError('cid', cid, 'must be a numeric changeset id');
        res.json(await edits.reject(cid, user(viewer), langOf(req)));
      },
    },
  ];
}
