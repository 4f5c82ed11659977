/**
 * The 3D card of the upload page in real headless Chromium (issue 13): staff upload a generated
 * three-level ContextCapture OSGB export (test/oblique-export.ts) through the card on a desktop in
 * Chinese and on a phone (390 × 844) in English, see the upload, then the background conversion,
 * then the tileset listed as a draft; bad exports show the server's message naming the file, in
 * the page's language, at once (no metadata.xml) or as the failed conversion (a corrupt .osgb); a
 * reviewer publishes the tileset from the card. Screenshots: upload-3d-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zipSync } from 'fflate';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, signIn, TEST_ADMIN } from '../helpers.ts';
import { buildObliqueExport, hasOsgconv } from '../oblique-export.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: the browser half of this file runs on the embedded engine (the bare-machine default); its
 * server side is tested on both engines by the API tests (test/*.test.ts), so it is skipped when the
 * suite runs on DATABASE_URL, like every file in test/browser/.
 */
const enabled = hasChromium() && hasOsgconv() && inject('dbEngine') !== 'postgres';

async function account(role: 'staff' | 'reviewer'): Promise<{ username: string; password: string }> {
  const admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
  const username = `${role}-3d-${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${role}-3d-secret`;
  const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username, password, role }) });
  if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${await res.text()}`);
  return { username, password };
}

describe.runIf(enabled)('3D card of the upload page in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let staff: { username: string; password: string };
  let reviewer: { username: string; password: string };
  let dir: string;
  const zips: Record<string, string> = {};
  const errors: string[] = [];
  let tilesetZh = 0;

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `upload-3d-${name}.png`), fullPage: true });
  const panel = '#three-d-panel';

  async function signInThroughPage(who: { username: string; password: string }) {
    await page.waitForSelector('#sign-in-form');
    await page.fill('#sign-in-form input[name=username]', who.username);
    await page.fill('#sign-in-form input[name=password]', who.password);
    await page.click('#sign-in-submit');
    await page.waitForSelector(`${panel} h2`);
  }

  /** Watches the card for the upload's progress bar (it may show only briefly). */
  const watchProgress = () => page.evaluate(() => {
    (window as any).__sawUpload = false;
    const el = document.querySelector('#three-d-panel')!;
    new MutationObserver(() => { if (el.querySelector('#three-d-upload-progress progress')) (window as any).__sawUpload = true; })
      .observe(el, { childList: true, subtree: true });
  });

  async function chooseAndUpload(file: string, name = '') {
    await watchProgress();
    await page.setInputFiles(`${panel} input[type=file]`, file);
    await page.fill(`${panel} input[name=name]`, name);
    await page.click(`${panel} button[type=submit]`);
  }

  beforeAll(async () => {
    staff = await account('staff');
    reviewer = await account('reviewer');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-upload-3d-'));
    const good = buildObliqueExport({ srs: 'ENU:31.75,107.2' });
    const write = (name: string, files: Map<string, Uint8Array>) => {
      zips[name] = path.join(dir, name);
      fs.writeFileSync(zips[name], zipSync(Object.fromEntries(files)));
    };
    write('park-oblique.zip', good);
    write('no-metadata.zip', new Map([...good].filter(([k]) => k !== 'metadata.xml')));
    const corrupt = new Map(good);
    corrupt.set('Data/Tile_+000_+000/Tile_+000_+000_L18_0.osgb', new TextEncoder().encode('not an osgb'));
    write('corrupt-leaf.zip', corrupt);
    context = await launch();
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text()); });
    await page.goto(baseUrl() + '/upload.html', { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).__upload?.ready, null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__upload.ready);
    await signInThroughPage(staff);
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('desktop, Chinese: an OSGB export is uploaded, converted in the background and listed as a draft', async () => {
    expect(await page.textContent(`${panel} h2`)).toBe('三维模型（倾斜摄影 / 3D Tiles / BIM）');
    await chooseAndUpload(zips['park-oblique.zip'], '园区倾斜模型');
    // The conversion shows its stage and progress, then the tileset appears.
    const job = page.locator(`${panel} li[data-job][data-state]`).filter({ hasText: '园区倾斜模型' });
    await job.first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    if (await job.count()) {
      expect(await job.first().textContent()).toMatch(/排队等待转换|读取 OSGB 文件|生成 3D Tiles 瓦片|保存瓦片集/);
      await shot('converting-desktop-zh');
    }
    const row = page.locator(`${panel} li[data-tileset]`).filter({ hasText: '园区倾斜模型' });
    await row.waitFor({ timeout: 120_000 });
    expect(await page.evaluate(() => (window as any).__sawUpload)).toBe(true);
    expect(await row.textContent()).toMatch(/草稿 · 6 个瓦片/);
    await page.waitForFunction(() => document.querySelector('#three-d-panel .notice')?.textContent === 'park-oblique.zip 已转换为 3D Tiles，见下方列表（草稿，待校核）');
    tilesetZh = Number(await row.getAttribute('data-tileset'));
    await shot('done-desktop-zh');
  });

  it('desktop, Chinese: a zip without metadata.xml is refused at once, naming the file', async () => {
    await chooseAndUpload(zips['no-metadata.zip']);
    // The card's own message (p.notice), not a failed job of another upload listed below it.
    await page.waitForSelector(`${panel} p.notice-error`);
    expect(await page.textContent(`${panel} p.notice-error`)).toBe('no-metadata.zip：没有 metadata.xml（ContextCapture 导出的根目录应有此文件，其 <SRS> 和 <SRSOrigin> 给出模型位置）');
    await shot('error-desktop-zh');
  });

  it('phone, English: a corrupt .osgb fails its conversion with the file named; a good export converts', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#three-d-panel h2')?.textContent === '3D models (oblique / 3D Tiles / BIM)');
    await chooseAndUpload(zips['corrupt-leaf.zip'], 'broken export');
    const failed = page.locator(`${panel} li[data-job][data-state=failed]`).filter({ hasText: 'broken export' });
    await failed.waitFor({ timeout: 120_000 });
    expect(await failed.textContent()).toMatch(/Data\/Tile_\+000_\+000\/Tile_\+000_\+000_L18_0\.osgb: osgconv cannot read it/);
    await chooseAndUpload(zips['park-oblique.zip'], 'Park oblique (phone)');
    const row = page.locator(`${panel} li[data-tileset]`).filter({ hasText: 'Park oblique (phone)' });
    await row.waitFor({ timeout: 120_000 });
    expect(await row.textContent()).toMatch(/Draft · 6 tiles · \d+ KB · 107\.2\d+, 31\.75\d+/);
    await page.waitForFunction(() => /^park-oblique\.zip converted to 3D Tiles/.test(document.querySelector('#three-d-panel .notice')?.textContent ?? ''));
    // The cards stack without overlapping (the side column does not shrink under the preview).
    const [side, main] = await page.evaluate(() => ['.upload-side', '.upload-main'].map((q) => { const r = document.querySelector(q)!.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }));
    expect(main.top).toBeGreaterThanOrEqual(side.bottom);
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator(panel).scrollIntoViewIfNeeded();
    await shot('phone-en');
    // Back in Chinese, the failed conversion's message follows the language.
    await page.click('#lang-toggle');
    await page.waitForFunction(() => /L18_0\.osgb：osgconv 无法读取该文件/.test(document.querySelector('#three-d-panel')?.textContent ?? ''));
    await page.locator(panel).scrollIntoViewIfNeeded();
    await shot('phone-zh');
  });

  it('a reviewer publishes the converted tileset from the card', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.click('#sign-out');
    await signInThroughPage(reviewer);
    expect(await page.locator(`${panel} form`).count()).toBe(0);
    const row = page.locator(`${panel} li[data-tileset="${tilesetZh}"]`);
    await row.locator('button[data-review=published]').click();
    await page.waitForSelector(`${panel} li[data-tileset="${tilesetZh}"][data-review-state=published]`);
    expect((await api(`/3dtiles/${tilesetZh}/tileset.json`)).status).toBe(200);
    await shot('reviewer-desktop-zh');
    expect(errors).toEqual([]);
  });
});
