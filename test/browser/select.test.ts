/**
 * The site-selection page in real headless Chromium against the test server: an officer signs in
 * on the page, runs a brief, reads the ranked results and their score explanations, shortlists 3
 * sites for a named client and creates a share link; a fresh signed-out browser opens the link and
 * sees those sites, drawn over a published orthophoto around the plots (a small magenta GeoTIFF made
 * with gdal_translate, uploaded and published through the API); the proposal prints to an A4 PDF
 * with a cover page and one page per site.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, signIn, TEST_ADMIN, userWithRole } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: the browser half of this file runs on the embedded engine (the bare-machine default); its
 * server side is tested on both engines by the API tests (test/*.test.ts), so it is skipped when the
 * suite runs on DATABASE_URL, like every file in test/browser/.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';
const CLIENT = '成都芯联电子科技有限公司';
const shot = (name: string) => path.join(SCREENSHOT_DIR, `select-${name}.png`);

/** Whether poppler's pdftotext is installed (CI installs poppler-utils). */
function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('pdftotext not found; .ci/run installs poppler-utils');
    return false;
  }
}

describe.runIf(enabled)('site selection in Chromium', () => {
  let officer: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const external: string[] = [];
  const officerLogin = { username: `officer-ui-${Date.now().toString(36)}`, password: 'officer-ui-secret' };
  let shareUrl = '';
  let pickedNames: string[] = [];
  let imageryId = 0;

  const watch = (p: Page) => {
    p.on('pageerror', (e) => errors.push(String(e)));
    // The deliberate wrong password is the one 401 the browser reports.
    p.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) errors.push(m.text()); });
    p.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !u.protocol.startsWith('data') && !u.protocol.startsWith('blob')) external.push(r.url());
    });
  };

  const ready = async (p: Page) => {
    await p.waitForFunction(() => (window as any).__select?.ready, null, { timeout: 60_000 });
    await p.evaluate(() => (window as any).__select.ready);
  };

  beforeAll(async () => {
    const admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ ...officerLogin, role: 'officer' }) });
    expect(res.status).toBe(201);
    officer = await launch();
    page = await officer.newPage();
    watch(page);
  }, 120_000);

  afterAll(async () => {
    await officer?.close();
    // Back to draft: the magenta test picture stays out of the public maps of the files that follow.
    if (imageryId) await api(`/api/imagery/${imageryId}/review`, { method: 'POST', cookie: await userWithRole('reviewer'), body: JSON.stringify({ state: 'draft' }) });
  });

  it('asks for an officer sign-in on the page and signs in', async () => {
    await page.goto(baseUrl() + '/select.html', { waitUntil: 'load' });
    await ready(page);
    await page.waitForSelector('#select-sign-in', { state: 'visible' });
    await page.screenshot({ path: shot('sign-in') });
    await page.fill('#select-sign-in input[name=username]', officerLogin.username);
    await page.fill('#select-sign-in input[name=password]', 'wrong-password');
    await page.click('#select-sign-in button[type=submit]');
    await page.waitForSelector('#select-sign-in .error:not([hidden])');
    expect(await page.textContent('#select-sign-in .error')).toMatch(/错误|Wrong/);
    await page.fill('#select-sign-in input[name=password]', officerLogin.password);
    await page.click('#select-sign-in button[type=submit]');
    await page.waitForSelector('#results .result', { timeout: 60_000 });
    expect(await page.textContent('.select-bar .user-name')).toBe(officerLogin.username);
  }, 120_000);

  it('runs a brief and shows ranked results with score explanations, numbered on the map', async () => {
    await page.fill('#brief-form input[name=areaMin]', '20');
    await page.fill('#brief-form input[name=w_price]', '50');
    await page.fill('#brief-form input[name=w_area]', '10');
    expect(await page.textContent('.weight-sum')).toContain('100%');
    const before = await page.textContent('#results .matched');
    await page.click('#run-brief');
    await page.waitForFunction((b) => document.querySelector('#results .matched')?.textContent !== b
      && !(document.querySelector('#run-brief') as HTMLButtonElement).disabled, before, { timeout: 30_000 });

    const cards = await page.$$eval('#results .result', (els) => els.map((el) => ({
      rank: Number(el.querySelector('.rank')!.textContent),
      name: el.querySelector('.name')!.textContent!,
      score: Number(el.querySelector('.score strong')!.textContent!.replace(/,/g, '')),
    })));
    expect(cards.length).toBeGreaterThanOrEqual(3);
    expect(cards.map((c) => c.rank)).toEqual(cards.map((_, i) => i + 1));
    for (let i = 1; i < cards.length; i++) expect(cards[i].score).toBeLessThanOrEqual(cards[i - 1].score);

    // The explanation of the best site: every weighted criterion with its score × weight.
    await page.click('#results .result:first-child .explain summary');
    const rows = await page.$$eval('#results .result:first-child .explain tbody tr', (trs) => trs.map((tr) => tr.textContent!));
    expect(rows.some((r) => /价格/.test(r) && /× 50%/.test(r))).toBe(true);
    expect(rows.some((r) => /面积/.test(r) && /✓/.test(r))).toBe(true); // area is also a hard constraint
    expect(rows.some((r) => /学校/.test(r) && /× 20%/.test(r) && /\d (m|km)/.test(r))).toBe(true);

    // One numbered marker per result on the map; clicking a name outlines that site.
    const markers = await page.$$eval('.rank-marker', (els) => els.map((e) => e.textContent));
    expect(markers).toHaveLength(cards.length);
    await page.click('#results .result:first-child .name');
    await page.waitForSelector('#results .result.focused');
    await page.evaluate(() => (window as any).__select.idle());
    const outlined = await page.evaluate(() => (window as any).__select.map.getFilter('results-focus'));
    expect(JSON.stringify(outlined)).toContain(String(await page.getAttribute('#results .result:first-child', 'data-id')));
    await page.screenshot({ path: shot('results') });
  }, 120_000);

  it('compares up to 4 sites side by side', async () => {
    const boxes = page.locator('#results input[name=compare]');
    for (let i = 0; i < 5; i++) await boxes.nth(i).click();
    expect(await page.isVisible('#compare')).toBe(true);
    expect(await page.$$eval('#compare thead th', (ths) => ths.length)).toBe(1 + 4); // the fifth was refused
    expect(await boxes.nth(4).isChecked()).toBe(false);
    await page.screenshot({ path: shot('compare') });
    await page.click('#compare .text-button');
    expect(await page.isVisible('#compare')).toBe(false);
  });

  it('saves a shortlist of 3 sites for a named client and creates a share link', async () => {
    const picks = page.locator('#results button[name=pick]');
    for (let i = 0; i < 3; i++) await picks.nth(i).click();
    pickedNames = await page.$$eval('#results .result', (els) => els.slice(0, 3).map((el) => el.querySelector('.name')!.textContent!));
    expect(await page.$$eval('#shortlist .picked-list li span', (s) => s.map((x) => x.textContent))).toEqual(pickedNames);
    await page.fill('#client-name', CLIENT);
    await page.click('#save-shortlist');
    await page.waitForSelector('#share-out .ok');
    expect(await page.textContent('#share-out .ok')).toContain(CLIENT);
    await page.click('#create-share');
    await page.waitForSelector('#share-url');
    shareUrl = await page.inputValue('#share-url');
    expect(shareUrl).toMatch(/\/select\.html#shared=[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: shot('shared-link') });
  }, 60_000);

  it('publishes a small orthophoto around the shortlisted plots', async () => {
    const token = shareUrl.split('#shared=')[1];
    const shared = await (await api(`/api/shared/${token}`)).json() as { sites: { geometry: { coordinates: unknown } }[] };
    const xy = (c: unknown): number[][] => (typeof (c as unknown[])[0] === 'number' ? [c as number[]] : (c as unknown[]).flatMap(xy));
    const pts = shared.sites.flatMap((s) => xy(s.geometry.coordinates));
    const [w, s, e, n] = [Math.min(...pts.map((p) => p[0])) - 0.003, Math.min(...pts.map((p) => p[1])) - 0.003, Math.max(...pts.map((p) => p[0])) + 0.003, Math.max(...pts.map((p) => p[1])) + 0.003];
    // A plain magenta picture (nothing else on the map is magenta), 128×128, in WGS 84.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'select-imagery-'));
    const ppm = path.join(dir, 'magenta.ppm');
    fs.writeFileSync(ppm, Buffer.concat([Buffer.from('P6\n128 128\n255\n'), Buffer.alloc(128 * 128 * 3, Buffer.from([255, 0, 255]))]));
    const tif = path.join(dir, 'plots.tif');
    execFileSync('gdal_translate', ['-q', '-of', 'GTiff', '-a_srs', 'EPSG:4326', '-a_ullr', String(w), String(n), String(e), String(s), ppm, tif], { stdio: ['ignore', 'ignore', 'pipe'] });
    const staff = await userWithRole('staff');
    const form = new FormData();
    form.set('name', '选址影像');
    form.append('file', new Blob([fs.readFileSync(tif)]), 'plots.tif');
    const up = await api('/api/imagery', { method: 'POST', body: form, cookie: staff });
    const body = await up.json();
    expect(up.status, JSON.stringify(body)).toBe(201);
    imageryId = body.imagery.id;
    for (let i = 0; i < 300; i++) {
      const r = (await (await api(`/api/imagery/${imageryId}`, { cookie: staff })).json()).imagery;
      if (r.status !== 'processing') { expect(r.status, JSON.stringify(r.error)).toBe('ready'); break; }
      await new Promise((res) => setTimeout(res, 200));
    }
    const reviewer = await userWithRole('reviewer');
    expect((await api(`/api/imagery/${imageryId}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) })).status).toBe(200);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('opens the link signed out: the client sees the sites over the orthophoto, a map, indicators and nearby amenities', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const client = await launch(viewport);
      try {
        const p = await client.newPage();
        watch(p);
        expect((await client.cookies()).length).toBe(0);
        const tile = p.waitForResponse((r) => r.url().includes(`/tiles/imagery/${imageryId}/`) && r.status() === 200, { timeout: 60_000 });
        await p.goto(shareUrl, { waitUntil: 'load' });
        await ready(p);
        await tile;
        await p.evaluate(() => (window as any).__select.idle());
        // The orthophoto is drawn: magenta pixels on the map's canvas (under the plots and carriers).
        const magenta = await p.evaluate(() => {
          const src = document.querySelector<HTMLCanvasElement>('#proposal-map canvas')!;
          const c = document.createElement('canvas');
          c.width = src.width;
          c.height = src.height;
          const ctx = c.getContext('2d')!;
          ctx.drawImage(src, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          let k = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 80 && d[i + 2] > 200) k++;
          return k / (c.width * c.height);
        });
        expect(magenta).toBeGreaterThan(0.05);
        expect(await p.textContent('.proposal-cover .client')).toContain(CLIENT);
        const names = await p.$$eval('.proposal-site h2', (hs) => hs.map((x) => x.textContent));
        expect(names).toEqual(pickedNames);
        expect(await p.$$eval('#proposal-map .rank-marker', (m) => m.length)).toBe(3);
        const first = await p.textContent('.proposal-site');
        expect(first).toMatch(/亩/);
        expect(first).toMatch(/\d+(\.\d)? (m|km)/);
        expect(await p.$$eval('.proposal-site:first-child .nearest tr', (r) => r.length)).toBeGreaterThan(3);
        const tag = viewport.width < 500 ? 'proposal-phone' : 'proposal';
        await p.screenshot({ path: shot(tag) });
        if (viewport.width < 500) continue;

        // Print: the cover, then one A4 page per site, each naming its site.
        await p.emulateMedia({ media: 'print' });
        await p.screenshot({ path: shot('print-preview'), fullPage: true });
        const pdfPath = path.resolve('test-results', 'select-proposal.pdf');
        await p.pdf({ path: pdfPath, format: 'A4' });
        const pdf = fs.readFileSync(pdfPath);
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        if (!hasPdftotext()) {
          console.warn('pdftotext (poppler-utils) not installed: page count and text of the proposal PDF not checked');
          continue;
        }
        const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
        const pages = text.split('\f').filter((pg) => pg.trim() !== '');
        expect(pages).toHaveLength(1 + pickedNames.length);
        expect(pages[0]).toContain(CLIENT);
        pickedNames.forEach((name, i) => {
          expect(pages[0]).toContain(name); // the cover lists every site
          expect(pages[i + 1]).toContain(name); // and each has a page of its own
        });
      } finally {
        await client.close();
      }
    }
  }, 180_000);

  it('loads nothing from outside this server and logs no errors', () => {
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
