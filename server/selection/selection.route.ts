/**
 * /api/site-selection, /api/shortlists and /api/shared: the officers' site-selection tool and the
 * client's read-only shared view. Officers (and admins) only, except the shared view, which needs
 * no account: the token in the URL is the credential. Staff and reviewers work on drafts and do
 * not pick sites for clients, so they get 403.
 */
import type { Request } from 'express';
import type { AccountRole } from '../auth/roles.ts';
import type { RouteSpec } from '../http/route.ts';
import type { SelectionService } from './selection.service.ts';
import { parseId, type ShortlistsService } from './shortlists.service.ts';

const OFFICERS: readonly AccountRole[] = ['officer'];

const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;

/** Site-selection and shortlist routes. */
export function selectionRoutes(selection: SelectionService, shortlists: ShortlistsService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/site-selection', access: OFFICERS, tag: 'selection',
      summary: 'Rank published sites against a brief: hard constraints (layers, counties, parks, status, area, price, land use, industry, '
        + 'utilities, building, plot ratio, 标准地, maximum distances to amenities, drawn area or point+radius) and weighted criteria',
      body: { type: 'object', description: 'the brief; see server/selection/brief.ts for every field' },
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        res.json(await selection.select(req.body));
      },
    },
    {
      method: 'get', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Every shortlist, most recently updated first',
      response: { status: 200, type: 'application/json' },
      async handler(_req, res) {
        res.json({ shortlists: await shortlists.list() });
      },
    },
    {
      method: 'post', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Save a shortlist {clientName, notes?, brief?, items: [{carrierId, note?}]} of published sites',
      body: { type: 'object', required: ['clientName'] },
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        res.status(201).json(await shortlists.create(req.body, viewer.user));
      },
    },
    {
      method: 'get', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'One shortlist with its sites and share links',
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        res.json(await shortlists.get(parseId(String(req.params.id))));
      },
    },
    {
      method: 'patch', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Update {clientName?, notes?, brief?, items?} of a shortlist (items replace the list)',
      body: { type: 'object' },
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        res.json(await shortlists.update(parseId(String(req.params.id)), req.body));
      },
    },
    {
      method: 'delete', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Delete a shortlist and its share links',
      response: { status: 204, type: 'application/json' },
      async handler(req, res) {
        await shortlists.delete(parseId(String(req.params.id)));
        res.status(204).end();
      },
    },
    {
      method: 'post', path: '/api/shortlists/:id/share', access: OFFICERS, tag: 'selection',
      summary: 'Create a read-only share link {expiresInDays} → {url, token, expiresAt}; the token is shown only now',
      body: { type: 'object', properties: { expiresInDays: { type: 'number', default: 30 } } },
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        res.status(201).json(await shortlists.share(parseId(String(req.params.id)), req.body, viewer.user, origin(req)));
      },
    },
    {
      method: 'post', path: '/api/shortlists/:id/share/revoke', access: OFFICERS, tag: 'selection',
      summary: 'Revoke the share link {token}, or every live link of the shortlist when no token is given',
      body: { type: 'object', properties: { token: { type: 'string' } } },
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        res.json(await shortlists.revoke(parseId(String(req.params.id)), req.body));
      },
    },
    {
      method: 'get', path: '/api/shared/:token', access: 'public', tag: 'selection',
      summary: 'A client\'s read-only view of a shared shortlist (published sites, indicators, park, nearest amenities); 404 when expired, revoked or unknown',
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        res.setHeader('Cache-Control', 'no-store');
        res.json(await shortlists.shared(String(req.params.token)));
      },
    },
  ];
}
