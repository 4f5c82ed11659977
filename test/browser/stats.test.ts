/**
 * The statistics dashboard in Chromium: every chart's ECharts option (read from the chart instance)
 * equals an independent computation on the demo data plus the test history (test/stats-seed.ts):
 * carriers through the features API aggregated in JS, the inventory replayed from the history,
 * enquiries from plain SELECTs. Filters redraw every chart; the XLSX export opened with exceljs
 * equals the tables; the public sees no enquiries and published figures only; phone and desktop in
 * zh and en; the large screen at 1920×1080 has no scrollbars and refreshes itself; print is A4
 * landscape.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, testPool, userWithRole } from '../helpers.ts';
import { applyFilters, carriersVia, freshnessBrute, groupSum, inventoryBrute, percentile, stdClass, type Carrier } from '../stats-brute.ts';
import { seedStatsHistory, STATS_PERIOD } from '../stats-seed.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: what this file checks happens in the browser; the server side it drives (features, tiles,
 * edits and review, statistics) is tested on both engines by the API tests (test/*.test.ts). So it runs
 * on the embedded engine (the bare-machine default) and is skipped when the suite runs on DATABASE_URL,
 * as test/browser/three-d.test.ts, oblique.test.ts and tour.test.ts are.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';
const MU = 10000 / 15;
const mu = (m2: number) => Math.round((m2 / MU) * 100) / 100;
const PERIOD = `from=${STATS_PERIOD.from}&to=${STATS_PERIOD.to}`;
const near = (a: number[], b: number[], tol = 0.05) => {
  expect(a.length, `${a} vs ${b}`).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]), `${a} vs ${b}`).toBeLessThanOrEqual(tol));
};

type Opt = { series: { id: string; data: any[] }[]; xAxis: { data: string[] }[]; yAxis: { data?: string[] }[] };
const options = (page: Page) => page.evaluate(() => {
  const s = (window as any).__stats;
  return Object.fromEntries(Object.entries(s.charts).map(([id, c]: [string, any]) => [id, JSON.parse(JSON.stringify(c.getOption()))])) as Record<string, unknown>;
}) as Promise<Record<string, Opt>>;
const ready = (page: Page, after = 0) => page.waitForFunction((n) => (window as any).__stats?.ready > n, after, { timeout: 60_000 });
const readyCount = (page: Page) => page.evaluate(() => (window as any).__stats.ready as number);
const series = (o: Opt, id: string) => o.series.find((s) => s.id === id)!.data.map((v: any) => (typeof v === 'object' && v !== null ? v.value : v));

describe.runIf(enabled)('statistics dashboard in Chromium', () => {
  let pool: pg.Pool;
  let staff: string;
  let staffCarriers: Carrier[];
  let publicCarriers: Carrier[];
  let counties: { adcode: string; name: { zh: string; en: string } }[];
  const contexts: BrowserContext[] = [];

  async function open(viewport: { width: number; height: number }, query: string, cookie?: string) {
    const context = await launch(viewport);
    contexts.push(context);
    if (cookie) {
      const [name, value] = cookie.split('=');
      await context.addCookies([{ name, value, url: baseUrl() }]);
    }
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${baseUrl()}/stats.html?${query}`);
    await ready(page);
    return { page, errors };
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `stats-${name}.png`) });

  beforeAll(async () => {
    pool = testPool();
    await seedStatsHistory(pool);
    staff = await userWithRole('staff');
    staffCarriers = await carriersVia(staff);
    publicCarriers = await carriersVia();
    counties = (await (await fetch(`${baseUrl()}/api/stats/options`)).json()).counties;
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await pool.end();
  });

  it('desktop, staff, zh: every chart equals the brute-force figures; filters redraw them; XLSX and CSV equal the tables', async () => {
    const { page, errors } = await open({ width: 1366, height: 900 }, `lang=zh&${PERIOD}`, staff);
    let o = await options(page);
    const names = counties.map((c) => c.name.zh);
    const cs = staffCarriers;

    // Status by county × type × status (counts).
    expect(o.status.xAxis[0].data).toEqual(names);
    for (const type of ['land', 'factory', 'office']) for (const st of ['available', 'reserved', 'occupied']) {
      expect(series(o.status, `${type}|${st}`)).toEqual(counties.map((c) => cs.filter((x) => x.county === c.adcode && x.kind === type && x.status === st).length));
    }
    // Available area by county and by park (亩).
    const avC = groupSum(cs.filter((c) => c.status === 'available'), (c) => c.county, (c) => c.area);
    near(series(o.availableCounty, 'area'), o.availableCounty.xAxis[0].data.map((n) => mu(avC.get(counties.find((c) => c.name.zh === n)!.adcode) ?? 0)));
    const parks = (await (await fetch(`${baseUrl()}/api/stats/options`, { headers: { cookie: staff } })).json()).parks as { id: number; name: { zh: string } }[];
    const avP = groupSum(cs.filter((c) => c.status === 'available'), (c) => String(c.park), (c) => c.area);
    near(series(o.availablePark, 'area'), o.availablePark.yAxis[0].data!.map((n) => mu(avP.get(String(parks.find((p) => p.name.zh === n)!.id)) ?? 0)));
    // Land by use × 标准地 class.
    const lands = cs.filter((c) => c.kind === 'land');
    for (const cls of ['ge300', '200to300', 'lt200', 'none']) {
      near(series(o.land, cls), o.land.xAxis[0].data.map((u) => mu(lands.filter((c) => (c.landUse ?? '—') === u && stdClass(c.intensity) === cls).reduce((a, c) => a + c.area, 0))));
    }
    // Prices: the histogram of the first unit.
    const units = [...new Set(cs.filter((c) => c.price !== null).map((c) => c.unit!))].sort();
    const ps = cs.filter((c) => c.unit === units[0] && c.price !== null).map((c) => Number(c.price)).sort((a, b) => a - b);
    const bins = Array(10).fill(0);
    for (const p of ps) bins[Math.min(9, Math.floor(((p - ps[0]) / (ps.at(-1)! - ps[0])) * 10))] += 1;
    expect(series(o.prices, 'bins')).toEqual(bins);
    expect(JSON.stringify(o.prices)).toContain(String(Math.round(percentile(ps, 0.5) * 100) / 100));
    // Parks side by side: carriers per status.
    for (const st of ['available', 'reserved', 'occupied']) {
      expect(series(o.parks, st)).toEqual(o.parks.xAxis[0].data.map((n) => cs.filter((c) => c.park === parks.find((p) => p.name.zh === n)!.id && c.status === st).length));
    }
    // Inventory over time: available area and count per type, replayed from the history.
    const months = o.inventory.xAxis[0].data;
    expect(months[0]).toBe('2026-01');
    const inv = await inventoryBrute(pool, months, true, {});
    for (const type of ['land', 'factory', 'office']) {
      near(series(o.inventory, `${type}|area`), months.map((m) => mu(inv.get(`${m}|${type}`)?.availableAreaM2 ?? 0)), 0.2);
      expect(series(o.inventory, `${type}|count`)).toEqual(months.map((m) => inv.get(`${m}|${type}`)?.availableCount ?? 0));
    }
    // Freshness: share surveyed in 6 / 12 months per county.
    const fr = await freshnessBrute(pool, cs, STATS_PERIOD.to, true);
    const share = (adcode: string, k: 'within6' | 'within12') => {
      let n = 0; let w = 0;
      for (const [key, v] of fr) if (key.startsWith(`${adcode}|`)) { n += v.count; w += v[k]; }
      return n ? Math.round((w / n) * 1000) / 10 : 0;
    };
    const frC = o.freshness.xAxis[0].data.map((n) => counties.find((c) => c.name.zh === n)!.adcode);
    expect(series(o.freshness, 'within6')).toEqual(frC.map((a) => share(a, 'within6')));
    expect(series(o.freshness, 'within12')).toEqual(frC.map((a) => share(a, 'within12')));
    // Enquiries and the funnel, from plain SELECTs.
    const { rows: enq } = await pool.query(`
      SELECT e.park_id::int AS park, to_char(e.created_at, 'YYYY-MM') AS month, e.status,
             array(SELECT v.to_status FROM enquiry_events v WHERE v.enquiry_id = e.id AND v.to_status IS NOT NULL) AS went
      FROM enquiries e WHERE e.created_at >= $1::date AND e.created_at < $2::date + 1`, [STATS_PERIOD.from, STATS_PERIOD.to]);
    const reached = (r: any, s: string[]) => s.includes(r.status) || r.went.some((x: string) => s.includes(x));
    expect(series(o.funnel, 'funnel')).toEqual([enq.length, enq.filter((r) => reached(r, ['site_visit', 'signed'])).length, enq.filter((r) => reached(r, ['signed'])).length]);
    const enqTotal = o.enquiries.series.reduce((a, s) => a + s.data.reduce((x: number, y: number) => x + y, 0), 0);
    expect(enqTotal).toBe(enq.length);
    // The county map, shaded by available area.
    expect(o.map.series[0].data.map((d: any) => [d.name, d.value])).toEqual(counties.map((c) => [c.adcode, mu(avC.get(c.adcode) ?? 0)]));
    await shot(page, 'desktop-zh');

    // Filters: 渠县, land → every chart redrawn with the filtered figures.
    let n = await readyCount(page);
    await page.selectOption('#f-county', '511725');
    await ready(page, n);
    n = await readyCount(page);
    await page.selectOption('#f-type', 'land');
    await ready(page, n);
    o = await options(page);
    const qu = applyFilters(cs, { county: ['511725'], type: ['land'] });
    expect(o.status.xAxis[0].data).toEqual(['渠县']);
    expect(series(o.status, 'land|available')).toEqual([qu.filter((c) => c.status === 'available').length]);
    near(series(o.availableCounty, 'area'), [mu(qu.filter((c) => c.status === 'available').reduce((a, c) => a + c.area, 0))]);
    const invQu = await inventoryBrute(pool, months, true, { county: ['511725'], type: ['land'] });
    expect(series(o.inventory, 'land|count')).toEqual(months.map((m) => invQu.get(`${m}|land`)?.availableCount ?? 0));
    expect(o.inventory.series.map((s) => s.id)).toEqual(['land|area', 'land|count']);

    // Table view of a chart.
    await page.locator('#card-availablePark .toggle-table').click();
    await expect.poll(() => page.locator('#card-availablePark .table-wrap tbody tr').count()).toBeGreaterThan(0);

    // Export the whole dashboard to XLSX: one sheet per chart, equal to the tables the page shows.
    const built = await page.evaluate(() => Object.fromEntries(Object.entries((window as any).__stats.built).map(([k, b]: [string, any]) => [k, b.table])));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-all-xlsx')]);
    const file = await download.path();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file!);
    const ids = Object.keys(built);
    expect(wb.worksheets.length).toBe(ids.length + 1);
    ids.forEach((id, i) => {
      const ws = wb.worksheets[i];
      const rows: unknown[][] = [];
      ws.eachRow({ includeEmpty: true }, (r) => rows.push(Array.from((r.values as unknown[]).slice(1), (v) => v ?? null)));
      const t = built[id] as { columns: string[]; rows: unknown[][] };
      expect(rows[0]).toEqual(t.columns);
      expect(rows.slice(1).map((r) => r.concat(Array(t.columns.length - r.length).fill(null)))).toEqual(t.rows);
    });
    // The status sheet's counts equal the filtered carriers.
    const statusRows = built.status.rows as [string, string, string, number][];
    expect(statusRows.reduce((a, r) => a + r[3], 0)).toBe(qu.length);
    // One chart to CSV (UTF-8 with BOM).
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#card-land .export-csv').click()]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.trim().split(/\r\n/).length).toBe(1 + (built.land as { rows: unknown[] }).rows.length);

    // Print: A4 landscape.
    const pdf = path.join(SCREENSHOT_DIR, 'stats-print.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const info = execFileSync('pdfinfo', [pdf]).toString();
    expect(info).toMatch(/Page size:\s+841\.\d+ x 59[45]\.\d+ pts \(A4\)/);
    // Cards on a two-column grid, never split: 2–4 a page (one with a long table may fill a page alone), not one a page.
    const cards = await page.locator('.card').count();
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(cards).toBeGreaterThanOrEqual(9);
    expect(pages).toBeLessThanOrEqual(Math.ceil(cards / 2) + 1);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(cards / 4));
    expect(errors).toEqual([]);
  }, 150_000); // many steps (every chart, three filter sets, XLSX, CSV, print): more than the default minute on a loaded machine

  it('desktop, public, en: published figures only, no enquiries', async () => {
    const { page, errors } = await open({ width: 1366, height: 900 }, `lang=en&${PERIOD}`);
    const o = await options(page);
    expect(o.enquiries).toBeUndefined();
    expect(o.funnel).toBeUndefined();
    const total = o.status.series.reduce((a, s) => a + s.data.reduce((x: number, y: number) => x + y, 0), 0);
    expect(total).toBe(publicCarriers.length);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM carriers WHERE review_state = 'published'`);
    expect(total).toBe(rows[0].n);
    expect(o.status.xAxis[0].data).toEqual(counties.map((c) => c.name.en));
    expect(await page.locator('#stats-scope').textContent()).toBe('Counting published data only');
    await shot(page, 'desktop-en');
    expect(errors).toEqual([]);
  });

  it('phone, zh: one column, no sideways scrolling', async () => {
    const { page, errors } = await open({ width: 390, height: 844 }, `lang=zh&${PERIOD}`, staff);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap, .print-table'))
      .map((e) => `${e.tagName}.${e.className}#${e.id} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8));
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'phone-zh');
    await page.evaluate(() => window.scrollTo(0, 1800));
    await shot(page, 'phone-zh-scrolled');
    expect(errors).toEqual([]);
  });

  it('large screen 1920×1080: dark, every chart on screen, no scrollbars, refreshes itself', async () => {
    const { page, errors } = await open({ width: 1920, height: 1080 }, `lang=zh&screen=1&refresh=5&${PERIOD}`, staff);
    const m = await page.evaluate(() => ({
      sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight, screen: document.body.classList.contains('screen'),
      bg: getComputedStyle(document.body).backgroundColor,
      cards: [...document.querySelectorAll('.card')].map((c) => { const r = c.getBoundingClientRect(); return [r.top, r.bottom, r.height]; }),
      overflow: [...document.querySelectorAll('.card, .stats-grid')].filter((e) => e.scrollHeight > e.clientHeight + 1).length,
    }));
    expect(m.screen).toBe(true);
    expect(m.bg).toBe('rgb(11, 22, 38)');
    expect([m.sw, m.sh]).toEqual([1920, 1080]);
    expect(m.cards).toHaveLength(11);
    for (const [top, bottom, height] of m.cards) { expect(top).toBeGreaterThanOrEqual(0); expect(bottom).toBeLessThanOrEqual(1080); expect(height).toBeGreaterThan(150); }
    expect(m.overflow).toBe(0);
    await shot(page, 'screen-1920');
    const n = await readyCount(page);
    await ready(page, n);
    expect(errors).toEqual([]);
  });
});
