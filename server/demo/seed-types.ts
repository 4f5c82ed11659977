/**
 * Shapes of the generated demo data, one per table. Field names are the table's column names
 * (see core/db/migrations/001_init.sql); geometries are GeoJSON in EPSG:4326 (WGS84).
 */
import type { MultiPolygon, Point } from 'geojson';

/** A county-level unit (or the city) for `admin_areas`. */
export interface AdminAreaSeed {
  adcode: string;
  name_zh: string;
  name_en: string;
  level: 'city' | 'county';
  parent_adcode: string | null;
  source: string;
  geom: MultiPolygon;
}

/** An industrial park for `parks`. `code` is unique and referenced by carriers. */
export interface ParkSeed {
  code: string;
  name_zh: string;
  name_en: string;
  /** What people call it (高新区 / Hi-tech Zone) and other names, for the site finder. */
  short_name_zh: string | null;
  short_name_en: string | null;
  aliases: string[];
  county_adcode: string;
  park_level: 'national' | 'provincial' | 'city' | 'county';
  leading_industries: string[];
  intro_zh: string;
  intro_en: string;
  established_year: number;
  contact_name: string;
  contact_phone: string;
  review_state: 'draft' | 'verified' | 'published';
  geom: MultiPolygon;
}

/** A land parcel, standard factory or office building for `carriers`. */
export interface CarrierSeed {
  code: string;
  kind: 'land' | 'factory' | 'office';
  name: string;
  /** Code of the park the carrier lies in. */
  park_code: string;
  county_adcode: string;
  status: 'available' | 'reserved' | 'occupied';
  review_state: 'draft' | 'verified' | 'published';
  land_use: string | null;
  allowed_industries: string[];
  price: number | null;
  price_unit: string | null;
  floors: number | null;
  floor_area_m2: number | null;
  floor_load_kn_m2: number | null;
  clear_height_m: number | null;
  building_height_m: number | null;
  plot_ratio_min: number | null;
  plot_ratio_max: number | null;
  building_coefficient_pct: number | null;
  investment_intensity_wan_per_mu: number | null;
  output_per_mu_wan: number | null;
  tax_per_mu_wan: number | null;
  power_kva: number | null;
  water_t_per_day: number | null;
  gas: boolean | null;
  ownership: string | null;
  contact_name: string | null;
  contact_phone: string | null;
  /** ISO date, e.g. "2027-03-01". */
  available_from: string | null;
  description: string | null;
  /** English name and description; null for a few carriers, so the English UI's marked fallback shows. */
  name_en: string | null;
  description_en: string | null;
  geom: MultiPolygon;
}

/** A point of interest for `amenities`. */
export interface AmenitySeed {
  code: string;
  kind: string;
  name: string;
  county_adcode: string | null;
  address: string | null;
  review_state: 'draft' | 'verified' | 'published';
  geom: Point;
}

/** Everything the demo loader inserts. */
export interface DemoData {
  adminAreas: AdminAreaSeed[];
  parks: ParkSeed[];
  carriers: CarrierSeed[];
  amenities: AmenitySeed[];
}
