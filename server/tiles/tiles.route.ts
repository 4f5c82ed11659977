/**
 * /tiles: Mapbox Vector Tiles and TileJSON for one or several layers (comma-separated ids).
 *
 * Tiles are the hot path of the map: a cached tile is answered from stored bytes in the coding the
 * client accepts (brotli, gzip or identity, `Vary: Accept-Encoding`), with no compression, hashing
 * or database round trip per request; `tileCacheHits` serves anonymous hits before Express runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../core/config.ts';
import { SESSION_COOKIE } from '../auth/auth.route.ts';
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import type { RouteSpec } from '../http/route.ts';
import { parseTile, type TileCoord } from '../../tiles/tile-math.ts';
import { type TileCoding, type TilesService, type TileSource } from '../../tiles/tiles.service.ts';
import type { Audience, CachedTile, Representation } from '../../tiles/tile-cache.ts';

const MVT = 'application/vnd.mapbox-vector-tile';

function audienceOf(viewer: Viewer): Audience {
  return seesUnpublished(viewer) ? 'staff' : 'public';
}

function sourceOf(tiles: TilesService, ids: string): TileSource {
  return tiles.source(ids);
}

function coordOf(z: string, x: string, y: string): TileCoord {
  return parseTile(z, x, y);
}

/** The stored codings a client accepts, best first (brotli before gzip unless gzip has the higher q). */
type Accepted = readonly TileCoding[];

const NONE: Accepted = Object.freeze([]);
const acceptedByHeader = new Map<string, Accepted>();
/** Distinct Accept-Encoding values remembered (browsers send a handful; the rest are parsed each time). */
const MAX_ACCEPT_HEADERS = 64;

/** Parse Accept-Encoding (RFC 9110 §12.5.3): `q=0` refuses a coding, `*` stands for any not named. */
export function acceptedCodings(header: string | undefined): Accepted {
  if (!header) return NONE;
  const known = acceptedByHeader.get(header);
  if (known) return known;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.split(';');
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p);
      if (m) weight = Number(m[1]) || 0;
    }
    q.set(name.trim().toLowerCase(), weight);
  }
  const any = q.get('*') ?? 0;
  const br = q.get('br') ?? any;
  const gz = q.get('gzip') ?? q.get('x-gzip') ?? any;
  const list: TileCoding[] = [];
  if (br > 0) list.push('br');
  if (gz > 0) gz > br ? list.unshift('gzip') : list.push('gzip');
  const accepted = Object.freeze(list);
  if (acceptedByHeader.size < MAX_ACCEPT_HEADERS) acceptedByHeader.set(header, accepted);
  return accepted;
}

/** The coding to send: the first accepted one the tile is stored in, else null (identity). */
function pick(tile: CachedTile, accepted: Accepted): TileCoding | null {
  for (const coding of accepted) if (tile[coding]) return coding;
  return null;
}

/** Whether If-None-Match names `etag` (weak comparison, lists and `*`). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch === etag || ifNoneMatch === '*') return true;
  if (!ifNoneMatch.includes(',') && !ifNoneMatch.startsWith('W/')) return false;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Tile HTTP semantics shared by the route and the hot path: codings, ETag/304, 204, cache headers. */
function sendTile(req: IncomingMessage, res: ServerResponse, tile: CachedTile, hit: boolean, cacheControl: string, encoder: string, accepted: Accepted): void {
  res.setHeader('Vary', 'Accept-Encoding, Cookie');
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('X-Tile-Encoder', encoder);
  res.setHeader('X-Cache', hit ? 'HIT' : 'MISS');
  if (!tile.body.byteLength) {
    res.statusCode = 204;
    res.end();
    return;
  }
  const coding = pick(tile, accepted);
  const rep: Representation = coding ? tile[coding]! : tile;
  res.setHeader('ETag', rep.etag);
  if (matches(req.headers['if-none-match'], rep.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', MVT);
  if (coding) res.setHeader('Content-Encoding', coding);
  res.setHeader('Content-Length', rep.body.byteLength);
  res.end(rep.body);
}

/** A tile URL as the route declares it (`/tiles/:layers/:z/:x/:y.mvt`), query string allowed. */
const TILE_URL = /^\/tiles\/([A-Za-z0-9_,-]+)\/(\d{1,8})\/(\d{1,8})\/(\d{1,8})\.mvt(?:\?|$)/;
const SESSION_COOKIE_PREFIX = `${SESSION_COOKIE}=`;

/**
 * The map's hot path, for the HTTP server to call before the Express app: answers an anonymous
 * GET/HEAD of a cached public tile straight from memory and returns true; returns false, having
 * written nothing, for anything else (a session cookie, a miss, a bad or unknown URL, the change
 * log due a read), which the app then handles in full through the tile route. No session cookie
 * means the public viewer, exactly as the session middleware decides, without a database round
 * trip; tile routes allow the public, so nothing else is checked.
 */
export function tileCacheHits(tiles: TilesService, config: Config): (req: IncomingMessage, res: ServerResponse) => boolean {
  const cacheControl = `public, max-age=${config.tileMaxAgeS}`;
  return (req, res) => {
    const m = (req.method === 'GET' || req.method === 'HEAD') ? TILE_URL.exec(req.url ?? '') : null;
    if (!m || req.headers.cookie?.includes(SESSION_COOKIE_PREFIX)) return false;
    let tile: CachedTile | undefined;
    try {
      tile = tiles.cached(tiles.source(m[1]), parseTile(m[2], m[3], m[4]), 'public');
    } catch {
      return false; // the route answers 400/404 with the full error
    }
    if (!tile) return false;
    sendTile(req, res, tile, true, cacheControl, tiles.options.encoder, acceptedCodings(req.headers['accept-encoding']));
    return true;
  };
}

/** Tile routes. Tiles are public but hold only what the caller may see; the cache is keyed by audience. */
export function tileRoutes(tiles: TilesService, config: Config): RouteSpec[] {
  const publicCache = `public, max-age=${config.tileMaxAgeS}`;
  const privateCache = 'private, no-cache';
  return [
    {
      method: 'get', path: '/tiles/:layers/:z/:x/:y.mvt', access: 'public', tag: 'tiles',
      summary: 'Mapbox Vector Tile of one or more layers (comma-separated ids), in brotli or gzip when accepted; 204 when empty',
      response: { status: 200, type: MVT },
      async handler(req, res, viewer) {
        const { params } = req;
        const source = sourceOf(tiles, params.layers as string);
        const coord = coordOf(params.z as string, params.x as string, params.y as string);
        const audience = audienceOf(viewer);
        const accepted = acceptedCodings(req.headers['accept-encoding']);
        let tile = tiles.cached(source, coord, audience);
        let hit = true;
        if (!tile) {
          const rendered = await tiles.tile(source, coord, audience, accepted[0]);
          tile = rendered;
          hit = rendered.hit;
        }
        sendTile(req, res, tile, hit, audience === 'public' ? publicCache : privateCache, tiles.options.encoder, accepted);
      },
    },
    {
      method: 'get', path: '/tiles/:layers.json', access: 'public', tag: 'tiles',
      summary: 'TileJSON 3.0.0 of one or more layers: bounds, zoom range, vector_layers with fields, a version that changes with the data',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        const { layers } = sourceOf(tiles, String(req.params.layers));
        // Answered to the requester only (no-cache): its own Host is fine unless a public URL is configured.
        const base = config.publicBaseUrl || `${req.protocol}://${req.host}`;
        res.setHeader('Cache-Control', 'no-cache');
        res.json(await tiles.tileJson(layers, audienceOf(viewer), base));
      },
    },
  ];
}
