/** /ogc: OGC API – Features over every layer, so QGIS, ArcGIS Pro and GDAL open them directly. */
import type { Request } from 'express';
import { route, type RouteSpec } from '../http/route.ts';
import { FORMAT_QUERY, ITEMS_QUERY } from './ogc.input.ts';
import type { OgcService } from './ogc.service.ts';

const JSON_TYPE = 'application/json';
const GEOJSON = 'application/geo+json';

function origin(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/** The service root, `…/ogc`. */
function root(req: Request): string {
  return `${origin(req)}/ogc`;
}

/** OGC API – Features routes. Public; visibility is applied in the repository, for every caller. */
export function ogcRoutes(ogc: OgcService): RouteSpec[] {
  return [
    route({
      method: 'get', path: '/ogc', access: 'public', tag: 'ogc',
      summary: 'OGC API – Features landing page',
      query: FORMAT_QUERY,
      response: { status: 200, type: JSON_TYPE, schema: { $ref: '#/components/schemas/OgcLanding' } },
      async handler(req, res) {
        res.type(JSON_TYPE).send(JSON.stringify(ogc.landing(root(req), origin(req))));
      },
    }),
    route({
      method: 'get', path: '/ogc/conformance', access: 'public', tag: 'ogc',
      summary: 'Conformance classes: Features Part 1 core + GeoJSON, Part 3 filter/queryables, CQL2 text',
      query: FORMAT_QUERY,
      response: { status: 200, type: JSON_TYPE, schema: { $ref: '#/components/schemas/OgcConformance' } },
      async handler(_req, res) {
        res.type(JSON_TYPE).send(JSON.stringify(ogc.conformance()));
      },
    }),
    route({
      method: 'get', path: '/ogc/collections', access: 'public', tag: 'ogc',
      summary: 'Collections, one per layer, with the spatial (and, where a layer has a time, temporal) extent of the features the caller may see',
      query: FORMAT_QUERY,
      response: { status: 200, type: JSON_TYPE, schema: { $ref: '#/components/schemas/OgcCollections' } },
      async handler(req, res, viewer) {
        res.type(JSON_TYPE).send(JSON.stringify(await ogc.collections(viewer, root(req))));
      },
    }),
    route({
      method: 'get', path: '/ogc/collections/:id', access: 'public', tag: 'ogc',
      summary: 'One collection (layer)',
      query: FORMAT_QUERY,
      response: { status: 200, type: JSON_TYPE, schema: { $ref: '#/components/schemas/OgcCollection' } },
      async handler(req, res, viewer) {
        res.type(JSON_TYPE).send(JSON.stringify(await ogc.collection(String(req.params.id), viewer, root(req))));
      },
    }),
    route({
      method: 'get', path: '/ogc/collections/:id/queryables', access: 'public', tag: 'ogc',
      summary: 'Properties usable in filters, as JSON Schema',
      query: FORMAT_QUERY,
      response: { status: 200, type: 'application/schema+json', schema: { type: 'object' } },
      async handler(req, res, viewer) {
        res.type('application/schema+json').send(JSON.stringify(ogc.queryables(String(req.params.id), viewer, root(req))));
      },
    }),
    route({
      method: 'get', path: '/ogc/collections/:id/items', access: 'public', tag: 'ogc',
      summary: 'Features of a collection as GeoJSON, with paging links; bbox, datetime, CQL2-text filter and attribute=value filters',
      query: ITEMS_QUERY,
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/FeatureCollection' } },
      async handler(req, res, viewer, { query }) {
        const self = `${origin(req)}${req.path}`;
        res.type(GEOJSON).send(JSON.stringify(await ogc.items(String(req.params.id), viewer, query, self, root(req))));
      },
    }),
    route({
      method: 'get', path: '/ogc/collections/:id/items/:featureId', access: 'public', tag: 'ogc',
      summary: 'One feature as GeoJSON',
      query: FORMAT_QUERY,
      response: { status: 200, type: GEOJSON, schema: { $ref: '#/components/schemas/Feature' } },
      async handler(req, res, viewer) {
        res.type(GEOJSON).send(JSON.stringify(await ogc.item(String(req.params.id), viewer, String(req.params.featureId), root(req))));
      },
    }),
  ];
}
