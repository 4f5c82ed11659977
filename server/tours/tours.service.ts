/**
 * Guided tours: an ordered list of stops, each a camera (centre, zoom, pitch, bearing), a text in
 * Chinese and English, a dwell time, and the carriers, photos and panoramas it shows.
 *
 * Rules:
 *  - Staff author tours (create, edit, add / edit / delete / reorder stops, generate); a reviewer
 *    (校核员) publishes (`review`). Admins may do both. Any edit of a published tour takes it back
 *    to draft, so the public never sees text a reviewer has not read.
 *  - The public and officers see published tours only (a draft is a 404 for them) and inside them
 *    published carriers and photos only; decided in the repository.
 *  - Stops keep their ids for life: reordering changes positions, never ids, so a deep link
 *    `#stop=<stopId>` survives edits.
 *  - Generated tours: from a park (overview, gate, the largest available plots, a standard
 *    factory, an office, the nearest highway exit) or from a list of carriers (one stop each,
 *    ordered along a short path), with distances to the nearest amenities as captions.
 */
import type { Geometry } from 'geojson';
import { omitInternal, seesUnpublished, type Viewer } from '../auth/roles.ts';
import { AppError, BadParameterError, NotFoundError } from '../../core/errors.ts';
import { CARRIER_LAYER } from '../panoramas/panoramas.service.ts';
import type { BBox } from '../../layers/query/feature-query.ts';
import { TOUR_LIMITS, TOUR_STATES, type GenerateBody, type StopBody, type TourBody, type TourListQuery, type TourPatchBody } from './tour.input.ts';
import { fitCamera, shortPathOrder, type LonLat } from './route-order.ts';
import type {
  CarrierForTourRow, NearestAmenityRow, StopInput, StopPatch, StopRow, TourInput, ToursRepository,
} from './tours.repository.ts';

export { TOUR_LIMITS, TOUR_STATES };

/** Amenity kinds named in generated captions, in caption order. */
export const CAPTION_AMENITIES = ['highway_exit', 'rail_station', 'logistics', 'hospital', 'bus_stop'] as const;

const AMENITY_LABEL: Record<string, { zh: string; en: string }> = {
  highway_exit: { zh: '高速出入口', en: 'highway exit' },
  rail_station: { zh: '火车站', en: 'rail station' },
  logistics: { zh: '物流园', en: 'logistics hub' },
  hospital: { zh: '医院', en: 'hospital' },
  bus_stop: { zh: '公交站', en: 'bus stop' },
};
const KIND_LABEL: Record<string, { zh: string; en: string }> = {
  land: { zh: '可招商地块', en: 'Available parcel' },
  factory: { zh: '标准厂房', en: 'Standard factory' },
  office: { zh: '写字楼', en: 'Office building' },
};
const MU_M2 = 2000 / 3;

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Parse a positive integer path id. */
export function parseId(what: string, raw: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) throw new AppError('bad_request', `${what} id must be a positive integer, got ${JSON.stringify(raw)}`, { parameter: 'id', value: raw });
  return Number(raw);
}

/** Trimmed `{zh, en}` texts; either may be missing in a patch. */
function i18n(v: { zh?: string; en?: string } | undefined): { zh?: string; en?: string } {
  return { zh: v?.zh?.trim(), en: v?.en?.trim() };
}

/** The ids, each once (the schema checked they are positive integers). */
function once(field: string, list: number[] | undefined): number[] | undefined {
  if (!list) return undefined;
  const seen = new Set<number>();
  list.forEach((id, i) => {
    if (seen.has(id)) throw new BadParameterError(`${field}[${i}]`, id, 'is listed twice');
    seen.add(id);
  });
  return list;
}

/** A stop as the route validated it, as a patch. `partial` (PUT) allows any field to be missing; a new stop needs a camera. */
export function parseStop(body: StopBody, partial: boolean): StopPatch & { position?: number } {
  const title = i18n(body.title);
  const txt = i18n(body.text);
  const cam = body.camera;
  let center: [number, number] | undefined;
  if (cam?.center) {
    const [lon, lat] = cam.center;
    if (lon < -180 || lon > 180) throw new BadParameterError('camera.center[0]', lon, 'must be a number within -180..180');
    if (lat < -85 || lat > 85) throw new BadParameterError('camera.center[1]', lat, 'must be a number within -85..85');
    center = [lon, lat];
  }
  if (!partial && (center === undefined || cam?.zoom === undefined)) {
    throw new BadParameterError('camera', cam ?? null, 'is required: {center: [lon, lat], zoom, pitch?, bearing?}');
  }
  return {
    titleZh: title.zh, titleEn: title.en, textZh: txt.zh, textEn: txt.en, center, zoom: cam?.zoom, pitch: cam?.pitch, bearing: cam?.bearing,
    dwellS: body.dwellS,
    carrierIds: once('carrierIds', body.carrierIds),
    mediaIds: once('mediaIds', body.mediaIds),
    position: body.position,
  };
}

/** Fill the defaults of a new stop. */
function completeStop(s: StopPatch): StopInput {
  return {
    titleZh: s.titleZh ?? '', titleEn: s.titleEn ?? '', textZh: s.textZh ?? '', textEn: s.textEn ?? '',
    center: s.center!, zoom: s.zoom!, pitch: s.pitch ?? 0, bearing: s.bearing ?? 0, dwellS: s.dwellS ?? TOUR_LIMITS.dwellS.default,
    carrierIds: s.carrierIds ?? [], mediaIds: s.mediaIds ?? [],
  };
}

/** "850 米" / "3.2 公里" and "850 m" / "3.2 km". */
export function formatDistance(m: number): { zh: string; en: string } {
  if (m < 1000) {
    const v = Math.max(10, Math.round(m / 10) * 10);
    return { zh: `${v} 米`, en: `${v} m` };
  }
  const km = m < 10_000 ? round(m / 1000, 1) : Math.round(m / 1000);
  return { zh: `${km} 公里`, en: `${km} km` };
}

/** "距最近的高速出入口 3.2 公里、火车站 12 公里" and its English. */
export function amenityCaption(nearest: NearestAmenityRow[]): { zh: string; en: string } {
  if (!nearest.length) return { zh: '', en: '' };
  const parts = nearest.map((n) => ({ label: AMENITY_LABEL[n.kind] ?? { zh: n.kind, en: n.kind }, d: formatDistance(n.distance_m) }));
  return {
    zh: `距最近的${parts.map((p) => `${p.label.zh} ${p.d.zh}`).join('、')}（直线距离）。`,
    en: `Nearest ${parts.map((p) => `${p.label.en} ${p.d.en}`).join(', ')} (straight line).`,
  };
}

/** The caption of one carrier: what it is, its key figures, and the nearest amenities. */
export function carrierCaption(c: CarrierForTourRow, nearest: NearestAmenityRow[]): { zh: string; en: string } {
  const mu = round(c.area_m2 / MU_M2, 1);
  const zh: string[] = [];
  const en: string[] = [];
  if (c.kind === 'land') {
    zh.push(`${c.name}（${c.code}），面积 ${mu} 亩（${Math.round(c.area_m2).toLocaleString('en-US')} m²）。`);
    en.push(`${c.name} (${c.code}): ${mu} mu (${round(c.area_m2 / 10_000, 2)} ha).`);
  } else {
    const floors = c.floors ? `${c.floors} 层` : '';
    const area = c.floor_area_m2 ? `建筑面积 ${Math.round(c.floor_area_m2).toLocaleString('en-US')} m²` : '';
    const height = c.clear_height_m ? `净高 ${c.clear_height_m} m` : '';
    const load = c.floor_load_kn_m2 ? `楼面荷载 ${c.floor_load_kn_m2} kN/m²` : '';
    zh.push(`${c.name}（${c.code}）：${[floors, area, height, load].filter(Boolean).join('，')}。`);
    const enParts = [
      c.floors ? `${c.floors} floor${c.floors > 1 ? 's' : ''}` : '', c.floor_area_m2 ? `${Math.round(c.floor_area_m2).toLocaleString('en-US')} m² floor area` : '',
      c.clear_height_m ? `clear height ${c.clear_height_m} m` : '', c.floor_load_kn_m2 ? `floor load ${c.floor_load_kn_m2} kN/m²` : '',
    ].filter(Boolean);
    en.push(`${c.name} (${c.code}): ${enParts.join(', ')}.`);
  }
  if (c.price !== null && c.price_unit) {
    zh.push(`参考价格 ${c.price} ${c.price_unit}。`);
    en.push(`Indicative price ${c.price} ${c.price_unit}.`);
  }
  const a = amenityCaption(nearest);
  return { zh: [...zh, a.zh].filter(Boolean).join(''), en: [...en, a.en].filter(Boolean).join(' ') };
}

/** Tours: reads, authoring, review and generation. */
export class ToursService {
  constructor(private readonly repo: ToursRepository) {}

  /** Tours the viewer may see (`?parkId=` narrows to one park). */
  async list(viewer: Viewer, query: TourListQuery) {
    const rows = await this.repo.list(seesUnpublished(viewer), query.parkId ?? null);
    return {
      tours: rows.map((r) => omitInternal(viewer, {
        id: r.id, title: { zh: r.title_zh, en: r.title_en }, summary: { zh: r.summary_zh, en: r.summary_en },
        parkId: r.park_id, parkName: r.park_id ? { zh: r.park_name_zh, en: r.park_name_en } : null,
        reviewState: r.review_state, stopCount: r.stop_count, firstStopId: r.first_stop_id, createdAt: r.created_at, updatedAt: r.updated_at,
        url: `/tour.html?id=${r.id}`,
      })),
    };
  }

  /** One tour with its stops; 404 when absent or not visible to the viewer. */
  async get(viewer: Viewer, id: number) {
    const all = seesUnpublished(viewer);
    const t = await this.repo.get(all, id);
    if (!t) throw new NotFoundError('tour', id);
    const { stops, carriers, media } = await this.repo.stops(all, id);
    return omitInternal(viewer, {
      id: t.id, title: { zh: t.title_zh, en: t.title_en }, summary: { zh: t.summary_zh, en: t.summary_en },
      parkId: t.park_id, parkName: t.park_id ? { zh: t.park_name_zh, en: t.park_name_en } : null,
      reviewState: t.review_state, reviewedAt: t.reviewed_at, createdBy: all ? t.created_by : undefined, createdAt: t.created_at, updatedAt: t.updated_at,
      url: `/tour.html?id=${t.id}`,
      stops: stops.map((s: StopRow) => ({
        id: s.id, position: s.position,
        title: { zh: s.title_zh, en: s.title_en }, text: { zh: s.text_zh, en: s.text_en },
        camera: { center: [round(s.lon, 7), round(s.lat, 7)] as LonLat, zoom: s.zoom, pitch: s.pitch, bearing: s.bearing },
        dwellS: s.dwell_s,
        link: `/tour.html?id=${t.id}#stop=${s.id}`,
        carriers: carriers.filter((c) => c.stop_id === s.id).map((c) => omitInternal(viewer, {
          id: c.id, layer: CARRIER_LAYER[c.kind], kind: c.kind, code: c.code, name: c.name, status: c.status,
          areaM2: round(c.area_m2, 1), reviewState: c.review_state, geometry: JSON.parse(c.geometry) as Geometry,
        })),
        media: media.filter((m) => m.stop_id === s.id).map((m) => ({
          id: m.id, kind: m.is_panorama ? 'panorama' as const : 'photo' as const, name: m.name,
          heading: m.heading, position: m.lon === null || m.lat === null ? null : [round(m.lon, 7), round(m.lat, 7)],
          thumbnailUrl: m.is_panorama ? `/api/panoramas/${m.id}/thumbnail` : `/api/tours/${t.id}/media/${m.id}/thumbnail`,
          imageUrl: m.is_panorama ? `/api/panoramas/${m.id}/image` : `/api/tours/${t.id}/media/${m.id}/preview`,
        })),
      })),
    });
  }

  private async checkLinks(stop: StopPatch): Promise<void> {
    if (stop.carrierIds?.length) {
      const found = await this.repo.existingCarrierIds(stop.carrierIds);
      const missing = stop.carrierIds.find((id) => !found.has(id));
      if (missing !== undefined) throw new BadParameterError('carrierIds', missing, 'names no carrier');
    }
    if (stop.mediaIds?.length) {
      const found = await this.repo.existingPhotoIds(stop.mediaIds);
      const missing = stop.mediaIds.find((id) => !found.has(id));
      if (missing !== undefined) throw new BadParameterError('mediaIds', missing, 'names no photo or panorama');
    }
  }

  private async parseTour(body: TourPatchBody, partial: boolean): Promise<Partial<{ [K in keyof TourInput]: TourInput[K] | null }>> {
    const title = i18n(body.title);
    if (!partial && !title.zh) throw new BadParameterError('title.zh', body.title?.zh ?? null, `is required (1..${TOUR_LIMITS.title} characters)`);
    if (partial && title.zh === '') throw new BadParameterError('title.zh', '', 'must not be empty');
    const summary = i18n(body.summary);
    if (body.parkId && !(await this.repo.parkExists(body.parkId))) throw new BadParameterError('parkId', body.parkId, 'names no park');
    return { titleZh: title.zh, titleEn: title.en, summaryZh: summary.zh, summaryEn: summary.en, parkId: body.parkId };
  }

  /** Create a tour `{title, summary?, parkId?, stops?}` (a draft). */
  async create(viewer: Viewer, body: TourBody) {
    const tour = await this.parseTour(body, false);
    const stops = (body.stops ?? []).map((s) => completeStop(parseStop(s, false)));
    for (const s of stops) await this.checkLinks(s);
    const id = await this.repo.create({
      titleZh: tour.titleZh!, titleEn: tour.titleEn ?? '', summaryZh: tour.summaryZh ?? '', summaryEn: tour.summaryEn ?? '', parkId: tour.parkId ?? null,
    }, stops, viewer.user?.id ?? null);
    return this.get(viewer, id);
  }

  /** Update title / summary / park of a tour. */
  async update(viewer: Viewer, id: number, body: TourPatchBody) {
    const patch = await this.parseTour(body, true);
    if (!(await this.repo.update(id, patch))) throw new NotFoundError('tour', id);
    return this.get(viewer, id);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.repo.delete(id))) throw new NotFoundError('tour', id);
  }

  /** Staff: photos and panoramas in `?bbox=` to attach to a stop. */
  async mediaInView(bbox: BBox) {
    return {
      media: (await this.repo.mediaInBox(bbox)).map((m) => ({
        id: m.id, kind: m.is_panorama ? 'panorama' as const : 'photo' as const, name: m.name, heading: m.heading,
        position: m.lon === null || m.lat === null ? null : [round(m.lon, 7), round(m.lat, 7)], reviewState: m.review_state,
      })),
    };
  }

  /** Whether the viewer may see tour `id` (for its media). */
  async visible(viewer: Viewer, id: number): Promise<boolean> {
    return (await this.repo.get(seesUnpublished(viewer), id)) !== null;
  }

  /** Reviewer: set the review state (`published` makes the tour public). */
  async review(viewer: Viewer, id: number, state: (typeof TOUR_STATES)[number]) {
    if (state === 'published' && (await this.repo.stopIds(id)).length === 0 && (await this.repo.get(true, id))) {
      throw new AppError('conflict', `tour ${id} has no stops; add at least one before publishing`, { id });
    }
    if (!(await this.repo.setState(id, state))) throw new NotFoundError('tour', id);
    return this.get(viewer, id);
  }

  /** Add a stop (at `position`, default the end); returns the tour. */
  async addStop(viewer: Viewer, tourId: number, body: StopBody) {
    const parsed = parseStop(body, false);
    await this.checkLinks(parsed);
    if ((await this.repo.stopIds(tourId)).length >= TOUR_LIMITS.stops) {
      throw new AppError('conflict', `tour ${tourId} already has ${TOUR_LIMITS.stops} stops`, { id: tourId });
    }
    const stopId = await this.repo.addStop(tourId, parsed.position ?? null, completeStop(parsed));
    if (stopId === null) throw new NotFoundError('tour', tourId);
    return { stopId, tour: await this.get(viewer, tourId) };
  }

  async updateStop(viewer: Viewer, tourId: number, stopId: number, body: StopBody) {
    const parsed = parseStop(body, true);
    if (parsed.position !== undefined) throw new BadParameterError('position', parsed.position, 'cannot be set here: use PUT /api/tours/{id}/order');
    await this.checkLinks(parsed);
    if (!(await this.repo.updateStop(tourId, stopId, parsed))) throw new NotFoundError('stop', stopId);
    return this.get(viewer, tourId);
  }

  async deleteStop(viewer: Viewer, tourId: number, stopId: number) {
    if (!(await this.repo.deleteStop(tourId, stopId))) throw new NotFoundError('stop', stopId);
    return this.get(viewer, tourId);
  }

  /** Reorder: `{stopIds}` must list every stop of the tour exactly once. Ids never change. */
  async reorder(viewer: Viewer, tourId: number, stopIds: number[]) {
    const order = once('stopIds', stopIds)!;
    if (!(await this.repo.get(true, tourId))) throw new NotFoundError('tour', tourId);
    const current = await this.repo.stopIds(tourId);
    const known = new Set(current);
    const stranger = order.find((id) => !known.has(id));
    if (stranger !== undefined) throw new BadParameterError('stopIds', stranger, `is not a stop of tour ${tourId}`);
    if (order.length !== current.length) throw new BadParameterError('stopIds', `${order.length} ids`, `must list all ${current.length} stops of the tour`);
    await this.repo.reorder(tourId, order);
    return this.get(viewer, tourId);
  }

  /** Generate a draft tour from `{parkId}` or `{carrierIds}` (optional `title: {zh, en}`). */
  async generate(viewer: Viewer, body: GenerateBody) {
    const title = i18n(body.title);
    let draft: { tour: TourInput; stops: StopInput[] };
    if (body.parkId !== undefined && body.carrierIds !== undefined) throw new BadParameterError('body', Object.keys(body), 'must give parkId or carrierIds, not both');
    if (body.parkId !== undefined) {
      draft = await this.draftFromPark(body.parkId);
    } else if (body.carrierIds !== undefined) {
      draft = await this.draftFromCarriers(once('carrierIds', body.carrierIds)!);
    } else {
      throw new BadParameterError('body', body, 'must be {parkId} or {carrierIds: [...]}');
    }
    if (title.zh) draft.tour.titleZh = title.zh;
    if (title.en) draft.tour.titleEn = title.en;
    const id = await this.repo.create(draft.tour, draft.stops, viewer.user?.id ?? null);
    return this.get(viewer, id);
  }

  private async captionOf(c: CarrierForTourRow) {
    return carrierCaption(c, await this.repo.nearestAmenities(c.lon, c.lat, CAPTION_AMENITIES));
  }

  private carrierStop(c: CarrierForTourRow, caption: { zh: string; en: string }): StopInput {
    const building = c.kind !== 'land';
    const cam = fitCamera([c.xmin, c.ymin, c.xmax, c.ymax], { paddingPx: building ? 200 : 90, maxZoom: building ? 17 : 17, minZoom: 13 });
    const kind = KIND_LABEL[c.kind];
    return {
      titleZh: `${kind.zh}：${c.name}`, titleEn: `${kind.en}: ${c.name}`, textZh: caption.zh, textEn: caption.en,
      center: cam.center, zoom: cam.zoom, pitch: building ? 60 : 45, bearing: building ? -25 : -10, dwellS: 10,
      carrierIds: [c.id], mediaIds: [],
    };
  }

  /** One stop per carrier, in a short visiting order. */
  async draftFromCarriers(carrierIds: number[]): Promise<{ tour: TourInput; stops: StopInput[] }> {
    const rows = await this.repo.carriersForTour(carrierIds);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = carrierIds.find((id) => !byId.has(id));
    if (missing !== undefined) throw new BadParameterError('carrierIds', missing, 'names no carrier');
    const carriers = carrierIds.map((id) => byId.get(id)!);
    const order = shortPathOrder(carriers.map((c) => [c.lon, c.lat] as LonLat));
    const stops: StopInput[] = [];
    for (const i of order) stops.push(this.carrierStop(carriers[i], await this.captionOf(carriers[i])));
    const parks = new Set(carriers.map((c) => c.park_id));
    const parkId = parks.size === 1 ? [...parks][0] : null;
    return {
      tour: {
        titleZh: `载体导览（${carriers.length} 处）`, titleEn: `Tour of ${carriers.length} site${carriers.length > 1 ? 's' : ''}`,
        summaryZh: `按最短路线依次参观 ${carriers.length} 处载体。`, summaryEn: `Visits ${carriers.length} site${carriers.length > 1 ? 's' : ''} along a short route.`,
        parkId,
      },
      stops,
    };
  }

  /**
   * Overview, gate, the largest available plots, a standard factory, an office, and the nearest
   * highway exit; plots, factory and office in a short order from the gate.
   */
  async draftFromPark(parkId: number): Promise<{ tour: TourInput; stops: StopInput[] }> {
    const park = await this.repo.parkForTour(parkId);
    if (!park) throw new NotFoundError('park', parkId);
    const highlights = await this.repo.parkHighlights(parkId);
    const pick = (kind: string, n: number) => highlights.filter((h) => h.kind === kind).slice(0, n).map((h) => h.id);
    const landIds = pick('land', 3);
    const factoryIds = pick('factory', 1);
    const officeIds = pick('office', 1);
    const rows = await this.repo.carriersForTour([...landIds, ...factoryIds, ...officeIds]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const gate: LonLat = [park.gate_lon, park.gate_lat];
    const overview = fitCamera([park.xmin, park.ymin, park.xmax, park.ymax], { paddingPx: 40, maxZoom: 15.5 });
    const exitDistance = park.exit_distance_m === null ? null : formatDistance(park.exit_distance_m);

    const stops: StopInput[] = [{
      titleZh: `${park.name_zh}概览`, titleEn: `${park.name_en}: overview`,
      textZh: park.intro_zh, textEn: park.intro_en,
      center: overview.center, zoom: overview.zoom, pitch: 30, bearing: 0, dwellS: 10, carrierIds: [], mediaIds: [],
    }, {
      titleZh: '园区大门', titleEn: 'Park gate',
      textZh: park.exit_name ? `园区大门朝向${park.exit_name}，距高速出入口约 ${exitDistance!.zh}（直线距离）。` : '园区大门。',
      textEn: park.exit_name ? `The gate faces ${park.exit_name}, about ${exitDistance!.en} from the highway exit (straight line).` : 'The park gate.',
      center: gate, zoom: 16.5, pitch: 50, bearing: 0, dwellS: 8, carrierIds: [], mediaIds: [],
    }];

    // Plots as one stop (fitted to all of them), then the factory and the office.
    type Visit = { at: LonLat; stop: () => Promise<StopInput> };
    const visits: Visit[] = [];
    const plots = landIds.map((id) => byId.get(id)!).filter(Boolean);
    if (plots.length) {
      const b: [number, number, number, number] = [
        Math.min(...plots.map((p) => p.xmin)), Math.min(...plots.map((p) => p.ymin)),
        Math.max(...plots.map((p) => p.xmax)), Math.max(...plots.map((p) => p.ymax)),
      ];
      visits.push({
        at: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2],
        stop: async () => {
          const cam = fitCamera(b, { paddingPx: 70, maxZoom: 17, minZoom: 13 });
          const captions = await Promise.all(plots.map((p) => this.captionOf(p)));
          const total = round(plots.reduce((s, p) => s + p.area_m2, 0) / MU_M2, 1);
          return {
            titleZh: `可招商地块（${plots.length} 宗）`, titleEn: `Available plots (${plots.length})`,
            textZh: `共 ${total} 亩。` + captions.map((c) => c.zh).join('\n'),
            textEn: `${total} mu in total. ` + captions.map((c) => c.en).join('\n'),
            center: cam.center, zoom: cam.zoom, pitch: 45, bearing: -10, dwellS: 12, carrierIds: plots.map((p) => p.id), mediaIds: [],
          };
        },
      });
    }
    for (const id of [...factoryIds, ...officeIds]) {
      const c = byId.get(id);
      if (c) visits.push({ at: [c.lon, c.lat], stop: async () => this.carrierStop(c, await this.captionOf(c)) });
    }
    const order = shortPathOrder([gate, ...visits.map((v) => v.at)], 0).slice(1).map((i) => i - 1);
    for (const i of order) stops.push(await visits[i].stop());

    if (park.exit_name && park.exit_lon !== null && park.exit_lat !== null) {
      stops.push({
        titleZh: `最近的高速出入口：${park.exit_name}`, titleEn: `Nearest highway exit: ${park.exit_name}`,
        textZh: `距园区大门约 ${exitDistance!.zh}（直线距离）。`,
        textEn: `About ${exitDistance!.en} from the park gate (straight line).`,
        center: [park.exit_lon, park.exit_lat], zoom: 14.5, pitch: 40, bearing: 0, dwellS: 8, carrierIds: [], mediaIds: [],
      });
    }
    return {
      tour: {
        titleZh: `${park.name_zh}导览`, titleEn: `${park.name_en} tour`,
        summaryZh: `${park.name_zh}：园区概览、大门、可招商地块、标准厂房与最近的高速出入口。`,
        summaryEn: `${park.name_en}: overview, gate, available plots, a standard factory and the nearest highway exit.`,
        parkId,
      },
      stops,
    };
  }
}
