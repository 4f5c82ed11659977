/**
 * The request schemas of the tour routes: validated at the route (types, ranges, lengths; a 400
 * naming the field and the value in the caller's language), and the typed inputs the tours
 * service takes. The service keeps the rules a schema cannot say (a new stop needs a camera, ids
 * listed once and existing, a park or carriers but not both).
 */
import { s, type Infer } from '../http/schema.ts';

/** Size limits of tours (characters, counts, seconds). */
export const TOUR_LIMITS = {
  title: 200, summary: 2000, stopTitle: 200, stopText: 5000, stops: 100, carriersPerStop: 50, mediaPerStop: 20,
  generateCarriers: 30, dwellS: { min: 1, max: 600, default: 8 },
} as const;

/** Review states a reviewer may set. */
export const TOUR_STATES = ['draft', 'verified', 'published'] as const;

const texts = (max: number) => s.object({ zh: s.string({ maxLength: max }), en: s.string({ maxLength: max }) });
const idList = (max: number, description: string) => s.array(s.integer({ minimum: 1 }), { maxItems: max, description });

/** A stop: every field optional in a change; a new stop needs `camera` with `center` and `zoom`. */
export const STOP_BODY = s.object({
  title: texts(TOUR_LIMITS.stopTitle),
  text: texts(TOUR_LIMITS.stopText),
  camera: s.object({
    center: s.array(s.number(), { minItems: 2, maxItems: 2, description: '[lon, lat]: lon -180..180, lat -85..85' }),
    zoom: s.number({ minimum: 0, maximum: 22 }),
    pitch: s.number({ minimum: 0, maximum: 85 }),
    bearing: s.number({ minimum: -359.999, maximum: 359.999 }),
  }),
  dwellS: s.number({ minimum: TOUR_LIMITS.dwellS.min, maximum: TOUR_LIMITS.dwellS.max, description: 'seconds the stop is shown' }),
  carrierIds: idList(TOUR_LIMITS.carriersPerStop, 'carriers outlined at the stop'),
  mediaIds: idList(TOUR_LIMITS.mediaPerStop, 'photo / panorama ids (rows of photos)'),
  position: s.integer({ minimum: 0, maximum: TOUR_LIMITS.stops, description: 'insert before this 0-based position (POST only; default: append)' }),
});
export type StopBody = Infer<typeof STOP_BODY>;

/** A new tour. */
export const TOUR_BODY = s.object({
  title: texts(TOUR_LIMITS.title),
  summary: texts(TOUR_LIMITS.summary),
  parkId: s.integer({ minimum: 1 }),
  stops: s.array(STOP_BODY, { maxItems: TOUR_LIMITS.stops }),
}, { required: ['title'] });
export type TourBody = Infer<typeof TOUR_BODY>;

/** A change of title, summary or park (`parkId: null` detaches it). */
export const TOUR_PATCH_BODY = s.object({
  title: texts(TOUR_LIMITS.title),
  summary: texts(TOUR_LIMITS.summary),
  parkId: s.nullable(s.integer({ minimum: 1 })),
});
export type TourPatchBody = Infer<typeof TOUR_PATCH_BODY>;

/** What to generate a tour from: a park or carriers. */
export const GENERATE_BODY = s.object({
  parkId: s.integer({ minimum: 1 }),
  carrierIds: s.array(s.integer({ minimum: 1 }), { minItems: 1, maxItems: TOUR_LIMITS.generateCarriers }),
  title: texts(TOUR_LIMITS.title),
});
export type GenerateBody = Infer<typeof GENERATE_BODY>;

/** A review decision. */
export const REVIEW_BODY = s.object({ state: s.enum(TOUR_STATES) }, { required: ['state'] });

/** Every stop id of a tour in its new order. */
export const ORDER_BODY = s.object({ stopIds: s.array(s.integer({ minimum: 1 }), { maxItems: TOUR_LIMITS.stops }) }, { required: ['stopIds'] });

/** `GET /api/tours`. */
export const LIST_QUERY = s.object({ parkId: s.integer({ minimum: 1, description: 'only the tours of this park' }) });
export type TourListQuery = Infer<typeof LIST_QUERY>;
