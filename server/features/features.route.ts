/** /api/layers: the layer catalog and each layer's features as GeoJSON. */
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { FEATURE_LIMIT, REVIEW_TARGETS, type FeaturesService } from './features.service.ts';

/** Query of `GET /api/layers/{id}/features`. */
const PAGE_QUERY = s.object({
  bbox: s.string({ description: 'minLon,minLat,maxLon,maxLat (EPSG:4326); features intersecting it' }),
  limit: s.integer({ minimum: 1, maximum: FEATURE_LIMIT.max, default: FEATURE_LIMIT.default, description: `page size, 1..${FEATURE_LIMIT.max}` }),
  offset: s.integer({ minimum: 0, maximum: 1_000_000_000, default: 0, description: 'features to skip' }),
});

const GEOJSON = 'application/geo+json';

/** Layer and feature routes. Visibility is applied in the repository, for every caller. */
export function featureRoutes(features: FeaturesService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/api/layers', access: 'public', tag: 'layers',
      summary: 'Layer catalog: definitions (attributes with zh/en labels and units, style, zoom range) and feature counts',
      query: s.object({}),
      response: { status: 200, type: 'application/json', schema: { $ref: '#/components/schemas/LayerCatalog' } },
      async handler(_req, res, viewer) {
        res.json({ layers: await features.catalog(viewer) });
      },
    },
    {
      method: 'get', path: '/api/layers/:id/features', access: 'public', tag: 'layers',
      summary: 'Features of a layer as a GeoJSON FeatureCollection with numberMatched/numberReturned and paging links',
      query: PAGE_QUERY,
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/FeatureCollection' } },
      async handler(req, res, viewer, { query }: { query: { bbox?: string; limit: number; offset: number } }) {
        const base = `${req.protocol}://${req.get('host')}${req.baseUrl}${req.path}`;
        const page = await features.page(String(req.params.id), viewer, query, base);
        res.type(GEOJSON).send(JSON.stringify(page));
      },
    },
    {
      method: 'get', path: '/api/layers/:id/features/:fid', access: 'public', tag: 'layers',
      summary: 'One feature with all its attributes',
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/Feature' } },
      async handler(req, res, viewer) {
        const f = await features.feature(String(req.params.id), viewer, String(req.params.fid));
        res.type(GEOJSON).send(JSON.stringify(f));
      },
    },
    route({
      method: 'post', path: '/api/layers/:id/features/:fid/review', access: ['reviewer'], tag: 'layers',
      summary: 'Reviewer (校核): set {state: "draft"|"verified"|"published"} of one feature',
      body: s.object({ state: s.enum(REVIEW_TARGETS) }, { required: ['state'] }),
      response: { status: 200, type: GEOJSON },
      async handler(req, res, _viewer, { body }) {
        const f = await features.review(String(req.params.id), String(req.params.fid), body.state);
        res.type(GEOJSON).send(JSON.stringify(f));
      },
    }),
  ];
}
