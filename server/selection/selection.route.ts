/**
 * /api/site-selection, /api/shortlists and /api/shared: the officers' site-selection tool and the
 * client's read-only shared view. Officers (and admins) only, except the shared view, which needs
 * no account: the token in the URL is the credential. Staff and reviewers work on drafts and do
 * not pick sites for clients, so they get 403.
 */
import type { AccountRole } from '../auth/roles.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { publicBaseUrl } from '../http/security.ts';
import type { SelectionService } from './selection.service.ts';
import { BRIEF_SCHEMA, toBrief } from './brief.ts';
import {
  parseId, REVOKE_BODY, SHARE_BODY, SHORTLIST_BODY, SHORTLIST_PATCH_BODY, type ShortlistsService,
} from './shortlists.service.ts';

const OFFICERS: readonly AccountRole[] = ['officer'];

/** Site-selection and shortlist routes. Share links are built on `config.publicBaseUrl` (never the request's Host). */
export function selectionRoutes(selection: SelectionService, shortlists: ShortlistsService, config: { publicBaseUrl: string }): RouteSpec[] {
  return [
    route({
      method: 'post', path: '/api/site-selection', access: OFFICERS, tag: 'selection',
      summary: 'Rank published sites against a brief: hard constraints (layers, counties, parks, status, area, price, land use, industry, '
        + 'utilities, building, plot ratio, 标准地, maximum distances to amenities, drawn area or point+radius) and weighted criteria',
      body: BRIEF_SCHEMA,
      response: { status: 200, type: 'application/json' },
      async handler(req, res, _viewer, { body, lang }) {
        // The schema checked every field; `toBrief` checks the rules between them (areaM2 or areaMu,
        // weights summing to 100, a polygon's rings) and fills in the defaults.
        const brief = toBrief(body, lang);
        // `Cache-Control: no-cache` asks for an answer ranked afresh, not from cached candidates;
        // `X-Selection-Source` says which it was (cache or sql).
        const { response, source } = await selection.answer(brief, { fresh: /\bno-cache\b/i.test(req.get('cache-control') ?? '') });
        res.setHeader('X-Selection-Source', source);
        res.json(response);
      },
    }),
    {
      method: 'get', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Every shortlist, most recently updated first, with its owner and whether the caller may edit it',
      response: { status: 200, type: 'application/json' },
      async handler(_req, res, viewer) {
        res.json({ shortlists: await shortlists.list(viewer) });
      },
    },
    route({
      method: 'post', path: '/api/shortlists', access: OFFICERS, tag: 'selection',
      summary: 'Save a shortlist {clientName, notes?, brief?, items: [{carrierId, note?}]} of published sites',
      body: SHORTLIST_BODY,
      response: { status: 201, type: 'application/json' },
      async handler(_req, res, viewer, { body, lang }) {
        res.status(201).json(await shortlists.create(body, viewer.user, lang));
      },
    }),
    {
      method: 'get', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'One shortlist with its sites and share links (any officer may read it)',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        res.json(await shortlists.get(parseId(String(req.params.id)), viewer));
      },
    },
    route({
      method: 'patch', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Update {clientName?, notes?, brief?, items?} of a shortlist (items replace the list); its owner or an admin only',
      body: SHORTLIST_PATCH_BODY,
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer, { body, lang }) {
        res.json(await shortlists.update(parseId(String(req.params.id)), body, viewer, lang));
      },
    }),
    {
      method: 'delete', path: '/api/shortlists/:id', access: OFFICERS, tag: 'selection',
      summary: 'Delete a shortlist and its share links; its owner or an admin only',
      response: { status: 204, type: 'application/json' },
      async handler(req, res, viewer) {
        await shortlists.delete(parseId(String(req.params.id)), viewer);
        res.status(204).end();
      },
    },
    route({
      method: 'post', path: '/api/shortlists/:id/share', access: OFFICERS, tag: 'selection',
      summary: 'Create a read-only share link {expiresInDays} → {url, token, expiresAt} (URL on PUBLIC_BASE_URL); the token is shown only now; owner or admin only',
      body: SHARE_BODY,
      response: { status: 201, type: 'application/json' },
      async handler(req, res, viewer, { body, lang }) {
        res.status(201).json(await shortlists.share(parseId(String(req.params.id)), body, viewer, publicBaseUrl(req, config), lang));
      },
    }),
    route({
      method: 'post', path: '/api/shortlists/:id/share/revoke', access: OFFICERS, tag: 'selection',
      summary: 'Revoke the share link {token}, or every live link of the shortlist when no token is given; owner or admin only',
      body: REVOKE_BODY,
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer, { body }) {
        res.json(await shortlists.revoke(parseId(String(req.params.id)), body, viewer));
      },
    }),
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
