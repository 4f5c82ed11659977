/**
 * The demo: everything the product generates for a first look at Dazhou, in one folder
 * (`server/demo/`) and started from one call. On first start, into an empty database only:
 *
 * 1. the county boundaries (`dazhou-counties.geojson`, converted from the MIT-licensed ECharts
 *    file by `npm run demo:counties`) and the generated parks, carriers and amenities
 *    (`generate.ts`, deterministic), written in one transaction (`demo.repository.ts`);
 * 2. a published tour of two parks with synthetic 360° panoramas (`demo-tours.ts`), made by the
 *    same `ToursService` staff use;
 * 3. a 3D Tiles tileset of the demo park's buildings (`demo-tileset.ts`) and a BIM model of a
 *    standard factory (`demo-model.ts`), validated and stored by the same `ThreeDService` as uploads
 *    (`demo-3d.ts`).
 *
 * 4. a few policies and featured projects (`demo-policies.ts`), written and published through the
 *    same `PoliciesService` staff and reviewers use.
 *
 * Each step runs once and never touches data a user made.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import type pg from 'pg';
import { ROOT_DIR } from '../../core/config.ts';
import type { AssetStore } from '../../assets/storage.ts';
import { generateDemoData } from './generate.ts';
import { DemoRepository } from './demo.repository.ts';
import { demoHistory } from './demo-history.ts';
import { seedDemoTours } from './demo-tours.ts';
import { generateDemoTileset } from './demo-3d.ts';
import { seedDemoPolicies } from './demo-policies.ts';

/** Converted (WGS84) county boundaries shipped with the product. */
export const COUNTIES_FILE = path.join(ROOT_DIR, 'server', 'demo', 'dazhou-counties.geojson');

/** Demo-data rules. */
export class DemoService {
  constructor(private readonly repo: DemoRepository) {}

  /** Seed when the database is empty; returns what was loaded, or null when it was left alone. */
  async seedIfEmpty(): Promise<{ parks: number; carriers: number; amenities: number } | null> {
    if (!(await this.repo.isEmpty())) return null;
    const counties = JSON.parse(await fs.readFile(COUNTIES_FILE, 'utf8')) as FeatureCollection;
    const data = generateDemoData(counties);
    const now = new Date();
    // The carriers' last 24 months (creation, status and price changes), so statistics over time have a past.
    const history = demoHistory(data.carriers, now);
    await this.repo.insert(data, {
      parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length,
      history: history.entries.length, at: now.toISOString(),
    }, history);
    return { parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length };
  }
}

/** Runs every demo step that has not run yet; `log` gets one line per step that did something. */
export async function seedDemo(pool: pg.Pool, store: AssetStore, log: (line: string) => void): Promise<void> {
  const seeded = await new DemoService(new DemoRepository(pool)).seedIfEmpty();
  if (seeded) log(`demo data loaded: ${seeded.parks} parks, ${seeded.carriers} carriers, ${seeded.amenities} amenities`);
  const tours = await seedDemoTours(pool, store);
  if (tours) log(`demo tours loaded: ${tours.tours} tours, ${tours.panoramas} panoramas`);
  const assets3d = await generateDemoTileset(pool, store);
  if (assets3d) log(`demo 3D assets: tileset ${assets3d.tilesetId} and BIM model ${assets3d.modelId} in park ${assets3d.parkId}`);
  const policies = await seedDemoPolicies(pool, store);
  if (policies) log(`demo policies and projects: ${policies.policies}`);
}
