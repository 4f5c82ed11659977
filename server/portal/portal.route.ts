/**
 * The public portal: the landing page `/`, park cloud cards `/parks/{id}` (server-rendered HTML
 * with Open Graph tags and a QR code of the card's URL made here, offline), each park's rendered
 * cover `/parks/{id}/cover.png`, and the same data as JSON under `/api/portal`. Anyone may read;
 * only published data is shown. Language: `?lang=en`, Chinese otherwise.
 */
import type { Request } from 'express';
import QRCode from 'qrcode';
import type { RouteSpec } from '../http/route.ts';
import { AppError, NotFoundError } from '../../core/errors.ts';
import { coverPng } from './cover.render.ts';
import type { Lang } from './format.ts';
import type { PageTemplates } from './page-template.ts';
import { landingPage, langHref, notFoundPage, parkCardPage, policyNotFoundPage, policyPage } from './portal.pages.ts';
import type { PortalService } from './portal.service.ts';

const HTML = 'text/html; charset=utf-8';

function parkId(raw: unknown): number {
  const s = String(raw);
  if (!/^[0-9]{1,15}$/.test(s)) throw new NotFoundError('park', s);
  return Number(s);
}

/** The page language: `?lang=en` → English, anything else → Chinese. */
export function pageLang(req: Request): Lang {
  return req.query.lang === 'en' ? 'en' : 'zh';
}

/** The origin links and QR codes point at, from the request (behind a proxy: its Host). */
function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/** An SVG QR code of `url` (error correction M, quiet zone of 2 modules). */
export async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } });
}

/** Portal routes. */
export function portalRoutes(portal: PortalService, pages: PageTemplates): RouteSpec[] {
  const landing: RouteSpec['handler'] = async (req, res) => {
    const lang = pageLang(req);
    const { head, body } = landingPage(await portal.landing(), lang, origin(req));
    res.type(HTML).set('Cache-Control', 'no-cache').send(pages.render('index.html', lang, head, body));
  };
  return [
    {
      method: 'get', path: '/', access: 'public', tag: 'portal',
      summary: 'The investment portal landing page (HTML): city figures from published data, leading industries, park directory, search; ?lang=en',
      response: { status: 200, type: HTML }, handler: landing,
    },
    {
      method: 'get', path: '/index.html', access: 'public', tag: 'portal',
      summary: 'Same as /', response: { status: 200, type: HTML }, handler: landing,
    },
    {
      method: 'get', path: '/parks/:id', access: 'public', tag: 'portal',
      summary: 'A park cloud card (HTML with Open Graph title/description/image, QR code, print layout, enquiry form); ?lang=en',
      response: { status: 200, type: HTML },
      async handler(req, res) {
        const lang = pageLang(req);
        try {
          const id = parkId(req.params.id);
          const card = await portal.card(id);
          const url = origin(req) + langHref(`/parks/${id}`, lang);
          const { head, body } = parkCardPage(card, lang, origin(req), await qrSvg(url), url);
          res.type(HTML).set('Cache-Control', 'no-cache').send(pages.render('park.html', lang, head, body));
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          const { head, body } = notFoundPage(lang);
          res.status(404).type(HTML).send(pages.render('park.html', lang, head, body));
        }
      },
    },
    {
      method: 'get', path: '/policies/:id', access: 'public', tag: 'portal',
      summary: 'A published, currently valid policy or featured project (HTML, full text, images, what it applies to); ?lang=en',
      response: { status: 200, type: HTML },
      async handler(req, res) {
        const lang = pageLang(req);
        try {
          const raw = String(req.params.id);
          if (!/^[0-9]{1,15}$/.test(raw)) throw new NotFoundError('policy', raw);
          const { head, body } = policyPage(await portal.policy(Number(raw)), lang, origin(req));
          res.type(HTML).set('Cache-Control', 'no-cache').send(pages.render('index.html', lang, head, body));
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          const { head, body } = policyNotFoundPage(lang);
          res.status(404).type(HTML).send(pages.render('index.html', lang, head, body));
        }
      },
    },
    {
      method: 'get', path: '/parks/:id/cover.png', access: 'public', tag: 'portal',
      summary: "A park's rendered map (outline and available carriers), 1200×630 PNG, for covers and link previews",
      response: { status: 200, type: 'image/png' },
      async handler(req, res) {
        const s = await portal.coverShapes(parkId(req.params.id));
        res.type('image/png').set('Cache-Control', 'public, max-age=300').send(await coverPng(s.outline, s.bbox, s.carriers));
      },
    },
    {
      method: 'get', path: '/api/portal/summary', access: 'public', tag: 'portal',
      summary: 'Landing data: city figures (counties, parks, available land, factory and office floor area), industries with their parks, park directory',
      response: { status: 200, type: 'application/json' },
      async handler(_req, res) {
        res.json(await portal.landing());
      },
    },
    {
      method: 'get', path: '/api/portal/parks/:id', access: 'public', tag: 'portal',
      summary: "A park card's data: figures, indicators, distances, available carriers with outlines, tours, panoramas",
      response: { status: 200, type: 'application/json' },
      async handler(req, res) {
        const raw = String(req.params.id);
        if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('bad_request', `park id must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: 'id', value: raw });
        res.json(await portal.card(Number(raw)));
      },
    },
  ];
}
