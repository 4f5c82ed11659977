/**
 * Editing in real Chromium: staff edit a parcel's price and drag a corner of its outline in the
 * map's edit mode; the public (API, anonymous tile, details panel) keeps the published values until
 * a reviewer publishes the changeset in the review tab; then the new price and outline are public.
 * Screenshots of the edit UI: desktop and phone, zh and en.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type pg from 'pg';
import { PbfReader as Pbf } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { lonLatToTile } from '../../tiles/tile-math.ts';
import { api, baseUrl, testPool, userWithRole } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: what this file checks happens in the browser; the server side it drives (features, tiles,
 * edits and review, statistics) is tested on both engines by the API tests (test/*.test.ts). So it runs
 * on the embedded engine (the bare-machine default) and is skipped when the suite runs on DATABASE_URL,
 * as test/browser/three-d.test.ts, oblique.test.ts and tour.test.ts are.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';

/** A browser page on the map, signed in with `cookie` ("name=value") or anonymous. */
async function mapPage(cookie: string | null, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await launch(viewport);
  if (cookie) {
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: baseUrl() }]);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl() + '/map.html', { waitUntil: 'load' });
  await page.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
  await page.evaluate(() => (window as any).__app.ready);
  return { context, page, errors };
}

async function idle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => {
    const map = (window as any).__app.map;
    map.once('idle', () => resolve());
    map.triggerRepaint();
  }));
}

/** Price of land feature `id` in the anonymous tile at zoom 15, or undefined. */
async function tilePrice(id: string, lon: number, lat: number): Promise<unknown> {
  const [x, y] = lonLatToTile(lon, lat, 15);
  const res = await api(`/tiles/land/15/${Math.floor(x)}/${Math.floor(y)}.mvt`);
  if (res.status !== 200) return undefined;
  const layer = new VectorTile(new Pbf(new Uint8Array(await res.arrayBuffer()))).layers.land;
  for (let i = 0; i < (layer?.length ?? 0); i++) if (String(layer.feature(i).id) === id) return layer.feature(i).properties.price;
  return undefined;
}

describe.runIf(enabled)('editing in the browser', () => {
  let pool: pg.Pool;
  const open: BrowserContext[] = [];

  beforeAll(() => {
    pool = testPool();
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await pool.end();
  });

  it('staff edit a price and reshape an outline; the public sees them only after a reviewer publishes', async () => {
    const [staff, reviewer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer')]);
    const { rows: [p] } = await pool.query(
      `SELECT id::text, price::float8 AS price, ST_X(ST_PointOnSurface(geom)) lon, ST_Y(ST_PointOnSurface(geom)) lat
       FROM carriers WHERE kind = 'land' AND review_state = 'published' AND status = 'available' AND area_m2 > 20000 ORDER BY id DESC LIMIT 1 OFFSET 70`);
    const newPrice = Math.round((p.price ?? 100) + 123);
    const before = await (await api(`/api/layers/land/features/${p.id}`)).json();
    const corner0 = before.geometry.coordinates[0][0][0] as [number, number];

    // Staff: edit mode, click the parcel, change the price, drag a corner, save the draft.
    const s = await mapPage(staff);
    open.push(s.context);
    await s.page.evaluate(([lon, lat]) => (window as any).__app.map.jumpTo({ center: [lon, lat], zoom: 17 }), [p.lon, p.lat]);
    await idle(s.page);
    await s.page.click('#edit-toggle');
    const px = await s.page.evaluate(([lon, lat]) => (window as any).__app.map.project([lon, lat]), [p.lon, p.lat]);
    const box = (await s.page.locator('#map canvas').boundingBox())!;
    await s.page.mouse.click(box.x + px.x, box.y + px.y);
    await s.page.waitForSelector('#edit-price');
    expect(await s.page.inputValue('#edit-price')).toBe(p.price === null ? '' : String(p.price));
    await s.page.fill('#edit-price', String(newPrice));
    await s.page.click('#edit-reshape');
    await idle(s.page);
    const corners = await s.page.evaluate(() => (window as any).__app.edit.cornerPixels());
    const c0 = corners[0];
    await s.page.mouse.move(box.x + c0.x, box.y + c0.y);
    await s.page.mouse.down();
    await s.page.mouse.move(box.x + c0.x + 15, box.y + c0.y + 10, { steps: 5 });
    await s.page.mouse.move(box.x + c0.x + 30, box.y + c0.y + 20, { steps: 5 });
    await s.page.mouse.up();
    await s.page.waitForSelector('.edit-reshaped');
    await s.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-desktop-zh.png') });
    await s.page.click('#edit-save');
    await s.page.waitForSelector('#edit-state.draft');
    expect(await s.page.textContent('#edit-history')).toContain('编辑（草稿）');

    // The public still sees the published price and outline: API, anonymous tile, details panel.
    const draftTime = await (await api(`/api/layers/land/features/${p.id}`)).json();
    expect(draftTime.properties.price).toBe(p.price);
    expect(draftTime.geometry.coordinates[0][0][0]).toEqual(corner0);
    expect(await tilePrice(p.id, p.lon, p.lat)).toBe(p.price ?? undefined);
    const pub = await mapPage(null);
    open.push(pub.context);
    await pub.page.evaluate((id) => (window as any).__app.selectFeature('land', Number(id)), p.id);
    await pub.page.waitForFunction(() => !document.querySelector('#feature-panel .loading'));
    expect(await pub.page.textContent('#feature-panel')).not.toContain(newPrice.toLocaleString('zh-CN'));

    // English edit UI, desktop.
    await s.page.click('#lang-toggle');
    await s.page.waitForSelector('text=Save draft');
    await s.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-desktop-en.png') });

    // Reviewer: the review tab lists the changeset; publish it.
    const r = await mapPage(reviewer);
    open.push(r.context);
    await r.page.click('#edit-toggle');
    await r.page.click('#edit-tab-review');
    const cs = (await (await api('/api/changesets', { cookie: reviewer })).json()).changesets.find((c: any) => c.revisions.some((v: any) => v.featureId === p.id));
    const item = r.page.locator(`.edit-changeset[data-id="${cs.id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain(`${p.price ?? '—'} → ${newPrice}`);
    await r.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-review-desktop-zh.png') });
    await item.locator('.edit-publish').click();
    await r.page.waitForSelector(`text=修改集 ${cs.id} 已发布`);

    // Now public: API, anonymous tile and the public panel show the new price and outline.
    const after = await (await api(`/api/layers/land/features/${p.id}`)).json();
    expect(after.properties.price).toBe(newPrice);
    expect(after.geometry.coordinates[0][0][0]).not.toEqual(corner0);
    expect(await tilePrice(p.id, p.lon, p.lat)).toBe(newPrice);
    await pub.page.reload({ waitUntil: 'load' });
    await pub.page.waitForFunction(() => (window as any).__app?.ready);
    await pub.page.evaluate(() => (window as any).__app.ready);
    await pub.page.evaluate((id) => (window as any).__app.selectFeature('land', Number(id)), p.id);
    await pub.page.waitForFunction(() => !document.querySelector('#feature-panel .loading'));
    expect(await pub.page.textContent('#feature-panel')).toContain(newPrice.toLocaleString('zh-CN'));

    expect([...s.errors, ...r.errors, ...pub.errors]).toEqual([]);
  }, 85_000);

  it('fits a phone screen in zh and en (screenshots)', async () => {
    const staff = await userWithRole('staff');
    const { rows: [p] } = await pool.query(
      `SELECT id::text FROM carriers WHERE kind = 'factory' AND review_state = 'published' ORDER BY id DESC LIMIT 1 OFFSET 5`);
    const m = await mapPage(staff, { width: 390, height: 844 });
    open.push(m.context);
    await m.page.click('#edit-toggle');
    await m.page.evaluate((id) => (window as any).__app.edit.open('factories', id), p.id);
    await m.page.waitForSelector('#edit-floors');
    await m.page.selectOption('#edit-status', 'occupied');
    await m.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-phone-zh.png') });
    await m.page.click('#lang-toggle');
    await m.page.waitForSelector('text=Enterprise moved in');
    await m.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'edit-phone-en.png') });
    expect(await m.page.isVisible('.edit-occupant')).toBe(true);
    expect(m.errors).toEqual([]);
  }, 40_000);
});
