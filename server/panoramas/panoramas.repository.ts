/** Data access for panoramas (rows of `photos` with is_panorama). The one place that decides visibility. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'panoramas.sql', [
  'listPanoramas', 'getPanorama', 'nearbyPanoramas', 'carriersInView', 'photoAsset',
] as const);

/** A panorama row. */
export interface PanoramaRow {
  id: number;
  name: string;
  heading: number | null;
  lon: number;
  lat: number;
  park_id: number | null;
  taken_at: string | null;
  width: number | null;
  height: number | null;
  review_state: string;
  sha256: string;
}

/** Another panorama seen from one, with the geodesic distance and bearing to it. */
export interface NearbyPanoramaRow {
  id: number;
  name: string;
  lon: number;
  lat: number;
  distance_m: number;
  bearing: number;
}

/** A carrier near a panorama, with distance to its outline and bearing to a point inside it. */
export interface CarrierInViewRow {
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  status: string;
  lon: number;
  lat: number;
  distance_m: number;
  bearing: number;
}

/** Where a photo's files are stored. */
export interface PhotoAssetRow {
  id: number;
  sha256: string;
  is_panorama: boolean;
  review_state: string;
}

/** Panorama queries; every read takes whether the viewer sees unpublished rows. */
export class PanoramasRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(seesUnpublished: boolean, bbox: [number, number, number, number] | null, parkId: number | null, limit: number): Promise<PanoramaRow[]> {
    const b = bbox ?? [null, null, null, null];
    return (await this.pool.query<PanoramaRow>(Q.listPanoramas, [seesUnpublished, ...b, parkId, limit])).rows;
  }

  async get(seesUnpublished: boolean, id: number): Promise<PanoramaRow | null> {
    return (await this.pool.query<PanoramaRow>(Q.getPanorama, [seesUnpublished, id])).rows[0] ?? null;
  }

  async nearby(seesUnpublished: boolean, id: number, radiusM: number): Promise<NearbyPanoramaRow[]> {
    return (await this.pool.query<NearbyPanoramaRow>(Q.nearbyPanoramas, [seesUnpublished, id, radiusM])).rows;
  }

  async carriersInView(seesUnpublished: boolean, id: number, radiusM: number): Promise<CarrierInViewRow[]> {
    return (await this.pool.query<CarrierInViewRow>(Q.carriersInView, [seesUnpublished, id, radiusM])).rows;
  }

  async photoAsset(seesUnpublished: boolean, id: number): Promise<PhotoAssetRow | null> {
    return (await this.pool.query<PhotoAssetRow>(Q.photoAsset, [seesUnpublished, id])).rows[0] ?? null;
  }
}
