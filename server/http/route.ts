/**
 * Routes as data. Every route declares its method, path, who may call it, a summary and the
 * schemas of its query and body; `mount` checks access, then validates the query and body against
 * those schemas before the handler runs, and the OpenAPI document is generated from the same list,
 * so no route can exist without an access rule and no declared input goes unchecked.
 *
 * How to write a route (the pattern every route follows):
 *
 * ```ts
 * import { route } from '../http/route.ts';
 * import { s } from '../http/schema.ts';
 *
 * const LIST_QUERY = s.object({
 *   parkId: s.integer({ minimum: 1, description: 'only the items of this park' }),
 *   limit: s.integer({ minimum: 1, maximum: 200, default: 50, description: 'page size' }),
 * });
 * const CREATE_BODY = s.object({
 *   title: s.string({ minLength: 1, maxLength: 200 }),
 *   carrierIds: s.array(s.integer({ minimum: 1 }), { maxItems: 50 }),
 * }, { required: ['title'] });
 *
 * route({
 *   method: 'get', path: '/api/things', access: 'public', tag: 'things', summary: 'List things',
 *   query: LIST_QUERY,
 *   async handler(req, res, viewer, { query }) {      // query: { parkId?: number; limit: number }
 *     res.json(await things.list(viewer, query));       // the service takes the typed object
 *   },
 * }),
 * route({ method: 'post', path: '/api/things', access: ['staff'], tag: 'things', summary: 'Create a thing',
 *   body: CREATE_BODY, response: { status: 201, type: 'application/json' },
 *   async handler(req, res, viewer, { body }) { res.status(201).json(await things.create(viewer, body)); } }),
 * ```
 *
 * - Only schemas made with `s.object` are enforced for bodies (a plain JSON Schema object would only
 *   be documented: write none). Query parameters are validated in both forms.
 * - Query strings are coerced to the declared types (`"50"` → 50; arrays are comma-separated or
 *   repeated); a parameter that is not declared is a 400 naming it (say `additionalProperties: true`
 *   to pass others through, e.g. attribute filters). Bodies are JSON and checked as sent.
 * - A bad value is a 400 naming the field and the value (`parameter "limit" must be within 1..200,
 *   got "500"`, `field "carrierIds[2]" must be an integer, got "x"`) in the caller's language
 *   (`?lang=`, a body's `lang`, Accept-Language; else the route's `lang`, default English:
 *   `字段 "carrierIds[2]" 必须是整数，收到 "x"`); a body field's error also lists it in
 *   `error.fields` for forms. Services keep only the rules a schema cannot say (a carrier must exist
 *   and be published, weights must sum to 100).
 * - Names: query, body and response fields of the JSON API are camelCase (`parkId`, `areaM2`,
 *   `createdAt`); GeoJSON `properties`, queryables, CQL2 and export columns use the attribute names of
 *   the layer definitions (`area_m2`), and standards keep their own member names (TileJSON
 *   `vector_layers`, OGC `numberMatched`). See the README section "API conventions".
 * - Responses: declare `response` (status, media type, schema); every operation also gets the 4xx
 *   responses its access rule and inputs imply in the OpenAPI document.
 */
import type { Express, Request, Response } from 'express';
import { allows, type Access, type Viewer } from '../auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import { checkBodyType } from './security.ts';
import { isBuilt, requestLang, s, validate, type Lang, type Schema } from './schema.ts';

/** A query parameter in the older list form (still accepted; prefer an `s.object` schema). */
export interface QueryParam {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
}

/** The validated inputs handed to a handler. */
export interface RouteInput<Q, B> {
  query: Q;
  body: B;
  /** The caller's language for messages (`?lang=`, a body's `lang`, Accept-Language, else the route's). */
  lang: Lang;
}

/** One HTTP route. Handlers parse and serialize only; rules live in services. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface RouteSpec<Q = any, B = any> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/api/layers/:id/features`; a trailing `*name` is a wildcard path parameter. */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  /** Query parameters: an `s.object(...)` schema (validated; undeclared parameters refused) or the older list (validated, others passed through). */
  query?: Schema<Q> | readonly QueryParam[];
  /** JSON request body schema: validated when made with `s.object` (a plain JSON Schema object is documentation only). */
  body?: Schema<B>;
  /**
   * Language of validation messages when the request names none (no `lang`, no Chinese or English
   * in Accept-Language): English for the API (default), Chinese for the public forms.
   */
  lang?: Lang;
  /** The route reads a multipart/form-data upload; every other route takes a JSON body or none (415 otherwise). */
  multipart?: boolean;
  /** Media type and schema of the success response. */
  response?: { status: number; type: string; schema?: Record<string, unknown> };
  handler: (req: Request, res: Response, viewer: Viewer, input: RouteInput<Q, B>) => Promise<void> | void;
}

/** Declare a route with typed inputs: `query` and `body` in the handler have the types of their schemas. */
export function route<Q = Record<string, unknown>, B = unknown>(spec: RouteSpec<Q, B>): RouteSpec {
  return spec as RouteSpec;
}

/** The query schema of a route as one object schema (the list form allows undeclared parameters). */
export function querySchema(r: Pick<RouteSpec, 'query'>): Schema | undefined {
  if (!r.query) return undefined;
  if (!Array.isArray(r.query)) return r.query as Schema;
  const list = r.query as readonly QueryParam[];
  return s.object(
    Object.fromEntries(list.map((q) => [q.name, { ...q.schema, description: q.description } as Schema])),
    { required: list.filter((q) => q.required).map((q) => q.name), additionalProperties: true },
  );
}

/** The viewer resolved by the session middleware. */
export function viewerOf(res: Response): Viewer {
  return res.locals.viewer as Viewer;
}

/** Register routes on the app, each behind its access check, the check of its body type and the validation of its inputs. */
export function mount(app: Express, routes: readonly RouteSpec[]): void {
  for (const r of routes) {
    const query = querySchema(r);
    app[r.method](r.path, async (req, res) => {
      const viewer = viewerOf(res);
      if (!allows(r.access, viewer)) {
        throw viewer.user
          ? new AppError('forbidden', `role "${viewer.role}" may not ${r.method.toUpperCase()} ${r.path}`)
          : new AppError('unauthenticated', `sign in to ${r.method.toUpperCase()} ${r.path}`);
      }
      checkBodyType(req, r);
      const bodyLang = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>).lang : undefined;
      const lang = requestLang(req.query.lang ?? bodyLang, req.get('accept-language'), r.lang);
      // `lang` only chooses the language of messages; a route need not declare it.
      const queryIn = query && req.query.lang !== undefined && !(query.properties as Record<string, unknown> | undefined)?.lang
        ? Object.fromEntries(Object.entries(req.query).filter(([k]) => k !== 'lang')) : req.query;
      const input = {
        query: query ? validate(query, queryIn, 'query', lang) : (req.query as Record<string, unknown>),
        body: r.body && isBuilt(r.body) ? validate(r.body, req.body, 'body', lang) : req.body,
        lang,
      };
      await r.handler(req, res, viewer, input);
    });
  }
}
