/** /tiles: Mapbox Vector Tiles and TileJSON for one or several layers (comma-separated ids). */
import type { Config } from '../config.ts';
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import { AppError, BadParameterError } from '../http/errors.ts';
import type { RouteSpec } from '../http/route.ts';
import { parseTile, TileCoordError } from '../../tiles/tile-math.ts';
import { UnknownLayerError, type TilesService } from '../../tiles/tiles.service.ts';
import type { Audience } from '../../tiles/tile-cache.ts';

const MVT = 'application/vnd.mapbox-vector-tile';

function audienceOf(viewer: Viewer): Audience {
  return seesUnpublished(viewer) ? 'staff' : 'public';
}

function layersOf(tiles: TilesService, ids: string) {
  try {
    return tiles.layers(ids);
  } catch (err) {
    if (err instanceof UnknownLayerError) throw new AppError('not_found', `layer "${err.layerId}" not found`, { layer: err.layerId });
    throw err;
  }
}

/** Tile routes. Tiles are public but hold only what the caller may see; the cache is keyed by audience. */
export function tileRoutes(tiles: TilesService, config: Config): RouteSpec[] {
  return [
    {
      method: 'get', path: '/tiles/:layers/:z/:x/:y.mvt', access: 'public', tag: 'tiles',
      summary: 'Mapbox Vector Tile of one or more layers (comma-separated ids); 204 when empty',
      response: { status: 200, type: MVT },
      async handler(req, res, viewer) {
        const layers = layersOf(tiles, String(req.params.layers));
        let coord;
        try {
          coord = parseTile(String(req.params.z), String(req.params.x), String(req.params.y));
        } catch (err) {
          if (err instanceof TileCoordError) throw new BadParameterError('z/x/y', `${req.params.z}/${req.params.x}/${req.params.y}`, err.message.replace(/, got .*/, ''));
          throw err;
        }
        const audience = audienceOf(viewer);
        const tile = await tiles.tile(layers, coord, audience);
        res.setHeader('Vary', 'Cookie');
        res.setHeader('Cache-Control', audience === 'public' ? `public, max-age=${config.tileMaxAgeS}` : 'private, no-cache');
        res.setHeader('X-Tile-Encoder', tiles.options.encoder);
        res.setHeader('X-Cache', tile.hit ? 'HIT' : 'MISS');
        if (!tile.body.byteLength) {
          res.status(204).end();
          return;
        }
        res.setHeader('ETag', tile.etag);
        if (req.headers['if-none-match'] === tile.etag) {
          res.status(304).end();
          return;
        }
        res.type(MVT).send(Buffer.from(tile.body.buffer, tile.body.byteOffset, tile.body.byteLength));
      },
    },
    {
      method: 'get', path: '/tiles/:layers.json', access: 'public', tag: 'tiles',
      summary: 'TileJSON 3.0.0 of one or more layers: bounds, zoom range, vector_layers with fields, a version that changes with the data',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        const layers = layersOf(tiles, String(req.params.layers));
        const base = `${req.protocol}://${req.get('host')}`;
        res.setHeader('Cache-Control', 'no-cache');
        res.json(await tiles.tileJson(layers, audienceOf(viewer), base));
      },
    },
  ];
}
