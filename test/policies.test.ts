/**
 * Policies and featured projects (招商政策, 对外推介项目库) over HTTP: staff write, reviewers publish,
 * the public sees published entries valid today only — in the API, on the landing page, on the
 * cards of the parks they apply to and on their own page — with Markdown rendered safely; any edit
 * makes an entry a draft again; inputs are checked at the route.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, userWithRole } from './helpers.ts';

const json = async <T = any>(res: Response, status = 200): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : undefined) as T;
};
const day = (offset: number) => new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

let staff: string;
let reviewer: string;
let officer: string;
let park: { id: number; county: { adcode: string }; industries: { zh: string }[] };
let otherPark: { id: number; county: { adcode: string }; industries: { zh: string }[] };

const post = (body: unknown, cookie = staff) => api('/api/policies', { method: 'POST', cookie, body: JSON.stringify(body) });
const publish = (id: number) => api(`/api/policies/${id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) });

beforeAll(async () => {
  [staff, reviewer, officer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer'), userWithRole('officer')]);
  const summary = await json(await api('/api/portal/summary'));
  park = summary.parks[0];
  // A park in another county that shares no industry with the first.
  otherPark = summary.parks.find((p: typeof park) => p.county.adcode !== park.county.adcode && !p.industries.some((i) => park.industries.some((j) => j.zh === i.zh)));
});

describe('policies and featured projects', () => {
  it('the demo has published policies and projects for the public, without review fields or drafts', async () => {
    const { policies } = await json(await api('/api/policies'));
    expect(policies.filter((p: any) => p.kind === 'policy').length).toBeGreaterThanOrEqual(2);
    expect(policies.filter((p: any) => p.kind === 'project').length).toBeGreaterThanOrEqual(1);
    for (const p of policies) {
      expect(p.reviewState).toBeUndefined();
      expect(p.createdBy).toBeUndefined();
      expect(p.title.zh).not.toBe('');
      expect(p.html.zh).toMatch(/^<(h[345]|p|ul|ol)>/);
    }
    expect(policies.some((p: any) => /征求意见稿/.test(p.title.zh))).toBe(false);
    const all = await json(await api('/api/policies', { cookie: staff }));
    const draft = all.policies.find((p: any) => /征求意见稿/.test(p.title.zh));
    expect(draft.reviewState).toBe('draft');
  });

  it('staff write, the entry stays private until a reviewer publishes it; Markdown is rendered without raw HTML', async () => {
    const created = await json(await post({
      kind: 'policy', title: { zh: '测试：厂房租金补贴', en: 'Test: factory rent subsidy' },
      body: { zh: '## 补贴\n\n租金**减半**。<script>alert(1)</script> [恶意](javascript:alert(1)) <img src=x onerror=alert(2)>', en: 'Rent is **halved**.' },
      parkIds: [park.id], validFrom: day(-1), validTo: day(30),
    }), 201);
    expect(created.reviewState).toBe('draft');
    expect(created.html.zh).toContain('<h4>补贴</h4>');
    expect(created.html.zh).toContain('<strong>减半</strong>');
    expect(created.html.zh).not.toMatch(/<script|<img|href="javascript/i);
    expect((await api(`/api/policies/${created.id}`)).status).toBe(404);
    expect((await json(await api('/api/policies'))).policies.some((p: any) => p.id === created.id)).toBe(false);
    expect((await api(`/policies/${created.id}`)).status).toBe(404);

    // Staff may not publish; reviewers do.
    expect((await api(`/api/policies/${created.id}/review`, { method: 'POST', cookie: staff, body: JSON.stringify({ state: 'published' }) })).status).toBe(403);
    const published = await json(await publish(created.id));
    expect(published.reviewState).toBe('published');

    const pub = await json(await api(`/api/policies/${created.id}`));
    expect(pub.reviewState).toBeUndefined();
    const page = await (await api(`/policies/${created.id}`)).text();
    expect(page).toContain('<strong>减半</strong>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toMatch(/<script>alert|onerror=alert\(2\)>|href="javascript/);
    const en = await (await api(`/policies/${created.id}?lang=en`)).text();
    expect(en).toContain('Rent is <strong>halved</strong>.');

    // On the landing page and on the card of the park it applies to, not on another park's card.
    expect(await (await api('/')).text()).toContain(`data-policy-id="${created.id}"`);
    expect(await (await api(`/parks/${park.id}`)).text()).toContain(`data-policy-id="${created.id}"`);
    expect(await (await api(`/parks/${otherPark.id}`)).text()).not.toContain(`data-policy-id="${created.id}"`);
    const card = await json(await api(`/api/portal/parks/${park.id}`));
    expect(card.policies.map((p: any) => p.id)).toContain(created.id);

    // An edit makes it a draft again (the public stops seeing it); a stale version is a 409.
    const edited = await json(await api(`/api/policies/${created.id}`, { method: 'PUT', cookie: staff, body: JSON.stringify({
      kind: 'policy', title: { zh: '测试：厂房租金补贴（修订）' }, parkIds: [park.id], version: published.version,
    }) }));
    expect(edited.reviewState).toBe('draft');
    expect((await api(`/api/policies/${created.id}`)).status).toBe(404);
    const stale = await api(`/api/policies/${created.id}`, { method: 'PUT', cookie: staff, body: JSON.stringify({ kind: 'policy', title: { zh: 'x' }, version: published.version }) });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toContain(`version ${edited.version}`);
  });

  it('applies by county and industry, or city-wide when it names nothing; only while valid', async () => {
    const byCounty = await json(await post({ kind: 'policy', title: { zh: '测试：县级政策' }, counties: [park.county.adcode] }), 201);
    const byIndustry = await json(await post({ kind: 'project', title: { zh: '测试：产业项目' }, industries: [park.industries[0].zh] }), 201);
    const cityWide = await json(await post({ kind: 'policy', title: { zh: '测试：全市政策' } }), 201);
    const expired = await json(await post({ kind: 'policy', title: { zh: '测试：已过期' }, validFrom: day(-60), validTo: day(-1) }), 201);
    const future = await json(await post({ kind: 'policy', title: { zh: '测试：未生效' }, validFrom: day(2) }), 201);
    for (const p of [byCounty, byIndustry, cityWide, expired, future]) await json(await publish(p.id));
    const ids = async (parkId: number) => (await json(await api(`/api/policies?parkId=${parkId}`))).policies.map((p: any) => p.id);
    const here = await ids(park.id);
    expect(here).toEqual(expect.arrayContaining([byCounty.id, byIndustry.id, cityWide.id]));
    expect(here).not.toContain(expired.id);
    expect(here).not.toContain(future.id);
    const there = await ids(otherPark.id);
    expect(there).toContain(cityWide.id);
    expect(there).not.toContain(byCounty.id);
    expect(there).not.toContain(byIndustry.id);
    // Staff still see the expired and future ones.
    const all = (await json(await api('/api/policies', { cookie: staff }))).policies.map((p: any) => p.id);
    expect(all).toEqual(expect.arrayContaining([expired.id, future.id]));
    expect((await api(`/policies/${expired.id}`)).status).toBe(404);
  });

  it('checks inputs at the route and names the field', async () => {
    const noTitle = await post({ kind: 'policy' });
    expect(noTitle.status).toBe(400);
    expect((await noTitle.json()).error.message).toContain('title');
    const badDate = await post({ kind: 'policy', title: { zh: 'x' }, validTo: '2026-02-30' });
    expect(badDate.status).toBe(400);
    expect((await badDate.json()).error.message).toContain('validTo');
    const reversed = await post({ kind: 'policy', title: { zh: 'x' }, validFrom: '2027-01-01', validTo: '2026-01-01' });
    expect(reversed.status).toBe(400);
    expect((await reversed.json()).error.message).toMatch(/validTo.*2026-01-01/);
    const noPark = await post({ kind: 'policy', title: { zh: 'x' }, parkIds: [987654] });
    expect(noPark.status).toBe(400);
    expect((await noPark.json()).error.message).toContain('987654');
    const badKind = await post({ kind: 'news', title: { zh: 'x' } });
    expect(badKind.status).toBe(400);
    expect((await badKind.json()).error.message).toContain('kind');
  });

  it('only staff write: the public is asked to sign in, officers are refused', async () => {
    expect((await api('/api/policies', { method: 'POST', body: JSON.stringify({ kind: 'policy', title: { zh: 'x' } }) })).status).toBe(401);
    expect((await post({ kind: 'policy', title: { zh: 'x' } }, officer)).status).toBe(403);
  });

  it('images: staff upload one, the public gets it once the entry is published', async () => {
    const created = await json(await post({ kind: 'project', title: { zh: '测试：带图片的项目' } }), 201);
    // A 1×1 PNG.
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082', 'hex');
    const form = new FormData();
    form.append('captionZh', '效果图');
    form.append('file', new Blob([png], { type: 'image/png' }), 'render.png');
    const withImage = await json(await api(`/api/policies/${created.id}/images`, { method: 'POST', cookie: staff, body: form }), 201);
    expect(withImage.images).toHaveLength(1);
    const url = withImage.images[0].url;
    expect((await api(url)).status).toBe(404);
    expect((await api(url, { cookie: staff })).status).toBe(200);
    await json(await publish(created.id));
    const res = await api(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    const notImage = new FormData();
    notImage.append('file', new Blob(['<svg onload=alert(1)>'], { type: 'image/svg+xml' }), 'x.svg');
    const refused = await api(`/api/policies/${created.id}/images`, { method: 'POST', cookie: staff, body: notImage });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toContain('x.svg');
  });
});
