/**
 * The survey upload and review page in real headless Chromium against the test server: a staff
 * user signs in through the page, uploads a GPS track and a shapefile zip, sees the preview
 * (counts, features on the map, popup with 亩), commits, meets the duplicate notice, undoes, reads
 * the issue table of a file with bad coordinates; a reviewer then verifies and publishes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, signIn, TEST_ADMIN } from '../helpers.ts';
import { fixture, hasFixtures } from '../fixtures.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: the browser half of this file runs on the embedded engine (the bare-machine default); its
 * server side is tested on both engines by the API tests (test/*.test.ts), so it is skipped when the
 * suite runs on DATABASE_URL, like every file in test/browser/.
 */
const enabled = hasChromium() && hasFixtures() && inject('dbEngine') !== 'postgres';

const TRACK = fixture('gps/garmin_connect_run.gpx');
const BAD_TRACK = fixture('gps/bad_coords.gpx');
const PARCELS = fixture('vector/generated/dazhou_parcels_cgcs2000_gk_zone36_epsg4524.zip');
const NO_SHP = fixture('vector/shapefile/zip_without_shp.zip');

/** Create an account through the API (as the admin) and return its credentials. */
async function account(role: 'staff' | 'reviewer'): Promise<{ username: string; password: string }> {
  const admin = await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
  const username = `${role}-ui-${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${role}-ui-secret`;
  const res = await api('/api/users', { method: 'POST', cookie: admin, body: JSON.stringify({ username, password, role }) });
  if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${await res.text()}`);
  return { username, password };
}

describe.runIf(enabled)('upload and review page in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let staff: { username: string; password: string };
  let reviewer: { username: string; password: string };
  const errors: string[] = [];
  const external: string[] = [];
  let landBatch = 0;
  let mixedBatch = 0;

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `upload-${name}.png`) });

  async function signInThroughPage(who: { username: string; password: string }) {
    await page.waitForSelector('#sign-in-form');
    await page.fill('#sign-in-form input[name=username]', who.username);
    await page.fill('#sign-in-form input[name=password]', who.password);
    await page.click('#sign-in-submit');
    await page.waitForSelector('#batch-list');
  }

  /** Choose the layer, attach files, upload, and wait for the new batch's preview. */
  async function upload(layer: string, files: string[]): Promise<number> {
    const before = await page.getAttribute('#batch-preview', 'data-batch-id');
    await page.selectOption('#layer-select', layer);
    await page.setInputFiles('#file-input', files);
    for (const f of files) await expect.poll(() => page.textContent('#file-list')).toContain(path.basename(f));
    await page.click('#upload-button');
    await page.waitForFunction((prev) => {
      const el = document.querySelector<HTMLElement>('#batch-preview');
      return el?.dataset.batchId && el.dataset.batchId !== prev && el.querySelector('#summary-counts');
    }, before, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__upload.previewReady());
    return Number(await page.getAttribute('#batch-preview', 'data-batch-id'));
  }

  const count = async (key: string) => Number((await page.textContent(`#summary-counts [data-count="${key}"] strong`))!.replace(/[^\d]/g, ''));
  const rendered = (layer: string) => page.evaluate((l) => (window as any).__upload.map.queryRenderedFeatures({ layers: [l] }).length as number, layer);

  async function confirm() {
    await page.waitForSelector('#confirm-dialog[open]');
    await page.click('#confirm-ok');
    await page.waitForSelector('#confirm-dialog', { state: 'hidden' });
  }

  beforeAll(async () => {
    staff = await account('staff');
    reviewer = await account('reviewer');
    context = await launch();
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // 4xx answers the page handles (a bad upload) still log "Failed to load resource".
    page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text()); });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !u.protocol.startsWith('data') && !u.protocol.startsWith('blob')) external.push(r.url());
    });
    await page.goto(baseUrl() + '/upload.html', { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).__upload?.ready, null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__upload.ready);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it('asks a signed-out visitor to sign in, and rejects a wrong password', async () => {
    await page.waitForSelector('#sign-in-form');
    await page.fill('#sign-in-form input[name=username]', staff.username);
    await page.fill('#sign-in-form input[name=password]', 'wrong-password');
    await page.click('#sign-in-submit');
    await page.waitForSelector('#sign-in-error', { state: 'visible' });
    expect(await page.textContent('#sign-in-error')).toContain('用户名或密码错误');
    await shot('sign-in');
  });

  it('shows staff the upload form after signing in through the page', async () => {
    await signInThroughPage(staff);
    await page.waitForSelector('#upload-form');
    expect(await page.textContent('#user-role')).toBe('载体专员');
    const layers = await page.$$eval('#layer-select option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(layers).toEqual(['land', 'factories', 'offices', 'amenities', 'photos', 'panoramas', 'tracks']);
    const crs = await page.$$eval('#crs-select option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(crs).toEqual(expect.arrayContaining(['', 'EPSG:4326', 'EPSG:4490', 'EPSG:4545', 'EPSG:32648', 'gcj02', 'bd09']));
  });

  it('uploads a GPX track with a progress bar and previews it on the map', async () => {
    const before = await page.getAttribute('#batch-preview', 'data-batch-id');
    await page.selectOption('#layer-select', 'tracks');
    await page.setInputFiles('#file-input', TRACK);
    expect(await page.textContent('#file-list')).toMatch(/garmin_connect_run\.gpx\s*65(\.\d)? KB/);
    await page.click('#upload-button');
    // The progress bar appears while the request runs (the body is small, so it may already say "processing").
    await page.waitForSelector('#upload-progress', { timeout: 5_000 }).catch(() => {});
    await page.waitForFunction((prev) => {
      const el = document.querySelector<HTMLElement>('#batch-preview');
      return el?.dataset.batchId && el.dataset.batchId !== prev && el.querySelector('#summary-counts');
    }, before, { timeout: 45_000 });
    await page.evaluate(() => (window as any).__upload.previewReady());
    // A fresh batch, not the notice about an identical committed one (that would mean another test left it).
    const notice = await page.$('#batch-notice');
    expect(notice ? await notice.textContent() : '').not.toContain('未重复导入');
    expect(await page.getAttribute('#batch-preview', 'data-status')).toBe('validated');
    expect(await count('total')).toBe(1);
    // Washington DC is outside Dazhou's service area: the track is kept with a warning (never published).
    expect(await count('warnings')).toBe(1);
    expect(await count('rejected')).toBe(0);
    expect(await page.textContent('#detected-crs')).toContain('EPSG:4326');
    expect(await rendered('items-line')).toBeGreaterThan(0);
    // Its only issue: Washington DC lies outside the service area (kept for staff, worded in Chinese).
    expect(await page.textContent('#issue-table')).toMatch(/位于服务范围.*之外 [0-9.]+ 公里：仅供工作人员查看，不会发布/);
    await shot('track-preview');
  });

  it('uploads a shapefile zip of land parcels: counts, parcels on the map, popup with 亩', async () => {
    landBatch = await upload('land', [PARCELS]);
    expect(await count('total')).toBe(25);
    expect(await count('valid') + await count('warnings')).toBe(25);
    expect(await page.textContent('#detected-crs')).toContain('EPSG:4524');
    expect(await page.textContent('#summary-counts')).toMatch(/m².*亩.*公顷/);
    expect(await rendered('items-fill')).toBeGreaterThan(0);
    await shot('land-preview');

    // Click a parcel like a user would.
    const target = await page.evaluate(() => {
      const map = (window as any).__upload.map;
      const canvas = map.getCanvas();
      const w = canvas.clientWidth, h = canvas.clientHeight;
      for (let y = 10; y < h - 10; y += 6) {
        for (let x = 10; x < w - 10; x += 6) {
          if (map.queryRenderedFeatures([x, y], { layers: ['items-fill'] }).length) return { x, y };
        }
      }
      return null;
    });
    expect(target).not.toBeNull();
    const box = (await page.locator('#preview-map canvas').boundingBox())!;
    await page.mouse.click(box.x + target!.x, box.y + target!.y);
    await page.waitForSelector('.item-popup', { state: 'visible', timeout: 10_000 });
    const popup = await page.textContent('.item-popup');
    expect(popup).toContain('dazhou_parcels_cgcs2000_gk_zone36_epsg4524.zip');
    expect(popup).toMatch(/亩/);
    expect(popup).toMatch(/DZ-1\d{3}/);
    await shot('land-popup');
  });

  it('commits the land batch after confirmation', async () => {
    await page.click('#commit-button');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-dialog')).toContain('25');
    await confirm();
    await page.waitForSelector(`#batch-preview[data-batch-id="${landBatch}"][data-status="committed"]`, { timeout: 30_000 });
    expect(await page.textContent('#batch-status')).toBe('已入库');
    expect(await page.textContent('#batch-notice')).toContain('已入库');
    await page.waitForSelector(`#batch-list .batch-item[data-batch-id="${landBatch}"][data-status="committed"]`);
    await shot('land-committed');
  });

  it('says so when identical files were already imported', async () => {
    await page.selectOption('#layer-select', 'land');
    await page.setInputFiles('#file-input', PARCELS);
    await page.click('#upload-button');
    await page.waitForSelector('#batch-notice.notice-warning', { timeout: 60_000 });
    expect(await page.textContent('#batch-notice')).toBe(`这些文件已于批次 ${landBatch} 导入，未重复导入`);
    expect(await page.getAttribute('#batch-preview', 'data-batch-id')).toBe(String(landBatch));
    await shot('duplicate');
  });

  it('undoes the committed land batch after confirmation', async () => {
    await page.evaluate(() => (window as any).__upload.previewReady());
    await page.click('#undo-button');
    await confirm();
    await page.waitForSelector(`#batch-preview[data-batch-id="${landBatch}"][data-status="undone"]`, { timeout: 30_000 });
    expect(await page.textContent('#batch-status')).toBe('已撤销');
    expect(await page.$('#undo-button')).toBeNull();
    await shot('land-undone');
  });

  it('shows the server message for a file it cannot read', async () => {
    await page.selectOption('#layer-select', 'land');
    await page.setInputFiles('#file-input', NO_SHP);
    await page.click('#upload-button');
    await page.waitForSelector('#upload-error', { timeout: 30_000 });
    expect(await page.textContent('#upload-error')).toMatch(/上传失败：.*zip_without_shp\.zip.*\.shp/);
    // The file stays listed so the user can change the choice; clear it.
    expect(await page.textContent('#file-list')).toContain('zip_without_shp.zip');
    await page.click('.file-list-head .text-button');
    expect(await page.$('#file-list')).toBeNull();
  });

  it('lists bad coordinates in the issue table, naming the element and value', async () => {
    mixedBatch = await upload('tracks', [TRACK, BAD_TRACK]);
    expect(await count('total')).toBe(5);
    expect(await count('warnings')).toBe(1);
    expect(await count('rejected')).toBe(4);
    const rows = page.locator('#issue-table tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(4);
    const table = (await page.textContent('#issue-table tbody'))!;
    expect(table).toContain('bad_coords.gpx');
    expect(table).toContain('trkpt 1 of track 1');
    expect(table).toContain('undefined');
    // The page is in Chinese: so are the messages (values and positions stay as found).
    expect(table).toMatch(/"y" 不是数字/);

    // Filter: the rejected items' rows are errors; the one warning is the DC track outside the service area.
    await page.click('#issue-table [data-filter="error"]');
    const errors = await page.locator('#issue-table tbody tr[data-level="error"]').count();
    expect(errors).toBeGreaterThanOrEqual(4);
    expect(errors).toBe(await rows.count());
    await page.click('#issue-table [data-filter="warning"]');
    expect(await page.textContent('#issue-table tbody')).toMatch(/位于服务范围.*之外 [0-9.]+ 公里：仅供工作人员查看，不会发布/);
    await page.click('#issue-table [data-filter="all"]');

    // Sort by row, descending: the last item's issues come first.
    await page.click('#issue-table [data-sort="row"]');
    await page.click('#issue-table [data-sort="row"]');
    expect(await page.textContent('#issue-table tbody tr:first-child td.where')).toMatch(/route 1|rtept 1 of route 1/);
    await page.locator('#issue-table').scrollIntoViewIfNeeded();
    await shot('issues');
  });

  it('explains that rejected items are left out before committing, then commits', async () => {
    await page.locator('#batch-preview').scrollIntoViewIfNeeded();
    await page.click('#commit-button');
    await page.waitForSelector('#confirm-dialog[open]');
    const text = (await page.textContent('#confirm-dialog'))!;
    expect(text).toContain('有 4 个要素被拒绝，不会入库');
    expect(text).toContain('只导入 1 个');
    await shot('commit-rejected-confirm');
    await confirm();
    await page.waitForSelector(`#batch-preview[data-batch-id="${mixedBatch}"][data-status="committed"]`, { timeout: 30_000 });
  });

  it('maps unmapped fields in the preview: the batch is validated again, a bad value is named with its field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dz-map-'));
    const file = path.join(dir, 'survey-fields.geojson');
    const sq = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]] });
    const run = `UM${Date.now() % 100000}`;
    fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { DKBH: `${run}-1`, dianli_rongliang: 800, duijieren: '王五', beizhu2: 'x' }, geometry: sq(107.47, 31.22) },
      { type: 'Feature', properties: { DKBH: `${run}-2`, dianli_rongliang: '很多', duijieren: '赵六' }, geometry: sq(107.475, 31.22) },
    ] }));
    const id = await upload('land', [file]);
    await page.waitForSelector('#field-mapping select[name="dianli_rongliang"]');
    expect(await page.textContent('#unmapped-fields')).toContain('dianli_rongliang');
    // The choices are the layer's attributes in the page's language.
    expect(await page.textContent('#field-mapping select[name="dianli_rongliang"]')).toContain('供电容量 (kVA)');
    await page.selectOption('#field-mapping select[name="dianli_rongliang"]', 'power_kva');
    await page.selectOption('#field-mapping select[name="duijieren"]', 'contact_name');
    await page.selectOption('#field-mapping select[name="beizhu2"]', 'ignore');
    await page.locator('#field-mapping').scrollIntoViewIfNeeded();
    await shot('mapping-zh');
    await page.click('#apply-mapping');
    await page.waitForFunction(() => document.querySelector('#batch-notice')?.textContent?.includes('重新校验'), null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__upload.previewReady());
    await page.waitForSelector(`#batch-preview[data-batch-id="${id}"][data-status="validated"]`);
    expect(await page.$('#unmapped-fields')).toBeNull();
    expect(await page.$eval('#field-mapping select[name="dianli_rongliang"]', (e) => (e as HTMLSelectElement).value)).toBe('power_kva');
    expect(await count('warnings')).toBe(1);
    const table = (await page.textContent('#issue-table tbody'))!;
    expect(table).toContain('dianli_rongliang');
    expect(table).toContain('很多');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#field-mapping').scrollIntoViewIfNeeded();
    await shot('mapping-phone-zh');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#field-mapping h3')?.textContent === 'Map fields');
    // The switch also asks the server for the batch again in English and redraws the preview: wait for that redraw,
    // or the form found now is replaced under the test's hands.
    await page.evaluate(() => (window as any).__upload.previewReady());
    await page.waitForFunction(() => document.querySelector('#field-mapping h3')?.textContent === 'Map fields');
    expect(await page.textContent('#field-mapping select[name="duijieren"]')).toContain('Contact');
    await page.locator('#field-mapping').scrollIntoViewIfNeeded();
    await shot('mapping-phone-en');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#field-mapping h3')?.textContent !== 'Map fields');
    await page.evaluate(() => (window as any).__upload.previewReady());
    await page.setViewportSize({ width: 1280, height: 800 });
    await api(`/api/imports/${id}`, { method: 'DELETE', cookie: await signIn(staff.username, staff.password) });
    await page.click(`#batch-list .batch-item[data-batch-id="${mixedBatch}"]`);
    await page.waitForSelector(`#batch-preview[data-batch-id="${mixedBatch}"][data-status="committed"]`);
    await page.evaluate(() => (window as any).__upload.previewReady());
  });

  it('switches the page to English and back', async () => {
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#upload-form')?.textContent?.includes('Upload survey data'));
    expect(await page.textContent('#batch-status')).toBe('Committed');
    expect(await page.textContent('#summary-counts')).toContain('Rejected');
    // The issues are asked for again in English (the server words them).
    await page.waitForFunction(() => /"y" is not a number/.test(document.querySelector('#issue-table tbody')?.textContent ?? ''), null, { timeout: 15_000 });
    await shot('english');
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#upload-form')?.textContent?.includes('上传调查成果'));
    await page.waitForFunction(() => /"y" 不是数字/.test(document.querySelector('#issue-table tbody')?.textContent ?? ''), null, { timeout: 15_000 });
  });

  it('lets a reviewer verify and publish a committed batch, without the upload form', async () => {
    await page.click('#sign-out');
    await signInThroughPage(reviewer);
    expect(await page.$('#upload-form')).toBeNull();
    expect(await page.textContent('#user-role')).toBe('校核员');
    await page.click(`#batch-list .batch-item[data-batch-id="${mixedBatch}"]`);
    await page.waitForSelector(`#batch-preview[data-batch-id="${mixedBatch}"] #verify-button`);
    expect(await page.$('#commit-button')).toBeNull();
    expect(await page.$('#undo-button')).toBeNull();

    await page.click('#verify-button');
    await confirm();
    await page.waitForFunction(() => document.querySelector('#batch-notice')?.textContent?.includes('已校核'));
    expect(await page.textContent('#batch-notice')).toBe(`已校核批次 ${mixedBatch} 的 1 个要素`);

    await page.click('#publish-button');
    await confirm();
    await page.waitForFunction(() => document.querySelector('#batch-notice')?.textContent?.includes('已发布'));
    // The batch's one track (Washington DC) lies outside the service area: verified, but never published.
    expect(await page.textContent('#batch-notice')).toBe(`已发布批次 ${mixedBatch} 的 0 个要素`);
    await shot('review');
  });

  it('fits a tablet in portrait', async () => {
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'upload-tablet.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('loads nothing from the internet and logs no errors', () => {
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
