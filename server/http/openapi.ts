/**
 * OpenAPI 3.1 document generated from the route list, so it cannot drift from what is mounted.
 * Each operation carries `x-access`: who may call it.
 */
import type { RouteSpec } from './route.ts';
import { ERROR_STATUS } from '../../core/errors.ts';

const SCHEMAS = {
  Error: {
    type: 'object', required: ['error'],
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string' } } } },
  },
  Feature: {
    type: 'object', required: ['type', 'id', 'geometry', 'properties'],
    properties: { type: { const: 'Feature' }, id: { type: ['integer', 'string'] }, geometry: { type: 'object' }, properties: { type: 'object', required: ['name'] } },
  },
  FeatureCollection: {
    type: 'object', required: ['type', 'features', 'numberMatched', 'numberReturned'],
    properties: {
      type: { const: 'FeatureCollection' }, features: { type: 'array', items: { $ref: '#/components/schemas/Feature' } },
      numberMatched: { type: 'integer' }, numberReturned: { type: 'integer' },
      links: { type: 'array', items: { type: 'object', properties: { rel: { type: 'string' }, href: { type: 'string' }, type: { type: 'string' } } } },
    },
  },
  LayerCatalog: {
    type: 'object', properties: { layers: { type: 'array', items: { type: 'object', required: ['id', 'title', 'featureCount'], properties: { id: { type: 'string' }, title: { type: 'object' }, featureCount: { type: 'integer' }, attributes: { type: 'array' }, style: { type: 'object' } } } } },
  },
  Summary: {
    type: 'object',
    properties: {
      rows: { type: 'array', items: { type: 'object', properties: { county: { type: 'string' }, layer: { type: 'string' }, status: { type: ['string', 'null'] }, count: { type: 'integer' }, area_m2: { type: ['number', 'null'] } } } },
      counties: { type: 'array', items: { type: 'object' } },
    },
  },
};

/** Build the OpenAPI document for the mounted routes. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const pathParams = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = (r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema }));
    const ok = r.response ?? { status: 200, type: 'application/json' };
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      'x-access': r.access,
      parameters: [...pathParams, ...queryParams],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      ...(r.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } } } : {}),
      responses: {
        [ok.status]: ok.status === 204 ? { description: 'No content' } : { description: 'OK', content: { [ok.type]: { schema: ok.schema ?? {} } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '达州市招商载体资源 GIS API', version, description: 'Carrier resources (land, standard factories, offices), parks, amenities and counties of Dazhou.' },
    paths,
    components: { schemas: SCHEMAS, securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dz_session' } } },
  };
}
