/**
 * Loads the generated Dazhou demo data into an empty database on first start. Never touches a
 * database that already holds data or that was seeded before.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import { ROOT_DIR } from '../../core/config.ts';
import { generateDemoData } from '../../layers/demo/generate.ts';
import type { DemoRepository } from './demo.repository.ts';

/** Converted (WGS84) county boundaries shipped with the product. */
export const COUNTIES_FILE = path.join(ROOT_DIR, 'layers', 'demo', 'dazhou-counties.geojson');

/** Demo-data rules. */
export class DemoService {
  constructor(private readonly repo: DemoRepository) {}

  /** Seed when the database is empty; returns what was loaded, or null when it was left alone. */
  async seedIfEmpty(): Promise<{ parks: number; carriers: number; amenities: number } | null> {
    if (!(await this.repo.isEmpty())) return null;
    const counties = JSON.parse(await fs.readFile(COUNTIES_FILE, 'utf8')) as FeatureCollection;
    const data = generateDemoData(counties);
    await this.repo.insert(data, {
      parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length,
      at: new Date().toISOString(),
    });
    return { parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length };
  }
}
