/** /api/users: account administration (admins only). */
import { route, type RouteSpec } from '../http/route.ts';
import { s } from '../http/schema.ts';
import { ACCOUNT_ROLES } from './roles.ts';
import type { AuthService } from './auth.service.ts';

/** Body of `POST /api/users`; the password policy is checked by the service. */
export const CREATE_USER_BODY = s.object({
  username: s.string({ pattern: '^[A-Za-z0-9_.@-]{2,64}$', description: '2-64 letters, digits or _.@-' }),
  password: s.string({ minLength: 1, maxLength: 1024, description: 'checked against the password policy' }),
  role: s.enum(ACCOUNT_ROLES),
  displayName: s.string({ maxLength: 200, default: '' }),
}, { required: ['username', 'password', 'role'] });

/** User administration routes. */
export function userRoutes(auth: AuthService): RouteSpec[] {
  return [
    route({
      method: 'post', path: '/api/users', access: ['admin'], tag: 'auth',
      summary: 'Create an account {username, password, role: staff|reviewer|officer|admin, displayName}',
      body: CREATE_USER_BODY,
      response: { status: 201, type: 'application/json' },
      async handler(_req, res, _viewer, { body }) {
        const user = await auth.createUser(body.username, body.password, body.role, body.displayName);
        res.status(201).json({ user: { username: user.username, role: user.role, displayName: user.displayName } });
      },
    }),
  ];
}
