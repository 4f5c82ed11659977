/**
 * The built web app in real headless Chromium against the test server: Dazhou's counties and the
 * carriers render, clicking a carrier opens its panel, 3D mode extrudes buildings, language switches.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

const enabled = hasChromium();

describe.runIf(enabled)('web map in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  const external: string[] = [];

  beforeAll(async () => {
    context = await launch();
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !u.protocol.startsWith('data') && !u.protocol.startsWith('blob')) external.push(r.url());
    });
    await page.goto(baseUrl() + '/map.html', { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__app.ready);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  async function idle() {
    await page.evaluate(() => new Promise<void>((resolve) => {
      const map = (window as any).__app.map;
      if (map.loaded() && !map.isMoving()) map.once('idle', () => resolve());
      else map.once('idle', () => resolve());
      map.triggerRepaint();
    }));
  }

  it('renders the 7 county-level units of Dazhou', async () => {
    const adcodes = await page.evaluate(() => {
      const map = (window as any).__app.map;
      const fs = map.queryRenderedFeatures({ layers: ['counties-fill'] });
      return [...new Set(fs.map((f: any) => String(f.properties.adcode)))].sort();
    });
    expect(adcodes).toEqual(['511702', '511703', '511722', '511723', '511724', '511725', '511781']);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-dazhou-2d.png') });
  });

  it('renders parks, land, factories, offices and amenities around a park and opens a carrier panel on click', async () => {
    const parks = await (await api('/api/layers/parks/features?limit=1')).json();
    const ring = parks.features[0].geometry.coordinates[0][0] as [number, number][];
    const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length;
    const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
    await page.evaluate(([x, y]) => (window as any).__app.map.jumpTo({ center: [x, y], zoom: 14.5 }), [lon, lat]);
    await idle();
    const counts = await page.evaluate(() => {
      const map = (window as any).__app.map;
      const n = (l: string) => (map.getLayer(l) ? map.queryRenderedFeatures({ layers: [l] }).length : 0);
      return { parks: n('parks-fill'), land: n('land-fill'), factories: n('factories-fill'), offices: n('offices-fill'), amenities: n('amenities-circle') };
    });
    expect(counts.parks).toBeGreaterThan(0);
    expect(counts.land).toBeGreaterThan(0);
    expect(counts.factories + counts.offices).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-park-2d.png') });

    // Find a pixel over a land parcel and click it like a user would.
    const target = await page.evaluate(() => {
      const map = (window as any).__app.map;
      const canvas = map.getCanvas();
      const w = canvas.clientWidth, h = canvas.clientHeight;
      for (let y = Math.round(h * 0.3); y < h * 0.8; y += 12) {
        for (let x = Math.round(w * 0.3); x < w * 0.8; x += 12) {
          const f = map.queryRenderedFeatures([x, y], { layers: ['land-fill'] });
          if (f.length) return { x, y, name: f[0].properties.name as string };
        }
      }
      return null;
    });
    expect(target).not.toBeNull();
    const box = (await page.locator('.maplibregl-canvas').boundingBox())!;
    await page.mouse.click(box.x + target!.x, box.y + target!.y);
    await page.waitForSelector('#feature-panel .feature-title', { state: 'visible', timeout: 10_000 });
    const title = await page.textContent('#feature-panel .feature-title');
    expect(title).toContain(target!.name);
    const panelText = await page.textContent('#feature-panel');
    expect(panelText).toMatch(/亩/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-carrier-panel.png') });
  });

  it('switches to 3D with pitch and extruded buildings', async () => {
    await page.click('#mode-toggle');
    await page.waitForFunction(() => (window as any).__app.map.getPitch() > 40, null, { timeout: 10_000 });
    await idle();
    await page.waitForTimeout(500);
    const pitch = await page.evaluate(() => (window as any).__app.map.getPitch());
    expect(pitch).toBeGreaterThan(40);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-park-3d.png') });
  });

  it('switches the interface to English and back', async () => {
    const zh = await page.textContent('#legend');
    await page.click('#lang-toggle');
    await page.waitForFunction((before) => document.querySelector('#legend')?.textContent !== before, zh);
    const en = await page.textContent('#legend');
    expect(en).toMatch(/Land|Factories|Amenities/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-english.png') });
    await page.click('#lang-toggle');
  });

  it('hides a layer when its legend checkbox is unticked', async () => {
    await page.uncheck('#legend input[data-layer="amenities"]');
    const vis = await page.evaluate(() => (window as any).__app.map.getLayoutProperty('amenities-circle', 'visibility'));
    expect(vis).toBe('none');
    await page.check('#legend input[data-layer="amenities"]');
  });

  it('loads nothing from outside this server and logs no errors', () => {
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
