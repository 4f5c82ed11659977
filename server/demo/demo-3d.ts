/**
 * Demo 3D assets, generated at first start after the demo data is loaded: a 3D Tiles tileset of the
 * demo park's factories and offices (extruded by `demo-tileset.ts`) and a BIM model
 * of a standard factory (`demo-model.ts`) placed on one of its factories, which the tileset leaves out. Both
 * are published. Idempotent: does nothing once demo assets exist.
 */
import type pg from 'pg';
import type { AssetStore } from '../../assets/storage.ts';
import { buildDemoTileset } from './demo-tileset.ts';
import { buildDemoFactoryGlb } from './demo-model.ts';
import { packageModel } from '../../survey-import/bim/model-package.ts';
import { ThreeDRepository } from '../three-d/three-d.repository.ts';
import { ThreeDService } from '../three-d/three-d.service.ts';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'demo-3d.sql', ['hasDemoAssets', 'demoPark', 'parkBuildings'] as const);

/** A footprint to extrude for the demo tileset. */
interface BuildingRow {
  id: number;
  code: string;
  kind: 'factory' | 'office';
  status: 'available' | 'reserved' | 'occupied';
  name: string;
  height_m: number;
  geometry: string;
}

/** What the demo's 3D step reads (demo-3d.sql). */
class Demo3dRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Whether the demo tileset and BIM model exist. */
  async hasDemoAssets(): Promise<{ tilesets: boolean; models: boolean }> {
    return (await this.pool.query(Q.hasDemoAssets)).rows[0];
  }

  /** The published park with the most buildings (the demo's 3D park), or null. */
  async demoPark(): Promise<{ id: number; code: string; name_zh: string; buildings: number } | null> {
    const row = (await this.pool.query(Q.demoPark)).rows[0];
    return row ? { ...row, id: Number(row.id) } : null;
  }

  /** Factories and offices of a park, with a height to extrude to. */
  async parkBuildings(parkId: number): Promise<BuildingRow[]> {
    return (await this.pool.query<BuildingRow>(Q.parkBuildings, [parkId])).rows.map((r) => ({ ...r, id: Number(r.id), height_m: Number(r.height_m) }));
  }
}

/**
 * Generates the demo park's tileset and demo BIM model; returns their ids, or null when they
 * already exist or no published park has buildings.
 */
export async function generateDemoTileset(pool: pg.Pool, store: AssetStore): Promise<{ parkId: number; tilesetId: number | null; modelId: number | null } | null> {
  const repo = new ThreeDRepository(pool);
  const service = new ThreeDService(repo, store);
  const demo = new Demo3dRepository(pool);
  const existing = await demo.hasDemoAssets();
  if (existing.tilesets && existing.models) return null;
  const park = await demo.demoPark();
  if (!park) return null;
  const buildings = await demo.parkBuildings(park.id);
  let tilesetId: number | null = null;
  const factory = buildings.find((b) => b.kind === 'factory');
  if (!existing.tilesets) {
    // The factory that gets the BIM model is left out of the extruded tileset: its box would
    // enclose the model (same footprint, same height) and hide it.
    const { files } = buildDemoTileset(buildings.filter((b) => b !== factory).map((b) => ({
      code: b.code, name: b.name, kind: b.kind, status: b.status, heightM: b.height_m, geometry: JSON.parse(b.geometry),
    })));
    tilesetId = await service.storeGeneratedTileset(`${park.name_zh} 三维模型 (demo)`, files, { parkId: park.id, placement: null, reviewState: 'published', origin: 'demo' });
  }
  let modelId: number | null = null;
  if (!existing.models && factory) {
    const anchor = (await repo.carrierAnchor(factory.id))!;
    const glb = buildDemoFactoryGlb();
    const pkg = await packageModel('demo-factory.glb', glb);
    // The model's south-west corner sits at the factory's point; the building is 30 × 18 m.
    modelId = await service.storeGeneratedModel(`${factory.name} BIM (demo)`, glb, pkg, {
      parkId: park.id, carrierId: factory.id, placement: { lon: anchor.lon, lat: anchor.lat, height: 0, heading: 0 },
      georefSource: 'carrier', reviewState: 'published', origin: 'demo',
    });
  }
  return { parkId: park.id, tilesetId, modelId };
}
