/**
 * Hostile-client repros of issue 10 against the real server: cross-site requests (CSRF), sign-in
 * guessing, weak passwords, session timeouts, the share link's host, shortlist ownership, the
 * layer list of a tile URL, and the security headers.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { api, baseUrl, signIn, testPool, TEST_ADMIN, userWithRole } from './helpers.ts';

let pool: pg.Pool;
let admin: string;

beforeAll(async () => {
  pool = testPool();
  admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
});
afterAll(async () => {
  await pool.end();
});

const EVIL = 'http://evil.example';
const json = async (res: Response) => ({ status: res.status, body: await res.json().catch(() => null) });

/** Create an account as the admin and return its name and password. */
async function account(role: 'staff' | 'officer' | 'reviewer', password = `pw-${role}-${Math.random().toString(36).slice(2)}`) {
  const username = `${role}-sec-${Math.random().toString(36).slice(2, 8)}`;
  const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username, password, role }) });
  expect(res.status).toBe(201);
  return { username, password };
}

/** A raw HTTP request (fetch cannot set Host nor pick the local address). */
function raw(method: string, pathname: string, headers: Record<string, string>, body = '', localAddress?: string) {
  const url = new URL(baseUrl());
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathname, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, localAddress }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A published carrier id to put on shortlists. */
async function publishedCarrier(): Promise<number> {
  return (await pool.query(`SELECT id FROM carriers WHERE review_state = 'published' ORDER BY id LIMIT 1`)).rows[0].id;
}

describe('cross-site requests (CSRF)', () => {
  it('refuses a text/plain POST /api/imports/:id/undo from another origin with a staff cookie, and the batch stays', async () => {
    const staff = await userWithRole('staff');
    const { rows } = await pool.query(`SELECT id, status FROM import_batches ORDER BY id DESC LIMIT 1`);
    const batchId = rows[0]?.id ?? 1;
    const before = rows[0]?.status ?? null;
    const res = await api(`/api/imports/${batchId}/undo`, { method: 'POST', cookie: staff, headers: { origin: EVIL, 'content-type': 'text/plain' }, body: 'x' });
    const { status, body } = await json(res);
    expect(status).toBe(403);
    expect(body.error.message).toContain('Origin "http://evil.example"');
    expect(body.error.reason).toBe('cross_site');
    const after = await pool.query(`SELECT status FROM import_batches WHERE id = $1`, [batchId]);
    expect(after.rows[0]?.status ?? null).toBe(before);
    // The same body type without Origin (a tool, not a page) is refused for its type, not its origin.
    const typed = await json(await api(`/api/imports/${batchId}/undo`, { method: 'POST', cookie: staff, headers: { 'content-type': 'text/plain' }, body: 'x' }));
    expect(typed.status).toBe(415);
    expect(typed.body.error.message).toContain('takes a JSON body');
    expect(typed.body.error.message).toContain('"text/plain"');
  });

  it('refuses an HTML form POST that would revoke share links, and the link keeps working', async () => {
    const officer = await userWithRole('officer');
    const created = await json(await api('/api/shortlists', { method: 'POST', cookie: officer, body: JSON.stringify({ clientName: 'CSRF 客户', items: [{ carrierId: await publishedCarrier() }] }) }));
    expect(created.status).toBe(201);
    const link = (await json(await api(`/api/shortlists/${created.body.id}/share`, { method: 'POST', cookie: officer, body: '{}' }))).body;
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: EVIL, 'sec-fetch-site': 'cross-site', cookie: officer };
    const forged = await raw('POST', `/api/shortlists/${created.body.id}/share/revoke`, form, 'token=');
    expect(forged.status).toBe(403);
    // A form from a sandboxed frame or after a privacy redirect sends Origin: null.
    expect((await raw('POST', `/api/shortlists/${created.body.id}/share/revoke`, { ...form, origin: 'null' }, 'token=')).status).toBe(403);
    // Without Origin but with Sec-Fetch-Site from another site (older browsers' forms).
    const { origin: _o, ...noOrigin } = form;
    expect((await raw('POST', `/api/shortlists/${created.body.id}/share/revoke`, noOrigin, 'token=')).status).toBe(403);
    expect((await api(`/api/shared/${link.token}`)).status).toBe(200);
    // The page itself (same origin, JSON) may revoke.
    const own = await api(`/api/shortlists/${created.body.id}/share/revoke`, { method: 'POST', cookie: officer, headers: { origin: baseUrl(), 'sec-fetch-site': 'same-origin' }, body: '{}' });
    expect(own.status).toBe(200);
    expect((await api(`/api/shared/${link.token}`)).status).toBe(404);
  });

  it('refuses an upload from a page on another port of the same host, and stores nothing', async () => {
    const staff = await userWithRole('staff');
    const otherPort = `http://127.0.0.1:${Number(new URL(baseUrl()).port) + 1}`;
    const count = async () => Number((await pool.query(`SELECT count(*) AS n FROM import_batches`)).rows[0].n);
    const before = await count();
    const form = new FormData();
    form.set('layer', 'amenities');
    form.append('file', new Blob([JSON.stringify({ type: 'FeatureCollection', features: [] })]), 'x.geojson');
    const res = await json(await api('/api/imports', { method: 'POST', cookie: staff, body: form, headers: { origin: otherPort, 'sec-fetch-site': 'same-site' } }));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(otherPort);
    expect(await count()).toBe(before);
  });

  it('accepts multipart only on upload routes', async () => {
    const staff = await userWithRole('staff');
    const form = new FormData();
    form.set('note', 'from a form');
    const res = await json(await api('/api/imports/1/commit', { method: 'POST', cookie: staff, body: form }));
    expect(res.status).toBe(415);
    expect(res.body.error.message).toContain('takes a JSON body');
  });

  it('lets tools without Origin or Sec-Fetch-Site (curl, scripts) post JSON with a cookie', async () => {
    const officer = await userWithRole('officer');
    const res = await api('/api/shortlists', { method: 'POST', cookie: officer, body: JSON.stringify({ clientName: 'curl', items: [] }) });
    expect(res.status).toBe(201);
  });
});

describe('sign-in throttling and the audit log', () => {
  it('locks an account after 5 wrong passwords: the right one then gets 429 with Retry-After; other accounts still sign in', async () => {
    const who = await account('officer');
    const login = (password: string) => api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: who.username, password }) });
    for (let i = 0; i < 5; i++) expect((await login(`wrong-guess-${i}`)).status).toBe(401);
    const refused = await login(who.password);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    const body = await refused.json();
    expect(body.error.message).toContain(`sign-in for "${who.username}" is locked`);
    expect(body.error.locked).toBe('account');
    const events = await pool.query(`SELECT kind FROM auth_events WHERE username = $1 ORDER BY id`, [who.username]);
    expect(events.rows.map((r) => r.kind)).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'login_failed', 'locked', 'login_refused']);
    // The lock is per account: another account signs in from the same address.
    const other = await account('officer');
    expect((await api('/api/auth/login', { method: 'POST', body: JSON.stringify(other) })).status).toBe(200);
    // When the lock ends, the right password works again.
    await pool.query(`UPDATE login_throttle SET locked_until = now() - interval '1 second' WHERE key = $1`, [`account:${who.username}`]);
    expect((await login(who.password)).status).toBe(200);
  });

  it('counts concurrent guesses before checking them: 40 at once, at most 5 checked', async () => {
    const who = await account('officer');
    const addressCount = async () => (await pool.query(`SELECT failures FROM login_throttle WHERE key = 'address:127.0.0.1'`)).rows[0]?.failures ?? 0;
    const before = await addressCount();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: who.username, password: `burst-${i}-wrong` }) }).then((r) => r.status)));
    // Nothing but 401 and 429: no 500 (PostgreSQL once answered concurrent counters with a deadlock).
    expect(results.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(results.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(results.filter((s) => s === 429).length).toBeGreaterThanOrEqual(35);
    const failed = await pool.query(`SELECT count(*)::int AS n FROM auth_events WHERE username = $1 AND kind = 'login_failed'`, [who.username]);
    expect(failed.rows[0].n).toBeLessThanOrEqual(5);
    // Only the checked guesses count against the address: refused ones never pile up there.
    expect(await addressCount()).toBeLessThanOrEqual(before + 5);
    expect((await api('/api/auth/login', { method: 'POST', body: JSON.stringify(who) })).status).toBe(429);
  });

  it('locks a client address after 30 failures across accounts, and only that address', async () => {
    const who = await account('staff');
    const from2 = (username: string, password: string) =>
      raw('POST', '/api/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ username, password }), '127.0.0.2');
    for (let i = 0; i < 30; i++) expect((await from2(`nobody-${i}`, 'wrong-password-x')).status).toBe(401);
    const refused = await from2(who.username, who.password);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.message).toContain('too many failed sign-ins from this address');
    const locked = await pool.query(`SELECT detail FROM auth_events WHERE kind = 'locked' AND address = '127.0.0.2'`);
    expect(locked.rows[0].detail).toMatchObject({ lockedKey: 'address', failures: 30 });
    expect((await api('/api/auth/login', { method: 'POST', body: JSON.stringify(who) })).status).toBe(200);
  });

  it('refuses a NUL or an over-long username with 400, not 500', async () => {
    for (const username of ['ad\u0000min', 'x'.repeat(300)]) {
      const res = await json(await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password: 'whatever-123' }) }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('field "username"');
    }
  });
});

describe('password policy', () => {
  it('refuses short and common passwords when an account is created, naming the rule', async () => {
    const short = await json(await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username: 'weak-short', password: '12345678', role: 'staff' }) }));
    expect(short.status).toBe(400);
    expect(short.body.error.message).toBe('password for "weak-short" must have at least 10 characters, got 8');
    const common = await json(await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username: 'weak-common', password: 'Password123', role: 'staff' }) }));
    expect(common.status).toBe(400);
    expect(common.body.error.message).toContain('commonly used');
    expect((await pool.query(`SELECT count(*)::int AS n FROM users WHERE username LIKE 'weak-%'`)).rows[0].n).toBe(0);
  });
});

describe('sessions', () => {
  const me = async (cookie: string) => (await (await api('/api/auth/me', { cookie })).json()).user;
  const tokenRow = `SELECT s.token_sha256 FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = $1`;

  it('ends a session after the idle timeout and after the absolute lifetime', async () => {
    const who = await account('reviewer');
    const idle = await signIn(who.username, who.password);
    expect((await me(idle)).username).toBe(who.username);
    await pool.query(`UPDATE sessions SET last_seen_at = now() - interval '121 minutes' WHERE token_sha256 IN (${tokenRow})`, [who.username]);
    expect(await me(idle)).toBe(null);
    const old = await signIn(who.username, who.password);
    expect((await me(old)).username).toBe(who.username);
    await pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_sha256 IN (${tokenRow})`, [who.username]);
    expect(await me(old)).toBe(null);
  });

  it('signs out everywhere: every session of the user ends, audited', async () => {
    const who = await account('staff');
    const a = await signIn(who.username, who.password);
    const b = await signIn(who.username, who.password);
    const res = await json(await api('/api/auth/logout-all', { method: 'POST', cookie: a }));
    expect(res).toEqual({ status: 200, body: { ended: 2 } });
    expect(await me(a)).toBe(null);
    expect(await me(b)).toBe(null);
    const ev = await pool.query(`SELECT detail FROM auth_events WHERE username = $1 AND kind = 'logout_all'`, [who.username]);
    expect(ev.rows[0].detail).toEqual({ sessions: 2 });
    expect((await api('/api/auth/logout-all', { method: 'POST' })).status).toBe(401);
  });
});

describe('shortlists have an owner', () => {
  it('lets other officers read but not change, share, revoke or delete; the owner and admins may', async () => {
    const owner = await userWithRole('officer');
    const colleague = await userWithRole('officer');
    const carrier = await publishedCarrier();
    const s = (await json(await api('/api/shortlists', { method: 'POST', cookie: owner, body: JSON.stringify({ clientName: '属主客户', items: [{ carrierId: carrier }] }) }))).body;
    expect(s.canEdit).toBe(true);
    const link = (await json(await api(`/api/shortlists/${s.id}/share`, { method: 'POST', cookie: owner, body: '{}' }))).body;

    const read = await json(await api(`/api/shortlists/${s.id}`, { cookie: colleague }));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ clientName: '属主客户', canEdit: false, owner: expect.stringMatching(/^officer-/) });
    const listed = (await json(await api('/api/shortlists', { cookie: colleague }))).body.shortlists.find((x: { id: number }) => x.id === s.id);
    expect(listed.canEdit).toBe(false);

    const attempts = [
      api(`/api/shortlists/${s.id}`, { method: 'PATCH', cookie: colleague, body: JSON.stringify({ clientName: 'hijacked' }) }),
      api(`/api/shortlists/${s.id}/share`, { method: 'POST', cookie: colleague, body: '{}' }),
      api(`/api/shortlists/${s.id}/share/revoke`, { method: 'POST', cookie: colleague, body: '{}' }),
      api(`/api/shortlists/${s.id}`, { method: 'DELETE', cookie: colleague }),
    ];
    for (const res of await Promise.all(attempts)) {
      const { status, body } = await json(res);
      expect(status).toBe(403);
      expect(body.error.message).toMatch(new RegExp(`^shortlist ${s.id} belongs to "${read.body.owner}"; only its owner or an admin may`));
    }
    expect((await api(`/api/shared/${link.token}`)).status).toBe(200);
    expect((await json(await api(`/api/shortlists/${s.id}`, { cookie: owner }))).body.clientName).toBe('属主客户');

    expect((await api(`/api/shortlists/${s.id}`, { method: 'PATCH', cookie: owner, body: JSON.stringify({ notes: 'owner edit' }) })).status).toBe(200);
    const byAdmin = await json(await api(`/api/shortlists/${s.id}`, { method: 'PATCH', cookie: admin, body: JSON.stringify({ notes: 'admin edit' }) }));
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.notes).toBe('admin edit');
    expect((await api(`/api/shortlists/${s.id}/share/revoke`, { method: 'POST', cookie: admin, body: '{}' })).status).toBe(200);
  });

  it('builds the share URL from the configured base, never from Host or X-Forwarded-*', async () => {
    const officer = await userWithRole('officer');
    const s = (await json(await api('/api/shortlists', { method: 'POST', cookie: officer, body: JSON.stringify({ clientName: 'Host 客户', items: [] }) }))).body;
    const res = await raw('POST', `/api/shortlists/${s.id}/share`, {
      cookie: officer, 'content-type': 'application/json', host: 'evil.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example',
    }, '{}');
    expect(res.status).toBe(201);
    const { url } = JSON.parse(res.body);
    expect(url.startsWith(`${baseUrl()}/select.html#shared=`)).toBe(true);
    expect(url).not.toContain('evil');
  });
});

describe('tile URLs naming many layers', () => {
  it('counts a layer named 100 times once: the same tile as naming it once', async () => {
    const once = await api('/tiles/land/9/408/209.mvt', { headers: { 'accept-encoding': 'identity' } });
    const many = await api(`/tiles/${Array(100).fill('land').join(',')}/9/408/209.mvt`, { headers: { 'accept-encoding': 'identity' } });
    expect(many.status).toBe(once.status);
    expect(Buffer.from(await many.arrayBuffer()).equals(Buffer.from(await once.arrayBuffer()))).toBe(true);
  });

  it('refuses more distinct layers than the limit with 400 naming it', async () => {
    const names = Array.from({ length: 17 }, (_, i) => `layer${i}`).join(',');
    const res = await json(await api(`/tiles/${names}/9/408/209.mvt`));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('names 17 distinct layers; one tile may combine at most 16');
  });

  it('renders a burst of uncached tiles while other requests are answered', async () => {
    const tiles = Array.from({ length: 24 }, (_, i) => api(`/tiles/land,factories,offices,amenities/12/${3290 + (i % 6)}/${1665 + Math.floor(i / 6)}.mvt`).then((r) => r.status));
    const health = await api('/api/health');
    expect(health.status).toBe(200);
    for (const s of await Promise.all(tiles)) expect([200, 204]).toContain(s);
  });
});

describe('security headers', () => {
  it('sends CSP, nosniff, Referrer-Policy and frame-ancestors on pages, API and tiles; no HSTS over plain HTTP', async () => {
    for (const p of ['/', '/api/health', '/tiles/land/9/408/209.mvt']) {
      const res = await api(p);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('strict-transport-security')).toBe(null);
    }
  });
});
