/** /ogc: OGC API – Features over every layer, so QGIS, ArcGIS Pro and GDAL open them directly. */
import type { Request } from 'express';
import type { RouteSpec } from '../http/route.ts';
import { checkFormat, ITEMS_LIMIT, type OgcService } from './ogc.service.ts';

const JSON_TYPE = 'application/json';
const GEOJSON = 'application/geo+json';

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/** The service root, `…/ogc`. */
function root(req: Request): string {
  return `${origin(req)}/ogc`;
}

const fParam = { name: 'f', description: 'encoding: json (the default and the only one served)', schema: { type: 'string', enum: ['json'] } };

/** OGC API – Features routes. Public; visibility is applied in the repository, for every caller. */
export function ogcRoutes(ogc: OgcService): RouteSpec[] {
  return [
    {
      method: 'get', path: '/ogc', access: 'public', tag: 'ogc',
      summary: 'OGC API – Features landing page',
      query: [fParam],
      async handler(req, res) {
        checkFormat(req.query);
        res.type(JSON_TYPE).send(JSON.stringify(ogc.landing(root(req), origin(req))));
      },
    },
    {
      method: 'get', path: '/ogc/conformance', access: 'public', tag: 'ogc',
      summary: 'Conformance classes: Features Part 1 core + GeoJSON, Part 3 filter/queryables, CQL2 text',
      query: [fParam],
      async handler(req, res) {
        checkFormat(req.query);
        res.type(JSON_TYPE).send(JSON.stringify(ogc.conformance()));
      },
    },
    {
      method: 'get', path: '/ogc/collections', access: 'public', tag: 'ogc',
      summary: 'Collections, one per layer, with the extent of the features the caller may see',
      query: [fParam],
      async handler(req, res, viewer) {
        checkFormat(req.query);
        res.type(JSON_TYPE).send(JSON.stringify(await ogc.collections(viewer, root(req))));
      },
    },
    {
      method: 'get', path: '/ogc/collections/:id', access: 'public', tag: 'ogc',
      summary: 'One collection (layer)',
      query: [fParam],
      async handler(req, res, viewer) {
        checkFormat(req.query);
        res.type(JSON_TYPE).send(JSON.stringify(await ogc.collection(String(req.params.id), viewer, root(req))));
      },
    },
    {
      method: 'get', path: '/ogc/collections/:id/queryables', access: 'public', tag: 'ogc',
      summary: 'Properties usable in filters, as JSON Schema',
      response: { status: 200, type: 'application/schema+json' },
      async handler(req, res) {
        res.type('application/schema+json').send(JSON.stringify(ogc.queryables(String(req.params.id), root(req))));
      },
    },
    {
      method: 'get', path: '/ogc/collections/:id/items', access: 'public', tag: 'ogc',
      summary: 'Features of a collection as GeoJSON, with paging links; bbox, CQL2-text filter and attribute=value filters',
      query: [
        { name: 'bbox', description: 'minLon,minLat,maxLon,maxLat (CRS84); features intersecting it', schema: { type: 'string' } },
        { name: 'limit', description: `page size, 1..${ITEMS_LIMIT.max} (larger values are capped)`, schema: { type: 'integer', default: ITEMS_LIMIT.default, minimum: 1, maximum: ITEMS_LIMIT.max } },
        { name: 'offset', description: 'features to skip', schema: { type: 'integer', default: 0 } },
        { name: 'filter', description: "CQL2-text, e.g. status = 'available' AND area_m2 >= 20000", schema: { type: 'string' } },
        { name: 'filter-lang', description: 'cql2-text (the only one supported)', schema: { type: 'string', enum: ['cql2-text'] } },
        { name: 'datetime', description: 'accepted and ignored: the layers have no temporal extent', schema: { type: 'string' } },
        fParam,
      ],
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/FeatureCollection' } },
      async handler(req, res, viewer) {
        const self = `${origin(req)}${req.path}`;
        const page = await ogc.items(String(req.params.id), viewer, req.query as Record<string, unknown>, self, root(req));
        res.type(GEOJSON).send(JSON.stringify(page));
      },
    },
    {
      method: 'get', path: '/ogc/collections/:id/items/:featureId', access: 'public', tag: 'ogc',
      summary: 'One feature as GeoJSON',
      query: [fParam],
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/Feature' } },
      async handler(req, res, viewer) {
        const f = await ogc.item(String(req.params.id), viewer, String(req.params.featureId), req.query as Record<string, unknown>, root(req));
        res.type(GEOJSON).send(JSON.stringify(f));
      },
    },
  ];
}
