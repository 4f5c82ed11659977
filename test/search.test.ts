/**
 * The site finder's API (`GET /api/search`) against the test server, on either engine: pinyin
 * initials, full pinyin, Chinese, English and codes find the same carriers a brute-force scan of
 * the published rows finds; filters and units select exactly what they say; drafts and internal
 * fields never appear; the search document follows inserts and renames (the trigger of migration
 * 013); bad parameters are a 400 naming the parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import { api, testPool } from './helpers.ts';
import { normalizeWord, SearchService } from '../server/search/search.service.ts';
import { SearchRepository } from '../server/search/search.repository.ts';
import { compareCodePoints } from '../server/search/search.table.ts';

type Row = { id: number; name: string; code: string; kind: string; status: string; county_adcode: string | null; park_id: number | null;
  park_zh: string | null; park_short: string | null; park_en: string | null; county_zh: string | null; county_en: string | null; usable: number; price: number | null; price_unit: string | null };

const keysOf = (zh: string | null) => {
  if (!zh) return [];
  const n = normalizeWord(zh);
  return [n, pinyin(n, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('').replace(/ü/g, 'v'),
    pinyin(n, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('')];
};

async function all(query: string): Promise<{ total: number; ids: number[]; items: any[]; first: any }> {
  const items: any[] = [];
  let first: any;
  for (let offset = 0; ; offset += 100) {
    const res = await api(`/api/search?${query}&limit=100&offset=${offset}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const d = await res.json();
    first ??= d;
    items.push(...d.items);
    if (d.items.length < 100) return { total: d.numberMatched, ids: items.map((i) => i.id).sort((a, b) => a - b), items, first };
  }
}

describe('site finder API', () => {
  const pool = testPool();
  let rows: Row[] = [];
  let gx: { id: number };
  const made: number[] = [];

  beforeAll(async () => {
    gx = (await pool.query(`SELECT id FROM parks WHERE short_name_zh = '高新区' AND review_state = 'published'`)).rows[0];
    // Two carriers of our own in the 高新区 park: a published one with an English name, a draft.
    const geom = `ST_Multi(ST_Buffer(ST_PointOnSurface((SELECT geom FROM parks WHERE id = $1)), 0.0004, 2))`;
    for (const [code, name, nameEn, state] of [
      ['SEARCH-T-1', '搜索测试厂房1号', 'Search Probe Factory 1', 'published'],
      ['SEARCH-T-2', '搜索测试草稿厂房', 'Search Probe Draft', 'draft'],
    ]) {
      const { rows: r } = await pool.query(`INSERT INTO carriers (code, kind, name, name_en, park_id, county_adcode, status, review_state, price, price_unit, floor_area_m2, geom)
        SELECT $2, 'factory', $3, $4, $1, county_adcode, 'available', $5, 9.5, '元/m²·月', 3000, ${geom} FROM parks WHERE id = $1 RETURNING id`,
      [gx.id, code, name, nameEn, state]);
      made.push(Number(r[0].id));
    }
    rows = (await pool.query<Row>(`SELECT c.id, c.name, c.code, c.kind, c.status, c.county_adcode, p.id AS park_id,
        p.name_zh AS park_zh, p.short_name_zh AS park_short, p.name_en AS park_en, a.name_zh AS county_zh, a.name_en AS county_en,
        CASE WHEN c.kind = 'land' THEN c.area_m2 ELSE coalesce(c.floor_area_m2, c.area_m2) END AS usable, c.price, c.price_unit
      FROM carriers c LEFT JOIN parks p ON p.id = c.park_id AND p.review_state = 'published'
      LEFT JOIN admin_areas a ON a.adcode = c.county_adcode
      WHERE c.review_state = 'published' AND c.status = 'available'`)).rows;
  });
  afterAll(async () => {
    await pool.query('DELETE FROM carriers WHERE id = ANY($1)', [made]);
    await pool.end();
  });

  /** Brute force: the published, available carriers whose own, park or county keys contain every word. */
  const expected = (words: string[], extraEn = false) => rows.filter((r) => words.every((w) => [
    ...keysOf(r.name), normalizeWord(r.code), ...keysOf(r.park_zh), ...keysOf(r.park_short), ...keysOf(r.county_zh),
    ...(extraEn ? [normalizeWord(r.park_en ?? ''), normalizeWord(r.county_en ?? '')] : []),
  ].some((k) => k.includes(w)))).map((r) => r.id).sort((a, b) => a - b);

  it('pinyin initials gxq find 高新区 — the park first among the places, and exactly the carriers a scan finds', async () => {
    const r = await all('q=gxq');
    expect(r.first.places[0]).toMatchObject({ type: 'park', id: String(gx.id), shortName: { zh: '高新区', en: 'Hi-tech Zone' }, href: `/parks/${gx.id}` });
    expect(r.first.places[0].name.zh).toBe('达州高新技术产业开发区');
    expect(r.ids).toEqual(expected(['gxq']));
    expect(r.total).toBe(r.ids.length);
    expect(r.total).toBeGreaterThan(5);
    for (const it of r.items) expect(it.park?.shortName.zh === '高新区' || it.name.zh.includes('高新区')).toBe(true);
    // relevance: carriers whose own name holds the word come first
    const flags = r.items.map((i) => i.nameMatch);
    expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
  });

  it('full pinyin, Chinese, the alias and the English name find the same carriers', async () => {
    // the same total and the same first 100 in code order
    const first = async (q: string) => {
      const d = await (await api(`/api/search?q=${encodeURIComponent(q)}&sort=code&limit=100`)).json();
      return { n: d.numberMatched, ids: d.items.map((i: any) => i.id) };
    };
    const base = await first('gxq');
    expect(base.n).toBe(expected(['gxq']).length);
    for (const q of ['gaoxinqu', '高新区', 'Hi-tech zone', '达州高新区']) expect(await first(q), q).toEqual(base);
    // English names of counties and parks: "Dazhu" → the carriers of 大竹县 and its park
    const dz = await all('q=Dazhu');
    expect(dz.ids).toEqual(expected(['dazhu'], true));
    expect(dz.ids.length).toBeGreaterThan(0);
    expect(dz.first.places.some((p: any) => p.type === 'county' && p.name.zh === '大竹县')).toBe(true);
  }, 120_000);

  it('several words must all match (渠县 + 厂房), and a code finds its carrier', async () => {
    const r = await all(`q=${encodeURIComponent('渠县 厂房')}`);
    expect(r.ids).toEqual(expected(['渠县', '厂房']));
    expect(r.items.every((i: any) => i.county?.name.zh === '渠县' || i.park?.name.zh.includes('渠县'))).toBe(true);
    const one = rows.find((x) => x.kind === 'office')!;
    const byCode = await all(`q=${encodeURIComponent(one.code.toLowerCase())}`);
    expect(byCode.ids).toContain(one.id);
  });

  it('our own carrier: found by Chinese, initials, full pinyin and English; the draft never', async () => {
    for (const q of ['搜索测试', 'sscs', 'sousuoceshi', 'search probe', 'SEARCH-T']) {
      const r = await all(`q=${encodeURIComponent(q)}`);
      expect(r.ids, q).toEqual([made[0]]);
      expect(r.items[0].name).toEqual({ zh: '搜索测试厂房1号', en: 'Search Probe Factory 1' });
      expect(r.items[0].links).toEqual({ park: `/parks/${gx.id}`, enquiry: `/parks/${gx.id}?carrier=${made[0]}#enquire` });
    }
    // a rename goes through the trigger: the old name is gone, the new one found
    await pool.query(`UPDATE carriers SET name = '寻址探针厂房' WHERE id = $1`, [made[0]]);
    expect((await all(`q=${encodeURIComponent('搜索测试')}`)).ids).toEqual([]);
    expect((await all('q=xztz')).ids).toEqual([made[0]]);
    await pool.query(`UPDATE carriers SET name = '搜索测试厂房1号' WHERE id = $1`, [made[0]]);
  });

  it('the finder table follows publishing, withdrawing, status changes and deletes (statement triggers of 013)', async () => {
    const probe = `q=${encodeURIComponent('搜索测试')}`;
    await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [made[1]]);
    expect((await all(probe)).ids).toEqual([...made].sort((a, b) => a - b));
    await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [made[1]]);
    expect((await all(probe)).ids).toEqual([made[0]]);
    await pool.query(`UPDATE carriers SET status = 'reserved' WHERE id = $1`, [made[0]]);
    expect((await all(probe)).ids).toEqual([]);
    expect((await all(`${probe}&status=reserved`)).ids).toEqual([made[0]]);
    await pool.query(`UPDATE carriers SET status = 'available' WHERE id = $1`, [made[0]]);
    const { rows: r } = await pool.query(`INSERT INTO carriers (code, kind, name, park_id, county_adcode, status, review_state, geom)
      SELECT 'SEARCH-T-3', 'land', '搜索测试删除地块', park_id, county_adcode, 'available', 'published', geom FROM carriers WHERE id = $1 RETURNING id`, [made[0]]);
    expect((await all(probe)).ids).toEqual([made[0], Number(r[0].id)].sort((a, b) => a - b));
    await pool.query('DELETE FROM carriers WHERE id = $1', [r[0].id]);
    expect((await all(probe)).ids).toEqual([made[0]]);
    // one row per published carrier, with its current columns
    const { rows: off } = await pool.query(`SELECT
        (SELECT count(*)::int FROM carriers WHERE review_state = 'published') AS published,
        (SELECT count(*)::int FROM carrier_search) AS rows,
        (SELECT count(*)::int FROM carriers c JOIN carrier_search s ON s.id = c.id
          WHERE c.review_state = 'published' AND (s.kind, s.status, s.code, s.park_id, s.price) IS NOT DISTINCT FROM (c.kind, c.status, c.code, c.park_id, c.price)) AS same`);
    expect(off[0].rows).toBe(off[0].published);
    expect(off[0].same).toBe(off[0].published);
  });

  it('answers carry nothing internal', async () => {
    const text = await (await api(`/api/search?q=${encodeURIComponent('搜索测试')}`)).text();
    for (const f of ['review_state', 'reviewState', 'batch', 'search_doc', 'source', 'importer', 'created_by', '草稿', 'draft']) {
      expect(text, f).not.toContain(f);
    }
  });

  it('filters: kind and county, status, industry', async () => {
    const qx = rows.filter((r) => r.kind === 'factory' && r.county_adcode === '511725').map((r) => r.id).sort((a, b) => a - b);
    const r = await all('type=factory&county=511725');
    expect(r.ids).toEqual(qx);
    expect(r.first.facets.type).toEqual({ land: 0, factory: qx.length, office: 0 });
    expect(r.first.facets.county).toEqual([{ adcode: '511725', name: { zh: '渠县', en: 'Qu County' }, count: qx.length }]);
    const reserved = (await pool.query(`SELECT count(*)::int AS n FROM carriers WHERE review_state = 'published' AND status = 'reserved'`)).rows[0].n;
    expect((await (await api('/api/search?status=reserved&limit=1')).json()).numberMatched).toBe(reserved);
    const ind = (await pool.query(`SELECT count(*)::int AS n FROM carriers WHERE review_state = 'published' AND status = 'available' AND '电子信息' = ANY(allowed_industries)`)).rows[0].n;
    expect((await (await api(`/api/search?industry=${encodeURIComponent('电子信息')}&limit=1`)).json()).numberMatched).toBe(ind);
  });

  it('area in 亩 or m² selects the same carriers; prices stay within their unit', async () => {
    const mu = await all('type=land&areaMin=10&areaMax=30&areaUnit=mu');
    const m2 = await all(`type=land&areaMin=${10 * 2000 / 3}&areaMax=${30 * 2000 / 3}`);
    expect(mu.ids).toEqual(m2.ids);
    expect(mu.ids).toEqual(rows.filter((r) => r.kind === 'land' && r.usable >= 10 * 2000 / 3 - 1e-6 && r.usable <= 30 * 2000 / 3 + 1e-6).map((r) => r.id).sort((a, b) => a - b));
    for (const it of mu.items) expect(it.areaMu).toBeGreaterThanOrEqual(9.99);
    const rent = await all(`priceUnit=${encodeURIComponent('元/m²·月')}&priceMax=10&sort=price`);
    expect(rent.ids).toEqual(rows.filter((r) => r.price_unit === '元/m²·月' && r.price! <= 10).map((r) => r.id).sort((a, b) => a - b));
    expect(rent.items.every((i: any) => i.priceUnit === '元/m²·月' && i.price <= 10)).toBe(true);
    const prices = rent.items.map((i: any) => i.price);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const land = await all(`priceUnit=${encodeURIComponent('万元/亩')}&priceMin=25`);
    expect(land.items.every((i: any) => i.priceUnit === '万元/亩' && i.price >= 25 && i.kind === 'land')).toBe(true);
  });

  it('normalises words exactly as the database does', async () => {
    for (const s of ['ＤＺ－GX l 001', 'Hi-Tech Zone', '渠县 A-3', 'ÄÖü 绿色', '(高新区)']) {
      const { rows: r } = await pool.query('SELECT search_norm($1) AS n', [s]);
      expect(normalizeWord(s), s).toBe(r[0].n);
    }
  });

  it('the in-memory finder answers exactly as the SQL statement: words, filters, orders, paging, and after an edit', async () => {
    const sql = new SearchService(new SearchRepository(pool));
    // The server answers from the candidate table once it is loaded (started by its first request).
    const fromServer = async (query: string) => {
      const res = await api(`/api/search?${query}`);
      expect(res.status, query).toBe(200);
      return { source: res.headers.get('x-search-source'), body: await res.json() };
    };
    for (let tries = 0; (await fromServer('q=gxq')).source !== 'table'; tries++) {
      expect(tries, 'the candidate table answers within 30 s').toBeLessThan(60);
      await new Promise((r) => setTimeout(r, 500));
    }
    const e = encodeURIComponent;
    const same = async (query: string) => {
      const server = await fromServer(query);
      const p = new URLSearchParams(query);
      const list = (k: string) => p.get(k)?.split(',');
      const num = (k: string) => (p.get(k) === null ? undefined : Number(p.get(k)));
      const reference = await sql.answer({
        q: p.get('q') ?? undefined, type: list('type'), status: list('status'), county: list('county'), park: list('park')?.map(Number),
        areaMin: num('areaMin'), areaMax: num('areaMax'), areaUnit: (p.get('areaUnit') as 'mu' | 'm2') ?? 'm2',
        priceUnit: p.get('priceUnit') ?? undefined, priceMin: num('priceMin'), priceMax: num('priceMax'), industry: list('industry'),
        sort: (p.get('sort') as any) ?? 'relevance', limit: num('limit') ?? 20, offset: num('offset') ?? 0,
      });
      expect(reference.source).toBe('sql');
      expect(server.source, query).toBe('table');
      expect(server.body, query).toEqual(JSON.parse(JSON.stringify(reference.result)));
      return server.body;
    };
    await same('q=gxq&limit=30');
    await same(`q=${e('渠县 厂房')}&limit=5&offset=3`);
    await same('q=Qu%20County&sort=code&limit=7&offset=2');
    await same('type=factory&county=511725&sort=code&limit=50');
    await same(`q=gaoxinqu&type=land&areaMin=5&areaUnit=mu&sort=-area&limit=9&offset=4`);
    await same(`priceUnit=${e('元/m²·月')}&priceMax=10&sort=price`);
    await same(`priceUnit=${e('万元/亩')}&priceMin=20&sort=-price&status=available,reserved`);
    await same(`industry=${e('电子信息')},${e('新材料')}&sort=area&limit=3&offset=1`);
    await same(`q=${e('厂')}&status=reserved,occupied`);
    await same('q=gxq&offset=10000');
    // An edit: publishing the draft adds it to the next answer, withdrawing it takes it out again.
    const probe = `q=${e('搜索测试')}&sort=code`;
    expect((await same(probe)).items.map((i: any) => i.id)).toEqual([made[0]]);
    await pool.query(`UPDATE carriers SET review_state = 'published' WHERE id = $1`, [made[1]]);
    expect((await same(probe)).items.map((i: any) => i.id)).toEqual([...made].sort((a, b) => a - b));
    await pool.query(`UPDATE carriers SET review_state = 'draft' WHERE id = $1`, [made[1]]);
    expect((await same(probe)).items.map((i: any) => i.id)).toEqual([made[0]]);
    // The database orders text by code point (C / C.UTF-8), as the table does.
    expect(await new SearchRepository(pool).ordersByCodePoint()).toBe(true);
    expect(['a', 'B', '\u{20000}', '\ue000', '高'].sort(compareCodePoints)).toEqual(['B', 'a', '高', '\ue000', '\u{20000}']);
  }, 60_000);

  it('bad parameters are a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['type=house', 'type'], ['limit=0', 'limit'], ['limit=500', 'limit'], ['county=12', 'county'], ['areaMin=-1', 'areaMin'],
      ['areaUnit=acre', 'areaUnit'], ['priceMin=5', 'priceUnit'], [`priceUnit=${encodeURIComponent('元/亩')}`, 'priceUnit'],
      ['areaMin=20&areaMax=10', 'areaMax'], ['sort=price', 'sort'], ['park=x', 'park'], ['colour=red', 'colour'],
      [`q=${'a '.repeat(8)}${encodeURIComponent('一 二 三 四 五 六 七')}`, 'q'],
    ];
    for (const [query, name] of cases) {
      const res = await api(`/api/search?${query}`);
      expect(res.status, query).toBe(400);
      const body = await res.json();
      // the parameter (or an item of it: "type[0]") is named in the message and the details
      expect(body.error.parameter, query).toMatch(new RegExp(`^${name}(\\[\\d+\\])?$`));
      expect(body.error.message, query).toContain(`"${body.error.parameter}"`);
    }
  });
});
