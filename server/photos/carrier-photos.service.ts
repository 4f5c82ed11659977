/**
 * "Last surveyed": the published photos and panoramas that show a carrier, with capture dates and
 * the URLs of their thumbnails and full images, for the carrier's panel.
 */
import { NotFoundError } from '../../core/errors.ts';
import { seesUnpublished, type Viewer } from '../auth/roles.ts';
import type { CarrierPhotoRow, CarrierPhotosRepository } from './carrier-photos.repository.ts';

/** Carrier layers and the `kind` of their rows. */
export const CARRIER_LAYER_KINDS: Readonly<Record<string, string>> = { land: 'land', factories: 'factory', offices: 'office' };

/** Most photos listed for one carrier. */
export const CARRIER_PHOTO_LIMIT = 200;

/** One photo as the panel shows it. */
export interface CarrierPhoto {
  id: number;
  fileName: string;
  kind: 'photo' | 'panorama';
  /** Capture time as recorded by the camera (EXIF / XMP), or null. */
  takenAt: string | null;
  /** `YYYY-MM-DD` of takenAt, or null. */
  takenOn: string | null;
  heading: number | null;
  position: [number, number] | null;
  /** How the photo relates to the carrier: linked at import, footprint overlaps it, panorama nearby. */
  relation: CarrierPhotoRow['relation'];
  thumbnailUrl: string;
  imageUrl: string;
  reviewState?: string;
}

/** A carrier's photos. */
export class CarrierPhotosService {
  constructor(private readonly repo: CarrierPhotosRepository) {}

  /** Photos of carrier `id` of `layer` (land, factories, offices); 404 for another layer or an unseen carrier. */
  async list(viewer: Viewer, layer: string, id: string): Promise<{ carrier: string; lastSurveyed: string | null; photos: CarrierPhoto[] }> {
    const kind = CARRIER_LAYER_KINDS[layer];
    if (!kind) throw new NotFoundError('carrier layer', layer);
    const all = seesUnpublished(viewer);
    if (!(await this.repo.carrierVisible(id, kind, all))) throw new NotFoundError(`feature of ${layer}`, id);
    const rows = await this.repo.photos(id, kind, all, CARRIER_PHOTO_LIMIT);
    const photos = rows.map((r): CarrierPhoto => {
      const day = takenOn(r.taken_at);
      const base = r.is_panorama ? `/api/panoramas/${r.id}` : `/api/photos/${r.id}`;
      return {
        id: Number(r.id), fileName: r.file_name, kind: r.is_panorama ? 'panorama' : 'photo', takenAt: r.taken_at, takenOn: day,
        heading: r.heading, position: r.lon === null || r.lat === null ? null : [r.lon, r.lat], relation: r.relation,
        thumbnailUrl: `${base}/thumbnail`, imageUrl: r.is_panorama ? `${base}/image` : `${base}/preview`,
        ...(all ? { reviewState: r.review_state } : {}),
      };
    });
    const days = photos.map((p) => p.takenOn).filter((d): d is string => d !== null).sort();
    return { carrier: id, lastSurveyed: days.at(-1) ?? null, photos };
  }
}

/** The calendar day of an EXIF-style or ISO capture time ("2026:11:03 10:20:00" → "2026-11-03"). */
export function takenOn(t: string | null): string | null {
  const m = t ? /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(t) : null;
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
