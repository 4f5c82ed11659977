/** Typed calls to `/api/panoramas`. */
import { requestJson } from '../shared/http.client.ts';

/** [lon, lat]. */
export type LonLat = [number, number];

/** A panorama: where it was taken and which compass direction the image centre faces. */
export interface PanoramaInfo {
  id: number;
  name: string;
  position: LonLat;
  heading: number;
  headingKnown: boolean;
  parkId: number | null;
  imageUrl: string;
  thumbnailUrl: string;
}

/** Another panorama within reach, with compass bearing and distance from this one. */
export interface PanoramaHotspot {
  id: number;
  name: string;
  position: LonLat;
  distanceM: number;
  bearing: number;
}

/** A carrier around the standpoint. */
export interface CarrierHotspot extends PanoramaHotspot {
  layer: string;
  kind: string;
  code: string;
  status: string;
}

/** `GET /api/panoramas/{id}`. */
export interface PanoramaDetail extends PanoramaInfo {
  hotspots: { panoramas: PanoramaHotspot[]; carriers: CarrierHotspot[] };
}

export function fetchPanorama(id: number, signal: AbortSignal): Promise<PanoramaDetail> {
  return requestJson(`/api/panoramas/${id}`, { signal });
}

export function fetchPanoramas(bbox: [number, number, number, number], signal: AbortSignal): Promise<{ panoramas: PanoramaInfo[] }> {
  return requestJson(`/api/panoramas?bbox=${bbox.map((v) => v.toFixed(6)).join(',')}`, { signal });
}
