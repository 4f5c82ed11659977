/**
 * Routes as data. Every route declares its method, path, who may call it and a summary; `mount`
 * checks access before the handler runs and the OpenAPI document is generated from the same list,
 * so no route can exist without an access rule.
 */
import type { Express, Request, Response } from 'express';
import { allows, type Access, type Viewer } from '../auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import { checkBodyType } from './security.ts';

/** One HTTP route. Handlers parse and serialize only; rules live in services. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. `/api/layers/:id/features`. */
  path: string;
  access: Access;
  summary: string;
  tag: string;
  /** Query parameters for the OpenAPI document. */
  query?: { name: string; description: string; schema: Record<string, unknown> }[];
  /** Request body schema for the OpenAPI document. */
  body?: Record<string, unknown>;
  /** The route reads a multipart/form-data upload; every other route takes a JSON body or none (415 otherwise). */
  multipart?: boolean;
  /** Media type and schema reference of the success response. */
  response?: { status: number; type: string; schema?: Record<string, unknown> };
  handler: (req: Request, res: Response, viewer: Viewer) => Promise<void> | void;
}

/** The viewer resolved by the session middleware. */
export function viewerOf(res: Response): Viewer {
  return res.locals.viewer as Viewer;
}

/** Register routes on the app, each behind its access check and the check of its body type. */
export function mount(app: Express, routes: readonly RouteSpec[]): void {
  for (const r of routes) {
    app[r.method](r.path, async (req, res) => {
      const viewer = viewerOf(res);
      if (!allows(r.access, viewer)) {
        throw viewer.user
          ? new AppError('forbidden', `role "${viewer.role}" may not ${r.method.toUpperCase()} ${r.path}`)
          : new AppError('unauthenticated', `sign in to ${r.method.toUpperCase()} ${r.path}`);
      }
      checkBodyType(req, r);
      await r.handler(req, res, viewer);
    });
  }
}
