/**
 * Investment enquiries (投资意向) over HTTP against the test server: the public form's validation
 * (every bad field named, in zh and en), honeypot, size limits and per-client rate limit, links to
 * published parks and carriers only, and the officers' inbox — who may read it, filters, workflow,
 * assignment and notes. Each test posts from its own loopback address (127.x.y.z: the connection's
 * source, as the server sees it), so the rate limit of one does not spill into another.
 */
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, testPool, userWithRole } from './helpers.ts';

const json = async <T = any>(res: Response, status = 200): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : undefined) as T;
};

/** A fresh loopback client address (Linux routes all of 127.0.0.0/8 to the loopback interface). */
const newClient = () => `127.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;

/** POST an enquiry from the source address `ip`. */
function submit(body: Record<string, unknown>, ip: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = new URL('/api/enquiries', baseUrl());
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST', localAddress: ip,
      headers: { 'content-type': 'application/json', 'content-length': String(data.length), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode })));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const VALID = {
  company: '四川示例新材料有限公司', contactPerson: '王经理', phone: '13800138000', email: 'wang@example.com',
  industry: '新材料', investmentWan: 50000, spaceKind: 'factory', spaceAmount: 12, spaceUnit: 'mu', message: '拟租用标准厂房，需双回路供电。',
};

describe('enquiries', () => {
  let officer: string;
  let admin: string;
  let staff: string;
  let reviewer: string;
  let factory: { id: number; parkId: number; county: string };
  const pool = testPool();

  beforeAll(async () => {
    [officer, admin, staff, reviewer] = await Promise.all([userWithRole('officer'), userWithRole('admin'), userWithRole('staff'), userWithRole('reviewer')]);
    const fc = await json<any>(await api('/api/layers/factories/features?limit=50'));
    const f = fc.features.find((x: any) => x.properties.park_id && x.properties.status === 'available');
    factory = { id: Number(f.id), parkId: Number(f.properties.park_id), county: String(f.properties.county) };
  });
  afterAll(async () => {
    await pool.end();
  });

  it('a public enquiry about a published factory gets a reference; park and county come from the factory', async () => {
    const receipt = await json<any>(await submit({ ...VALID, carrierId: factory.id }, newClient()), 201);
    expect(receipt.reference).toMatch(/^DZ-[0-9]{6}-[2-9A-HJ-NP-Z]{6}$/);
    expect(receipt.message).toContain(receipt.reference);
    expect(receipt.message).toContain('招商专员');
    const { rows } = await pool.query('SELECT * FROM enquiries WHERE reference = $1', [receipt.reference]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].carrier_id)).toBe(factory.id);
    expect(Number(rows[0].park_id)).toBe(factory.parkId);
    expect(rows[0].county_adcode).toBe(factory.county);
    expect(rows[0].space_m2).toBeCloseTo(12 * 10_000 / 15, 1);
    expect(rows[0].space_unit).toBe('mu');
    expect(rows[0].status).toBe('new');
    expect(rows[0].client_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows[0])).not.toContain('127.');
  });

  it('names every bad field at once, in Chinese by default and in English when asked', async () => {
    const bad = { company: '', contactPerson: 'x'.repeat(101), phone: '12', email: 'not-an-email', investmentWan: -3, spaceKind: 'castle' };
    const zh = await json<any>(await submit(bad, newClient()), 400);
    expect(zh.error.fields.map((f: any) => f.field).sort()).toEqual(['company', 'contactPerson', 'email', 'investmentWan', 'phone', 'spaceKind']);
    expect(zh.error.message).toContain('企业名称');
    expect(zh.error.message).toContain('"not-an-email"');
    const en = await json<any>(await submit({ ...bad, lang: 'en' }, newClient()), 400);
    expect(en.error.message).toMatch(/^Please correct the enquiry: company: is required/);
    expect(en.error.message).toContain('e-mail ("not-an-email"): is not an e-mail address');
    const en2 = await json<any>(await submit({ company: 'ACME', contactPerson: 'Ann' }, newClient(), { 'accept-language': 'en-GB,en;q=0.9' }), 400);
    expect(en2.error.fields).toEqual([{ field: 'phone', value: null, message: 'give a phone number or an e-mail address' }]);
    // e-mail alone is enough
    await json(await submit({ company: 'ACME', contactPerson: 'Ann', email: 'ann@acme.example', lang: 'en' }, newClient()), 201);
  });

  it('refuses drafts and unknown parks or carriers by field, and stores nothing', async () => {
    const { rows: [draft] } = await pool.query(`INSERT INTO carriers (code, kind, name, county_adcode, review_state, geom)
      VALUES ($1, 'factory', '草稿厂房', '511725', 'draft', ST_Multi(ST_Buffer(ST_SetSRID(ST_Point(107.0, 30.8), 4326), 0.0005))) RETURNING id`, [`ENQ-DRAFT-${randomInt(1e9)}`]);
    const before = (await pool.query('SELECT count(*)::int AS n FROM enquiries')).rows[0].n;
    const r1 = await json<any>(await submit({ ...VALID, carrierId: Number(draft.id) }, newClient()), 400);
    expect(r1.error.fields).toEqual([{ field: 'carrierId', value: Number(draft.id), message: '不存在或未公开' }]);
    const r2 = await json<any>(await submit({ ...VALID, parkId: 99_999_999, lang: 'en' }, newClient()), 400);
    expect(r2.error.message).toContain('park (99999999): does not exist or is not public');
    const r3 = await json<any>(await submit({ ...VALID, carrierId: 'abc' }, newClient()), 400);
    expect(r3.error.fields[0]).toMatchObject({ field: 'carrierId', value: 'abc' });
    expect((await pool.query('SELECT count(*)::int AS n FROM enquiries')).rows[0].n).toBe(before);
    await pool.query('DELETE FROM carriers WHERE id = $1', [draft.id]);
  });

  it('spam: the honeypot, over-long fields and big bodies are refused and nothing is stored', async () => {
    const before = (await pool.query('SELECT count(*)::int AS n FROM enquiries')).rows[0].n;
    const trap = await json<any>(await submit({ ...VALID, website: 'http://spam.example' }, newClient()), 400);
    expect(trap.error.field).toBe('website');
    const long = await json<any>(await submit({ ...VALID, message: '长'.repeat(4001) }, newClient()), 400);
    expect(long.error.fields[0].field).toBe('message');
    expect(long.error.message).toContain('不能超过 4000 个字符');
    const big = await submit({ ...VALID, filler: 'x'.repeat(20_000) }, newClient());
    expect(big.status).toBe(413);
    expect((await pool.query('SELECT count(*)::int AS n FROM enquiries')).rows[0].n).toBe(before);
  });

  it('rate limit: the 6th submission from one client in 10 minutes is a 429, another client still gets through', async () => {
    const ip = newClient();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      // refused submissions count too, so a bot cannot probe the validation for free
      const body = i === 2 ? { company: '' } : { ...VALID, company: `限流测试 ${i}` };
      statuses.push((await submit(body, ip)).status);
    }
    expect(statuses).toEqual([201, 201, 400, 201, 201, 429]);
    const res = await json<any>(await submit({ ...VALID, lang: 'en' }, ip), 429);
    expect(res.error.code).toBe('too_many_requests');
    expect(res.error.message).toContain('try again in 10 minutes');
    await json(await submit(VALID, newClient()), 201);
  });

  it('only officers and admins read enquiries; the public, staff and reviewers cannot', async () => {
    const { reference } = await json<any>(await submit({ ...VALID, carrierId: factory.id }, newClient()), 201);
    const { rows: [row] } = await pool.query('SELECT id FROM enquiries WHERE reference = $1', [reference]);
    for (const path of ['/api/enquiries', `/api/enquiries/${row.id}`, '/api/enquiries/assignees']) {
      expect((await api(path)).status).toBe(401);
      expect((await api(path, { cookie: staff })).status).toBe(403);
      expect((await api(path, { cookie: reviewer })).status).toBe(403);
      expect((await api(path, { cookie: officer })).status).toBe(200);
      expect((await api(path, { cookie: admin })).status).toBe(200);
    }
    expect((await api(`/api/enquiries/${row.id}`, { method: 'PATCH', body: JSON.stringify({ note: 'x' }) })).status).toBe(401);
    expect((await api(`/api/enquiries/${row.id}`, { method: 'PATCH', cookie: staff, body: JSON.stringify({ note: 'x' }) })).status).toBe(403);
  });

  it('inbox filters by park, county and status; an officer assigns, notes and moves an enquiry along the workflow', async () => {
    const { reference } = await json<any>(await submit({ ...VALID, company: '筛选测试公司', carrierId: factory.id }, newClient()), 201);
    const byPark = await json<any>(await api(`/api/enquiries?park=${factory.parkId}&status=new`, { cookie: officer }));
    const mine = byPark.enquiries.find((e: any) => e.reference === reference);
    expect(mine).toMatchObject({
      company: '筛选测试公司', contactPerson: '王经理', status: 'new', statusLabel: { zh: '新提交', en: 'New' },
      park: { id: factory.parkId }, carrier: { id: factory.id, kind: 'factory' }, county: { adcode: factory.county },
      space: { kind: 'factory', unit: 'mu' }, investmentWan: 50000, assignedTo: null,
    });
    expect(byPark.enquiries.every((e: any) => e.park?.id === factory.parkId && e.status === 'new')).toBe(true);
    expect(byPark.numberMatched).toBeGreaterThanOrEqual(1);
    const otherCounty = factory.county === '511702' ? '511781' : '511702';
    const none = await json<any>(await api(`/api/enquiries?county=${otherCounty}&q=${encodeURIComponent(reference)}`, { cookie: officer }));
    expect(none.enquiries).toEqual([]);
    const hit = await json<any>(await api(`/api/enquiries?county=${factory.county}&q=${encodeURIComponent(reference)}`, { cookie: officer }));
    expect(hit.enquiries.map((e: any) => e.reference)).toEqual([reference]);
    expect((await api('/api/enquiries?status=lost', { cookie: officer })).status).toBe(400);
    expect((await api('/api/enquiries?county=abc', { cookie: officer })).status).toBe(400);

    const { assignees } = await json<any>(await api('/api/enquiries/assignees', { cookie: officer }));
    expect(assignees.every((a: any) => ['officer', 'admin'].includes(a.role))).toBe(true);
    const me = assignees.find((a: any) => a.role === 'officer');
    const id = mine.id;
    // workflow rules: no jump from new to signed; a staff account is no assignee
    const jump = await json<any>(await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ status: 'signed' }) }), 409);
    expect(jump.error.message).toContain('status cannot go from "new" to "signed"');
    const { rows: [staffUser] } = await pool.query(`SELECT id FROM users WHERE role = 'staff' LIMIT 1`);
    const notOfficer = await json<any>(await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ assignedTo: Number(staffUser.id) }) }), 400);
    expect(notOfficer.error.field).toBe('assignedTo');
    expect((await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ colour: 'red' }) })).status).toBe(400);
    expect((await api('/api/enquiries/99999999', { method: 'PATCH', cookie: officer, body: JSON.stringify({ note: 'x' }) })).status).toBe(404);

    await json(await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ assignedTo: me.id, status: 'contacted', note: '已电话联系，约下周考察。' }) }));
    const visited = await json<any>(await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: admin, body: JSON.stringify({ status: 'site_visit' }) }));
    expect(visited.status).toBe('site_visit');
    expect(visited.assignedTo).toMatchObject({ id: me.id, username: me.username });
    expect(visited.message).toBe(VALID.message);
    expect(visited.events.map((e: any) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ['status', 'new', 'contacted'], ['assign', null, null], ['note', null, null], ['status', 'contacted', 'site_visit'],
    ]);
    expect(visited.events[2].body).toBe('已电话联系，约下周考察。');
    // The note is signed by whoever wrote it (the signed-in officer), not by the assignee.
    const author = (await (await api('/api/auth/me', { cookie: officer })).json()).user.username;
    expect(visited.events[2].by.username).toBe(author);
    const signed = await json<any>(await api(`/api/enquiries/${id}`, { method: 'PATCH', cookie: officer, body: JSON.stringify({ status: 'signed' }) }));
    expect(signed.status).toBe('signed');
    const bySigned = await json<any>(await api(`/api/enquiries?status=signed,closed&assigned=${me.id}`, { cookie: officer }));
    expect(bySigned.enquiries.map((e: any) => e.id)).toContain(id);
    expect(bySigned.statusCounts.signed).toBeGreaterThanOrEqual(1);
  });
});

/**
 * The demo's enquiries (server/demo/demo-enquiries.ts), as seeded at the test server's first start:
 * each went through the public form's checks and the officer's workflow, so each is linked to a
 * published park (and a site of the kind it asks about), handled by the first admin with one event
 * per assignment, status change and note, and dated in its past: received the planned number of
 * days before seeding, its events after that and before seeding, in order.
 */
describe('demo enquiries', () => {
  const pool = testPool();
  afterAll(async () => {
    await pool.end();
  });

  it('are all there, linked, handled step by step and dated in the six months before seeding', async () => {
    const { DEMO_ENQUIRIES, DEMO_ENQUIRY_CLIENT } = await import('../server/demo/demo-enquiries.ts');
    const officer = await userWithRole('officer');
    const seededAt = new Date((await pool.query(`SELECT value->>'at' AS at FROM settings WHERE key = 'demo_enquiries_seeded'`)).rows[0].at);
    const adminId = Number((await pool.query(`SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1`)).rows[0].id);
    const { rows } = await pool.query(`
      SELECT e.id::int, e.reference, e.company, e.status, e.assigned_to::int, e.created_at, e.updated_at, e.lang, p.code AS park,
             c.kind AS carrier_kind, e.space_kind,
             (SELECT array_agg(v.created_at ORDER BY v.id) FROM enquiry_events v WHERE v.enquiry_id = e.id) AS events
      FROM enquiries e JOIN parks p ON p.id = e.park_id LEFT JOIN carriers c ON c.id = e.carrier_id
      WHERE e.client_hash = $1 ORDER BY e.created_at`, [DEMO_ENQUIRY_CLIENT]);
    expect(rows.map((r) => r.company)).toEqual(DEMO_ENQUIRIES.map((e) => e.company));
    const statuses = new Set<string>();
    for (const [i, r] of rows.entries()) {
      const plan = DEMO_ENQUIRIES[i];
      statuses.add(r.status);
      expect(r.company).toMatch(/（示例）$|\(demo\)$/);
      expect([r.park, r.carrier_kind, r.space_kind, r.lang]).toEqual([plan.park, plan.site ?? null, plan.site ?? 'land', plan.lang]);
      expect(r.status).toBe(plan.steps.at(-1)?.status ?? 'new');
      expect(r.assigned_to).toBe(plan.steps.length ? adminId : null);
      const days = (seededAt.getTime() - r.created_at.getTime()) / 86_400_000;
      expect(days).toBeGreaterThan(plan.daysAgo - 1);
      expect(days).toBeLessThan(plan.daysAgo + 1);
      expect(r.reference.slice(3, 9)).toBe(r.created_at.toISOString().slice(2, 10).replace(/-/g, ''));
      const events: Date[] = r.events ?? [];
      expect(events).toHaveLength(plan.steps.length ? 1 + 2 * plan.steps.length : 0);
      expect(events.every((t, k) => t >= (events[k - 1] ?? r.created_at) && t < seededAt)).toBe(true);
      expect(r.updated_at.getTime()).toBe((events.at(-1) ?? r.created_at).getTime());
      // The inbox shows it as the officer reads it.
      const one = await json<any>(await api(`/api/enquiries/${r.id}`, { cookie: officer }));
      expect([one.company, one.status, one.park?.id !== undefined]).toEqual([r.company, r.status, true]);
    }
    expect([...statuses].sort()).toEqual(['closed', 'contacted', 'new', 'signed', 'site_visit']);
  });
});
