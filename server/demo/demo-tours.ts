/**
 * Demo tours: on first start, after the Dazhou demo data, two published parks get a published
 * tour with synthetic 360° panoramas along it, each made the way staff make theirs:
 *
 * - the panoramas, drawn by our own code (`demo-panorama.ts`, with GPano XMP, EXIF camera, time and
 *   GPS standpoint), are uploaded per park as a surveyor's 360° camera files through the same
 *   `ImportService` as any upload (layer `panoramas`: stored content-addressed, read, staged and
 *   validated, committed, viewer images derived), then published as a reviewer would. The import
 *   places them as it places anyone's: the park and the carrier under the standpoint.
 * - the tour is the park's draft of `ToursService.draftFromPark` (what "generate from a park"
 *   gives staff) with the panoramas on its stops, created through `ToursService.create` (the
 *   editor's `POST /api/tours`, which checks every carrier and panorama it names) and published
 *   through `ToursService.review`.
 *
 * Written directly (`demo-tours.repository.ts`) are only the demo's own bookkeeping: whether the
 * demo data is in and the tours were seeded (settings key `demo_tours_seeded`), the parks by code,
 * and the ids of the uploaded panoramas by their hash. Runs once; a re-run after a crash finds the
 * committed panorama upload again (same bytes, the import's duplicate check) and skips parks whose
 * tour exists.
 *
 * Per park: the gate, a point 220 m inside it, the available plots and the standard factory each
 * get a panorama whose image centre faces the park centre or the carrier.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ImportService } from '../../survey-import/pipeline/import.service.ts';
import { renderDemoPanorama } from './demo-panorama.ts';
import { DemoToursRepository, type DemoParkRow } from './demo-tours.repository.ts';
import type { LonLat } from '../tours/route-order.ts';
import { ToursRepository, type StopInput } from '../tours/tours.repository.ts';
import { ToursService } from '../tours/tours.service.ts';
import type { StopBody } from '../tours/tour.input.ts';
import type { Viewer } from '../auth/roles.ts';

/** The demo writes as an admin would (no account). */
const DEMO_REVIEWER: Viewer = { user: null, role: 'admin' };

/** Parks that get a demo tour (codes of server/demo/generate.ts). */
export const DEMO_TOUR_PARKS = ['DZGX', 'DZJK'] as const;
/** Width of the demo panoramas: 2048 × 1024 keeps the first start fast (≈1 s each). */
const PANORAMA_WIDTH = 2048;

/** Point `distanceM` metres from `p` towards compass `bearingDeg` (local flat approximation). */
function offset(p: LonLat, distanceM: number, bearingDeg: number): LonLat {
  const b = (bearingDeg * Math.PI) / 180;
  const lat = p[1] + (distanceM * Math.cos(b)) / 111_320;
  const lon = p[0] + (distanceM * Math.sin(b)) / (111_320 * Math.cos((p[1] * Math.PI) / 180));
  return [lon, lat];
}

/** Compass bearing from `a` to `b`, degrees 0..360 (local flat approximation). */
function bearing(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180);
  const dy = b[1] - a[1];
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}

interface PlannedPanorama {
  stop: StopInput;
  name: string;
  position: LonLat;
  heading: number;
}

/** File name of a demo panorama upload (the name the panorama is listed under). */
const fileName = (p: PlannedPanorama) => `${p.name}.jpg`;

/**
 * Upload a park's panoramas through the panorama import as a surveyor would, commit and publish
 * them; returns their photo ids in the order of `planned`. Identical files committed by a first
 * start that stopped later on are that batch again (the import's duplicate check).
 */
async function importPanoramas(imports: ImportService, repo: DemoToursRepository, park: DemoParkRow, planned: PlannedPanorama[], seed: number): Promise<number[]> {
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (const [j, p] of planned.entries()) {
    const pano = await renderDemoPanorama({ width: PANORAMA_WIDTH, headingDeg: p.heading, title: p.name, seed: seed + j, position: p.position });
    files.push({ name: fileName(p), bytes: pano.bytes });
  }
  const uploaded = await imports.upload('panoramas', files, {}, null);
  const id = uploaded.duplicateOf ?? uploaded.id;
  if (!uploaded.duplicateOf) {
    const { total, valid } = uploaded.summary as { total: number; valid: number };
    if (Number(total) !== files.length || Number(valid) !== files.length) {
      const issues = (await imports.issues(id, 5)).map((i) => i.message).join('; ');
      throw new Error(`demo panoramas of ${park.code}: ${valid} of ${files.length} imported cleanly (${issues})`);
    }
    await imports.commit(id);
  }
  await imports.review(id, 'published');
  const hashes = files.map((f) => createHash('sha256').update(f.bytes).digest('hex'));
  const ids = await repo.photoIds(hashes);
  return hashes.map((h, j) => {
    const photo = ids.get(h);
    if (photo === undefined) throw new Error(`demo panorama ${files[j].name} of ${park.code} is not in photos after its import`);
    return photo;
  });
}

/** A stop as the editor sends it (`POST /api/tours`). */
function stopBody(s: StopInput): StopBody {
  return {
    title: { zh: s.titleZh, en: s.titleEn }, text: { zh: s.textZh, en: s.textEn },
    camera: { center: s.center, zoom: s.zoom, pitch: s.pitch, bearing: s.bearing },
    dwellS: s.dwellS, carrierIds: s.carrierIds, mediaIds: s.mediaIds,
  };
}

/**
 * Seed the demo tours and panoramas when the demo data was loaded and they were not yet.
 * Returns what was created, or null when there was nothing to do.
 */
export async function seedDemoTours(pool: pg.Pool, imports: ImportService): Promise<{ tours: number; panoramas: number } | null> {
  const demo = new DemoToursRepository(pool);
  const state = await demo.state();
  if (!state.demo_seeded || state.tours_seeded) return null;
  const tours = new ToursService(new ToursRepository(pool));
  let tourCount = 0;
  let panoramaCount = 0;
  for (const [i, park] of (await demo.parks(DEMO_TOUR_PARKS)).entries()) {
    const { tour, stops } = await tours.draftFromPark(park.id);
    const existing = await tours.list(DEMO_REVIEWER, { parkId: park.id });
    if (existing.tours.some((t) => t.title.zh === tour.titleZh)) continue;
    const centre: LonLat = [park.lon, park.lat];
    const gate = stops[1];
    const plots = stops.find((s) => s.titleEn.startsWith('Available plots'));
    const factory = stops.find((s) => s.titleEn.startsWith('Standard factory'));
    const planned: PlannedPanorama[] = [];
    const short = park.name_zh.replace(/(技术产业开发区|经济技术开发区|经济开发区)$/, '');
    const inward = bearing(gate.center, centre);
    planned.push({ stop: gate, name: `${short} · 园区大门`, position: gate.center, heading: inward });
    planned.push({ stop: gate, name: `${short} · 园区主干道`, position: offset(gate.center, 220, inward), heading: inward });
    if (plots) {
      const at = offset(plots.center, 40, 200);
      planned.push({ stop: plots, name: `${short} · 可招商地块`, position: at, heading: bearing(at, plots.center) });
    }
    if (factory) {
      const at = offset(factory.center, 70, 180);
      planned.push({ stop: factory, name: `${short} · 标准厂房`, position: at, heading: bearing(at, factory.center) });
    }
    const ids = await importPanoramas(imports, demo, park, planned, 100 * (i + 1));
    for (const [j, p] of planned.entries()) p.stop.mediaIds.push(ids[j]);
    panoramaCount += ids.length;
    // The overview shows the gate panorama too: the first thing an investor can open.
    stops[0].mediaIds.push(gate.mediaIds[0]);
    // As staff would: the park's generated draft, with the panoramas on its stops, created and published.
    const created = await tours.create(DEMO_REVIEWER, {
      title: { zh: tour.titleZh, en: tour.titleEn }, summary: { zh: tour.summaryZh, en: tour.summaryEn }, parkId: park.id,
      stops: stops.map(stopBody),
    });
    await tours.review(DEMO_REVIEWER, created.id, 'published');
    tourCount++;
  }
  await demo.markSeeded({ tours: tourCount, panoramas: panoramaCount, at: new Date().toISOString() });
  return { tours: tourCount, panoramas: panoramaCount };
}
