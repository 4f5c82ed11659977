/**
 * The demo: everything the product generates for a first look at Dazhou, in one folder
 * (`server/demo/`) and started from one call. On first start, into an empty database only:
 *
 * 1. the county boundaries (`dazhou-counties.geojson`, converted from the MIT-licensed ECharts
 *    file by `npm run demo:counties`) and the generated parks (`generate.ts`, deterministic),
 *    written in one transaction (`demo.repository.ts`): no service writes counties, and the
 *    parks' only other path, the editor's, cannot give them their short names, aliases and
 *    review state without a history of their own (the reasons in `demo.repository.ts`);
 * 2. the generated carriers and amenities as the survey files a surveyor would upload
 *    (`demo-survey.ts`: one GeoJSON file per layer, Chinese survey headers), through the same
 *    `ImportService` as a user's upload: staged and validated, committed, then reviewed as a
 *    reviewer would (verified or published per feature, a few left as drafts);
 * 3. the carriers' generated 24-month past (`demo-history.ts`) replacing the history the import
 *    wrote for them, in one transaction (`DemoRepository.replacePast`);
 * 4. a published tour of two parks with synthetic 360° panoramas (`demo-tours.ts`): the
 *    panoramas uploaded through the same `ImportService` (layer `panoramas`) and published like a
 *    surveyor's, the tour created and published through the same `ToursService` staff use;
 * 5. a 3D Tiles tileset of the demo park's buildings (`demo-tileset.ts`) and a BIM model of a
 *    standard factory (`demo-model.ts`), validated and stored by the same `ThreeDService` as uploads
 *    (`demo-3d.ts`);
 * 6. a few policies and featured projects (`demo-policies.ts`), written and published through the
 *    same `PoliciesService` staff and reviewers use;
 * 7. sixteen investors' enquiries of the last six months (`demo-enquiries.ts`), submitted through
 *    the same `EnquiriesService` as the public form and handled through it as an officer would
 *    (assigned to the first admin, notes, status changes), then dated into their past.
 *
 * Each step runs once and never touches data a user made. A first start stopped part-way through
 * steps 1–3 resumes at the next start: identical survey files already committed are not imported
 * again (the import's own duplicate check), and step 3 runs only once.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import type pg from 'pg';
import { ROOT_DIR, type Config } from '../../core/config.ts';
import { LocalAssetStore } from '../../assets/storage.ts';
import { createImportService } from '../../survey-import/pipeline/create.ts';
import type { ImportService } from '../../survey-import/pipeline/import.service.ts';
import { generateDemoData } from './generate.ts';
import { DemoRepository } from './demo.repository.ts';
import { demoHistory } from './demo-history.ts';
import { demoSurveyFiles, type SurveyFile } from './demo-survey.ts';
import { seedDemoTours } from './demo-tours.ts';
import { generateDemoTileset } from './demo-3d.ts';
import { seedDemoPolicies } from './demo-policies.ts';
import { seedDemoEnquiries } from './demo-enquiries.ts';
import type { DemoData } from './seed-types.ts';

/** Converted (WGS84) county boundaries shipped with the product. */
export const COUNTIES_FILE = path.join(ROOT_DIR, 'server', 'demo', 'dazhou-counties.geojson');

/** Demo-data rules. */
export class DemoService {
  constructor(private readonly repo: DemoRepository, private readonly imports: ImportService) {}

  /** Seed when the database is empty; returns what was loaded, or null when it was left alone. */
  async seedIfEmpty(now: Date = new Date()): Promise<{ parks: number; carriers: number; amenities: number } | null> {
    const state = await this.repo.state();
    if (state.seeded || (!state.empty && !state.reference)) return null;
    const counties = JSON.parse(await fs.readFile(COUNTIES_FILE, 'utf8')) as FeatureCollection;
    const data = generateDemoData(counties);
    if (!state.reference) await this.repo.insertReference(data.adminAreas, data.parks);
    const batches: number[] = [];
    for (const file of demoSurveyFiles(data.carriers, data.amenities)) batches.push(await this.importSurvey(file, data));
    // The carriers' last 24 months (creation, status and price changes), so statistics over time have a past.
    const history = demoHistory(data.carriers, now);
    await this.repo.replacePast(batches, history, {
      parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length,
      history: history.entries.length, at: now.toISOString(),
    });
    return { parks: data.parks.length, carriers: data.carriers.length, amenities: data.amenities.length };
  }

  /**
   * One survey file through the import as staff and a reviewer would take it: upload (stage and
   * validate), commit, then verify and publish the features the demo has verified or published.
   * The demo is generated to import cleanly: any rejected or flagged item is a bug, and stops here.
   */
  private async importSurvey(file: SurveyFile, data: DemoData): Promise<number> {
    const uploaded = await this.imports.upload(file.layer, [{ name: file.name, bytes: file.bytes }], {}, null);
    // Identical files committed by a first start that stopped later on: that batch.
    const id = uploaded.duplicateOf ?? uploaded.id;
    if (!uploaded.duplicateOf) {
      const { total, valid } = uploaded.summary as { total: number; valid: number };
      if (Number(total) !== file.codes.length || Number(valid) !== file.codes.length) {
        const issues = (await this.imports.issues(id, 5)).map((i) => i.message).join('; ');
        throw new Error(`demo ${file.layer}: ${valid} of ${file.codes.length} features imported cleanly (${issues})`);
      }
      await this.imports.commit(id);
    }
    const states = new Map<string, string>(
      (file.layer === 'amenities' ? data.amenities : data.carriers).map((f) => [f.code, f.review_state]),
    );
    const codes = (state: string) => file.codes.filter((c) => states.get(c) === state);
    await this.imports.review(id, 'verified', codes('verified'));
    await this.imports.review(id, 'published', codes('published'));
    return id;
  }
}


/** Runs every demo step that has not run yet; `log` gets one line per step that did something. */
export async function seedDemo(pool: pg.Pool, config: Config, log: (line: string) => void): Promise<void> {
  const store = new LocalAssetStore(config.dataDir);
  // The import service as the server wires it, but reading in this process: the survey files
  // are the server's own (the reader's child process contains hostile uploads; starting it
  // costs 2–3 s). Staging, validation, commit and review are the same code as for any upload.
  const imports = createImportService(pool, config.dataDir, undefined, { inProcess: true }, { bufferKm: config.serviceAreaBufferKm });
  const seeded = await new DemoService(new DemoRepository(pool), imports).seedIfEmpty();
  if (seeded) log(`demo data loaded: ${seeded.parks} parks, ${seeded.carriers} carriers, ${seeded.amenities} amenities`);
  const tours = await seedDemoTours(pool, imports);
  if (tours) log(`demo tours loaded: ${tours.tours} tours, ${tours.panoramas} panoramas`);
  const assets3d = await generateDemoTileset(pool, store);
  if (assets3d) log(`demo 3D assets: tileset ${assets3d.tilesetId} and BIM model ${assets3d.modelId} in park ${assets3d.parkId}`);
  const policies = await seedDemoPolicies(pool, store);
  if (policies) log(`demo policies and projects: ${policies.policies}`);
  const enquiries = await seedDemoEnquiries(pool);
  if (enquiries) log(`demo enquiries: ${enquiries.enquiries}`);
}
