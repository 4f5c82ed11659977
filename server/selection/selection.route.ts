/**
 * /api/site-selection, /api/shortlists and /api/shared: the officers' site-selection tool and the
 * client's read-only shared view. Officers (and admins) only, except the shared view, which needs
 * no account: the token in the URL is the credential. Staff and reviewers work on drafts and do
 * not pick sites for clients, so they get 403.
 */
import type { AccountRole } from '../auth/roles.ts';
import type { RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { publicBaseUrl } from '../http/security.ts';
import type { SelectionService } from './selection.service.ts';
import { BRIEF_FIELDS, parseBrief } from './brief.ts';
import { parseId, SHORTLIST_LIMITS, type ShortlistsService } from './shortlists.service.ts';

const OFFICERS: readonly AccountRole[] = ['officer'];

/** A shortlisted site: a carrier id, or `{carrierId, note}` (the service checks it is published and listed once). */
const SHORTLIST_ITEM = s.oneOf(
  s.integer({ minimum: 1, description: 'carrier id' }),
  s.object({ carrierId: s.integer({ minimum: 1 }), note: s.nullable(s.string({ maxLength: SHORTLIST_LIMITS.itemNote })) }, { required: ['carrierId'] }),
);
const SHORTLIST_FIELDS = {
  clientName: s.string({ minLength: 1, maxLength: SHORTLIST_LIMITS.clientName, description: 'the client the sites are for' }),
  notes: s.nullable(s.string({ maxLength: SHORTLIST_LIMITS.notes, description: 'internal notes (never shown on the share link)' })),
  brief: s.nullable(s.any({ type: 'object', description: 'the brief the sites were chosen with (as POST /api/site-selection takes it)' })),
  items: s.array(SHORTLIST_ITEM, { maxItems: SHORTLIST_LIMITS.items }),
};

/** The brief as documented in the OpenAPI document (checked by `parseBrief` at the route). */
const BRIEF_BODY = {
  type: 'object', title: 'brief', additionalProperties: false,
  description: 'the brief; see server/selection/brief.ts for every field (checked at the route by parseBrief, each error naming the field and value)',
  properties: Object.fromEntries([...BRIEF_FIELDS].map((f) => [f, {}])),
};

/** Site-selection and shortlist routes. Share links are built on `config.publicBaseUrl` (never the request's Host). */
export function selectionRoutes(selection: SelectionService, shortlists: ShortlistsService, config: { publicBaseUrl: string }): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/site-selection', access: OFFICERS, tag: 'selection',
      summary: 'Rank published sites against a brief: hard constraints (layers, counties, parks, status, area, price, land use, industry, '
        + 'utilities, building, plot ratio, 标准地, maximum distances to amenities, drawn area or point+radius) and weighted criteria',
      body: BRIEF_BODY,
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        // The brief's fields depend on each other (areaM2 or areaMu, weights summing to 100, criteria
        // naming amenity kinds): `parseBrief` checks them all here, each error naming the field and value.
        const brief = parseBrief(req.body);
        // `Cache-Control: no-cache` asks for an answer ranked afresh, not from cached candidates;
        // `X-Selection-Source` says which it was (cache or sql).
        const { response, source } = await selection.answer(brief, { fresh: /\bno-cache\b/i.test(req.get('cache-control') ?? '') });
        res.setHeader('X-Selection-Source', source);
        res.json(response);
      },
    },
    {
      method: 'get', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Every shortlist, most recently updated first, with its owner and whether the caller may edit it',
      response: { status: 200, type: 'application/json' },
      async handler(_req, res, viewer) {
        res.json({ shortlists: await shortlists.list(viewer) });
      },
    },
    {
      method: 'post', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Save a shortlist {clientName, notes?, brief?, items: [{carrierId, note?}]} of published sites',
      body: s.object(SHORTLIST_FIELDS, { required: ['clientName'] }),
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        res.status(201).json(await shortlists.create(req.body, viewer.user));
      },
    },
    {
      method: 'get', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'One shortlist with its sites and share links (any officer may read it)',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await shortlists.get(parseId(String(req.params.id)), viewer));
      },
    },
    {
      method: 'patch', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Update {clientName?, notes?, brief?, items?} of a shortlist (items replace the list); its owner or an admin only',
      body: s.object(SHORTLIST_FIELDS),
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await shortlists.update(parseId(String(req.params.id)), req.body, viewer));
      },
    },
    {
      method: 'delete', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Delete a shortlist and its share links; its owner or an admin only',
      response: { status: 204, type: 'application/json' },
      async handler(req, res, viewer) {
        await shortlists.delete(parseId(String(req.params.id)), viewer);
        res.status(204).end();
      },
    },
    {
      method: 'post', path: '/api/shortlists/:id/share', access: OFFICERS, tag: 'selection',
      summary: 'Create a read-only share link {expiresInDays} → {url, token, expiresAt} (URL on PUBLIC_BASE_URL); the token is shown only now; owner or admin only',
      body: s.object({
        expiresInDays: s.number({ default: SHORTLIST_LIMITS.shareDays.default, description: `days the link stays valid, ${Number(SHORTLIST_LIMITS.shareDays.min.toFixed(4))}..${SHORTLIST_LIMITS.shareDays.max}` }),
      }),
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer) {
        res.status(201).json(await shortlists.share(parseId(String(req.params.id)), req.body, viewer, publicBaseUrl(req, config)));
      },
    },
    {
      method: 'post', path: '/api/shortlists/:id/share/revoke', access: OFFICERS, tag: 'selection',
      summary: 'Revoke the share link {token}, or every live link of the shortlist when no token is given; owner or admin only',
      body: s.object({ token: s.string({ description: 'the link to revoke; every live link when absent' }) }),
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await shortlists.revoke(parseId(String(req.params.id)), req.body, viewer));
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
