/**
 * The public portal's data: the city at a glance (live figures from published data, leading
 * industries with the parks that host them, the park directory) and one park's cloud card (key
 * figures, 标准地 indicators, utilities, distances, available carriers, tours, panoramas, contact).
 * Everything comes from published rows through `PortalRepository`; nothing internal is selected.
 */
import type { Geometry } from 'geojson';
import { NotFoundError } from '../../core/errors.ts';
import { industryName, INDUSTRY_EN } from '../../layers/industries.ts';
import type { CardCarrierRow, IndicatorRow, ParkRow, PortalRepository } from './portal.repository.ts';
import type { PoliciesService, Policy } from '../policies/policies.service.ts';

/** Amenity kinds whose distance a park card shows. */
export const CARD_DISTANCE_KINDS = ['highway_exit', 'rail_station', 'government', 'logistics'] as const;

/** City-wide figures for the landing page. */
export interface CityFigures {
  counties: number;
  parks: number;
  land: { count: number; areaM2: number };
  factories: { count: number; floorM2: number };
  offices: { count: number; floorM2: number };
}

/** An industry and the parks that host it. */
export interface IndustryEntry {
  name: { zh: string; en: string };
  parks: { id: number; name: { zh: string; en: string } }[];
}

/** A park in the directory. */
export interface ParkSummary {
  id: number;
  code: string;
  name: { zh: string; en: string };
  county: { adcode: string; name: { zh: string; en: string } };
  level: ParkRow['park_level'];
  industries: { zh: string; en: string }[];
  areaM2: number;
  establishedYear: number | null;
  intro: { zh: string; en: string };
  contact: { name: string | null; phone: string | null };
  center: [number, number];
  available: { land: { count: number; areaM2: number }; factories: { count: number; floorM2: number }; offices: { count: number; floorM2: number } };
  /** Cover image URL: a published panorama of the park, else the park's rendered map. */
  cover: string;
}

/** The landing page's data. */
export interface Landing {
  figures: CityFigures;
  industries: IndustryEntry[];
  parks: ParkSummary[];
  /** Published policies and promoted projects valid today. */
  policies: Policy[];
}

/** An available carrier on a park card. */
export interface CardCarrier {
  id: number;
  kind: CardCarrierRow['kind'];
  code: string;
  name: string;
  /** English name; null when there is none yet (pages show the Chinese one, marked). */
  nameEn: string | null;
  description: { zh: string; en: string | null } | null;
  areaM2: number;
  floorAreaM2: number | null;
  floors: number | null;
  price: number | null;
  priceUnit: string | null;
  landUse: string | null;
  industries: { zh: string; en: string }[];
  powerKva: number | null;
  waterTPerDay: number | null;
  gas: boolean | null;
  plotRatio: [number | null, number | null] | null;
  clearHeightM: number | null;
  floorLoadKnM2: number | null;
  investmentIntensityWanPerMu: number | null;
  outputPerMuWan: number | null;
  availableFrom: string | null;
  contact: { name: string | null; phone: string | null };
  geometry: Geometry;
}

/** One park's cloud card. */
export interface ParkCard {
  park: ParkSummary;
  outline: Geometry;
  bbox: [number, number, number, number];
  indicators: IndicatorRow;
  distances: Partial<Record<(typeof CARD_DISTANCE_KINDS)[number], number>>;
  carriers: CardCarrier[];
  tours: { id: number; title: { zh: string; en: string } }[];
  panoramas: number[];
  /** Published policies and projects valid today that apply to the park (by park, county, industry or city-wide). */
  policies: Policy[];
}

const both = (zh: string) => ({ zh, en: industryName(zh, 'en') });

function summary(r: ParkRow): ParkSummary {
  return {
    id: r.id, code: r.code, name: { zh: r.name_zh, en: r.name_en },
    county: { adcode: r.county_adcode, name: { zh: r.county_zh, en: r.county_en } },
    level: r.park_level, industries: r.leading_industries.map(both), areaM2: r.area_m2, establishedYear: r.established_year,
    intro: { zh: r.intro_zh, en: r.intro_en }, contact: { name: r.contact_name, phone: r.contact_phone }, center: [r.lon, r.lat],
    available: {
      land: { count: r.land_n, areaM2: r.land_m2 },
      factories: { count: r.factory_n, floorM2: r.factory_m2 },
      offices: { count: r.office_n, floorM2: r.office_m2 },
    },
    cover: r.panorama_id !== null ? `/api/panoramas/${r.panorama_id}/thumbnail` : `/parks/${r.id}/cover.png`,
  };
}

function carrier(c: CardCarrierRow): CardCarrier {
  return {
    id: c.id, kind: c.kind, code: c.code, name: c.name, nameEn: c.name_en?.trim() || null,
    description: c.description ? { zh: c.description, en: c.description_en?.trim() || null } : null, areaM2: c.area_m2, floorAreaM2: c.floor_area_m2, floors: c.floors,
    price: c.price, priceUnit: c.price_unit, landUse: c.land_use, industries: (c.allowed_industries ?? []).map(both),
    powerKva: c.power_kva, waterTPerDay: c.water_t_per_day, gas: c.gas,
    plotRatio: c.plot_ratio_min === null && c.plot_ratio_max === null ? null : [c.plot_ratio_min, c.plot_ratio_max],
    clearHeightM: c.clear_height_m, floorLoadKnM2: c.floor_load_kn_m2,
    investmentIntensityWanPerMu: c.investment_intensity_wan_per_mu, outputPerMuWan: c.output_per_mu_wan,
    availableFrom: c.available_from === null ? null : (c.available_from instanceof Date ? c.available_from.toISOString() : String(c.available_from)).slice(0, 10),
    contact: { name: c.contact_name, phone: c.contact_phone }, geometry: c.geometry,
  };
}

/** Portal data. */
export class PortalService {
  constructor(
    private readonly repo: PortalRepository,
    private readonly policies: PoliciesService,
  ) {}

  /** The landing page: city figures, industries with their parks, the park directory. */
  async landing(): Promise<Landing> {
    const [kinds, counties, rows, policies] = await Promise.all([this.repo.figures(), this.repo.countyCount(), this.repo.parks(), this.policies.publicList()]);
    const k = (kind: string) => kinds.find((x) => x.kind === kind) ?? { n: 0, area_m2: 0, floor_m2: 0 };
    const parks = rows.map(summary);
    const byIndustry = new Map<string, IndustryEntry>();
    for (const p of parks) {
      for (const ind of p.industries) {
        const e = byIndustry.get(ind.zh) ?? { name: ind, parks: [] };
        e.parks.push({ id: p.id, name: p.name });
        byIndustry.set(ind.zh, e);
      }
    }
    // Most widely hosted first; ties: industries with an English name (the established ones) by name.
    const industries = [...byIndustry.values()].sort((a, b) => b.parks.length - a.parks.length
      || Number(b.name.zh in INDUSTRY_EN) - Number(a.name.zh in INDUSTRY_EN) || a.name.zh.localeCompare(b.name.zh, 'zh-CN'));
    return {
      figures: {
        counties, parks: parks.length,
        land: { count: k('land').n, areaM2: k('land').area_m2 },
        factories: { count: k('factory').n, floorM2: k('factory').floor_m2 },
        offices: { count: k('office').n, floorM2: k('office').floor_m2 },
      },
      industries,
      parks,
      policies,
    };
  }

  /** One published park's card; 404 for unknown and unpublished parks alike. */
  async card(id: number): Promise<ParkCard> {
    const [rows, outline] = await Promise.all([this.repo.parks(id), this.repo.outline(id)]);
    if (!rows[0] || !outline) throw new NotFoundError('park', id);
    const [indicators, distances, carriers, tours, panoramas, policies] = await Promise.all([
      this.repo.indicators(id), this.repo.distances(id, CARD_DISTANCE_KINDS), this.repo.carriers(id), this.repo.tours(id), this.repo.panoramas(id),
      this.policies.publicList(id),
    ]);
    return {
      park: summary(rows[0]), outline: outline.geometry, bbox: outline.bbox, indicators, distances,
      carriers: carriers.map(carrier),
      tours: tours.map((t) => ({ id: t.id, title: { zh: t.title_zh, en: t.title_en } })),
      panoramas,
      policies,
    };
  }

  /** One published, currently valid policy or project for its public page; 404 otherwise. */
  async policy(id: number): Promise<Policy> {
    const found = (await this.policies.publicList()).find((p) => p.id === id);
    if (!found) throw new NotFoundError('policy', id);
    return found;
  }

  /** Geometry of a park and its available carriers, for the rendered cover. */
  async coverShapes(id: number): Promise<{ outline: Geometry; bbox: [number, number, number, number]; carriers: { kind: string; geometry: Geometry }[] }> {
    const outline = await this.repo.outline(id);
    if (!outline) throw new NotFoundError('park', id);
    const carriers = await this.repo.carriers(id);
    return { outline: outline.geometry, bbox: outline.bbox, carriers: carriers.map((c) => ({ kind: c.kind, geometry: c.geometry })) };
  }
}
