/**
 * 3D assets in real Chromium: a fixture 3D Tiles tileset streams its tiles into the 3D view and
 * renders (pixel variance of the canvas over an otherwise empty background), a 3D Tiles 1.1
 * tileset placed by staff renders in Dazhou, and clicking a BIM model (FZK-Haus IFC, placed on a
 * park) opens the picked element's IFC properties.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, userWithRole } from '../helpers.ts';
import { fixture, hasFixtures } from '../fixtures.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

const enabled = hasChromium() && hasFixtures();

function zipFolder(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`);
      else files[rel + e.name] = new Uint8Array(fs.readFileSync(path.join(abs, e.name)));
    }
  };
  walk(dir, '');
  return zipSync(files);
}

/** Standard deviation of the grey levels of a PNG region: ~0 for an empty, flat background. */
async function greyStdDev(png: Buffer): Promise<number> {
  const stats = await sharp(png).greyscale().stats();
  return stats.channels[0].stdev;
}

describe.runIf(enabled)('3D tiles and BIM models in Chromium', { timeout: 180_000 }, () => {
  let context: BrowserContext;
  let page: Page;
  let staff: string;
  let reviewer: string;
  const errors: string[] = [];
  const contentRequests: string[] = [];

  async function publishTileset(dir: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.append('file', new Blob([new Uint8Array(zipFolder(fixture(dir)))]), 'tileset.zip');
    const res = await api('/api/tilesets', { method: 'POST', body: form, cookie: staff });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    await api(`/api/tilesets/${body.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) });
    return body as { id: number; url: string; tileset: { center_lon: number; center_lat: number } };
  }

  beforeAll(async () => {
    staff = await userWithRole('staff');
    reviewer = await userWithRole('reviewer');
    context = await launch({ width: 1024, height: 768 });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (/\/3dtiles\/\d+\/.+\.(b3dm|i3dm|pnts|cmpt|glb)(\?.*)?$/.test(r.url())) contentRequests.push(r.url().replace(/\?.*$/, ''));
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  async function openAt(lon: number, lat: number, zoom: number) {
    await page.goto(baseUrl() + '/', { waitUntil: 'load' });
    await page.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).__app.ready);
    await page.evaluate(([x, y, z]) => (window as any).__app.map.jumpTo({ center: [x, y], zoom: z }), [lon, lat, zoom]);
    await page.evaluate(() => (window as any).__app.setMode('3d'));
    await page.waitForFunction(() => (window as any).__threeD, null, { timeout: 90_000 });
  }

  async function canvasShot(name: string): Promise<Buffer> {
    const canvas = page.locator('canvas.maplibregl-canvas');
    const png = await canvas.screenshot();
    fs.writeFileSync(path.join(SCREENSHOT_DIR, name), png);
    return png;
  }

  it('streams a 3D Tiles 1.0 tileset into the 3D view and renders it', async () => {
    const t = await publishTileset('tiles3d/1.0/TilesetWithRequestVolume_city');
    // Exton, PA: no carrier data there, so the background is flat and any variance is the tileset.
    await openAt(t.tileset.center_lon, t.tileset.center_lat, 17);
    await page.waitForFunction(() => (window as any).__threeD.stats.tilesLoaded >= 1, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    expect(contentRequests.some((u) => u.includes(`/3dtiles/${t.id}/`) && u.endsWith('.b3dm'))).toBe(true);
    const png = await canvasShot('three-d-tileset-1.0.png');
    expect(await greyStdDev(png)).toBeGreaterThan(8);
  });

  it('renders a local 3D Tiles 1.1 tileset placed by staff in Dazhou', async () => {
    const t = await publishTileset('tiles3d/1.1/MetadataGranularities', { lon: '107.2', lat: '31.75', height: '0', heading: '0' });
    await openAt(107.2, 31.75, 17.5);
    await page.waitForFunction(() => (window as any).__threeD.stats.tilesLoaded >= 1, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    expect(contentRequests.some((u) => u.includes(`/3dtiles/${t.id}/`) && u.endsWith('.glb'))).toBe(true);
    const png = await canvasShot('three-d-tileset-1.1-placed.png');
    expect(await greyStdDev(png)).toBeGreaterThan(8);
  });

  it('shows a BIM model in place and opens the IFC properties of the clicked element', async () => {
    const lon = 107.21, lat = 31.76;
    const form = new FormData();
    form.set('lon', String(lon));
    form.set('lat', String(lat));
    form.set('heading', '20');
    form.append('file', new Blob([new Uint8Array(fs.readFileSync(fixture('bim/AC20-FZK-Haus_IFC4.ifc')))]), 'AC20-FZK-Haus_IFC4.ifc');
    const res = await api('/api/models', { method: 'POST', body: form, cookie: staff });
    const model = await res.json();
    expect(res.status, JSON.stringify(model)).toBe(201);
    await api(`/api/models/${model.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) });

    await openAt(lon + 0.00006, lat - 0.00003, 19);
    await page.waitForFunction(() => (window as any).__threeD.stats.modelsLoaded >= 1, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const before = await canvasShot('three-d-bim-model.png');
    expect(await greyStdDev(before)).toBeGreaterThan(5);

    // Find a pixel over the model (the same ray cast a click does), then click it like a user.
    const target = await page.evaluate(() => {
      const t = (window as any).__threeD;
      const canvas = (window as any).__app.map.getCanvas();
      const w = canvas.clientWidth, h = canvas.clientHeight;
      for (let y = Math.round(h * 0.2); y < h * 0.9; y += 10) {
        for (let x = Math.round(w * 0.2); x < w * 0.8; x += 10) {
          if (t.pick(x, y)) return { x, y };
        }
      }
      return null;
    });
    expect(target).not.toBeNull();
    await page.evaluate(() => ((window as any).__threeD.stats.lastPick = null));
    const box = (await page.locator('canvas.maplibregl-canvas').boundingBox())!;
    await page.mouse.click(box.x + target!.x, box.y + target!.y);
    await page.waitForFunction(() => (window as any).__threeD.stats.lastPick, null, { timeout: 20_000 });
    const picked = await page.evaluate(() => (window as any).__threeD.stats.lastPick);
    expect(picked.type).toMatch(/^Ifc/);
    expect(picked.globalId).toMatch(/^[0-9A-Za-z_$]{22}$/);
    await expect.poll(() => page.locator('.bim-panel').isVisible()).toBe(true);
    expect(await page.locator('.bim-panel').textContent()).toContain(picked.type);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'three-d-bim-picked.png') });
    expect(errors).toEqual([]);
  });
});
