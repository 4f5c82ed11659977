/**
 * The site finder in Chromium on a phone (390×844, Chinese): typing `gxq` lists sites of 高新区
 * (达州高新技术产业开发区) and draws them on the map; the search, a type chip and the selected site
 * are in the URL and come back on reload; hovering a list item highlights it on the map and a
 * tapped item is selected in both; the landing page's search box links to the finder with its words. Screenshots: phone and desktop, Chinese and English.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { baseUrl } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: the browser half of this file runs on the embedded engine (the bare-machine default); its
 * server side is tested on both engines by the API tests (test/*.test.ts), so it is skipped when the
 * suite runs on DATABASE_URL, like every file in test/browser/.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';

describe.runIf(enabled)('site finder in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const ready = () => page.waitForFunction(() => window.__find?.ready === true, null, { timeout: 60_000 });

  beforeAll(async () => {
    context = await launch({ width: 390, height: 844 });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
  }, 60_000);
  afterAll(async () => {
    await context?.close();
  });

  it('typing gxq finds 高新区 sites, and the URL brings the search back after a reload', async () => {
    await page.goto(`${baseUrl()}/find.html`);
    await ready();
    const before = await page.evaluate(() => window.__find.searches);
    await page.locator('#find-q').pressSequentially('gxq', { delay: 60 });
    await page.waitForFunction((n) => window.__find.searches > n && window.__find.state().q === 'gxq' && (window.__find.answer()?.numberMatched ?? 0) > 0
      && document.querySelector('#find-results .fd-item') !== null, before, { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('q')).toBe('gxq');
    const places = await page.locator('#find-places .fd-place-park').allTextContents();
    expect(places[0]).toContain('高新区');
    const where = await page.locator('#find-results .fd-item .fd-where').allTextContents();
    expect(where.length).toBeGreaterThan(0);
    for (const w of where) expect(w).toContain('高新区');
    // drawn on the map: the page's features are in the results source
    const drawn = await page.evaluate(() => window.__find.map.querySourceFeatures('find-results').length);
    expect(drawn).toBeGreaterThan(0);

    // a type chip narrows to factories; tapping a site selects it in the list and on the map
    await page.locator('#find-types [data-kind="factory"]').click();
    await page.waitForFunction(() => window.__find.state().type === 'factory' && window.__find.answer()!.items.every((i) => i.kind === 'factory'));
    await page.waitForSelector('#find-results .fd-item');
    const first = page.locator('#find-results .fd-item').first();
    const id = await first.getAttribute('data-id');
    await first.locator('h3').click();
    await page.waitForFunction((sel) => new URL(location.href).searchParams.get('sel') === sel, id);
    expect(await first.getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate((sel) => window.__find.map.getFeatureState({ source: 'find-results', id: Number(sel) }).selected, id)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'find-phone-zh.png') });

    await page.reload();
    await ready();
    await page.waitForFunction(() => (window.__find.answer()?.items.length ?? 0) > 0);
    expect(await page.locator('#find-q').inputValue()).toBe('gxq');
    expect(await page.locator('#find-types [data-kind="factory"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator(`#find-results .fd-item[data-id="${id}"]`).getAttribute('aria-selected')).toBe('true');
    // every result links to its park card and to the enquiry form
    const links = await page.locator('#find-results .fd-item').first().locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
    expect(links.some((h) => /^\/parks\/\d+$/.test(h!))).toBe(true);
    expect(links.some((h) => /^\/parks\/\d+\?carrier=\d+#enquire$/.test(h!))).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);

  it("the landing page's search box leads to the finder with its words", async () => {
    await page.goto(`${baseUrl()}/`);
    await page.locator('#portal-search').pressSequentially('gxq', { delay: 40 });
    const link = page.locator('#portal-find-link');
    expect(await link.getAttribute('href')).toBe('/find.html?q=gxq');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'find-landing-link-phone-zh.png') });
    await link.click();
    await ready();
    expect(await page.locator('#find-q').inputValue()).toBe('gxq');
    await page.waitForFunction(() => (window.__find.answer()?.numberMatched ?? 0) > 0);
  }, 120_000);

  it('looks right on a phone in English and on a desktop in both languages', async () => {
    await page.goto(`${baseUrl()}/find.html?q=gxq&lang=en`);
    await ready();
    await page.waitForFunction(() => (window.__find.answer()?.items.length ?? 0) > 0);
    expect(await page.locator('#find-summary').textContent()).toMatch(/available sites/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'find-phone-en.png') });
    for (const lang of ['zh', 'en'] as const) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${baseUrl()}/find.html?q=${encodeURIComponent('渠县')}&type=factory${lang === 'en' ? '&lang=en' : ''}`);
      await ready();
      await page.waitForFunction(() => (window.__find.answer()?.items.length ?? 0) > 0);
      await page.locator('#find-results .fd-item').nth(1).hover();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `find-desktop-${lang}.png`) });
    }
    expect(errors).toEqual([]);
  }, 180_000);
});
