/**
 * 360° panoramas: where they are, what can be seen from each (hotspots), and their images.
 *
 * | hotspot kind | what                                                   | radius            |
 * |--------------|--------------------------------------------------------|-------------------|
 * | panorama     | other panoramas the viewer can jump to                 | `HOTSPOT_RADIUS_M.panorama` |
 * | carrier      | land, factories and offices around the standpoint      | `HOTSPOT_RADIUS_M.carrier`  |
 *
 * Bearings are compass degrees 0..360 (0 = north, clockwise) from the panorama's position, so the
 * viewer places a hotspot at yaw = bearing − heading of the image centre. The public sees
 * published panoramas and carriers only (decided in the repository).
 */
import type { ReadStream } from 'node:fs';
import type { AssetStore } from '../../assets/storage.ts';
import { omitInternal, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { AppError, BadParameterError, NotFoundError } from '../../core/errors.ts';
import { parseBBox } from '../features/features.service.ts';
import type { CarrierInViewRow, PanoramaRow, PanoramasRepository } from './panoramas.repository.ts';

/** Search radii of the hotspots, metres. */
export const HOTSPOT_RADIUS_M = { panorama: 500, carrier: 300 } as const;
/** Page size of `GET /api/panoramas`. */
export const PANORAMA_LIMIT = { default: 500, max: 5000 } as const;

/** Layer id of each carrier kind (the map's layer ids). */
export const CARRIER_LAYER: Record<CarrierInViewRow['kind'], string> = { land: 'land', factory: 'factories', office: 'offices' };

/** Image variants served for photos (asset-store variant names of `makeDerivatives`). */
export const PHOTO_VARIANTS = ['thumbnail', 'preview', 'panorama'] as const;
export type PhotoVariant = (typeof PHOTO_VARIANTS)[number];

/** A panorama as the API returns it. */
export interface Panorama {
  id: number;
  name: string;
  /** [lon, lat] in EPSG:4326. */
  position: [number, number];
  /** Compass heading of the image centre, degrees (0 when unknown). */
  heading: number;
  headingKnown: boolean;
  parkId: number | null;
  takenAt: string | null;
  width: number | null;
  height: number | null;
  reviewState: string;
  imageUrl: string;
  thumbnailUrl: string;
}

/** A stored image ready to stream. */
export interface PhotoFile {
  stream: ReadStream;
  /** Strong validator: the original's hash and the variant. */
  etag: string;
  /** Whether the photo is published (public caching) or a draft only staff may see (private). */
  published: boolean;
}

/** Parse a positive integer path id. */
export function parseId(what: string, raw: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('bad_request', `${what} id must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: 'id', value: raw });
  return Number(raw);
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const compass = (deg: number) => round(((deg % 360) + 360) % 360, 1);

function toPanorama(r: PanoramaRow): Panorama {
  const known = r.heading !== null && Number.isFinite(r.heading);
  return {
    id: r.id, name: r.name, position: [round(r.lon, 7), round(r.lat, 7)],
    heading: known ? compass(r.heading!) : 0, headingKnown: known,
    parkId: r.park_id, takenAt: r.taken_at, width: r.width, height: r.height, reviewState: r.review_state,
    imageUrl: `/api/panoramas/${r.id}/image`, thumbnailUrl: `/api/panoramas/${r.id}/thumbnail`,
  };
}

/** Panorama rules. */
export class PanoramasService {
  constructor(
    private readonly repo: PanoramasRepository,
    private readonly store: AssetStore,
  ) {}

  /** Panoramas in `bbox` (and/or of park `parkId`) the viewer may see; `query` is validated at the route. */
  async list(viewer: Viewer, query: { bbox?: string; parkId?: number; limit: number }): Promise<{ panoramas: Panorama[]; numberReturned: number }> {
    const bbox = parseBBox(query.bbox);
    const rows = await this.repo.list(seesUnpublished(viewer), bbox, query.parkId ?? null, query.limit);
    return { panoramas: rows.map((r) => omitInternal(viewer, toPanorama(r))), numberReturned: rows.length };
  }

  /** One panorama with its hotspots: nearby panoramas and the carriers around it. */
  async get(viewer: Viewer, id: number) {
    const all = seesUnpublished(viewer);
    const row = await this.repo.get(all, id);
    if (!row) throw new NotFoundError('panorama', id);
    const [nearby, carriers] = await Promise.all([
      this.repo.nearby(all, id, HOTSPOT_RADIUS_M.panorama),
      this.repo.carriersInView(all, id, HOTSPOT_RADIUS_M.carrier),
    ]);
    return {
      ...omitInternal(viewer, toPanorama(row)),
      hotspots: {
        panoramas: nearby.map((n) => ({
          id: n.id, name: n.name, position: [round(n.lon, 7), round(n.lat, 7)], distanceM: round(n.distance_m, 1), bearing: compass(n.bearing),
        })),
        carriers: carriers.map((c) => ({
          id: c.id, layer: CARRIER_LAYER[c.kind], kind: c.kind, code: c.code, name: c.name, status: c.status,
          position: [round(c.lon, 7), round(c.lat, 7)], distanceM: round(c.distance_m, 1), bearing: compass(c.bearing),
        })),
      },
    };
  }

  /**
   * A stored image of photo `id` (`variant` of the derivatives), when the viewer may see the
   * photo. `panoramaOnly` refuses ordinary photos (the panorama routes).
   */
  async file(viewer: Viewer, id: number, variant: PhotoVariant, panoramaOnly: boolean): Promise<PhotoFile> {
    if (!PHOTO_VARIANTS.includes(variant)) throw new BadParameterError('variant', variant, `must be one of ${PHOTO_VARIANTS.join(', ')}`);
    const row = await this.repo.photoAsset(seesUnpublished(viewer), id);
    if (!row || (panoramaOnly && !row.is_panorama)) throw new NotFoundError(panoramaOnly ? 'panorama' : 'photo', id);
    const key = await this.store.find(row.sha256, variant);
    const stream = key ? await this.store.openReadStream(key) : null;
    if (!stream) throw new AppError('not_found', `photo ${id} has no ${variant} image (it could not be decoded at import)`, { id, variant });
    return { stream, etag: `"${row.sha256.slice(0, 32)}-${variant}"`, published: row.review_state === 'published' };
  }
}
