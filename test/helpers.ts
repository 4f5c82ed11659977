/** Small helpers shared by the integration tests: HTTP calls, sign-in, a direct pg pool. */
import pg from 'pg';
import { inject } from 'vitest';
import { TEST_ADMIN } from './global-setup.ts';

export { TEST_ADMIN };

/** Base URL of the test server. */
export const baseUrl = () => inject('baseUrl');

/** fetch against the test server; `cookie` signs the request in. */
export async function api(pathname: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return fetch(baseUrl() + pathname, { ...init, headers });
}

/** Sign in and return the session cookie ("name=value"). */
export async function signIn(username: string, password: string): Promise<string> {
  const res = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0];
}

/** Create an account with `role` (as the admin) and return its session cookie. */
export async function userWithRole(role: 'staff' | 'reviewer' | 'officer' | 'admin'): Promise<string> {
  const admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${role}-secret`;
  const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username, password, role }) });
  if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${await res.text()}`);
  return signIn(username, password);
}

/** A pg pool on the test database with the application schema on the search path. */
export function testPool(): pg.Pool {
  const schema = inject('dbSchema');
  return new pg.Pool({
    connectionString: inject('dbUrl'),
    max: 2,
    onConnect: async (c: pg.ClientBase) => {
      await c.query(`SET search_path TO ${pg.escapeIdentifier(schema)}, public`);
    },
  } as pg.PoolConfig);
}
