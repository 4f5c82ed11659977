/**
 * Guided tours and panoramas over HTTP against the test server (demo data, demo tours and demo
 * panoramas loaded at start): visibility of drafts, authoring and review, deep-link stability,
 * generation from a park and from carriers, and the panorama API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { distanceM, pathLengthM, type LonLat } from '../server/tours/route-order.ts';
import { api, testPool, userWithRole } from './helpers.ts';

type Tour = {
  id: number; reviewState: string; title: { zh: string; en: string }; parkId: number | null;
  stops: { id: number; position: number; title: { zh: string; en: string }; camera: { center: LonLat; zoom: number; pitch: number; bearing: number };
    dwellS: number; link: string; carriers: { id: number; layer: string; geometry: unknown }[]; media: { id: number; kind: string; imageUrl: string }[] }[];
};

const json = async <T = any>(res: Response, status = 200): Promise<T> => {
  const body = await res.text();
  expect(res.status, body).toBe(status);
  return (body ? JSON.parse(body) : undefined) as T;
};

const stop = (lon: number, lat: number, zh: string, extra: Record<string, unknown> = {}) => ({
  title: { zh, en: zh }, text: { zh: `${zh}说明`, en: `${zh} text` }, camera: { center: [lon, lat], zoom: 15, pitch: 30, bearing: 10 }, dwellS: 5, ...extra,
});

describe('tours API', () => {
  let staff: string;
  let reviewer: string;
  let officer: string;

  beforeAll(async () => {
    [staff, reviewer, officer] = await Promise.all([userWithRole('staff'), userWithRole('reviewer'), userWithRole('officer')]);
  });

  it('the demo has published tours of two parks with at least five stops and panoramas, open to anyone', async () => {
    const { tours } = await json<{ tours: any[] }>(await api('/api/tours'));
    // The public list holds published tours only, without their review state (an internal field).
    for (const t of tours) expect(t.reviewState).toBeUndefined();
    const demo = tours.filter((t) => t.parkId !== null);
    expect(new Set(demo.map((t) => t.parkId)).size).toBeGreaterThanOrEqual(2);
    for (const summary of demo.slice(0, 2)) {
      expect(summary.stopCount).toBeGreaterThanOrEqual(5);
      const tour = await json<Tour>(await api(`/api/tours/${summary.id}`));
      expect(tour.stops.map((s) => s.position)).toEqual(tour.stops.map((_, i) => i));
      expect(tour.stops[0].title.zh).toContain('概览');
      expect(tour.stops.at(-1)!.title.zh).toContain('高速出入口');
      expect(tour.stops.some((s) => s.carriers.length > 0)).toBe(true);
      expect(tour.stops.flatMap((s) => s.media).filter((m) => m.kind === 'panorama').length).toBeGreaterThanOrEqual(3);
      for (const s of tour.stops) {
        expect(s.link).toBe(`/tour.html?id=${tour.id}#stop=${s.id}`);
        expect(s.camera.zoom).toBeGreaterThan(8);
        expect(s.dwellS).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('a draft tour is a 404 for the public and officers, visible to staff, and public once a reviewer publishes it', async () => {
    const created = await json<Tour>(await api('/api/tours', {
      method: 'POST', cookie: staff,
      body: JSON.stringify({ title: { zh: '草稿导览', en: 'Draft tour' }, stops: [stop(107.5, 31.2, '第一站'), stop(107.51, 31.21, '第二站')] }),
    }), 201);
    expect(created.reviewState).toBe('draft');
    expect(created.stops).toHaveLength(2);

    expect((await api(`/api/tours/${created.id}`)).status).toBe(404);
    expect((await api(`/api/tours/${created.id}`, { cookie: officer })).status).toBe(404);
    const publicList = await json<{ tours: { id: number }[] }>(await api('/api/tours'));
    expect(publicList.tours.map((t) => t.id)).not.toContain(created.id);
    const staffList = await json<{ tours: { id: number }[] }>(await api('/api/tours', { cookie: staff }));
    expect(staffList.tours.map((t) => t.id)).toContain(created.id);
    expect((await api(`/api/tours/${created.id}`, { cookie: staff })).status).toBe(200);

    // Staff author, reviewers publish; the public may not write at all.
    expect((await api(`/api/tours/${created.id}/review`, { method: 'POST', cookie: staff, body: JSON.stringify({ state: 'published' }) })).status).toBe(403);
    expect((await api('/api/tours', { method: 'POST', body: JSON.stringify({ title: { zh: 'x' } }) })).status).toBe(401);
    expect((await api(`/api/tours/${created.id}`, { method: 'PUT', cookie: reviewer, body: JSON.stringify({ title: { zh: 'x' } }) })).status).toBe(403);
    const published = await json<Tour>(await api(`/api/tours/${created.id}/review`, { method: 'POST', cookie: reviewer, body: JSON.stringify({ state: 'published' }) }));
    expect(published.reviewState).toBe('published');
    expect((await json<Tour>(await api(`/api/tours/${created.id}`))).stops).toHaveLength(2);

    // An edit takes it back to draft: the public never sees unreviewed text.
    const edited = await json<Tour>(await api(`/api/tours/${created.id}/stops/${created.stops[0].id}`, {
      method: 'PUT', cookie: staff, body: JSON.stringify({ text: { zh: '改过的说明' } }),
    }));
    expect(edited.reviewState).toBe('draft');
    expect(edited.stops[0].title.zh).toBe('第一站');
    expect((await api(`/api/tours/${created.id}`)).status).toBe(404);

    expect((await api(`/api/tours/${created.id}`, { method: 'DELETE', cookie: staff })).status).toBe(204);
    expect((await api(`/api/tours/${created.id}`, { cookie: staff })).status).toBe(404);
  });

  it('keeps stop ids (deep links) stable when stops are reordered, inserted and deleted', async () => {
    const tour = await json<Tour>(await api('/api/tours', {
      method: 'POST', cookie: staff,
      body: JSON.stringify({ title: { zh: '排序导览' }, stops: [stop(107.40, 31.20, 'A'), stop(107.41, 31.21, 'B'), stop(107.42, 31.22, 'C')] }),
    }), 201);
    const [a, b, c] = tour.stops;
    const reordered = await json<Tour>(await api(`/api/tours/${tour.id}/order`, {
      method: 'PUT', cookie: staff, body: JSON.stringify({ stopIds: [c.id, a.id, b.id] }),
    }));
    expect(reordered.stops.map((s) => [s.id, s.title.zh, s.position])).toEqual([[c.id, 'C', 0], [a.id, 'A', 1], [b.id, 'B', 2]]);
    expect(reordered.stops.find((s) => s.id === a.id)!.link).toBe(a.link);

    const added = await json<{ stopId: number; tour: Tour }>(await api(`/api/tours/${tour.id}/stops`, {
      method: 'POST', cookie: staff, body: JSON.stringify({ ...stop(107.43, 31.23, 'D'), position: 1 }),
    }), 201);
    expect(added.tour.stops.map((s) => s.title.zh)).toEqual(['C', 'D', 'A', 'B']);
    const afterDelete = await json<Tour>(await api(`/api/tours/${tour.id}/stops/${c.id}`, { method: 'DELETE', cookie: staff }));
    expect(afterDelete.stops.map((s) => [s.title.zh, s.position])).toEqual([['D', 0], ['A', 1], ['B', 2]]);
    expect(afterDelete.stops.map((s) => s.id)).toEqual([added.stopId, a.id, b.id]);

    // A reorder must name every stop once, and only stops of this tour.
    const bad = await api(`/api/tours/${tour.id}/order`, { method: 'PUT', cookie: staff, body: JSON.stringify({ stopIds: [a.id, b.id] }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('must list all 3 stops');
    expect((await api(`/api/tours/${tour.id}/order`, { method: 'PUT', cookie: staff, body: JSON.stringify({ stopIds: [a.id, b.id, 999999] }) })).status).toBe(400);
  });

  it('lists the photos and panoramas in a view for staff picking media', async () => {
    const res = await json<{ media: { id: number; kind: string }[] }>(await api('/api/tours/media?bbox=106.5,30.3,108.7,32.5', { cookie: staff }));
    expect(res.media.filter((m) => m.kind === 'panorama').length).toBeGreaterThanOrEqual(8);
    expect((await api('/api/tours/media?bbox=106.5,30.3,108.7,32.5')).status).toBe(401);
    expect((await api('/api/tours/media', { cookie: staff })).status).toBe(400);
  });

  it('rejects bad stops with messages that name the value', async () => {
    const res = await api('/api/tours', {
      method: 'POST', cookie: staff, body: JSON.stringify({ title: { zh: '坏' }, stops: [{ camera: { center: [200, 31], zoom: 12 } }] }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/camera.center\[0\].*-180..180.*200/);
    const noCam = await api('/api/tours', { method: 'POST', cookie: staff, body: JSON.stringify({ title: { zh: '坏' }, stops: [{ title: { zh: 'x' } }] }) });
    expect((await noCam.json()).error.message).toContain('camera');
    const badCarrier = await api('/api/tours', {
      method: 'POST', cookie: staff, body: JSON.stringify({ title: { zh: '坏' }, stops: [stop(107.4, 31.2, 'x', { carrierIds: [987654321] })] }),
    });
    expect(badCarrier.status).toBe(400);
    expect((await badCarrier.json()).error.message).toContain('987654321');
  });

  it('generates a tour from carriers that visits each carrier once, in a short order, with distance captions', async () => {
    const land = await json<any>(await api('/api/layers/land/features?limit=400'));
    const parkId = land.features[0].properties.park_id;
    const inPark = land.features.filter((f: any) => f.properties.park_id === parkId);
    // Six carriers spread over the park, listed in a deliberately zig-zag order.
    const step = Math.floor(inPark.length / 6);
    const picked = [0, 3, 1, 4, 2, 5].map((k) => inPark[k * step]);
    const ids: number[] = picked.map((f: any) => Number(f.id));
    const tour = await json<Tour>(await api('/api/tours/generate', { method: 'POST', cookie: staff, body: JSON.stringify({ carrierIds: ids }) }), 201);
    expect(tour.reviewState).toBe('draft');
    expect(tour.stops).toHaveLength(ids.length);
    const visited = tour.stops.map((s) => s.carriers.map((c) => c.id));
    expect(visited.every((v) => v.length === 1)).toBe(true);
    expect(visited.flat().sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    for (const s of tour.stops) expect(s.title.zh + s.title.en).toMatch(/可招商地块|Available parcel/);
    expect(tour.stops.every((s) => /高速出入口 [0-9.]+ (米|公里)/.test((s as any).text.zh))).toBe(true);

    // Short: within 5% of the best of all 720 orders (stop centres are the carriers' inner points).
    const pts = tour.stops.map((s) => s.camera.center);
    const len = pathLengthM(pts, pts.map((_, i) => i));
    let best = Infinity;
    const permute = (rest: number[], acc: number[]) => {
      if (!rest.length) { best = Math.min(best, pathLengthM(pts, acc)); return; }
      for (const r of rest) permute(rest.filter((x) => x !== r), [...acc, r]);
    };
    permute(pts.map((_, i) => i), []);
    expect(len).toBeLessThanOrEqual(best * 1.05 + 1);
    const given = ids.map((id) => pts[tour.stops.findIndex((s) => s.carriers[0].id === id)]);
    expect(len).toBeLessThanOrEqual(pathLengthM(given, given.map((_, i) => i)));
  });

  it('generates a tour from a park: overview, gate, plots, factory and the nearest highway exit', async () => {
    const parks = await json<any>(await api('/api/layers/parks/features?limit=20'));
    const park = parks.features.find((f: any) => f.properties.code === 'XHPG') ?? parks.features[0];
    const tour = await json<Tour>(await api('/api/tours/generate', { method: 'POST', cookie: staff, body: JSON.stringify({ parkId: Number(park.id) }) }), 201);
    expect(tour.parkId).toBe(Number(park.id));
    expect(tour.stops.length).toBeGreaterThanOrEqual(5);
    const titles = tour.stops.map((s) => s.title.en);
    expect(titles[0]).toContain('overview');
    expect(titles[1]).toBe('Park gate');
    expect(titles.some((t) => t.startsWith('Available plots'))).toBe(true);
    expect(titles.some((t) => t.startsWith('Standard factory'))).toBe(true);
    expect(titles.at(-1)).toMatch(/^Nearest highway exit/);
    const factory = tour.stops.find((s) => s.title.en.startsWith('Standard factory'))!;
    expect(factory.camera.pitch).toBeGreaterThan(0);
    expect(factory.carriers[0].layer).toBe('factories');
    expect((await api('/api/tours/generate', { method: 'POST', cookie: staff, body: JSON.stringify({ parkId: 999999 }) })).status).toBe(404);
    expect((await api('/api/tours/generate', { method: 'POST', cookie: staff, body: JSON.stringify({}) })).status).toBe(400);
  });
});

describe('panoramas API', () => {
  it('the demo panoramas came in through the panorama import, as a surveyor\'s camera files do', async () => {
    const pool = testPool();
    try {
      // Each is a committed panorama upload's, published by the batch's review, placed from its EXIF GPS and time.
      const { rows } = await pool.query(`SELECT p.file_name, p.review_state, p.make, p.taken_at, p.geom IS NOT NULL AS placed, b.layer, b.status
        FROM photos p JOIN import_batches b ON b.id = p.batch_id WHERE p.model = 'demo-panorama' ORDER BY p.id`);
      expect(rows).toHaveLength(8);
      for (const r of rows) {
        expect(r).toMatchObject({ layer: 'panoramas', status: 'committed', review_state: 'published', make: 'dazhou-carrier-gis', taken_at: '2025-05-01T10:00:00+08:00', placed: true });
      }
      expect(rows.map((r) => r.file_name)).toContain('达州高新 · 园区大门.jpg');
    } finally {
      await pool.end();
    }
  });

  it('lists published panoramas in a bbox with position and heading, and serves one with hotspots', async () => {
    const { panoramas } = await json<{ panoramas: any[] }>(await api('/api/panoramas?bbox=106.5,30.3,108.7,32.5'));
    expect(panoramas.length).toBeGreaterThanOrEqual(6);
    for (const p of panoramas) {
      expect(p.reviewState).toBeUndefined(); // published only, and the public is not told the review state
      expect(p.position).toHaveLength(2);
      expect(p.heading).toBeGreaterThanOrEqual(0);
      expect(p.heading).toBeLessThan(360);
    }
    const gate = panoramas.find((p) => p.name.includes('园区大门'));
    const detail = await json<any>(await api(`/api/panoramas/${gate.id}`));
    const inner = detail.hotspots.panoramas.find((h: any) => h.name.includes('园区主干道'));
    expect(inner).toBeTruthy();
    expect(inner.distanceM).toBeGreaterThan(180);
    expect(inner.distanceM).toBeLessThan(260);
    // The inner panorama lies 220 m along the gate's heading (towards the park centre).
    const diff = Math.abs(((inner.bearing - detail.heading + 540) % 360) - 180);
    expect(diff).toBeLessThan(3);
    for (const h of detail.hotspots.panoramas) expect(h.distanceM).toBeLessThanOrEqual(500);
    const factory = panoramas.find((p) => p.name.includes('标准厂房'));
    const fd = await json<any>(await api(`/api/panoramas/${factory.id}`));
    expect(fd.hotspots.carriers.length).toBeGreaterThan(0);
    for (const c of fd.hotspots.carriers) {
      expect(c.distanceM).toBeLessThanOrEqual(300);
      expect(['land', 'factories', 'offices']).toContain(c.layer);
    }
    const nearestFactory = fd.hotspots.carriers.find((c: any) => c.layer === 'factories');
    expect(distanceM(fd.position, nearestFactory.position)).toBeLessThan(300);
  });

  it('serves the viewer image as a cacheable JPEG with an ETag, and hides drafts from the public', async () => {
    const { panoramas } = await json<{ panoramas: any[] }>(await api('/api/panoramas?limit=1'));
    const res = await api(panoramas[0].imageUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    const etag = res.headers.get('etag')!;
    expect((await api(panoramas[0].imageUrl, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await api(panoramas[0].thumbnailUrl)).headers.get('content-type')).toBe('image/jpeg');
    expect((await api('/api/panoramas/999999')).status).toBe(404);
    expect((await api('/api/panoramas/abc')).status).toBe(400);
    expect((await api('/api/panoramas?bbox=1,2,3')).status).toBe(400);
  });

  it('puts the panoramas on the map as a published-only point layer', async () => {
    const { layers } = await json<any>(await api('/api/layers'));
    const layer = layers.find((l: any) => l.id === 'panoramas');
    expect(layer.featureCount).toBeGreaterThanOrEqual(6);
    const fc = await json<any>(await api('/api/layers/panoramas/features?limit=5'));
    expect(fc.features[0].geometry.type).toBe('Point');
    const tj = await json<any>(await api('/tiles/panoramas.json'));
    expect(tj.tiles[0]).toContain('/tiles/panoramas/');
  });
});
