/**
 * Typed calls to `/api/tours` (read, author, review, generate). Every call takes an AbortSignal.
 */
import type { Geometry } from 'geojson';
import { requestJson } from '../shared/http.client.ts';
import type { I18nText } from '../shared/api.types.ts';

/** [lon, lat]. */
export type LonLat = [number, number];

/** Where the map looks at a stop. */
export interface TourCamera {
  center: LonLat;
  zoom: number;
  pitch: number;
  bearing: number;
}

/** A carrier a stop highlights. */
export interface TourCarrier {
  id: number;
  layer: string;
  kind: 'land' | 'factory' | 'office';
  code: string;
  name: string;
  status: string;
  areaM2: number;
  reviewState: string;
  geometry: Geometry;
}

/** A photo or panorama a stop shows. */
export interface TourMedia {
  id: number;
  kind: 'photo' | 'panorama';
  name: string;
  heading: number | null;
  position: LonLat | null;
  thumbnailUrl: string;
  imageUrl: string;
}

/** One stop. `id` is stable for life (deep links use it), `position` is its place in the order. */
export interface TourStop {
  id: number;
  position: number;
  title: I18nText;
  text: I18nText;
  camera: TourCamera;
  dwellS: number;
  link: string;
  carriers: TourCarrier[];
  media: TourMedia[];
}

/** Review state of a tour. */
export type TourState = 'draft' | 'verified' | 'published';

/** `GET /api/tours/{id}`. */
export interface Tour {
  id: number;
  title: I18nText;
  summary: I18nText;
  parkId: number | null;
  parkName: I18nText | null;
  /** Staff only: the public gets published tours and no review state. */
  reviewState?: TourState;
  url: string;
  stops: TourStop[];
}

/** An entry of `GET /api/tours`. */
export interface TourSummary {
  id: number;
  title: I18nText;
  summary: I18nText;
  parkId: number | null;
  parkName: I18nText | null;
  /** Staff only: the public gets published tours and no review state. */
  reviewState?: TourState;
  stopCount: number;
  firstStopId: number | null;
  url: string;
}

/** A stop as sent to the server (every field optional on update). */
export interface StopBody {
  title?: Partial<I18nText>;
  text?: Partial<I18nText>;
  camera?: TourCamera;
  dwellS?: number;
  carrierIds?: number[];
  mediaIds?: number[];
  position?: number;
}

export function fetchTours(signal: AbortSignal, parkId?: number): Promise<{ tours: TourSummary[] }> {
  return requestJson(`/api/tours${parkId ? `?parkId=${parkId}` : ''}`, { signal });
}

export function fetchTour(id: number, signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}`, { signal });
}

export function createTour(body: { title: Partial<I18nText>; summary?: Partial<I18nText>; parkId?: number | null }, signal: AbortSignal): Promise<Tour> {
  return requestJson('/api/tours', { signal, method: 'POST', body });
}

export function updateTour(id: number, body: { title?: Partial<I18nText>; summary?: Partial<I18nText> }, signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}`, { signal, method: 'PUT', body });
}

export function deleteTour(id: number, signal: AbortSignal): Promise<void> {
  return requestJson(`/api/tours/${id}`, { signal, method: 'DELETE' });
}

export function generateTour(body: { parkId: number } | { carrierIds: number[] }, signal: AbortSignal): Promise<Tour> {
  return requestJson('/api/tours/generate', { signal, method: 'POST', body });
}

export function reviewTour(id: number, state: TourState, signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}/review`, { signal, method: 'POST', body: { state } });
}

export function addStop(id: number, body: StopBody, signal: AbortSignal): Promise<{ stopId: number; tour: Tour }> {
  return requestJson(`/api/tours/${id}/stops`, { signal, method: 'POST', body });
}

export function updateStop(id: number, stopId: number, body: StopBody, signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}/stops/${stopId}`, { signal, method: 'PUT', body });
}

export function deleteStop(id: number, stopId: number, signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}/stops/${stopId}`, { signal, method: 'DELETE' });
}

export function reorderStops(id: number, stopIds: number[], signal: AbortSignal): Promise<Tour> {
  return requestJson(`/api/tours/${id}/order`, { signal, method: 'PUT', body: { stopIds } });
}

/** A photo or panorama positioned in the map view (staff picking media). */
export interface MediaInView {
  id: number;
  kind: 'photo' | 'panorama';
  name: string;
  reviewState: string;
}

export function fetchMediaInView(bbox: [number, number, number, number], signal: AbortSignal): Promise<{ media: MediaInView[] }> {
  return requestJson(`/api/tours/media?bbox=${bbox.map((v) => v.toFixed(6)).join(',')}`, { signal });
}
