/**
 * Request-level protection that holds for every route: security headers on every response, the
 * cross-site request check (CSRF) on every state-changing request, the body type a route accepts,
 * and the public base URL that links handed to third parties are built from.
 *
 * Cross-site requests. The session cookie is `SameSite=Lax`, which still lets a page on another
 * port of the same host (same *site*) send it, and older browsers may send it anywhere. So a
 * request with any method other than GET/HEAD/OPTIONS must come from an allowed origin:
 *  - with an `Origin` header (browsers send it on every cross-origin request and on same-origin
 *    POST/PUT/PATCH/DELETE), it must be this site's own origin (scheme and `Host` of the request;
 *    `X-Forwarded-Proto`/`-Host` only when TRUST_PROXY is set), PUBLIC_BASE_URL's origin or one of
 *    ALLOWED_ORIGINS; `Origin: null` (sandboxed frames, privacy redirects) is refused;
 *  - without `Origin` but with `Sec-Fetch-Site`, that must be `same-origin` (or `none`: typed by
 *    the user);
 *  - without either, the caller is not a browser page (curl, the import CLI, a script with a
 *    copied cookie): no browser leaves both out of a cross-origin request, so it cannot be a
 *    forged one, and it is allowed.
 * A route also accepts only the body type it reads: JSON (`application/json`) everywhere, and
 * `multipart/form-data` only on the upload routes that declare `multipart`. HTML forms and
 * `text/plain` beacons, the only cross-site requests that skip a CORS preflight, are thereby refused
 * even where the Origin check would let them through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin of `url` (`scheme://host[:port]`), or '' when it is not an absolute http(s) URL. */
function originOf(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : '';
  } catch {
    return '';
  }
}

/**
 * The Content-Security-Policy of every response. Scripts and styles come from this origin only
 * (Vite emits no inline script; style attributes set by MapLibre and our own components need
 * `'unsafe-inline'` for styles); `'wasm-unsafe-eval'` lets the map compile its WebAssembly
 * decoders (without it Chromium refused `WebAssembly.instantiate` on the map and tour pages) but
 * still forbids `eval` of JavaScript. MapLibre and loaders.gl start workers from `blob:` URLs, images
 * and tile payloads can be `blob:`/`data:`, and a configured raster basemap's origin is allowed for
 * images and fetches. No frame may embed the site except the site itself.
 */
export function contentSecurityPolicy(config: Pick<Config, 'basemapUrl' | 'cookieSecure'>): string {
  const basemap = config.basemapUrl ? originOf(config.basemapUrl.replace(/\{[^}]*\}/g, '0')) : '';
  const extra = basemap ? ` ${basemap}` : '';
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self' data: blob:${extra}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    ...(config.cookieSecure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * A function that sets the security headers on a response: CSP, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: same-origin`, `X-Frame-Options: SAMEORIGIN` (for browsers without
 * frame-ancestors) and, when the site is served over HTTPS (COOKIE_SECURE, or an https
 * PUBLIC_BASE_URL), `Strict-Transport-Security` for a year.
 */
export function securityHeaders(config: Pick<Config, 'basemapUrl' | 'cookieSecure' | 'publicBaseUrl'>): (res: ServerResponse) => void {
  const csp = contentSecurityPolicy(config);
  const https = config.cookieSecure || config.publicBaseUrl.startsWith('https:');
  return (res) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
  };
}

/** Express's `trust proxy` setting from TRUST_PROXY: off when empty, a hop count, `true`, or addresses/subnets. */
export function trustProxySetting(trustProxy: string): boolean | number | string {
  if (!trustProxy || trustProxy === 'false') return false;
  if (trustProxy === 'true') return true;
  if (/^\d+$/.test(trustProxy)) return Number(trustProxy);
  return trustProxy;
}

/** This request's own origin as the browser sees it (proxy headers count only under TRUST_PROXY). */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.host}`;
}

/** Refuses state-changing requests from other origins; see the file comment for the rules. */
export function originCheck(config: Pick<Config, 'publicBaseUrl' | 'allowedOrigins'>): RequestHandler {
  const allowed = new Set([config.publicBaseUrl, ...config.allowedOrigins].filter(Boolean));
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.headers.origin;
    const what = `${req.method} ${req.path}`;
    if (origin !== undefined) {
      const own = ownOrigin(req);
      if (origin !== 'null' && (origin === own || allowed.has(origin))) return next();
      return next(new AppError('forbidden', `cross-site request refused: ${what} from Origin "${origin}", which is neither this site (${own}) nor in ALLOWED_ORIGINS`,
        { reason: 'cross_site', origin }));
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return next(new AppError('forbidden', `cross-site request refused: ${what} with Sec-Fetch-Site "${site}" and no Origin`, { reason: 'cross_site', secFetchSite: site }));
    }
    next();
  };
}

/** Whether a request carries a body (a length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Check the body type of a state-changing request against what its route reads: JSON, or
 * multipart/form-data on upload routes. A request with neither a body nor a Content-Type passes.
 * Throws 415 naming the route and the type sent.
 */
export function checkBodyType(req: IncomingMessage, route: { method: string; path: string; multipart?: boolean }): void {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!type && !hasBody(req)) return;
  const expected = route.multipart ? 'multipart/form-data' : 'application/json';
  if (type !== expected) {
    throw new AppError('unsupported_media_type',
      `${route.method.toUpperCase()} ${route.path} takes ${route.multipart ? 'a multipart/form-data upload' : 'a JSON body (Content-Type: application/json)'}, got "${type || 'a body without Content-Type'}"`,
      { contentType: type || null, expected });
  }
}

/**
 * The base URL of links given to someone else (share links): PUBLIC_BASE_URL when configured, else
 * the address and port this connection came in on — never the request's `Host` or `X-Forwarded-*`
 * headers, which the caller chooses.
 */
export function publicBaseUrl(req: IncomingMessage, config: Pick<Config, 'publicBaseUrl'>): string {
  if (config.publicBaseUrl) return config.publicBaseUrl;
  const socket = req.socket;
  let host = (socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  if (host.includes(':')) host = `[${host}]`;
  return `${(socket as TLSSocket).encrypted ? 'https' : 'http'}://${host}:${socket.localPort}`;
}
