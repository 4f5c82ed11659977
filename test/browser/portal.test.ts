/**
 * The investor's path in real Chromium, on a phone (390×844, Chinese) and a desktop (English):
 * landing page (painted without maplibre) → pinyin search "qx" → the 渠县 park's cloud card →
 * factories tab → "I'm interested" on a factory → enquiry sent with a reference number → the
 * enquiry is in an officer's inbox and not readable by the public. On the card: the QR code
 * decodes (jsQR) to the card's URL, the map loads maplibre only when scrolled to, and printing to
 * PDF gives two A4 pages whose text (pdftotext) holds the park, its phone and its sites.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import jsQR from 'jsqr';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, userWithRole } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: the browser half of this file runs on the embedded engine (the bare-machine default); its
 * server side is tested on both engines by the API tests (test/*.test.ts), so it is skipped when the
 * suite runs on DATABASE_URL, like every file in test/browser/.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';

const RUNS = [
  { name: 'phone-zh', lang: 'zh' as const, viewport: { width: 390, height: 844 } },
  { name: 'desktop-en', lang: 'en' as const, viewport: { width: 1280, height: 800 } },
];

describe.runIf(enabled)('investor portal in Chromium', () => {
  let officer: string;
  const references: Record<string, string> = {};

  beforeAll(async () => {
    officer = await userWithRole('officer');
  });

  for (const run of RUNS) {
    describe(run.name, () => {
      let context: BrowserContext;
      let page: Page;
      const requests: string[] = [];
      const errors: string[] = [];
      const shot = (n: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `portal-${n}-${run.name}.png`) });
      const q = run.lang === 'en' ? '?lang=en' : '';

      beforeAll(async () => {
        context = await launch(run.viewport);
        page = await context.newPage();
        page.on('request', (r) => requests.push(r.url()));
        page.on('pageerror', (e) => errors.push(String(e)));
      }, 60_000);
      afterAll(async () => {
        await context?.close();
      });

      it('landing: live figures, no map library, pinyin search finds the 渠县 park, one tap opens its card', async () => {
        await page.goto(`${baseUrl()}/${q}`, { waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).__portal?.ready);
        expect(requests.filter((u) => /maplibre|deckgl/.test(u))).toEqual([]);
        const figures = await page.locator('.pt-fig b').allTextContents();
        expect(figures[0]).toBe('7');
        // The demo's policies and featured projects in force today.
        expect(await page.locator('#policies .pt-policy').count()).toBeGreaterThanOrEqual(4);
        expect(await page.locator('#policies .pt-policy-project').count()).toBeGreaterThanOrEqual(1);
        // In English an entry without an English text shows its Chinese, marked as such.
        if (run.lang === 'en') expect(await page.locator('#policies .pt-fallback').first().textContent()).toBe('(in Chinese)');
        else expect(await page.locator('#policies .pt-fallback').count()).toBe(0);
        await shot('landing');
        await page.locator('#policies').scrollIntoViewIfNeeded();
        await shot('landing-policies');
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.fill('#portal-search', 'qx');
        const visible = await page.locator('#park-directory > .pt-park:visible h3').allTextContents();
        expect(visible).toEqual([run.lang === 'zh' ? '渠县经济开发区' : 'Qu County Economic Development Zone']);
        expect(page.url()).toContain('q=qx');
        await shot('landing-search');
        await page.locator('#park-directory > .pt-park:visible a').click();
        await page.waitForFunction(() => (window as any).__portal?.ready && document.querySelector('#park-card'));
        expect(page.url()).toMatch(new RegExp(`/parks/\\d+${q.replace('?', '\\?')}$`));
        expect(await page.locator('meta[property="og:image"]').getAttribute('content')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
        expect(requests.filter((u) => /maplibre/.test(u))).toEqual([]);
        await shot('card');
        // The 渠县 park's card lists the project that applies to it and the city-wide policy.
        const policies = await page.locator('#park-policies .pt-policy h3').allTextContents();
        expect(policies.join(' | ')).toContain(run.lang === 'zh' ? '渠县黄花精深加工产业园招商项目' : 'Qu County daylily deep-processing park');
        expect(policies.join(' | ')).toContain(run.lang === 'zh' ? '标准地' : 'standard land');
        await page.locator('#park-policies').scrollIntoViewIfNeeded();
        await shot('card-policies');
        await page.evaluate(() => window.scrollTo(0, 0));
        const href = (await page.locator('#park-policies .pt-policy-project h3 a').first().getAttribute('href'))!;
        const policyPage = await context.newPage();
        await policyPage.goto(`${baseUrl()}${href}`, { waitUntil: 'load' });
        expect(await policyPage.locator('.pt-policy-body strong').first().textContent()).toBe(run.lang === 'zh' ? '项目概况：' : 'The project:');
        await policyPage.screenshot({ path: path.join(SCREENSHOT_DIR, `portal-policy-${run.name}.png`), fullPage: true });
        await policyPage.close();
        // Site names in the reader's language, or the Chinese one marked when there is no English name.
        if (run.lang === 'en') {
          const names = await page.locator('.pc-carrier h3').allTextContents();
          expect(names.some((n) => /standard factory no\. \d+|plot [A-Z]-\d+/.test(n))).toBe(true);
          expect(await page.locator('.pc-two').textContent()).toMatch(/10k CNY\/mu[\s\S]*t\/day/);
        }
      });

      it('card: factories tab → "I\'m interested" → enquiry sent with a reference', async () => {
        await page.click('#carrier-tabs .pc-tab[data-kind="factory"]');
        const factory = page.locator('.pc-carrier[data-kind="factory"]:visible').first();
        expect(await page.locator('.pc-carrier[data-kind="land"]:visible').count()).toBe(0);
        const code = (await factory.locator('h3 small').textContent())!;
        await factory.locator('a.interest').click();
        await expect.poll(() => page.locator('#enquiry-about').textContent()).toContain(code);
        // a bad submission first: the fields are marked in the page's language
        await page.click('#enquiry-submit');
        await page.locator('[data-error-for="company"]:visible').waitFor();
        expect(await page.locator('[data-error-for="company"]').textContent()).toBe(run.lang === 'zh' ? '必填' : 'is required');
        await page.fill('input[name="company"]', run.lang === 'zh' ? '渠县测试食品有限公司' : 'Test Foods Ltd');
        await page.fill('input[name="contactPerson"]', run.lang === 'zh' ? '李先生' : 'Ms Lee');
        await page.fill('input[name="phone"]', '13900139000');
        await page.fill('textarea[name="message"]', `browser ${run.name} ${code}`);
        await shot('enquiry-form');
        await page.click('#enquiry-submit');
        await page.locator('#enquiry-reference').waitFor();
        references[run.name] = (await page.locator('#enquiry-reference').textContent())!;
        expect(references[run.name]).toMatch(/^DZ-\d{6}-[0-9A-Z]{6}$/);
        await shot('enquiry-sent');
      });

      it('card: the QR code decodes to the card URL; the map loads maplibre when scrolled to', async () => {
        const qr = page.locator('#park-qr svg');
        await qr.scrollIntoViewIfNeeded();
        const png = await qr.screenshot();
        const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        const decoded = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
        expect(decoded?.data).toBe(page.url().replace(/#.*$/, ''));
        await page.locator('#park-map').scrollIntoViewIfNeeded();
        await page.waitForFunction(() => (window as any).__portal.mapLoaded || (window as any).__portal.mapError, null, { timeout: 30_000 });
        expect(await page.evaluate(() => (window as any).__portal.mapError)).toBeNull();
        expect(requests.some((u) => /maplibre/.test(u))).toBe(true);
        await shot('card-map');
      });

      it('card: printed to PDF it is two A4 pages with the park, its phone and its sites', async () => {
        const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
        const file = path.join(os.tmpdir(), `portal-card-${run.name}-${process.pid}.pdf`);
        fs.writeFileSync(file, pdf);
        fs.copyFileSync(file, path.join(SCREENSHOT_DIR, `portal-card-${run.name}.pdf`));
        const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
        expect(info).toMatch(/Pages:\s+2\n/);
        expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
        const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
        fs.rmSync(file);
        const title = (await page.locator('.pc-title h1').textContent())!;
        const phone = (await page.locator('.pc-tel').textContent())!;
        expect(text).toContain(title);
        expect(text).toContain(phone);
        expect(text).toContain(run.lang === 'zh' ? '可招商载体' : 'Available sites');
        const firstCode = (await page.locator('.pc-carrier h3 small').first().textContent())!;
        expect(text).toContain(firstCode);
        expect(text).not.toContain(run.lang === 'zh' ? '提交意向' : 'Send enquiry');
        expect(errors).toEqual([]);
      });
    });
  }

  it('the enquiries are in the officer inbox and not readable by the public', async () => {
    expect(Object.keys(references)).toHaveLength(RUNS.length);
    const context = await launch({ width: 1280, height: 800 });
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl()}/enquiries.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).__inbox?.ready);
      expect(await page.locator('#inbox-signin').count()).toBe(1);
      expect(await page.evaluate(async () => (await fetch('/api/enquiries')).status)).toBe(401);
      const [name, value] = officer.split('=');
      await context.addCookies([{ name, value, url: baseUrl() }]);
      await page.goto(`${baseUrl()}/enquiries.html?status=new`, { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).__inbox?.ready);
      for (const ref of Object.values(references)) expect(await page.locator(`.inbox-item[data-reference="${ref}"]`).count()).toBe(1);
      await page.locator(`.inbox-item[data-reference="${references['phone-zh']}"] button`).click();
      await page.locator('#enquiry-message').waitFor();
      expect(await page.locator('#enquiry-message').textContent()).toMatch(/^browser phone-zh /);
      await page.selectOption('#enquiry-update select[name="status"]', 'contacted');
      await page.fill('#enquiry-update textarea[name="note"]', '已电话联系');
      await page.click('#enquiry-update button[type="submit"]');
      await expect.poll(() => page.locator('.inbox-history li').count()).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'portal-inbox-desktop-zh.png') });
    } finally {
      await context.close();
    }
    const anon = await api('/api/enquiries');
    expect(anon.status).toBe(401);
  });

  it('staff write a policy on /policies.html, a reviewer publishes it, the public landing shows it (phone)', async () => {
    const [staff, reviewer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer')]);
    const context = await launch({ width: 390, height: 844 });
    try {
      const page = await context.newPage();
      const as = async (cookie: string) => {
        await context.clearCookies();
        const [name, value] = cookie.split('=');
        await context.addCookies([{ name, value, url: baseUrl() }]);
        await page.goto(`${baseUrl()}/policies.html`, { waitUntil: 'load' });
        await page.waitForFunction(() => (window as any).__policies?.ready);
      };
      await as(staff);
      await page.click('#policy-new');
      await page.fill('#policy-form input[name="titleZh"]', '浏览器测试：人才公寓拎包入住');
      await page.fill('#policy-form input[name="titleEn"]', 'Browser test: furnished apartments for new staff');
      await page.fill('#policy-form textarea[name="bodyZh"]', '新落地企业员工可**免租入住** 1 年。<script>window.__xss = 1</script>');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'portal-policies-admin-phone-zh.png'), fullPage: true });
      await page.click('#policy-save');
      await expect.poll(() => page.locator('#policy-state').textContent()).toContain('草稿');
      expect(await page.locator('#policy-preview strong').textContent()).toBe('免租入住');
      expect(await page.locator('#policy-preview script').count()).toBe(0);
      expect(await page.locator('#policy-review').count()).toBe(0); // staff do not publish
      await as(reviewer);
      await page.locator('#policy-list li', { hasText: '浏览器测试：人才公寓拎包入住' }).locator('button').click();
      await page.click('#policy-publish');
      await expect.poll(() => page.locator('#policy-state').textContent()).toContain('已发布');
      await context.clearCookies();
      await page.goto(`${baseUrl()}/`, { waitUntil: 'load' });
      expect(await page.locator('#policies .pt-policy h3', { hasText: '浏览器测试：人才公寓拎包入住' }).count()).toBe(1);
      expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
