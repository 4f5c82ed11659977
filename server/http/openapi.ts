/**
 * OpenAPI 3.1 document generated from the route list, so it cannot drift from what is mounted: the
 * query and body schemas in it are the ones `mount` validates with. Each operation carries its
 * `operationId`, `security` (public operations take the session optionally: signed-in staff see
 * drafts), the 4xx responses its inputs and access rule imply, and `x-access`: who may call it.
 */
import { querySchema, type RouteSpec } from './route.ts';
import { allows, type Viewer } from '../auth/roles.ts';
import type { Schema } from './schema.ts';
import { ERROR_STATUS } from '../../core/errors.ts';

const SCHEMAS = {
  Error: {
    type: 'object', required: ['error'],
    properties: {
      error: {
        type: 'object', required: ['code', 'message'],
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string', description: 'names the bad field or parameter and its value' },
          parameter: { type: 'string' }, field: { type: 'string' }, value: {},
        },
      },
    },
  },
  Feature: {
    type: 'object', required: ['type', 'id', 'geometry', 'properties'],
    properties: {
      type: { const: 'Feature' }, id: { type: ['integer', 'string'] }, geometry: { type: 'object' },
      properties: { type: 'object', required: ['name'], properties: { name: { type: ['string', 'null'] } }, description: 'the attributes of the layer definition, named as there' },
    },
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
  Link: {
    type: 'object', required: ['href', 'rel'],
    properties: { href: { type: 'string', format: 'uri' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
  },
  OgcLanding: {
    type: 'object', required: ['links'],
    properties: { title: { type: 'string' }, description: { type: 'string' }, links: { type: 'array', items: { $ref: '#/components/schemas/Link' } } },
  },
  OgcConformance: {
    type: 'object', required: ['conformsTo'], properties: { conformsTo: { type: 'array', items: { type: 'string', format: 'uri' } } },
  },
  OgcCollection: {
    type: 'object', required: ['id', 'links'],
    properties: {
      id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, itemType: { const: 'feature' },
      crs: { type: 'array', items: { type: 'string' } }, storageCrs: { type: 'string' },
      extent: {
        type: 'object',
        properties: {
          spatial: { type: 'object', required: ['bbox'], properties: { bbox: { type: 'array', items: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 } }, crs: { type: 'string' } } },
          temporal: {
            type: 'object', required: ['interval'],
            properties: { interval: { type: 'array', items: { type: 'array', items: { type: ['string', 'null'], format: 'date-time' }, minItems: 2, maxItems: 2 } }, trs: { type: 'string' } },
          },
        },
      },
      links: { type: 'array', items: { $ref: '#/components/schemas/Link' } },
    },
  },
  OgcCollections: {
    type: 'object', required: ['links', 'collections'],
    properties: { links: { type: 'array', items: { $ref: '#/components/schemas/Link' } }, collections: { type: 'array', items: { $ref: '#/components/schemas/OgcCollection' } } },
  },
  I18nText: { type: 'object', required: ['zh', 'en'], properties: { zh: { type: 'string' }, en: { type: 'string' } } },
  Summary: {
    type: 'object',
    properties: {
      rows: {
        type: 'array',
        items: {
          type: 'object', required: ['county', 'layer', 'status', 'count', 'areaM2', 'floorAreaM2'],
          properties: {
            county: { type: 'string', description: 'adcode' }, layer: { type: 'string' }, status: { type: ['string', 'null'] }, count: { type: 'integer' },
            areaM2: { type: ['number', 'null'] }, floorAreaM2: { type: ['number', 'null'] },
          },
        },
      },
      counties: {
        type: 'array',
        items: {
          type: 'object', required: ['adcode', 'name', 'areaM2'],
          properties: { adcode: { type: 'string' }, name: { $ref: '#/components/schemas/I18nText' }, areaM2: { type: 'number' } },
        },
      },
    },
  },
};

/** What each tag groups (a tag without an entry here is described by its name). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  system: 'Health, client configuration and this API description',
  auth: 'Sign-in, sessions and accounts',
  layers: 'The layer catalog and each layer\'s features as GeoJSON; review (校核) of single features',
  stats: 'Counts and areas by county, layer and status',
  tiles: 'Vector tiles (MVT) and TileJSON 3.0',
  ogc: 'OGC API – Features (Part 1 Core + GeoJSON, Part 3 filters): what QGIS, ArcGIS Pro and GDAL open',
  exports: 'Downloads of a layer or a query result (GeoJSON, CSV, KML, Shapefile)',
  imports: 'Survey uploads as batches: preview, commit, undo, review',
  selection: 'Site selection for officers, shortlists and clients\' share links',
  '3d': '3D Tiles tilesets and BIM models: upload, placement, review, serving',
  panoramas: '360° panoramas and their images',
  tours: 'Guided park tours and their stops',
  enquiries: 'Investors\' enquiries and their follow-up by officers',
  portal: 'The public investment portal',
  policies: 'Investment policies and promoted projects (招商政策, 对外推介项目库): staff write, reviewers publish, the public reads what is valid today',
};

/** Media type of the OpenAPI document (OpenAPI 3.1 registers it with a version parameter). */
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.1';

/** OpenAPI path of an Express path: `:id` → `{id}`, a trailing wildcard `*path` → `{path}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/[:*]([A-Za-z]+)/g, '{$1}');
}

/** A stable, URL-safe operation id: `getOgcCollectionsByIdItems`, `postApiToursByIdStops`. */
function operationId(r: RouteSpec): string {
  const words = r.path.split('/').filter(Boolean).flatMap((seg) => {
    const param = /^[:*]([A-Za-z]+)(.*)$/.exec(seg);
    const parts = param ? ['by', param[1], ...param[2].split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/);
    return parts.filter(Boolean);
  });
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** The error responses an operation can give, from what it declares. */
function errorResponses(r: RouteSpec, hasParams: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const add = (status: number, description: string) => { out[status] = { description, content: ERROR_CONTENT }; };
  if (hasParams || r.query || r.body || r.multipart) add(400, 'Bad request: names the parameter or field and its value');
  if (r.access !== 'public') add(401, 'Not signed in');
  if (Array.isArray(r.access)) add(403, `Signed in without a role allowed here (${r.access.join(', ')})`);
  if (hasParams) add(404, 'Not found (or not visible to the caller)');
  if (r.body || r.multipart) add(415, r.multipart ? 'Not a multipart/form-data upload' : 'Body is not application/json');
  if (r.multipart) add(413, 'Upload exceeds a limit (named in the message)');
  if (r.method !== 'get' && out[403] === undefined) add(403, 'Cross-site request refused (Origin is neither this site nor allowed)');
  return out;
}

/** Drop the `description` of a property schema (it goes on the parameter). */
function withoutDescription(schema: Schema): Record<string, unknown> {
  const { description: _d, ...rest } = schema;
  return rest;
}

/**
 * Build the OpenAPI document for the mounted routes; `serverUrl` is where the API is served. With
 * a `viewer`, only the operations that viewer may call: the public reads the public API, not the
 * staff routes.
 */
export function openApiDocument(routes: readonly RouteSpec[], version: string, serverUrl = '/', viewer?: Viewer): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const r of routes) {
    if (viewer && !allows(r.access, viewer)) continue;
    const path = openApiPath(r.path);
    const pathParams = [...r.path.matchAll(/([:*])([A-Za-z]+)/g)].map((m) => ({
      name: m[2], in: 'path', required: true,
      ...(m[1] === '*' ? { description: 'a path inside the resource; may contain "/"' } : {}),
      schema: { type: 'string' },
    }));
    const q = querySchema(r);
    const qProps = (q?.properties ?? {}) as Record<string, Schema>;
    const qRequired = (q?.required ?? []) as string[];
    const queryParams = Object.entries(qProps).map(([name, schema]) => ({
      name, in: 'query', required: qRequired.includes(name),
      ...(schema.description ? { description: schema.description } : {}),
      ...(schema.type === 'array' ? { style: 'form', explode: false } : {}),
      schema: withoutDescription(schema),
    }));
    const ok = r.response ?? { status: 200, type: 'application/json' };
    tags.add(r.tag);
    paths[path] ??= {};
    paths[path][r.method] = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      'x-access': r.access,
      security: r.access === 'public' ? [{}, { session: [] }] : [{ session: [] }],
      ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
      // A body is required when its schema requires a field; otherwise it may be left out (it counts as {}).
      ...(r.body ? { requestBody: { required: Array.isArray(r.body.required) && r.body.required.length > 0, content: { 'application/json': { schema: r.body } } } } : {}),
      ...(r.multipart ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', description: 'one or more files' } } } } } : {}),
      responses: {
        [ok.status]: ok.status === 204 ? { description: 'No content' } : { description: 'OK', content: { [ok.type]: { schema: ok.schema ?? {} } } },
        ...errorResponses(r, pathParams.length > 0),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: '达州市招商载体资源 GIS API', version, description: 'Carrier resources (land, standard factories, offices), parks, amenities and counties of Dazhou. JSON fields are camelCase; GeoJSON properties are named as in the layer definitions.' },
    servers: [{ url: serverUrl, description: 'this server' }],
    tags: [...tags].map((name) => ({ name, description: TAG_DESCRIPTIONS[name] ?? `${name} routes` })),
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dz_session', description: 'session cookie set by POST /api/auth/login' } },
    },
  };
}
