/**
 * 3D assets in real Chromium: every fixture 3D Tiles tileset streams its tiles into the 3D view and
 * renders (pixels that change when only it is hidden), i3dm and cmpt through the renderable copies
 * derived at upload; the 3D Tiles 1.1 tilesets placed by staff render in Dazhou; and clicking a BIM
 * model (FZK-Haus IFC, placed on a park) opens the picked element's IFC properties.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { api, baseUrl, userWithRole } from '../helpers.ts';
import { fixture, hasFixtures } from '../fixtures.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * Drawing 3D tiles and BIM models happens in the browser from files in the asset store; the database
 * engine only holds their rows. So this file renders on the embedded engine (the bare-machine path)
 * and is skipped when the suite runs on DATABASE_URL, keeping CI's two runs within its time budget;
 * upload, validation, storage, serving, placement and review run on both engines in test/three-d.test.ts.
 */
const enabled = hasChromium() && hasFixtures() && inject('dbEngine') !== 'postgres';

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
  const consoleLog: string[] = [];

  async function publishTileset(dir: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.append('file', new Blob([new Uint8Array(zipFolder(fixture(dir)))]), 'tileset.zip');
    const res = await api('/api/tilesets', { method: 'POST', body: form, cookie: staff });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    const review = await api(`/api/tilesets/${body.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) });
    expect(review.status, await review.clone().text()).toBe(200);
    return body as { id: number; url: string; tileset: { center_lon: number; center_lat: number } };
  }

  beforeAll(async () => {
    staff = await userWithRole('staff');
    reviewer = await userWithRole('reviewer');
    context = await launch({ width: 1024, height: 768 });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleLog.push(`${m.type()}: ${m.text()}`.slice(0, 500));
    });
    page.on('request', (r) => {
      if (/\/3dtiles\/\d+\/.+\.(b3dm|i3dm|pnts|cmpt|glb)(\?.*)?$/.test(r.url())) contentRequests.push(r.url().replace(/\?.*$/, ''));
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  /**
   * The map page in 3D at (lon, lat, zoom). The first call loads the page; later ones keep it and
   * refetch the 3D lists (as after signing in), so the asset published since is drawn too, with all
   * tilesets and models shown again. Loading map.html, MapLibre and the 3D code once per case cost
   * several seconds each and is covered by the first case (and test/browser/oblique.test.ts).
   */
  let mapOpen = false;
  async function openAt(lon: number, lat: number, zoom: number) {
    if (!mapOpen) {
      await page.goto(baseUrl() + '/map.html', { waitUntil: 'load' });
      await page.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
      await page.evaluate(() => (window as any).__app.ready);
    }
    // Returns nothing: jumpTo returns the map, whose object graph (grown with every tileset) Playwright cannot serialize.
    await page.evaluate(([x, y, z]) => { (window as any).__app.map.jumpTo({ center: [x, y], zoom: z }); }, [lon, lat, zoom]);
    if (mapOpen) {
      // After the jump, so the new tileset is first traversed from the case's own view (tree-billboards-far).
      await page.evaluate(async () => {
        const t = (window as any).__threeD;
        t.showOnlyTilesets(null);
        t.showOnlyModels(null);
        await t.load(true);
      });
    }
    mapOpen = true;
    await page.evaluate(() => (window as any).__app.setMode('3d'));
    await page.waitForFunction(() => (window as any).__threeD, null, { timeout: 90_000 });
  }

  /**
   * Waits until the map has drawn what was just changed: its next 'idle' (nothing loading or moving
   * after a render), then two more frames for the compositor; at most `maxMs`. Replaces fixed sleeps
   * of 0.5–1 s; the pixel comparisons below still retry with longer waits if a frame comes late.
   */
  async function drawn(maxMs = 3000) {
    await page.evaluate((max) => new Promise<void>((resolve) => {
      const map = (window as any).__app.map;
      const timer = setTimeout(resolve, max);
      map.once('idle', () => requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(timer); resolve(); })));
      map.triggerRepaint();
    }), maxMs);
  }

  async function canvasShot(name: string): Promise<Buffer> {
    const canvas = page.locator('canvas.maplibregl-canvas');
    const png = await canvas.screenshot();
    fs.writeFileSync(path.join(SCREENSHOT_DIR, name), png);
    return png;
  }

  /**
   * One case per fixture tileset (../shared/fixtures/tiles3d, EXPECTED.md section 5). The 1.0
   * samples place themselves (Exton, PA: no carrier data there); the 1.1 samples have no
   * georeferencing and are placed by staff beside the demo park. `zoom` fits the tileset's size
   * (the 1.1 implicit and multiple-contents samples are 1 m squares). `ext`: a content request the
   * view must make; `only`: every content request of the tileset must match it.
   */
  const CASES: { name: string; dir: string; ext: RegExp; zoom: number; place?: [number, number]; minChanged?: number; only?: RegExp }[] = [
    { name: 'batched-b3dm', dir: '1.0/BatchedWithBatchTable', ext: /\.b3dm$/, zoom: 18 },
    { name: 'pointcloud-pnts', dir: '1.0/PointCloudRGB', ext: /\.pnts$/, zoom: 20 },
    // i3dm and cmpt draw through the renderable copies derived at upload (instances baked as glTF
    // nodes, composites split into their inner tiles): the view requests those, not the originals.
    { name: 'instanced-i3dm', dir: '1.0/InstancedWithBatchTable', ext: /\.i3dm\.derived-0\.b3dm$/, zoom: 18 },
    { name: 'composite-cmpt', dir: '1.0/Composite', ext: /\.cmpt\.derived-1\.b3dm$/, zoom: 18 },
    { name: 'tree-billboards-i3dm', dir: '1.0/TilesetWithTreeBillboards', ext: /\.i3dm\.derived-0\.b3dm$/, zoom: 18 },
    // From afar only the root tile loads: the billboards, whose KHR_techniques_webgl material the copy replaces by unlit PBR.
    { name: 'tree-billboards-far', dir: '1.0/TilesetWithTreeBillboards', ext: /tree_billboard\.i3dm\.derived-0\.b3dm$/, zoom: 16, only: /tree_billboard/ },
    { name: 'request-volume-city-b3dm', dir: '1.0/TilesetWithRequestVolume_city', ext: /\.b3dm$/, zoom: 17 },
    { name: 'metadata-granularities-glb', dir: '1.1/MetadataGranularities', ext: /\.glb$/, zoom: 17.5, place: [0.004, 0.004] },
    // The sample is a 1 m square: at zoom 22 its 32 tiles draw ~120 pixels of small marks (looked at in the screenshot).
    { name: 'sparse-implicit-quadtree', dir: '1.1/SparseImplicitQuadtree', ext: /\.glb$/, zoom: 22, place: [0.004, -0.004], minChanged: 60 },
    { name: 'multiple-contents', dir: '1.1/MultipleContents', ext: /\.glb$/, zoom: 22, place: [-0.004, 0.004] },
  ];

  /**
   * Where the 1.1 samples (no georeference) are placed: an empty spot near the demo park. They are
   * metre-sized; inside the park they are a few pixels between its buildings (README), too few for
   * the pixel count.
   */
  const EMPTY_SPOT: [number, number] = [107.2, 31.75];

  /** Number of pixels of the central region that differ (any channel by more than 24) between two PNGs. */
  async function changedPixels(a: Buffer, b: Buffer): Promise<number> {
    const meta = await sharp(a).metadata();
    const w = meta.width!, h = meta.height!;
    const region = { left: Math.round(w * 0.15), top: Math.round(h * 0.1), width: Math.round(w * 0.7), height: Math.round(h * 0.8) };
    const [ra, rb] = await Promise.all([a, b].map((p) => sharp(p).extract(region).removeAlpha().raw().toBuffer()));
    let n = 0;
    for (let i = 0; i < ra.length; i += 3) {
      if (Math.abs(ra[i] - rb[i]) > 24 || Math.abs(ra[i + 1] - rb[i + 1]) > 24 || Math.abs(ra[i + 2] - rb[i + 2]) > 24) n++;
    }
    return n;
  }

  /** Waits until tileset `id` has loaded content and no more tiles arrive for 1.5 s (at most 30 s). */
  async function waitForTileset(id: number) {
    try {
      await page.waitForFunction((i) => ((window as any).__threeD.stats.byTileset[i]?.tilesLoaded ?? 0) >= 1, id, { timeout: 60_000 });
    } catch (err) {
      // What the page knew when it gave up (CI on stop 21 timed out here once, without a trace).
      const seen = await page.evaluate((i) => {
        const t = (window as any).__threeD;
        return { stats: t.stats.byTileset[i] ?? null, listed: t.stats.tilesets, errors: t.stats.errors, view: (window as any).__app.map.getCenter() };
      }, id);
      const requested = contentRequests.filter((u) => u.includes(`/3dtiles/${id}/`));
      throw new Error(`tileset ${id} loaded no tile: ${JSON.stringify(seen)}; content requested: ${requested.join(' ') || 'none'}; console: ${consoleLog.join(' | ')}`, { cause: err });
    }
    let last = -1;
    for (let waited = 0; waited < 30_000; waited += 1500) {
      const n = await page.evaluate((i) => (window as any).__threeD.stats.byTileset[i].tilesLoaded, id);
      if (n === last) break;
      last = n;
      await page.waitForTimeout(1500);
    }
  }

  for (const c of CASES) {
    it(`uploads, serves and renders ${c.dir}${c.only ? ` (from afar: ${c.only.source} only)` : ''}`, async () => {
      let fields: Record<string, string> = {};
      if (c.place) {
        const [lon, lat] = EMPTY_SPOT;
        fields = { lon: String(lon + c.place[0]), lat: String(lat + c.place[1]), height: '0', heading: '0' };
      }
      const t = await publishTileset(`tiles3d/${c.dir}`, fields);
      const served = await api(`/3dtiles/${t.id}/tileset.json?compat=single-content`);
      expect(served.status).toBe(200);
      const lon = c.place ? Number(fields.lon) : t.tileset.center_lon;
      const lat = c.place ? Number(fields.lat) : t.tileset.center_lat;
      expect(Number.isFinite(lon) && Number.isFinite(lat), `${lon}, ${lat}`).toBe(true);

      await openAt(lon, lat, c.zoom);
      await waitForTileset(t.id);
      const mine = contentRequests.filter((u) => u.includes(`/3dtiles/${t.id}/`));
      expect(mine.some((u) => c.ext.test(u)), mine.join(' ')).toBe(true);
      if (c.only) expect(mine.every((u) => c.only!.test(u)), mine.join(' ')).toBe(true);
      const stats = await page.evaluate((id) => (window as any).__threeD.stats.byTileset[id], t.id);
      expect(stats.errors).toEqual([]);

      await drawn();
      if (process.env.DBG3D) {
        const info = await page.evaluate(() => {
          const deck = (window as any).__app.map._controls.find((c: any) => c._deck)._deck;
          return deck.layerManager.getLayers().filter((l: any) => l.id.startsWith('tileset-') && l.props.visible).map((l: any) => ({ id: l.id, loaded: l.isLoaded, cls: l.constructor.layerName, n: l.props.data?.length, origin: l.props.coordinateOrigin, mm: l.props.modelMatrix ? Array.from(l.props.modelMatrix).slice(12) : null }));
        });
        console.log(JSON.stringify(info).slice(0, 3000));
      }
      // Software GL under load can draw a freshly loaded tile a few frames late: measure up to 4 times.
      let changed = 0;
      for (let attempt = 0; attempt < 4; attempt++) {
        // Only this tileset, then none: other tilesets (e.g. copies of the same fixture uploaded by other
        // tests at the same place) must not hide its pixels.
        await page.evaluate((id) => (window as any).__threeD.showOnlyTilesets([id]), t.id);
        if (attempt === 0) await drawn();
        else {
          await page.evaluate(() => (window as any).__app.map.triggerRepaint());
          await page.waitForTimeout(2000);
        }
        const shown = await canvasShot(`three-d-${c.name}.png`);
        await page.evaluate(() => (window as any).__threeD.showOnlyTilesets([]));
        if (attempt === 0) await drawn();
        else await page.waitForTimeout(800);
        const hidden = await canvasShot(`three-d-${c.name}-hidden.png`);
        changed = await changedPixels(shown, hidden);
        if (changed > (c.minChanged ?? 150)) break;
      }
      console.log(`3D Tiles ${c.dir}: ${stats.tilesLoaded} tiles, ${changed} pixels changed`, consoleLog.splice(0).join('\n'));
      expect(changed).toBeGreaterThan(c.minChanged ?? 150);
      expect(errors).toEqual([]);
    });
  }

  it('loads the tiles of a tileset whose JSON arrives after the map has stopped moving', async () => {
    // deck.gl's Tile3DLayer selects tiles for a freshly loaded tileset only with the viewports activated
    // since its last viewport change, so a tileset JSON answered while the map stands still could get no
    // tile until the user moved the map; the layer now selects for the current view when the JSON loads
    // (three-d.layers.ts). The JSON is held back here for 1.5 s. (This passes without that change too on
    // an idle machine, where a repaint usually comes in between: it guards the late-JSON path, it does
    // not reproduce the one CI timeout of stop 21.)
    const [lon, lat] = [EMPTY_SPOT[0] - 0.004, EMPTY_SPOT[1] - 0.004];
    const t = await publishTileset('tiles3d/1.1/MultipleContents', { lon: String(lon), lat: String(lat), height: '0', heading: '0' });
    const held = new RegExp(`/3dtiles/${t.id}/tileset\\.json`);
    await page.route(held, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    try {
      await openAt(lon, lat, 22);
      await waitForTileset(t.id);
      const stats = await page.evaluate((id) => (window as any).__threeD.stats.byTileset[id], t.id);
      expect(stats.tilesLoaded).toBeGreaterThanOrEqual(1);
      expect(stats.errors).toEqual([]);
    } finally {
      await page.unroute(held);
    }
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
    await drawn();
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
