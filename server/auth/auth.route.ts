/** Sign-in routes and the session middleware. */
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../core/errors.ts';
import { PUBLIC_VIEWER, type Viewer } from './roles.ts';
import type { AuthService } from './auth.service.ts';
import type { RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'dz_session';

/** Read one cookie from a Cookie header without a parser dependency. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Resolve the caller's session into `res.locals.viewer` (the public viewer when signed out). */
export function sessionMiddleware(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    try {
      const user = await auth.userForToken(readCookie(req.headers.cookie, SESSION_COOKIE));
      const viewer: Viewer = user ? { user, role: user.role } : PUBLIC_VIEWER;
      res.locals.viewer = viewer;
      next();
    } catch (err) {
      next(err);
    }
  };
}

function setSessionCookie(res: Response, token: string, hours: number, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: hours * 3600 * 1000,
  });
}

const userSchema = {
  type: 'object',
  properties: { username: { type: 'string' }, role: { type: 'string' }, displayName: { type: 'string' } },
};

/** The client address sign-ins are counted against (X-Forwarded-For only under TRUST_PROXY). */
function clientAddress(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** /api/auth routes. */
export function authRoutes(auth: AuthService, opts: { sessionHours: number; cookieSecure: boolean }): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/auth/login', access: 'public', tag: 'auth',
      summary: 'Sign in with {username, password}; sets an httpOnly SameSite session cookie. Too many failures lock the account '
        + 'or the client address for a while: 429 with Retry-After, even for the right password',
      body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
      response: { status: 200, type: 'application/json', schema: { type: 'object', properties: { user: userSchema } } },
      async handler(req, res) {
        const { user, token } = await auth.login(req.body?.username, req.body?.password, clientAddress(req)).catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'too_many_requests') res.setHeader('Retry-After', String(err.details?.retryAfterS ?? 60));
          throw err;
        });
        setSessionCookie(res, token, opts.sessionHours, opts.cookieSecure);
        res.json({ user: { username: user.username, role: user.role, displayName: user.displayName } });
      },
    },
    {
      method: 'post', path: '/api/auth/logout', access: 'public', tag: 'auth',
      summary: 'End the session and clear the cookie',
      response: { status: 204, type: 'application/json' },
      async handler(req, res) {
        await auth.logout(readCookie(req.headers.cookie, SESSION_COOKIE));
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.status(204).end();
      },
    },
    {
      method: 'post', path: '/api/auth/logout-all', access: 'signed-in', tag: 'auth',
      summary: 'Sign out everywhere: end every session of the signed-in user (this one too) → {ended}',
      response: { status: 200, type: 'application/json' },
      async handler(req, res, viewer) {
        const ended = await auth.logoutEverywhere(viewer.user!, clientAddress(req));
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        res.json({ ended });
      },
    },
    {
      method: 'get', path: '/api/auth/me', access: 'public', tag: 'auth',
      summary: 'The signed-in user, or null',
      query: s.object({}),
      response: { status: 200, type: 'application/json', schema: { type: 'object', properties: { user: { oneOf: [userSchema, { type: 'null' }] } } } },
      handler(_req, res, viewer) {
        const u = viewer.user;
        res.json({ user: u ? { username: u.username, role: u.role, displayName: u.displayName } : null });
      },
    },
  ];
}
