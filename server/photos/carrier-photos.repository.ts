/** Photos and panoramas that show a carrier: the only code that runs carrier-photos.sql. */
import type pg from 'pg';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'carrier-photos.sql', ['carrierPhotos', 'carrierExists'] as const);

/** A photo row as stored. */
export interface CarrierPhotoRow {
  id: string;
  file_name: string;
  is_panorama: boolean;
  taken_at: string | null;
  heading: number | null;
  review_state: string;
  lon: number | null;
  lat: number | null;
  relation: 'linked' | 'footprint' | 'nearby';
}

/** Data access for a carrier's photos; visibility decided here. */
export class CarrierPhotosRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Whether the carrier exists and the viewer may see it. */
  async carrierVisible(id: string, kind: string, seesUnpublished: boolean): Promise<boolean> {
    return (await this.pool.query(Q.carrierExists, [id, kind, seesUnpublished])).rows.length > 0;
  }

  /** The carrier's photos the viewer may see, newest first. */
  async photos(id: string, kind: string, seesUnpublished: boolean, limit: number): Promise<CarrierPhotoRow[]> {
    return (await this.pool.query<CarrierPhotoRow>(Q.carrierPhotos, [id, kind, seesUnpublished, limit])).rows;
  }
}
