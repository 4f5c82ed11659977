/**
 * Guided tours and the 360° viewer in real headless Chromium against the test server (demo tours
 * and demo panoramas are loaded at start): a tour plays and the camera reaches every stop in
 * order; a deep link opens one stop; 2D/3D; a panorama opens, turns when dragged and turns the
 * map marker with it; the 2D map page never loads three.js; a tour generated from carriers in the
 * editor visits each once. Screenshots: test-results/screenshots/tour-*.png (desktop and phone).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, userWithRole } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * Camera flights, the panorama viewer and the phone layout are drawn in the browser; the database
 * engine only serves the tour and panorama rows. So this file runs on the embedded engine (the
 * bare-machine path) and is skipped when the suite runs on DATABASE_URL, keeping CI's two runs within
 * its time budget; the tours and panoramas API runs on both engines in test/tours.test.ts.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';
const PHONE = { width: 390, height: 844 };

type Stop = { id: number; camera: { center: [number, number]; zoom: number }; carriers: { id: number }[]; media: { id: number; kind: string }[] };

async function demoTour(): Promise<{ id: number; stops: Stop[] }> {
  // The anonymous list holds published tours only (and no longer says so: review state is internal).
  const { tours } = await (await api('/api/tours')).json();
  const summary = tours.find((t: any) => t.parkId !== null && t.stopCount >= 5);
  expect(summary, 'a published demo tour of a park with 5+ stops').toBeDefined();
  return (await api(`/api/tours/${summary.id}`)).json();
}

async function openTour(page: Page, url: string): Promise<void> {
  // A URL differing only in its hash would not reload the page.
  await page.goto('about:blank');
  await page.goto(baseUrl() + url, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as any).__tour?.ready, null, { timeout: 60_000 });
  await page.evaluate(() => (window as any).__tour.ready);
}

/** Play from the current stop at `speed` until the tour ends at its last stop; returns the arrivals. */
async function playToEnd(page: Page, speed: number, stopCount: number) {
  await page.evaluate((s) => (window as any).__tour.setSpeed(s), speed);
  await page.click('#tour-play');
  await page.waitForFunction((n) => {
    const s = (window as any).__tour.state();
    return !s.playing && s.atStop && s.index === n - 1;
  }, stopCount, { timeout: 120_000, polling: 250 });
  return page.evaluate(() => (window as any).__tour.arrivals as Arrival[]);
}

type Arrival = { stopId: number; center: [number, number]; zoom: number; targetZoom: number };

/** `phone`: the map above the bottom sheet is smaller than the authored view, so stops zoom out. */
function expectVisitedInOrder(arrivals: Arrival[], stops: Stop[], phone = false) {
  // Consecutive duplicates (the first stop is shown on open, then played) collapse.
  const visited = arrivals.filter((a, i) => i === 0 || a.stopId !== arrivals[i - 1].stopId);
  expect(visited.map((a) => a.stopId)).toEqual(stops.map((s) => s.id));
  for (const a of visited) {
    const s = stops.find((x) => x.id === a.stopId)!;
    expect(Math.abs(a.center[0] - s.camera.center[0])).toBeLessThan(1e-4);
    expect(Math.abs(a.center[1] - s.camera.center[1])).toBeLessThan(1e-4);
    expect(Math.abs(a.zoom - a.targetZoom)).toBeLessThan(0.05);
    if (phone) expect(a.targetZoom).toBeLessThan(s.camera.zoom - 0.3);
    else expect(Math.abs(a.zoom - s.camera.zoom)).toBeLessThan(0.05);
  }
}

describe.runIf(enabled)('tours and panoramas in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    context = await launch();
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    expect(errors.filter((e) => !/Failed to load resource.*404/.test(e))).toEqual([]);
  });

  it('plays a demo tour: the camera reaches every stop in order, with the stop card and highlighted carriers', async () => {
    const tour = await demoTour();
    await openTour(page, `/tour.html?id=${tour.id}`);
    expect(await page.evaluate(() => (window as any).__tour.state().stopId)).toBe(tour.stops[0].id);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-desktop-start.png') });
    const arrivals = await playToEnd(page, 15, tour.stops.length);
    expectVisitedInOrder(arrivals, tour.stops);
    expect(page.url()).toContain(`#stop=${tour.stops.at(-1)!.id}`);

    // Back to the plots stop: its carriers are outlined and listed.
    const plots = tour.stops.find((s) => s.carriers.length > 1)!;
    await page.evaluate((id) => (window as any).__tour.goToStop(id), plots.id);
    await page.waitForFunction((id) => (window as any).__tour.state().stopId === id && (window as any).__tour.state().atStop, plots.id, { timeout: 30_000 });
    await page.evaluate(() => new Promise<void>((r) => { const m = (window as any).__tour.map; m.once('idle', () => r()); m.triggerRepaint(); }));
    const highlighted = await page.evaluate(() => (window as any).__tour.map.queryRenderedFeatures({ layers: ['tour-highlight-line'] }).map((f: any) => f.id));
    expect(new Set(highlighted)).toEqual(new Set(plots.carriers.map((c) => c.id)));
    expect(await page.locator('.tour-carrier').count()).toBe(plots.carriers.length);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-desktop-plots.png') });
  }, 180_000);

  it('opens a stop from its deep link and switches to 3D with pitch and extruded buildings', async () => {
    const tour = await demoTour();
    const factory = tour.stops.find((s) => s.carriers.length === 1)!;
    await openTour(page, `/tour.html?id=${tour.id}#stop=${factory.id}`);
    const state = await page.evaluate(() => (window as any).__tour.state());
    expect(state.stopId).toBe(factory.id);
    const cam = await page.evaluate(() => { const m = (window as any).__tour.map; const c = m.getCenter(); return { lon: c.lng, lat: c.lat, zoom: m.getZoom(), pitch: m.getPitch() }; });
    expect(Math.abs(cam.lon - factory.camera.center[0])).toBeLessThan(1e-4);
    expect(Math.abs(cam.lat - factory.camera.center[1])).toBeLessThan(1e-4);
    expect(Math.abs(cam.zoom - factory.camera.zoom)).toBeLessThan(0.05);
    expect(cam.pitch).toBe(0);
    await page.click('#tour-mode');
    await page.waitForFunction(() => (window as any).__tour.map.getPitch() > 30 && !(window as any).__tour.map.isMoving(), null, { timeout: 30_000 });
    await page.evaluate(() => new Promise<void>((r) => { const m = (window as any).__tour.map; m.once('idle', () => r()); m.triggerRepaint(); }));
    await page.waitForTimeout(1500);
    expect(await page.evaluate(() => (window as any).__tour.state().mode)).toBe('3d');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-desktop-3d.png') });
    // An unknown tour is a friendly message, not a crash.
    await openTour(page, '/tour.html?id=99999999');
    await expect(page.locator('#tour-list .error').textContent()).resolves.toMatch(/不存在|does not exist/);
  }, 120_000);

  it('opens a panorama from a stop: dragging turns the view and the map marker; hotspots jump to nearby panoramas', async () => {
    const tour = await demoTour();
    const gate = tour.stops.find((s) => s.media.some((m) => m.kind === 'panorama') && s.carriers.length === 0 && s.media.length > 1) ?? tour.stops[1];
    await openTour(page, `/tour.html?id=${tour.id}#stop=${gate.id}`);
    await page.click('.tour-media-item[data-kind=panorama]');
    await page.waitForFunction(() => (window as any).__tour.panorama() !== null, null, { timeout: 30_000 });
    await page.evaluate(() => (window as any).__tour.panorama().ready());
    await page.waitForTimeout(800);
    const before = await page.evaluate(() => { const p = (window as any).__tour.panorama(); return { yaw: p.view().yaw, marker: p.markerBearing() }; });
    expect(before.marker).toBeCloseTo(before.yaw, 3);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-panorama-desktop.png') });

    const box = (await page.locator('.pano-canvas').boundingBox())!;
    const y = box.y + box.height * 0.5;
    await page.mouse.move(box.x + box.width * 0.7, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.7 - 0.04 * i), y);
    await page.mouse.up();
    const after = await page.evaluate(() => { const p = (window as any).__tour.panorama(); return { yaw: p.view().yaw, marker: p.markerBearing() }; });
    const turned = ((after.yaw - before.yaw + 540) % 360) - 180;
    expect(turned).toBeGreaterThan(15);
    expect(after.marker).toBeCloseTo(after.yaw, 3);
    expect(((after.marker - before.marker + 540) % 360) - 180).toBeCloseTo(turned, 3);
    const markerTransform = await page.locator('.pano-marker').evaluate((el) => (el as HTMLElement).style.transform);
    expect(markerTransform).toContain(`rotateZ(${after.marker}deg)`.slice(0, 12));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-panorama-dragged.png') });

    // Wheel zooms; a hotspot jumps to the nearby panorama.
    const fov0 = await page.evaluate(() => (window as any).__tour.panorama().view().fov);
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.wheel(0, -400);
    expect(await page.evaluate(() => (window as any).__tour.panorama().view().fov)).toBeLessThan(fov0);
    const firstId = await page.evaluate(() => (window as any).__tour.panorama().id());
    const target = await page.evaluate(() => (window as any).__tour.panorama().hotspots().find((h: any) => h.kind === 'panorama'));
    expect(target).toBeTruthy();
    await page.evaluate((b) => (window as any).__tour.panorama().setView({ yaw: b, pitch: -5, fov: 75 }), target.bearing);
    await page.waitForTimeout(300);
    await page.click(`.pano-hotspot-panorama[data-panorama-id="${target.id}"]`);
    await page.waitForFunction((id) => (window as any).__tour.panorama().id() === id, target.id, { timeout: 30_000 });
    await page.evaluate(() => (window as any).__tour.panorama().ready());
    expect(firstId).not.toBe(target.id);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-panorama-jumped.png') });
    await page.click('.pano-close');
    expect(await page.locator('.pano-overlay').count()).toBe(0);
  }, 120_000);

  it('the 2D map page does not load three.js, and its panorama dots open the viewer', async () => {
    const scripts: string[] = [];
    const p = await context.newPage();
    p.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
    await p.goto(baseUrl() + '/map.html', { waitUntil: 'load' });
    await p.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
    await p.evaluate(() => (window as any).__app.ready);
    expect(scripts.some((u) => /panorama-overlay|three/.test(u))).toBe(false);
    const { panoramas } = await (await api('/api/panoramas?limit=1')).json();
    await p.evaluate((id) => (window as any).__app.selectFeature('panoramas', id), panoramas[0].id);
    await p.click('#open-panorama');
    await p.waitForSelector('.pano-overlay:not(.loading) .pano-canvas', { timeout: 30_000 });
    expect(scripts.some((u) => /panorama-overlay/.test(u))).toBe(true);
    await p.waitForTimeout(800);
    await p.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-map-panorama.png') });
    await p.close();
  });

  it('on a phone: plays with the card as a bottom sheet and opens a panorama above the map', async () => {
    const phone = await launch(PHONE);
    try {
      const p = await phone.newPage();
      const tour = await demoTour();
      await openTour(p, `/tour.html?id=${tour.id}`);
      const arrivals = await playToEnd(p, 15, tour.stops.length);
      expectVisitedInOrder(arrivals, tour.stops, true);
      const plots = tour.stops.find((s) => s.carriers.length > 1)!;
      await p.evaluate((id) => (window as any).__tour.goToStop(id), plots.id);
      await p.waitForFunction((id) => (window as any).__tour.state().stopId === id && (window as any).__tour.state().atStop, plots.id, { timeout: 30_000 });
      await p.waitForTimeout(1200);
      const card = (await p.locator('#tour-card').boundingBox())!;
      expect(card.y + card.height).toBeCloseTo(PHONE.height, -1);
      expect(card.width).toBeCloseTo(PHONE.width, -1);
      await p.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-phone-plots.png') });
      await p.evaluate((id) => (window as any).__tour.openPanorama(id), tour.stops.flatMap((s) => s.media).find((m) => m.kind === 'panorama')!.id);
      await p.waitForTimeout(1200);
      const box = (await p.locator('.pano-canvas').boundingBox())!;
      // Touch-drag: pointer events from a finger.
      const before = await p.evaluate(() => (window as any).__tour.panorama().view().yaw);
      await p.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
      await p.mouse.down();
      await p.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 8 });
      await p.mouse.up();
      const after = await p.evaluate(() => (window as any).__tour.panorama().view().yaw);
      expect(Math.abs(((after - before + 540) % 360) - 180)).toBeGreaterThan(15);
      await p.waitForTimeout(600);
      await p.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-phone-panorama.png') });
    } finally {
      await phone.close();
    }
  }, 180_000);

  it('staff generate a tour from carriers in the editor; it visits each carrier once in a short order', async () => {
    const staff = await userWithRole('staff');
    const [name, value] = staff.split('=');
    await context.addCookies([{ name, value, url: baseUrl() }]);
    const land = await (await api('/api/layers/land/features?limit=300')).json();
    const parkId = land.features[0].properties.park_id;
    const inPark = land.features.filter((f: any) => f.properties.park_id === parkId);
    const ids: number[] = [0, 4, 1, 3, 2].map((k) => Number(inPark[k * Math.floor(inPark.length / 5)].id));
    await openTour(page, '/tour.html');
    await page.fill('#tour-generate-ids', ids.join(','));
    await Promise.all([page.waitForURL(/edit=1/, { timeout: 30_000 }), page.click('#tour-generate-ids-button')]);
    await page.waitForFunction(() => (window as any).__tour?.ready, null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__tour.ready);
    expect(await page.evaluate(() => (window as any).__tour.state().editing)).toBe(true);
    await page.waitForSelector('#tour-editor .tour-editor-stops li');
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'tour-editor.png') });

    // Capture the current view as a new stop, then delete it again (ids of the others stay).
    const tourBefore = await page.evaluate(() => (window as any).__tour.tour());
    await page.click('#tour-capture');
    await page.waitForFunction((n) => (window as any).__tour.tour().stops.length === n + 1, tourBefore.stops.length);
    await page.click('#tour-editor .tour-editor-form .danger');
    await page.waitForFunction((n) => (window as any).__tour.tour().stops.length === n, tourBefore.stops.length);
    const tour = await page.evaluate(() => (window as any).__tour.tour());
    expect(tour.stops.map((s: any) => s.id)).toEqual(tourBefore.stops.map((s: any) => s.id));

    await page.click('#tour-edit-toggle');
    await page.evaluate((id) => (window as any).__tour.goToStop(id), tour.stops[0].id);
    await page.waitForFunction(() => (window as any).__tour.state().atStop, null, { timeout: 30_000 });
    const arrivals = await playToEnd(page, 15, tour.stops.length);
    const visited = arrivals.filter((a, i) => i === 0 || a.stopId !== arrivals[i - 1].stopId).slice(-tour.stops.length);
    expectVisitedInOrder(visited, tour.stops);
    const carriersVisited = tour.stops.flatMap((s: any) => s.carriers.map((c: any) => c.id));
    expect([...carriersVisited].sort()).toEqual([...ids].sort());
    expect(new Set(carriersVisited).size).toBe(ids.length);
    await context.clearCookies();
  }, 180_000);
});
