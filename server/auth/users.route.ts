/** /api/users: account administration (admins only). */
import type { RouteSpec } from '../http/route.ts';
import type { AuthService } from './auth.service.ts';
import { AppError } from '../../core/errors.ts';

/** User administration routes. */
export function userRoutes(auth: AuthService): RouteSpec[] {
  return [
    {
      method: 'post', path: '/api/users', access: ['admin'], tag: 'auth',
      summary: 'Create an account {username, password, role: staff|reviewer|officer|admin, displayName}',
      body: { type: 'object', required: ['username', 'password', 'role'] },
      response: { status: 201, type: 'application/json' },
      async handler(req, res) {
        const { username, password, role, displayName } = req.body ?? {};
        if (typeof username !== 'string' || !/^[A-Za-z0-9_.@-]{2,64}$/.test(username)) {
          throw new AppError('bad_request', `field "username" must be 2-64 letters, digits or _.@-, got ${JSON.stringify(username ?? null)}`);
        }
        if (typeof password !== 'string') throw new AppError('bad_request', 'field "password" must be a string');
        const user = await auth.createUser(username, password, role, typeof displayName === 'string' ? displayName : '');
        res.status(201).json({ user: { username: user.username, role: user.role, displayName: user.displayName } });
      },
    },
  ];
}
