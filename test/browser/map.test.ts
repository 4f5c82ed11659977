/**
 * The built web app in real headless Chromium against the test server: Dazhou's counties and the
 * carriers render, clicking a carrier opens its panel, 3D mode extrudes buildings, language switches.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { api, baseUrl, userWithRole } from '../helpers.ts';
import { hasChromium, launch, SCREENSHOT_DIR } from './chromium.ts';

/**
 * CI budget: what this file checks happens in the browser; the server side it drives (features, tiles,
 * edits and review, statistics) is tested on both engines by the API tests (test/*.test.ts). So it runs
 * on the embedded engine (the bare-machine default) and is skipped when the suite runs on DATABASE_URL,
 * as test/browser/three-d.test.ts, oblique.test.ts and tour.test.ts are.
 */
const enabled = hasChromium() && inject('dbEngine') !== 'postgres';

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

  it("lists a carrier's survey photos (published for the public, unpublished marked for staff), opens one full size, and draws photo cones", async () => {
    const [staff, reviewer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer')]);
    const RUN = `P${process.pid % 10000}${Date.now() % 100000}`;
    const post = (p: string, body: unknown, cookie: string) => api(p, { method: 'POST', cookie, body: JSON.stringify(body) }).then((r) => r.json());
    const upload = async (layer: string, files: { name: string; bytes: Uint8Array }[]) => {
      const form = new FormData();
      form.set('layer', layer);
      for (const f of files) form.append('file', new Blob([f.bytes as Uint8Array<ArrayBuffer>]), f.name);
      const body = await (await api('/api/imports', { method: 'POST', body: form, cookie: staff })).json();
      expect(body.batch.summary.rejected, JSON.stringify(body.batch.summary)).toBe(0);
      await post(`/api/imports/${body.batch.id}/commit`, {}, staff);
      return body.batch.id as number;
    };
    // A parcel in Dazhou and drone photos over it (EXIF GPS and time, DJI gimbal yaw → heading).
    const [lon, lat] = [107.531, 31.243];
    const d = 0.003;
    const parcel = { type: 'Polygon', coordinates: [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]] };
    const land = await upload('land', [{ name: 'photo-parcel.geojson', bytes: new TextEncoder().encode(JSON.stringify({ type: 'Feature', properties: { DKBH: `${RUN}-PH`, 名称: `踏勘地块${RUN}` }, geometry: parcel })) }]);
    await post(`/api/imports/${land}/review`, { state: 'published' }, reviewer);
    const dms = (v: number) => { const g = Math.floor(v); const m = Math.floor((v - g) * 60); return `${g}/1 ${m}/1 ${Math.round(((v - g) * 60 - m) * 6000)}/100`; };
    const photo = async (n: number, day: string, yaw: number) => {
      const [x, y] = [lon - 0.001 + n * 0.0008, lat - 0.0005];
      const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" drone-dji:RelativeAltitude="+50.00" drone-dji:GimbalPitchDegree="-50.0" drone-dji:GimbalYawDegree="${yaw}.0" drone-dji:FlightYawDegree="${yaw}.0"/></rdf:RDF></x:xmpmeta>`;
      const bytes = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 60 + n * 60, g: 140, b: 90 } } }).jpeg()
        .withExif({
          IFD0: { Make: 'DJI', Model: 'FC3582', DateTime: `${day.replace(/-/g, ':')} 10:20:00` },
          IFD2: { DateTimeOriginal: `${day.replace(/-/g, ':')} 10:20:00`, FocalLength: '670/100' },
          IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(y), GPSLongitudeRef: 'E', GPSLongitude: dms(x), GPSAltitude: '350/1' },
        }).withXmp(xmp).toBuffer();
      return { name: `survey_${RUN}_${n}.jpg`, bytes: new Uint8Array(bytes) };
    };
    const published = await upload('photos', [await photo(0, '2026-10-21', 30), await photo(1, '2026-11-03', 120)]);
    await post(`/api/imports/${published}/review`, { state: 'published' }, reviewer);
    const draft = await upload('photos', [await photo(2, '2026-11-20', 250)]);
    const carrier = (await (await api(`/api/layers/land/features?bbox=${lon - d},${lat - d},${lon + d},${lat + d}&limit=50`)).json())
      .features.find((f: any) => f.properties.code === `${RUN}-PH`);
    expect(carrier).toBeTruthy();

    // The public: the two published photos, newest first, with the last survey day; the draft is not there.
    await page.evaluate(() => (window as any).__app.setMode('2d'));
    await page.evaluate((id) => (window as any).__app.selectFeature('land', id), carrier.id);
    await page.waitForSelector('#survey-photos .photo-thumb', { timeout: 15_000 });
    expect(await page.textContent('#survey-photos .last-surveyed')).toBe('最近踏勘 2026-11-03');
    const thumbs = await page.$$eval('#survey-photos .photo-thumb', (els) => els.map((e) => ({ kind: e.getAttribute('data-kind'), date: e.querySelector('.photo-date')?.textContent, draft: e.classList.contains('is-unpublished') })));
    expect(thumbs).toEqual([{ kind: 'photo', date: '2026-11-03', draft: false }, { kind: 'photo', date: '2026-10-21', draft: false }]);
    // Server-side thumbnails loaded.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('#survey-photos img')].every((i) => i.complete && i.naturalWidth > 0));
    expect(await page.$eval('#survey-photos img', (i) => (i as HTMLImageElement).naturalWidth)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-carrier-photos-zh.png') });
    // A thumbnail opens the full image; arrows step, Escape closes the lightbox but not the panel.
    await page.click('#survey-photos .photo-thumb >> nth=0');
    await page.waitForFunction(() => { const i = document.querySelector<HTMLImageElement>('#photo-lightbox img'); return !!i && i.complete && i.naturalWidth > 0; });
    expect(await page.$eval('#photo-lightbox img', (i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(320);
    expect(await page.textContent('#photo-lightbox figcaption')).toContain(`survey_${RUN}_1.jpg`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-photo-lightbox.png') });
    await page.keyboard.press('ArrowRight');
    expect(await page.textContent('#photo-lightbox figcaption')).toContain(`survey_${RUN}_0.jpg`);
    await page.keyboard.press('Escape');
    expect(await page.$('#photo-lightbox')).toBeNull();
    expect(await page.isVisible('#feature-panel')).toBe(true);
    // English wording of the survey day.
    await page.click('#lang-toggle');
    await page.waitForFunction(() => document.querySelector('#survey-photos .last-surveyed')?.textContent === 'Last surveyed 3 Nov 2026', null, { timeout: 5000 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-carrier-photos-en.png') });
    await page.click('#lang-toggle');

    // Photo points with view-direction cones, rotated by their heading, at a readable zoom.
    await page.check('#legend input[data-layer="photos"]');
    await page.evaluate(([x, y]) => (window as any).__app.map.jumpTo({ center: [x, y], zoom: 17 }), [lon, lat]);
    await idle();
    const cones = await page.evaluate(() => (window as any).__app.map.queryRenderedFeatures({ layers: ['photos-cone'] })
      .map((f: any) => ({ id: f.id, heading: f.properties.heading })));
    expect(cones.filter((c: any) => [30, 120].includes(Math.round(c.heading))).length).toBe(2);
    // Below the readable zoom there are dots but no cones.
    await page.evaluate(() => (window as any).__app.map.setZoom(13.5));
    await idle();
    expect(await page.evaluate(() => (window as any).__app.map.queryRenderedFeatures({ layers: ['photos-cone'] }).length)).toBe(0);
    await page.evaluate(() => (window as any).__app.map.setZoom(17));
    await idle();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-photo-cones.png') });

    // Staff (on a phone) see the unpublished photo too, marked.
    const phone = await launch({ width: 390, height: 844 });
    try {
      const [name, value] = staff.split('=');
      await phone.addCookies([{ name: name!, value: value!, url: baseUrl() }]);
      const sp = await phone.newPage();
      await sp.goto(baseUrl() + '/map.html', { waitUntil: 'load' });
      await sp.waitForFunction(() => (window as any).__app?.ready, null, { timeout: 60_000 });
      await sp.evaluate(() => (window as any).__app.ready);
      // Every page link of the header can be seen and tapped on the phone: none scrolled out of sight.
      const links = await sp.$$eval('#top-bar .page-nav a', (els) => els.map((a) => {
        const r = a.getBoundingClientRect();
        return { id: a.id, tappable: document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.closest('a') === a && r.right <= innerWidth };
      }));
      expect(links.map((l) => l.id)).toEqual(['nav-find', 'nav-tours', 'nav-upload', 'nav-policies', 'nav-stats']);
      expect(links.filter((l) => !l.tappable)).toEqual([]);
      await sp.evaluate((id) => (window as any).__app.selectFeature('land', id), carrier.id);
      await sp.waitForSelector('#survey-photos .photo-thumb', { timeout: 15_000 });
      const staffThumbs = await sp.$$eval('#survey-photos .photo-thumb', (els) => els.map((e) => ({ state: e.getAttribute('data-review-state'), draft: !!e.querySelector('.photo-tag-draft') })));
      expect(staffThumbs).toEqual([{ state: 'draft', draft: true }, { state: 'published', draft: false }, { state: 'published', draft: false }]);
      expect(await sp.textContent('#survey-photos .last-surveyed')).toBe('最近踏勘 2026-11-20');
      await sp.$eval('#survey-photos', (e) => e.scrollIntoView());
      await sp.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-carrier-photos-staff-phone.png') });
      await sp.click('#survey-photos .photo-thumb >> nth=0');
      await sp.waitForFunction(() => { const i = document.querySelector<HTMLImageElement>('#photo-lightbox img'); return !!i && i.complete && i.naturalWidth > 0; });
      await sp.screenshot({ path: path.join(SCREENSHOT_DIR, 'map-photo-lightbox-phone.png') });
    } finally {
      await phone.close();
    }
    for (const id of [draft, published, land]) await post(`/api/imports/${id}/undo`, {}, staff);
  }, 120_000);

  it('loads nothing from outside this server and logs no errors', () => {
    expect(external).toEqual([]);
    expect(errors).toEqual([]);
  });
});
