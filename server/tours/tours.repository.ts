/**
 * Data access for tours and their stops. The one place that decides what a viewer sees: the
 * public gets published tours only and, inside them, published carriers and photos only.
 */
import type pg from 'pg';
import { withTransaction } from '../../core/db/database.ts';
import { loadQueries } from '../../core/db/sql.ts';

const Q = loadQueries(import.meta.url, 'tours.sql', [
  'listTours', 'getTour', 'tourStops', 'stopCarriers', 'stopMedia', 'insertTour', 'updateTour', 'touchTour', 'setTourState',
  'deleteTour', 'lockTour', 'stopCount', 'shiftStops', 'insertStop', 'updateStop', 'deleteStop', 'compactStops', 'stopIds',
  'reorderStops', 'deleteStopCarriers', 'insertStopCarriers', 'deleteStopMedia', 'insertStopMedia', 'existingCarrierIds',
  'existingPhotoIds', 'parkExists', 'parkForTour', 'parkHighlights', 'carriersForTour', 'nearestAmenities', 'mediaInBox',
] as const);

/** A tour row as listed. */
export interface TourSummaryRow {
  id: number;
  title_zh: string;
  title_en: string;
  summary_zh: string;
  summary_en: string;
  park_id: number | null;
  park_name_zh: string | null;
  park_name_en: string | null;
  review_state: 'draft' | 'verified' | 'published';
  created_at: Date;
  updated_at: Date;
  stop_count: number;
  first_stop_id: number | null;
}

/** One tour row. */
export type TourRow = Omit<TourSummaryRow, 'stop_count' | 'first_stop_id'> & { reviewed_at: Date | null; created_by: string | null };

/** A stop row (camera and texts). */
export interface StopRow {
  id: number;
  position: number;
  title_zh: string;
  title_en: string;
  text_zh: string;
  text_en: string;
  lon: number;
  lat: number;
  zoom: number;
  pitch: number;
  bearing: number;
  dwell_s: number;
}

/** A carrier a stop highlights. */
export interface StopCarrierRow {
  stop_id: number;
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  status: string;
  area_m2: number;
  review_state: string;
  geometry: string;
}

/** A photo or panorama a stop shows. */
export interface StopMediaRow {
  stop_id: number;
  id: number;
  name: string;
  is_panorama: boolean;
  heading: number | null;
  lon: number | null;
  lat: number | null;
  review_state: string;
}

/** A stop to write: texts, camera, dwell and what it shows. */
export interface StopInput {
  titleZh: string;
  titleEn: string;
  textZh: string;
  textEn: string;
  center: [number, number];
  zoom: number;
  pitch: number;
  bearing: number;
  dwellS: number;
  carrierIds: number[];
  mediaIds: number[];
}

/** A partial stop update: undefined/null fields keep their value. */
export type StopPatch = { [K in keyof StopInput]?: StopInput[K] | null };

/** Tour texts and park. */
export interface TourInput {
  titleZh: string;
  titleEn: string;
  summaryZh: string;
  summaryEn: string;
  parkId: number | null;
}

/** What the generator knows about a park. */
export interface ParkForTourRow {
  id: number;
  code: string;
  name_zh: string;
  name_en: string;
  intro_zh: string;
  intro_en: string;
  review_state: string;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
  gate_lon: number;
  gate_lat: number;
  exit_id: number | null;
  exit_name: string | null;
  exit_lon: number | null;
  exit_lat: number | null;
  exit_distance_m: number | null;
}

/** What the generator knows about a carrier. */
export interface CarrierForTourRow {
  id: number;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  status: string;
  review_state: string;
  park_id: number | null;
  area_m2: number;
  floors: number | null;
  floor_area_m2: number | null;
  clear_height_m: number | null;
  floor_load_kn_m2: number | null;
  building_height_m: number | null;
  price: number | null;
  price_unit: string | null;
  lon: number;
  lat: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** The nearest amenity of one kind. */
export interface NearestAmenityRow {
  kind: string;
  id: number;
  name: string;
  distance_m: number;
}

type Querier = Pick<pg.PoolClient, 'query'>;

async function writeStopLinks(c: Querier, stopId: number, stop: StopPatch): Promise<void> {
  if (stop.carrierIds) {
    await c.query(Q.deleteStopCarriers, [stopId]);
    if (stop.carrierIds.length) await c.query(Q.insertStopCarriers, [stopId, stop.carrierIds]);
  }
  if (stop.mediaIds) {
    await c.query(Q.deleteStopMedia, [stopId]);
    if (stop.mediaIds.length) await c.query(Q.insertStopMedia, [stopId, stop.mediaIds]);
  }
}

async function insertStop(c: Querier, tourId: number, position: number, s: StopInput): Promise<number> {
  const { rows } = await c.query<{ id: number }>(Q.insertStop, [
    tourId, position, s.titleZh, s.titleEn, s.textZh, s.textEn, s.center[0], s.center[1], s.zoom, s.pitch, s.bearing, s.dwellS,
  ]);
  await writeStopLinks(c, rows[0].id, s);
  return rows[0].id;
}

/** Tour queries. Writes that touch several rows run in one short transaction. */
export class ToursRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(seesUnpublished: boolean, parkId: number | null): Promise<TourSummaryRow[]> {
    return (await this.pool.query<TourSummaryRow>(Q.listTours, [seesUnpublished, parkId])).rows;
  }

  async get(seesUnpublished: boolean, id: number): Promise<TourRow | null> {
    return (await this.pool.query<TourRow>(Q.getTour, [seesUnpublished, id])).rows[0] ?? null;
  }

  /** Stops of a tour in order, with the carriers and media the viewer may see. */
  async stops(seesUnpublished: boolean, tourId: number): Promise<{ stops: StopRow[]; carriers: StopCarrierRow[]; media: StopMediaRow[] }> {
    const [stops, carriers, media] = await Promise.all([
      this.pool.query<StopRow>(Q.tourStops, [tourId]),
      this.pool.query<StopCarrierRow>(Q.stopCarriers, [seesUnpublished, tourId]),
      this.pool.query<StopMediaRow>(Q.stopMedia, [seesUnpublished, tourId]),
    ]);
    return { stops: stops.rows, carriers: carriers.rows, media: media.rows };
  }

  /** Create a tour with its stops (in order); returns its id. */
  async create(tour: TourInput, stops: StopInput[], userId: number | null): Promise<number> {
    return withTransaction(this.pool, async (c) => {
      const { rows } = await c.query<{ id: number }>(Q.insertTour, [tour.titleZh, tour.titleEn, tour.summaryZh, tour.summaryEn, tour.parkId, userId]);
      for (const [i, s] of stops.entries()) await insertStop(c, rows[0].id, i, s);
      return rows[0].id;
    });
  }

  /** Update texts / park (null keeps; `parkId` undefined keeps); false when the tour is absent. */
  async update(id: number, patch: Partial<{ [K in keyof TourInput]: TourInput[K] | null }>): Promise<boolean> {
    const setPark = patch.parkId !== undefined;
    const { rows } = await this.pool.query(Q.updateTour, [
      id, patch.titleZh ?? null, patch.titleEn ?? null, patch.summaryZh ?? null, patch.summaryEn ?? null, setPark, patch.parkId ?? null,
    ]);
    return rows.length > 0;
  }

  async setState(id: number, state: string): Promise<boolean> {
    return (await this.pool.query(Q.setTourState, [id, state])).rows.length > 0;
  }

  async delete(id: number): Promise<boolean> {
    return (await this.pool.query(Q.deleteTour, [id])).rows.length > 0;
  }

  /**
   * Insert a stop at `position` (0-based; null or past the end appends); returns its id, or null
   * when the tour is absent.
   */
  async addStop(tourId: number, position: number | null, stop: StopInput): Promise<number | null> {
    return withTransaction(this.pool, async (c) => {
      if (!(await c.query(Q.lockTour, [tourId])).rows.length) return null;
      const n = (await c.query<{ n: number }>(Q.stopCount, [tourId])).rows[0].n;
      const at = position === null || position > n ? n : position;
      if (at < n) await c.query(Q.shiftStops, [tourId, at]);
      const id = await insertStop(c, tourId, at, stop);
      await c.query(Q.touchTour, [tourId]);
      return id;
    });
  }

  /** Update a stop (and its carriers/media when given); false when absent. */
  async updateStop(tourId: number, stopId: number, patch: StopPatch): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      const { rows } = await c.query(Q.updateStop, [
        tourId, stopId, patch.titleZh ?? null, patch.titleEn ?? null, patch.textZh ?? null, patch.textEn ?? null,
        patch.center?.[0] ?? null, patch.center?.[1] ?? null, patch.zoom ?? null, patch.pitch ?? null, patch.bearing ?? null, patch.dwellS ?? null,
      ]);
      if (!rows.length) return false;
      await writeStopLinks(c, stopId, patch);
      await c.query(Q.touchTour, [tourId]);
      return true;
    });
  }

  /** Delete a stop and close the gap in positions; false when absent. */
  async deleteStop(tourId: number, stopId: number): Promise<boolean> {
    return withTransaction(this.pool, async (c) => {
      if (!(await c.query(Q.lockTour, [tourId])).rows.length) return false;
      if (!(await c.query(Q.deleteStop, [tourId, stopId])).rows.length) return false;
      await c.query(Q.compactStops, [tourId]);
      await c.query(Q.touchTour, [tourId]);
      return true;
    });
  }

  /** Stop ids of a tour in order. */
  async stopIds(tourId: number): Promise<number[]> {
    return (await this.pool.query<{ id: number }>(Q.stopIds, [tourId])).rows.map((r) => r.id);
  }

  /** Give the stops the order of `ids` (every stop id of the tour, checked by the service). */
  async reorder(tourId: number, ids: number[]): Promise<void> {
    await withTransaction(this.pool, async (c) => {
      await c.query(Q.lockTour, [tourId]);
      await c.query(Q.reorderStops, [tourId, ids]);
      await c.query(Q.touchTour, [tourId]);
    });
  }

  async existingCarrierIds(ids: number[]): Promise<Set<number>> {
    return new Set((await this.pool.query<{ id: number }>(Q.existingCarrierIds, [ids])).rows.map((r) => r.id));
  }

  async existingPhotoIds(ids: number[]): Promise<Set<number>> {
    return new Set((await this.pool.query<{ id: number }>(Q.existingPhotoIds, [ids])).rows.map((r) => r.id));
  }

  async parkExists(id: number): Promise<boolean> {
    return (await this.pool.query(Q.parkExists, [id])).rows.length > 0;
  }

  async parkForTour(id: number): Promise<ParkForTourRow | null> {
    return (await this.pool.query<ParkForTourRow>(Q.parkForTour, [id])).rows[0] ?? null;
  }

  /** Available published carriers of a park, best first per kind. */
  async parkHighlights(parkId: number): Promise<{ id: number; kind: string }[]> {
    return (await this.pool.query<{ id: number; kind: string }>(Q.parkHighlights, [parkId])).rows;
  }

  async carriersForTour(ids: number[]): Promise<CarrierForTourRow[]> {
    return (await this.pool.query<CarrierForTourRow>(Q.carriersForTour, [ids])).rows;
  }

  /** Photos and panoramas positioned in `bbox` (for the editor). */
  async mediaInBox(bbox: [number, number, number, number]): Promise<Omit<StopMediaRow, 'stop_id'>[]> {
    return (await this.pool.query<Omit<StopMediaRow, 'stop_id'>>(Q.mediaInBox, bbox)).rows;
  }

  async nearestAmenities(lon: number, lat: number, kinds: readonly string[]): Promise<NearestAmenityRow[]> {
    return (await this.pool.query<NearestAmenityRow>(Q.nearestAmenities, [lon, lat, kinds])).rows;
  }
}
