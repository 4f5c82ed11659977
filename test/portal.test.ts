/**
 * The public portal over HTTP against the test server: the landing page's live figures equal what
 * the database holds for published carriers, the park directory lists published parks only, a
 * park card carries Open Graph tags, a QR code and `tel:` links in the HTML the server sends, an
 * unpublished park is a 404, the cover is a 1200×630 PNG, and neither page references maplibre.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { api, testPool } from './helpers.ts';

describe('portal pages', () => {
  const pool = testPool();
  let parkId: number;

  beforeAll(async () => {
    const { rows } = await pool.query(`SELECT p.id FROM parks p WHERE p.review_state = 'published'
      AND EXISTS (SELECT 1 FROM carriers c WHERE c.park_id = p.id AND c.kind = 'factory' AND c.status = 'available' AND c.review_state = 'published')
      ORDER BY p.id LIMIT 1`);
    parkId = Number(rows[0].id);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('the landing summary counts exactly the published, available carriers', async () => {
    const res = await api('/api/portal/summary');
    expect(res.status).toBe(200);
    const d = await res.json();
    const { rows } = await pool.query(`SELECT kind, count(*)::int AS n, sum(area_m2)::float8 AS area, sum(coalesce(floor_area_m2, area_m2))::float8 AS floor
      FROM carriers WHERE review_state = 'published' AND status = 'available' GROUP BY kind`);
    const k = (kind: string) => rows.find((r) => r.kind === kind)!;
    expect(d.figures.land.count).toBe(k('land').n);
    expect(d.figures.land.areaM2).toBeCloseTo(k('land').area, 3);
    expect(d.figures.factories).toEqual({ count: k('factory').n, floorM2: expect.closeTo(k('factory').floor, 3) });
    expect(d.figures.offices.count).toBe(k('office').n);
    expect(d.figures.counties).toBe(7);
    const published = (await pool.query(`SELECT id FROM parks WHERE review_state = 'published' ORDER BY id`)).rows.map((r) => Number(r.id));
    expect(d.parks.map((p: any) => p.id).sort((a: number, b: number) => a - b)).toEqual(published);
    expect(d.figures.parks).toBe(published.length);
    // every industry lists exactly the parks that name it
    for (const ind of d.industries) {
      const hosts = d.parks.filter((p: any) => p.industries.some((i: any) => i.zh === ind.name.zh)).map((p: any) => p.id);
      expect(ind.parks.map((p: any) => p.id)).toEqual(hosts);
    }
  });

  it('the landing page is server-rendered in zh and en with the live figures and no map library', async () => {
    const d = await (await api('/api/portal/summary')).json();
    const zh = await (await api('/')).text();
    expect(zh).toContain('<html lang="zh-CN"');
    expect(zh).toContain('达州投资地图');
    const mu = Math.round(d.figures.land.areaM2 / 1e6 * 100) / 100;
    expect(zh).toContain(`${mu.toLocaleString('zh-CN')} km²`);
    expect(zh).toContain(`可招商土地 · ${d.figures.land.count} 宗`);
    for (const p of d.parks) expect(zh).toContain(`href="/parks/${p.id}"`);
    expect(zh).not.toMatch(/maplibre/i);
    expect(zh).toContain('href="/map.html"');
    const en = await (await api('/?lang=en')).text();
    expect(en).toContain('<html lang="en"');
    expect(en).toContain('Dazhou Investment Map');
    expect(en).toContain(`land available · ${d.figures.land.count} parcels`);
    expect(en).toContain(`href="/parks/${d.parks[0].id}?lang=en"`);
    // English page: the park names and industries are English
    expect(en).toContain(d.parks[0].name.en);
    expect(en).not.toContain(`>${d.parks[0].name.zh}<`);
  });

  it('a park card carries Open Graph tags, a QR code, tel: links, its available sites and an enquiry form', async () => {
    const html = await (await api(`/parks/${parkId}`)).text();
    const card = await (await api(`/api/portal/parks/${parkId}`)).json();
    const og = (prop: string) => new RegExp(`<meta property="og:${prop}" content="([^"]*)"`).exec(html)?.[1];
    expect(og('title')).toBe(card.park.name.zh);
    expect(og('description')).toContain('可招商');
    expect(og('image')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+(/api/panoramas/\\d+/thumbnail|/parks/${parkId}/cover\\.png)$`));
    expect(og('url')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/parks/${parkId}$`));
    expect(html).toMatch(/<figure class="pc-qr"[^>]*><svg[^>]*viewBox/);
    expect(html).toContain(`href="tel:${card.park.contact.phone.replace(/[^0-9+]/g, '')}"`);
    expect(html).toContain('id="enquiry-form"');
    expect(html).toContain('name="website"');
    expect(html).not.toMatch(/maplibre/i);
    const factories = card.carriers.filter((c: any) => c.kind === 'factory');
    expect(factories.length).toBeGreaterThan(0);
    for (const c of card.carriers) expect(html).toContain(`id="carrier-${c.id}"`);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM carriers WHERE park_id = $1 AND review_state = 'published' AND status = 'available'`, [parkId]);
    expect(card.carriers).toHaveLength(rows[0].n);
    const en = await (await api(`/parks/${parkId}?lang=en`)).text();
    expect(en).toContain(`<meta property="og:title" content="${card.park.name.en}"`);
    expect(en).toContain("I&#39;m interested");
    // Floors counted in English: "1 floor", "3 floors" (the card lists one-floor factories).
    const floors = card.carriers.filter((c: any) => c.floors !== null).map((c: any) => c.floors);
    expect(floors).toContain(1);
    expect(en).not.toMatch(/\b1 floors\b/);
    expect(en).toMatch(/ · 1 floor\b/);
  });

  it('an unpublished or unknown park is a 404 page, and its data a 404 too', async () => {
    const { rows: [p] } = await pool.query(`INSERT INTO parks (code, name_zh, name_en, county_adcode, park_level, review_state, geom)
      VALUES ('PORTAL-DRAFT', '草稿园区', 'Draft park', '511725', 'county', 'draft', ST_Multi(ST_Buffer(ST_SetSRID(ST_Point(106.9, 30.8), 4326), 0.005))) RETURNING id`);
    try {
      for (const path of [`/parks/${p.id}`, '/parks/99999999', '/parks/abc']) {
        const res = await api(path);
        expect(res.status).toBe(404);
        expect(await res.text()).toContain('未找到该园区');
      }
      expect((await api(`/api/portal/parks/${p.id}`)).status).toBe(404);
      expect((await api(`/parks/${p.id}/cover.png`)).status).toBe(404);
      const landing = await (await api('/')).text();
      expect(landing).not.toContain('草稿园区');
    } finally {
      await pool.query('DELETE FROM parks WHERE id = $1', [p.id]);
    }
  });

  it('the rendered cover is a 1200×630 PNG with the park drawn on it', async () => {
    const res = await api(`/parks/${parkId}/cover.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = sharp(Buffer.from(await res.arrayBuffer()));
    const meta = await img.metadata();
    expect([meta.width, meta.height]).toEqual([1200, 630]);
    // the outline colour (#e64a19) is drawn
    const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let outline = 0;
    for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i] - 0xe6) < 12 && Math.abs(data[i + 1] - 0x4a) < 12 && Math.abs(data[i + 2] - 0x19) < 12) outline++;
    expect(outline).toBeGreaterThan(500);
  });

  it('the map moved to /map.html', async () => {
    const res = await api('/map.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app" class="app">');
  });
});
